package editor

import (
	"maps"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
)

// TestSemanticDiffOfTheDefaultContent: every flow, article and intents file
// of the real bundle parses for the diff (none "unparsed").
func TestSemanticDiffOfTheDefaultContent(t *testing.T) {
	a, err := flows.ReadFS(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	b := maps.Clone(a)
	var paths []string
	for p, data := range a {
		switch {
		case strings.HasPrefix(p, "flows/"), strings.HasPrefix(p, "kb/"), strings.HasPrefix(p, "intents/"):
			b[p] = append([]byte(strings.Replace(string(data), "\n", "\n\n", 1)), "\n"...)
			paths = append(paths, p)
		}
	}
	d := compare(a, b)
	if len(d.Files) != len(paths) {
		t.Fatalf("%d files differ, want %d", len(d.Files), len(paths))
	}
	for _, f := range d.Flows {
		if f.Unparsed || len(f.StepsAdded)+len(f.StepsRemoved)+len(f.StepsChanged)+len(f.FieldsChanged) != 0 {
			t.Errorf("flow %s: %+v (blank lines change nothing)", f.Path, f)
		}
	}
	for _, ar := range d.Articles {
		if ar.Unparsed || ar.Title || len(ar.FrontMatter) != 0 {
			t.Errorf("article %s: %+v", ar.Path, ar)
		}
	}
	if len(d.Intents) != 0 {
		t.Errorf("intents: %+v", d.Intents)
	}
}
