package flowtest_test

import (
	"os"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
)

// TestDevSet measures a development set of scenarios against the default
// content without the content's own tests: DEVSET=../testdata/dev3 go test
// ./flows/flowtest -run DevSet -v. Skipped when DEVSET is not set; it only
// reports (a development set is measured, not gated).
func TestDevSet(t *testing.T) {
	dir := os.Getenv("DEVSET")
	if dir == "" {
		t.Skip("DEVSET not set")
	}
	if strings.Contains(dir, "heldout") {
		t.Fatal("held-out sets are not measured here")
	}
	contentFiles, err := flows.ReadFS(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	dev, err := flows.ReadFS(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for p, b := range contentFiles {
		if !strings.HasPrefix(p, flowtest.Dir) {
			files[p] = b
		}
	}
	for p, b := range dev {
		if strings.HasSuffix(p, ".yaml") {
			files[flowtest.Dir+p] = b
		}
	}
	rep := runFiles(t, files)
	failed := map[string]bool{}
	for _, f := range rep.Failures {
		failed[f.Path] = true
		t.Logf("miss %s (replies: %q)", f, f.Replies)
	}
	t.Logf("%d scenarios (%d passed), %d/%d turns passed", rep.Scenarios, rep.Scenarios-len(failed), rep.TurnsPassed, rep.Turns)
}
