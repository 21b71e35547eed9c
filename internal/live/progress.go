package live

import (
	"context"

	"github.com/switchboard-support/switchboard/flows/flowtest"
)

// Stages of a publish, in order, as a Progress callback names them.
const (
	StageValidate = "validate" // parsing and checking every file
	StageBuild    = "build"    // training the intent model, indexing the articles
	StageTests    = "tests"    // the conversation tests, done of total scenarios
	StageStore    = "store"    // storing the version and publishing it
)

// Progress is told where a publish stands: stage, and within it done of
// total (0 of 1 as a stage starts, 1 of 1 as a stage without steps ends).
type Progress func(stage string, done, total int)

type progressKey struct{}

// WithProgress returns ctx carrying fn, which Publish calls as it goes.
func WithProgress(ctx context.Context, fn Progress) context.Context {
	ctx = context.WithValue(ctx, progressKey{}, fn)
	return flowtest.WithProgress(ctx, func(done, total int) { fn(StageTests, done, total) })
}

func progressOf(ctx context.Context) Progress {
	if fn, ok := ctx.Value(progressKey{}).(Progress); ok {
		return fn
	}
	return func(string, int, int) {}
}
