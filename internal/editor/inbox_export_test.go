package editor

import "context"

// WithInboxReadHook returns ctx making the inbox actions run hook right
// after they read the draft.
func WithInboxReadHook(ctx context.Context, hook func()) context.Context {
	return context.WithValue(ctx, inboxReadHook{}, hook)
}
