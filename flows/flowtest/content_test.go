package flowtest_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
)

// TestDefaultContent runs the conversation tests of the default bundle;
// every failed expectation is reported at its file:line.
func TestDefaultContent(t *testing.T) {
	files, err := flows.ReadFS(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	rep := runFiles(t, files)
	if rep.Scenarios < 150 {
		t.Fatalf("only %d conversation tests loaded", rep.Scenarios)
	}
	for _, f := range rep.Failures {
		t.Errorf("content/%s (replies: %q)", f, f.Replies)
	}
	t.Logf("%d scenarios, %d/%d turns passed", rep.Scenarios, rep.TurnsPassed, rep.Turns)
}

// TestKnownMisses runs conversations the bot is known to get wrong
// (flows/testdata/known_misses, each with why in its name); they are kept
// out of content/tests so that they do not block publishing. A known miss
// that starts to pass belongs back in content/tests: the test says so.
func TestKnownMisses(t *testing.T) {
	contentFiles, err := flows.ReadFS(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	misses, err := flows.ReadFS(os.DirFS("../testdata/known_misses"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for p, b := range contentFiles {
		if !strings.HasPrefix(p, flowtest.Dir) {
			files[p] = b
		}
	}
	var paths []string
	for p, b := range misses {
		if strings.HasSuffix(p, ".yaml") {
			files[flowtest.Dir+p] = b
			paths = append(paths, flowtest.Dir+p)
		}
	}
	failing := map[string]bool{}
	for _, f := range runFiles(t, files).Failures {
		failing[f.Path] = true
		t.Logf("known miss %s", f)
	}
	for _, p := range paths {
		if !failing[p] {
			t.Errorf("%s passes now: move it back to content/tests", p)
		}
	}
}

// runFiles runs the conversation tests of a bundle's files.
func runFiles(t *testing.T, files map[string][]byte) flowtest.Report {
	t.Helper()
	b, err := flows.ParseBundle(files, "test")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := flows.NewRuntime(context.Background(), b, flows.RuntimeOptions{Models: testModels})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	rep, err := flowtest.RunRuntime(context.Background(), rt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// testModels shares trained models between the tests' runtimes.
var testModels = flows.NewModelCache(2)
