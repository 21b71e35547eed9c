package live

import (
	"context"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
)

// TestFiles is Test with this manager's model cache (the index stays in
// memory): for trying drafts and comparing versions. Nothing is stored.
func (c *Content) TestFiles(ctx context.Context, files map[string][]byte) (flowtest.Report, error) {
	b, err := Validate(files)
	if err != nil {
		return flowtest.Report{}, err
	}
	rt, err := flows.NewRuntime(ctx, b, flows.RuntimeOptions{Intents: c.opts.Intents, Models: c.opts.Models})
	if err != nil {
		return flowtest.Report{}, err
	}
	defer rt.Close()
	return flowtest.RunRuntime(ctx, rt)
}
