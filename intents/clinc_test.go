package intents

import (
	"encoding/json"
	"os"
	"testing"
)

// TestCLINC runs the CLINC150 Full protocol and checks the accuracy targets
// (timing is reported, not asserted).
func TestCLINC(t *testing.T) {
	if testing.Short() {
		t.Skip("CLINC150 full protocol skipped with -short")
	}
	if _, err := os.Stat(clincPath); err != nil {
		t.Skipf("CLINC150 not found at %s (see shared/data/clinc150/README.md): %v", clincPath, err)
	}
	r, err := CLINC(clincPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.PerIntent = nil
	b, _ := json.MarshalIndent(r, "", "  ")
	t.Logf("report:\n%s", b)
	if r.InScopeAccuracy < 0.915 {
		t.Errorf("in-scope accuracy %.4f < 0.915", r.InScopeAccuracy)
	}
	if r.OOSRecall < 0.50 {
		t.Errorf("oos recall %.4f < 0.50", r.OOSRecall)
	}
	if r.Examples != 5500 || r.OOSExamples != 1000 || r.Intents != 150 {
		t.Errorf("counts: %d examples, %d oos, %d intents; want 5500, 1000, 150", r.Examples, r.OOSExamples, r.Intents)
	}
}

func TestCLINCErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct{ name, body string }{
		{"bad.json", "{"},
		{"missing.json", `{"train": [["hi", "greet"]]}`},
	} {
		if _, err := CLINC(write(tt.name, tt.body), Options{}); err == nil {
			t.Errorf("CLINC(%s): no error", tt.name)
		}
	}
	if _, err := CLINC(dir+"/nope.json", Options{}); err == nil {
		t.Error("CLINC(missing file): no error")
	}
}
