package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/content"
)

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), withTestDB(t, args), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// writeDefaultContent copies the built-in bundle to a directory.
func writeDefaultContent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.FS, p)
		if err != nil {
			return err
		}
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestUsage(t *testing.T) {
	if code, _, stderr := runCmd(t, ""); code != 2 || !strings.Contains(stderr, "usage") {
		t.Errorf("no args: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "", "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown: %d %q", code, stderr)
	}
	if code, _, _ := runCmd(t, "", "content", "export"); code != 2 {
		t.Errorf("export without dir: %d, want 2", code)
	}
}

func TestContentValidateReportsFileAndLine(t *testing.T) {
	dir := writeDefaultContent(t)
	if code, out, _ := runCmd(t, "", "content", "validate", dir); code != 0 || !regexp.MustCompile(`^ok: \d+ flows, \d+ articles, \d+ intent examples\n$`).MatchString(out) {
		t.Fatalf("default content: %d %q", code, out)
	}
	human := filepath.Join(dir, "flows", "human.yaml")
	if err := os.WriteFile(human, []byte("intents: [human]\nsteps:\n  - goto: nowhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "", "content", "validate", dir)
	want := filepath.Join(dir, "flows/human.yaml") + `:3: goto target "nowhere" is not a step of flow human`
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(stderr, "1 problem(s)") {
		t.Fatalf("got %d\n%s\n%s\nwant %q", code, out, stderr, want)
	}
}

func TestContentImportExportRoundTrip(t *testing.T) {
	src := writeDefaultContent(t)
	data := t.TempDir()
	// Editors' bytes survive exactly, CRLF and all.
	faq := filepath.Join(src, "kb", "en", "support-channels.md")
	b, _ := os.ReadFile(faq)
	if err := os.WriteFile(faq, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCmd(t, "", "content", "import", "--data-dir", data, "--log-format", "text", src); code != 0 ||
		!strings.Contains(out, "published version 1") {
		t.Fatalf("import: %d %q %q", code, out, stderr)
	} else if !regexp.MustCompile(`(?s)validating \d+ files\n.*training the intent model.*\nrunning \d+ conversation tests\n.*storing and publishing\n`).MatchString(stderr) {
		t.Fatalf("import's progress (not a terminal: a line per stage): %q", stderr)
	}
	dst := filepath.Join(t.TempDir(), "out")
	if code, out, stderr := runCmd(t, "", "content", "export", "--data-dir", data, "--log-format", "text", dst); code != 0 {
		t.Fatalf("export: %d %q %q", code, out, stderr)
	}
	compareTrees(t, src, dst)
	// A broken import is refused and the live version stays.
	if err := os.WriteFile(filepath.Join(src, "flows", "thanks.yaml"), []byte("steps: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "", "content", "import", "--data-dir", data, "--log-format", "text", src); code != 1 ||
		!strings.Contains(stderr, "flows/thanks.yaml:") {
		t.Fatalf("broken import: %d %q", code, stderr)
	}
	// So is one whose conversation tests fail: publishing is gated by them.
	if err := os.WriteFile(filepath.Join(src, "flows", "thanks.yaml"), []byte("intents: [thanks]\nsteps:\n  - end: {en: \"Sure.\", ru: \"Пожалуйста.\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	failing := "turns:\n  - say: \"thanks a lot\"\n    expect:\n      contains: [\"You're welcome\"]\n"
	if err := os.WriteFile(filepath.Join(src, "tests", "zz_thanks.yaml"), []byte(failing), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "", "content", "import", "--data-dir", data, "--log-format", "text", src); code != 1 ||
		!strings.Contains(stderr, `tests/zz_thanks.yaml:4: no reply contains "You're welcome"`) {
		t.Fatalf("import with a failing conversation test: %d %q", code, stderr)
	}
	if code, out, _ := runCmd(t, "", "content", "versions", "--data-dir", data, "--log-format", "text"); code != 0 ||
		strings.Count(out, "\n") != 2 || !regexp.MustCompile(`\n1 +\* .* imported\n$`).MatchString(out) {
		t.Fatalf("versions after refused imports: %d\n%s", code, out)
	}
	// The numbers are the editor's: a second import is version 2, publishing
	// 1 again is version 3 with version 1's files, each in the audit log.
	if err := os.Remove(filepath.Join(src, "tests", "zz_thanks.yaml")); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCmd(t, "", "content", "import", "--data-dir", data, "--log-format", "text", "--note", "thanks flow", src); code != 0 ||
		!strings.Contains(out, "published version 2") {
		t.Fatalf("second import: %d %q %q", code, out, stderr)
	}
	if code, out, stderr := runCmd(t, "", "content", "publish", "--data-dir", data, "--log-format", "text", "--reason", "thanks flow was wrong", "1"); code != 0 ||
		!strings.Contains(out, "version 3 is live (the files of version 1)") {
		t.Fatalf("publish 1: %d %q %q", code, out, stderr)
	}
	code, out, _ := runCmd(t, "", "content", "versions", "--data-dir", data, "--log-format", "text")
	if code != 0 || !regexp.MustCompile(`(?s)\n3 +\* .* rollback to 1: thanks flow was wrong\n2 .* thanks flow\n1 .* imported\n$`).MatchString(out) {
		t.Fatalf("versions after a rollback: %d\n%s", code, out)
	}
	again := filepath.Join(t.TempDir(), "again")
	if code, out, stderr := runCmd(t, "", "content", "export", "--data-dir", data, "--log-format", "text", again); code != 0 ||
		!strings.Contains(out, "exported version 3") {
		t.Fatalf("export after the rollback: %d %q %q", code, out, stderr)
	}
	compareTrees(t, dst, again)
}

func compareTrees(t *testing.T, a, b string) {
	t.Helper()
	count := 0
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			t.Errorf("missing %s in export", rel)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs after round trip", rel)
		}
		count++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count < 100 {
		t.Fatalf("compared only %d files", count)
	}
}

func TestChatCommand(t *testing.T) {
	data := t.TempDir()
	code, out, stderr := runCmd(t, "how do i reset my password\n1\n", "chat", "--data-dir", data, "--debug", "--log-format", "text")
	if code != 0 {
		t.Fatalf("chat: %d %s", code, stderr)
	}
	for _, want := range []string{"intent=password_reset", "steps: password_reset/answer", "→ ", "(password-reset)",
		"[1] Yes, thanks", "Keep your new password safe"} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
	// The conversation was stored: a second session continues it.
	code, out, _ = runCmd(t, "goodbye\n", "chat", "--data-dir", data, "--log-format", "text")
	if code != 0 || !strings.Contains(out, "Goodbye, Editor!") {
		t.Fatalf("second session: %d\n%s", code, out)
	}
}

func TestIntentsEval(t *testing.T) {
	dir := t.TempDir()
	train := "" +
		`{"text": "how do i deposit", "intent": "deposit"}` + "\n" +
		`{"text": "top up my balance", "intent": "deposit"}` + "\n" +
		`{"text": "add money to account", "intent": "deposit"}` + "\n" +
		`{"text": "how do i withdraw", "intent": "withdrawal"}` + "\n" +
		`{"text": "cash out my winnings", "intent": "withdrawal"}` + "\n" +
		`{"text": "payout to card", "intent": "withdrawal"}` + "\n"
	test := `{"text": "deposit money", "intent": "deposit"}` + "\n" + `{"text": "withdraw winnings", "intent": "withdrawal"}` + "\n" +
		`{"text": "what is the weather", "intent": "oos"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte(train), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "test.jsonl"), []byte(test), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "", "intents", "eval", "--train", filepath.Join(dir, "train.jsonl"), "--test", filepath.Join(dir, "test.jsonl"))
	if code != 0 {
		t.Fatalf("eval: %d %s", code, stderr)
	}
	var report map[string]any
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"in_scope_accuracy", "oos_recall", "oos_precision", "macro_f1", "per_intent", "top_confusions",
		"train_seconds", "p50_us", "p99_us", "curve"} {
		if _, ok := report[k]; !ok {
			t.Errorf("report lacks %s", k)
		}
	}
	if got := report["in_scope_accuracy"].(float64); got != 1 {
		t.Errorf("in_scope_accuracy = %v on a trivial set, want 1", got)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"text": "x", "intent": "a"}`+"\n{nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "", "intents", "eval", "--test", bad); code != 1 || !strings.Contains(stderr, "2") {
		t.Errorf("bad jsonl: %d %q, want an error naming line 2", code, stderr)
	}
	// Without --train it trains on the content's intents.
	test = `{"text": "как вывести деньги на карту", "intent": "withdrawal"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "test.jsonl"), []byte(test), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCmd(t, "", "intents", "eval", "--test", filepath.Join(dir, "test.jsonl")); code != 0 ||
		!strings.Contains(out, `"in_scope_accuracy": 1`) {
		t.Errorf("content-trained eval: %d %s %s", code, out, stderr)
	}
}
