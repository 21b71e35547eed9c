package flowtest

import "context"

type progressKey struct{}

// WithProgress returns ctx carrying fn, which Run calls after each
// scenario with how many of them have run and how many there are.
func WithProgress(ctx context.Context, fn func(done, total int)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

func progress(ctx context.Context) func(done, total int) {
	if fn, ok := ctx.Value(progressKey{}).(func(done, total int)); ok {
		return fn
	}
	return func(int, int) {}
}
