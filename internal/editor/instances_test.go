package editor_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestAnotherInstanceFollowsPublishAndRollback: an instance that did not
// publish runs the editor's version, and then the rollback, after its
// next poll (live.Content.Reload, which Watch calls), without a restart.
func TestAnotherInstanceFollowsPublishAndRollback(t *testing.T) {
	s := storetest.Default(t)
	f := setup(t, s)
	ctx := context.Background()
	other := flows.NewEngine(nil)
	t.Cleanup(other.Close)
	follower := live.New(s, other, flows.RuntimeOptions{Models: models}, nil)
	if err := follower.Start(ctx, os.DirFS("testdata/bundle")); err != nil {
		t.Fatal(err)
	}
	first := mustLive(t, s)
	p := "kb/en/withdrawal-how-to.md"
	if err := f.svc.SaveFile(ctx, f.ann, p, []byte(strings.Replace(f.file(t, p), "€20", "€30", 1))); err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.Publish(ctx, f.ann, "minimum withdrawal €30")
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := follower.Reload(ctx); err != nil || !changed || other.Runtime().Bundle.Hash != v.Hash {
		t.Fatalf("after publish: changed %v, %v", changed, err)
	}
	if _, err := f.svc.Rollback(ctx, f.bob, first.Number, "wrong minimum"); err != nil {
		t.Fatal(err)
	}
	if changed, err := follower.Reload(ctx); err != nil || !changed || other.Runtime().Bundle.Hash != first.Hash {
		t.Fatalf("after rollback: changed %v, %v", changed, err)
	}
}
