package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestContentTestCommand: the default bundle's conversation tests pass; a
// failing expectation is reported at its file and line, exit status 1.
func TestContentTestCommand(t *testing.T) {
	code, out, stderr := runCmd(t, "", "content", "test", "--data-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("content test: %d %s", code, stderr)
	}
	var rep struct{ Scenarios int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Scenarios < 150 {
		t.Fatalf("report %q: %v", out, err)
	}

	dir := writeDefaultContent(t)
	bad := "name: wrong expectation\nlocale: en\nturns:\n  - say: \"how do i deposit\"\n    expect:\n      intent: withdrawal\n"
	if err := os.WriteFile(filepath.Join(dir, "tests", "zz_wrong.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCmd(t, "", "content", "test", "--data-dir", t.TempDir(), dir)
	if code != 1 || !strings.Contains(stderr, "tests/zz_wrong.yaml:6: intent: want withdrawal, got deposit") || !strings.Contains(out, `"failures"`) {
		t.Fatalf("failing test: %d\n%s\n%s", code, out, stderr)
	}
	// A broken scenario is a validation problem with its line.
	if err := os.WriteFile(filepath.Join(dir, "tests", "zz_wrong.yaml"), []byte("turns:\n  - sya: hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, "", "content", "validate", dir); code != 1 || !strings.Contains(out, `zz_wrong.yaml:2: unknown key "sya" in turn`) {
		t.Fatalf("validate broken test: %d %q", code, out)
	}
}

// TestKBEvalCommand scores retrieval as players get it.
func TestKBEvalCommand(t *testing.T) {
	set := filepath.Join(t.TempDir(), "q.jsonl")
	lines := `{"text": "how do i reset my password", "locale": "en", "article": "password-reset"}
{"text": "kak vyvesti dengi na kartu", "locale": "ru", "article": ["withdrawal-how-to", "withdrawal-times"]}
{"text": "what is the weather in paris", "locale": "en", "article": "licence-and-regulation"}
`
	if err := os.WriteFile(set, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "", "kb", "eval", "--test", set)
	if code != 0 {
		t.Fatalf("kb eval: %d %s", code, stderr)
	}
	var rep struct {
		Cases     int     `json:"cases"`
		RecallAt1 float64 `json:"recall_at_1"`
		MRR       float64 `json:"mrr_at_10"`
		Misses    []struct {
			Text string `json:"text"`
		} `json:"misses"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Cases != 3 || rep.RecallAt1 < 0.66 || rep.RecallAt1 > 0.67 || len(rep.Misses) != 1 || rep.Misses[0].Text != "what is the weather in paris" {
		t.Fatalf("report: %s", out)
	}
	if code, _, stderr := runCmd(t, "", "kb", "eval", "--test", filepath.Join(t.TempDir(), "missing.jsonl")); code == 0 || stderr == "" {
		t.Fatal("missing test set accepted")
	}
}
