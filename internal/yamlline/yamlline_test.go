package yamlline

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestLinesPointAtTheBrokenLine feeds real yaml.v3 errors through Split.
func TestLinesPointAtTheBrokenLine(t *testing.T) {
	tests := []struct {
		doc  string
		line int
	}{
		{"a: 1\nb: [1, 2\nc: 3\n", 2},             // parser error: unclosed flow sequence
		{"a:\n  - x\n  - [oops\n", 3},             // parser error at the end of input
		{"a: 1\n b: 2\n", 2},                      // parser error: bad indentation
		{"a: \"unclosed\nb: 2\n", 3},              // scanner error: unterminated string
		{"a: 1\n\tb: 2\n", 2},                     // scanner error: tab indentation
		{"steps:\n  - handoff: {}\n bad: 1\n", 3}, // parser error: did not find expected key
	}
	for _, tt := range tests {
		var v any
		err := yaml.Unmarshal([]byte(tt.doc), &v)
		if err == nil {
			t.Fatalf("%q parsed", tt.doc)
		}
		line, msg := Split(err.Error())
		if line != tt.line || msg == "" {
			t.Errorf("%q: %v → line %d (%q), want %d", tt.doc, err, line, msg, tt.line)
		}
	}
	if line, msg := Split("yaml: unmarshal errors"); line != 0 || msg != "unmarshal errors" {
		t.Errorf("no line: %d %q", line, msg)
	}
}
