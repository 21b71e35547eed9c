package editor_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func replyText(t editor.TryTurn) string {
	var out []string
	for _, r := range t.Replies {
		out = append(out, r.Text)
	}
	return strings.Join(out, "\n")
}

// TestTryItRunsTheDraft: an edited article shows up in the editor's try-it
// and nowhere else (not for live players, not in another editor's try-it),
// with the turn's trace.
func TestTryItRunsTheDraft(t *testing.T) {
	f := setup(t, storetest.Default(t))
	ctx := context.Background()
	body := strings.Replace(f.file(t, "kb/en/deposit-methods.md"), "The minimum deposit is €10.", "The minimum deposit is €25 (draft).", 1)
	if err := f.svc.SaveFile(ctx, f.ann, "kb/en/deposit-methods.md", []byte(body)); err != nil {
		t.Fatal(err)
	}
	ti := editor.NewTryIt(f.svc)
	t.Cleanup(ti.Close)
	s, err := ti.Start(f.ann, "en")
	if err != nil {
		t.Fatal(err)
	}
	turn, err := ti.Turn(ctx, f.ann, s.ID, editor.TryInput{Text: "how do i deposit"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(replyText(turn), "€25 (draft)") {
		t.Errorf("try-it reply %q lacks the draft's text", replyText(turn))
	}
	tr := turn.Trace
	if tr.Intent != "deposit" || tr.Confidence <= 0 || len(tr.Ranked) == 0 || len(tr.Steps) == 0 || !tr.Classified {
		t.Errorf("trace = %+v, want intent deposit with confidence, ranking and steps", tr)
	}
	if len(turn.Replies) == 0 || len(turn.Replies[0].Articles) == 0 || turn.Replies[0].Articles[0].ID != "deposit-methods" {
		t.Errorf("replies = %+v, want the deposit-methods article", turn.Replies)
	}
	out, err := f.engine.Turn(ctx, flows.Input{Player: chat.Player{ID: "p1", Locale: "en"}, Channel: chat.ChannelWebchat, Text: "how do i deposit"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Replies {
		if strings.Contains(r.Text, "(draft)") {
			t.Errorf("a live player got the draft's text: %q", r.Text)
		}
	}
	bs, err := ti.Start(f.bob, "en")
	if err != nil {
		t.Fatal(err)
	}
	other, err := ti.Turn(ctx, f.bob, bs.ID, editor.TryInput{Text: "how do i deposit"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(replyText(other), "(draft)") {
		t.Errorf("another editor's try-it got the draft's text: %q", replyText(other))
	}
	if _, err := ti.Turn(ctx, f.bob, s.ID, editor.TryInput{Text: "hi"}); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Errorf("a turn in another editor's session: %v, want ENOTFOUND", err)
	}
	// A button of the last turn is pressed by its label.
	menu, err := ti.Turn(ctx, f.ann, s.ID, editor.TryInput{Press: "Not credited"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(replyText(menu), "How much, Test Player?") {
		t.Errorf("after pressing Not credited: %q", replyText(menu))
	}
	if _, err := ti.Turn(ctx, f.ann, s.ID, editor.TryInput{Press: "No such button"}); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("pressing a missing button: %v, want EINVALID", err)
	}
}

// TestTryItRecord: a recorded transcript is a conversation test of the
// draft that passes, saved without overwriting anything.
func TestTryItRecord(t *testing.T) {
	f := setup(t, storetest.Default(t))
	ctx := context.Background()
	ti := editor.NewTryIt(f.svc)
	t.Cleanup(ti.Close)
	s, err := ti.Start(f.ann, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ti.Record(ctx, f.ann, s.ID, ""); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("recording an empty session: %v, want EINVALID", err)
	}
	for _, in := range []editor.TryInput{{Text: "How do I deposit?"}, {Press: "Not credited"}, {Text: "5000"}, {Text: "hello?"}} {
		if _, err := ti.Turn(ctx, f.ann, s.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	p, err := ti.Record(ctx, f.ann, s.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if p != "tests/tryit/how-do-i-deposit.yaml" {
		t.Errorf("path = %q", p)
	}
	files, _, err := f.svc.Files(ctx, f.ann)
	if err != nil {
		t.Fatal(err)
	}
	text := string(files[p])
	t.Logf("%s:\n%s", p, text)
	for _, want := range []string{"name: How do I deposit?", "locale: en", "intent: deposit", "article: deposit-methods",
		"press: Not credited", "handoff:", "silent: true"} {
		if !strings.Contains(text, want) {
			t.Errorf("recorded test lacks %q:\n%s", want, text)
		}
	}
	check, err := f.svc.Test(ctx, f.ann)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK || check.Tests == nil || check.Tests.Scenarios != 2 {
		t.Fatalf("the draft's tests with the recorded one: %+v %+v\n%s", check, check.Tests, text)
	}
	p2, err := ti.Record(ctx, f.ann, s.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if p2 != "tests/tryit/how-do-i-deposit-2.yaml" {
		t.Errorf("second recording at %q, want the -2 suffix", p2)
	}
}

// TestTryItDraftWithProblems: a draft that does not validate is not run;
// the problems come back with file and line.
func TestTryItDraftWithProblems(t *testing.T) {
	f := setup(t, storetest.Default(t))
	ctx := context.Background()
	if err := f.svc.SaveFile(ctx, f.ann, "flows/deposit.yaml", []byte("intents: [deposit]\nsteps: 3\n")); err != nil {
		t.Fatal(err)
	}
	ti := editor.NewTryIt(f.svc)
	t.Cleanup(ti.Close)
	s, err := ti.Start(f.ann, "en")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ti.Turn(ctx, f.ann, s.ID, editor.TryInput{Text: "how do i deposit"})
	var ve *flows.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 || ve.Problems[0].Path == "" {
		t.Fatalf("turn on a broken draft: %v, want the problems", err)
	}
	if _, err := ti.Classify(ctx, f.ann, "deposit", "en"); !errors.As(err, &ve) {
		t.Errorf("classify on a broken draft: %v, want the problems", err)
	}
	if _, err := ti.Turn(ctx, f.ann, s.ID, editor.TryInput{Text: "bad \xff"}); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("invalid UTF-8: %v, want EINVALID", err)
	}
	if _, err := ti.Turn(ctx, f.ann, s.ID, editor.TryInput{Text: strings.Repeat("a", 5000)}); chat.ErrorCode(err) != chat.ETOOLARGE {
		t.Errorf("5000 bytes: %v, want ETOOLARGE", err)
	}
}

// TestTryItClassify: a phrase is classified by the draft's model, with
// the ranking and the out-of-scope verdict.
func TestTryItClassify(t *testing.T) {
	f := setup(t, storetest.Default(t))
	ctx := context.Background()
	ti := editor.NewTryIt(f.svc)
	t.Cleanup(ti.Close)
	c, err := ti.Classify(ctx, f.ann, "how do i deposit", "en")
	if err != nil {
		t.Fatal(err)
	}
	if c.Intent != "deposit" || c.OutOfScope || len(c.Ranked) == 0 || c.Ranked[0].Intent != "deposit" || c.Threshold <= 0 {
		t.Errorf("classify = %+v, want deposit in scope", c)
	}
	c, err = ti.Classify(ctx, f.ann, "zzqx vbnm", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !c.OutOfScope {
		t.Errorf("classify gibberish = %+v, want out of scope", c)
	}
}
