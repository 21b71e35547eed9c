package flows

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

var ann = chat.Player{ID: "p1", Name: "Ann", Locale: "en", Attributes: map[string]string{"vip": "silver"}}

// converse runs messages through the engine, carrying state, and returns
// every turn's output.
func converse(t *testing.T, e *Engine, p chat.Player, locale string, msgs ...string) []Output {
	t.Helper()
	var st State
	var outs []Output
	for _, m := range msgs {
		out, err := e.Turn(context.Background(), Input{Player: p, Channel: chat.ChannelWebchat, Locale: locale, Text: m, State: st})
		if err != nil {
			t.Fatalf("turn %q: %v", m, err)
		}
		outs = append(outs, out)
		st = out.State
	}
	return outs
}

func texts(out Output) []string {
	var s []string
	for _, r := range out.Replies {
		s = append(s, r.Text)
	}
	return s
}

func TestDepositFlowEndToEnd(t *testing.T) {
	e := fixtureEngine(t, fixture())
	outs := converse(t, e, ann, "en", "how do i deposit", "Not credited", "lots", "1 500 €")

	first := outs[0]
	if first.Trace.Intent != "deposit" || first.State.Flow != "deposit" || first.State.Step != "menu" {
		t.Fatalf("turn 1: intent %q, state %+v", first.Trace.Intent, first.State)
	}
	if len(first.Replies) != 2 || !strings.HasPrefix(first.Replies[0].Text, "Deposit methods\n\nYou can deposit by card") ||
		first.Replies[0].Articles[0].ID != "deposit-methods" {
		t.Fatalf("turn 1 replies: %+v", first.Replies)
	}
	if b := first.Replies[1].Buttons; len(b) != 2 || b[0].Label != "Not credited" || b[0].Payload != "not_credited" {
		t.Fatalf("turn 1 buttons: %+v", b)
	}
	if got := texts(outs[1]); len(got) != 1 || got[0] != "How much, Ann?" || outs[1].State.Step != "amount" ||
		outs[1].State.Slots["topic"] != "not_credited" {
		t.Fatalf("turn 2: %q state %+v", got, outs[1].State)
	}
	if got := texts(outs[2]); len(got) != 1 || got[0] != "A number please." || outs[2].State.Attempts != 1 {
		t.Fatalf("turn 3 (bad number): %q state %+v", got, outs[2].State)
	}
	last := outs[3]
	if last.Handoff == nil || *last.Handoff != (HandoffRequest{Skill: "payments", Priority: "high", Reason: "deposit 1500 not credited"}) {
		t.Fatalf("turn 4 handoff: %+v", last.Handoff)
	}
	if got := texts(last); len(got) != 1 || got[0] != "Passing you to a person." {
		t.Fatalf("turn 4 replies: %q", got)
	}
	if last.State.Flow != "" || last.State.Waiting() {
		t.Fatalf("flow should end at a handoff, state %+v", last.State)
	}
}

func TestChoiceByNumberAndRussian(t *testing.T) {
	e := fixtureEngine(t, fixture())
	ru := chat.Player{ID: "p2", Name: "Иван", Locale: "ru"}
	outs := converse(t, e, ru, "ru", "как пополнить счёт", "2")
	if !strings.HasPrefix(outs[0].Replies[0].Text, "Способы пополнения") {
		t.Fatalf("russian article: %q", outs[0].Replies[0].Text)
	}
	if outs[0].Replies[1].Buttons[0].Label != "Не зачислено" {
		t.Fatalf("russian buttons: %+v", outs[0].Replies[1].Buttons)
	}
	if got := texts(outs[1]); len(got) != 1 || got[0] != "Пока Иван" || outs[1].State.Flow != "" {
		t.Fatalf("second turn: %q state %+v", got, outs[1].State)
	}
}

func TestAskFailsOverToAnotherFlow(t *testing.T) {
	e := fixtureEngine(t, fixture())
	outs := converse(t, e, ann, "en", "how do i deposit", "not_credited", "no idea", "still no idea")
	last := outs[3]
	if last.Handoff == nil || last.Handoff.Skill != "general" || last.Handoff.Priority != "high" {
		t.Fatalf("after max attempts: handoff %+v, want the human flow's", last.Handoff)
	}
	if want := []string{"deposit/amount", "deposit/human", "human/step1"}; strings.Join(last.Trace.Steps, " ") != strings.Join(want, " ") {
		t.Errorf("steps %v, want %v", last.Trace.Steps, want)
	}
}

func TestConditionOnPlayerAttribute(t *testing.T) {
	e := fixtureEngine(t, fixture())
	gold := chat.Player{ID: "p3", Name: "G", Locale: "en", Attributes: map[string]string{"vip": "gold"}}
	outs := converse(t, e, gold, "en", "deposit money", "not_credited", "20")
	if h := outs[2].Handoff; h == nil || h.Priority != "high" {
		t.Fatalf("gold player with a small amount: %+v, want high priority", h)
	}
	outs = converse(t, e, ann, "en", "deposit money", "not_credited", "20")
	if h := outs[2].Handoff; h == nil || h.Priority != "normal" {
		t.Fatalf("silver player with a small amount: %+v, want normal priority", h)
	}
}

func TestSwitchingFlowMidQuestion(t *testing.T) {
	e := fixtureEngine(t, fixture())
	outs := converse(t, e, ann, "en", "how do i deposit", "not_credited", "i want a real person")
	last := outs[2]
	if last.Handoff == nil || last.Trace.Intent != "human" {
		t.Fatalf("asking for a person mid-question: intent %q handoff %+v", last.Trace.Intent, last.Handoff)
	}
}

func TestOutOfScopeFallsBack(t *testing.T) {
	e := fixtureEngine(t, fixture())
	out := converse(t, e, ann, "en", "what is the capital of peru")[0]
	if !out.Trace.OutOfScope {
		t.Errorf("classified %q %.2f, want out of scope", out.Trace.Intent, out.Trace.Confidence)
	}
	if got := texts(out); len(got) != 1 || got[0] != "I don't know." {
		t.Fatalf("fallback replies %q", got)
	}
}

func TestTypedAnswerInsteadOfButtonRoutesAfresh(t *testing.T) {
	e := fixtureEngine(t, fixture())
	outs := converse(t, e, ann, "en", "how do i deposit", "how do i withdraw")
	if outs[1].Trace.Intent != "withdrawal" || !strings.HasPrefix(outs[1].Replies[0].Text, "How to withdraw") {
		t.Fatalf("typed question at a choice: %+v", outs[1])
	}
}

func TestGotoLoopIsStopped(t *testing.T) {
	// Validation refuses loops; the engine's guard still stops one that
	// slipped through (here made after validation, in memory).
	e := fixtureEngine(t, withFile(fixture(), "flows/human.yaml", "intents: [human]\nsteps:\n  - id: a\n    goto: b\n  - id: b\n    say: hi\n"))
	f := e.Runtime().Bundle.Flows["human"]
	b, _ := f.Step("b")
	b.Next = "a"
	_, err := e.Turn(context.Background(), Input{Player: ann, Locale: "en", Text: "operator please"})
	if chat.ErrorCode(err) != chat.EINTERNAL || !strings.Contains(err.Error(), "more than 20 steps") {
		t.Fatalf("got %v, want the loop guard", err)
	}
}

func TestStateFromOldContentStartsAfresh(t *testing.T) {
	e := fixtureEngine(t, fixture())
	out, err := e.Turn(context.Background(), Input{Player: ann, Locale: "en", Text: "how do i withdraw",
		State: State{Flow: "removed_flow", Step: "gone"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Trace.Intent != "withdrawal" {
		t.Fatalf("got %+v", out.Trace)
	}
}

func TestTurnWithoutContent(t *testing.T) {
	e := NewEngine(nil)
	if _, err := e.Turn(context.Background(), Input{Text: "hi"}); chat.ErrorCode(err) != chat.EUNAVAILABLE {
		t.Fatalf("got %v, want unavailable", err)
	}
}

func TestSwapDuringTurns(t *testing.T) {
	e := fixtureEngine(t, fixture())
	b, err := ParseBundle(withFile(fixture(), "kb/en/deposit-methods.md",
		strings.Replace(string(fixture()["kb/en/deposit-methods.md"]), "title: Deposit methods", "title: Ways to deposit", 1)), "v2")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 15 {
				if _, err := e.Turn(context.Background(), Input{Player: ann, Locale: "en", Text: "how do i deposit"}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 3 {
		rt, err := NewRuntime(context.Background(), b, RuntimeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		e.Swap(rt)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("turn during swap: %v", err)
	}
	out := converse(t, e, ann, "en", "how do i deposit")[0]
	if !strings.HasPrefix(out.Replies[0].Text, "Ways to deposit") || out.Trace.Version != "v2" {
		t.Fatalf("after swap: %q version %s", out.Replies[0].Text, out.Trace.Version)
	}
}

func TestValidateAnswers(t *testing.T) {
	num := &Step{Validate: "number"}
	email := &Step{Validate: "email"}
	tests := []struct {
		step  *Step
		in    string
		want  string
		valid bool
	}{
		{num, "100", "100", true},
		{num, "1 000,50", "1000.5", true},
		{num, "€ 50", "50", true},
		{num, "50 eur", "50", true},
		{num, "1,000.5", "1000.5", true},
		{num, "1,000", "1000", true},
		{num, "10,000 eur", "10000", true},
		{num, "1.000,50", "1000.5", true},
		{num, "12.500.000", "12500000", true},
		{num, "50,5", "50.5", true},
		{num, "0.75", "0.75", true},
		{num, "its 50 eur by visa, 3 hours ago", "50", true},
		{num, "500 рублей картой вчера, 2 раза", "500", true},
		{num, "100.", "100", true},
		{num, "fifty", "", false},
		{num, "   ", "", false},
		{email, "ann@example.com", "ann@example.com", true},
		{email, "ann at example", "", false},
		{&Step{Validate: "text"}, "  hi  ", "hi", true},
	}
	for _, tt := range tests {
		got, ok := validate(tt.step, tt.in)
		if got != tt.want || ok != tt.valid {
			t.Errorf("validate(%s, %q) = %q, %v; want %q, %v", tt.step.Validate, tt.in, got, ok, tt.want, tt.valid)
		}
	}
}

func TestReplyLocaleFollowsThePlayer(t *testing.T) {
	e := fixtureEngine(t, fixture())
	// An English-site player writes Russian: Russian answer and buttons,
	// and the next short answer stays in Russian.
	outs := converse(t, e, ann, "en", "как пополнить счёт", "2")
	if !strings.HasPrefix(outs[0].Replies[0].Text, "Способы пополнения") || outs[0].Replies[1].Buttons[0].Label != "Не зачислено" {
		t.Fatalf("russian on the english site: %+v", outs[0].Replies)
	}
	if got := texts(outs[1]); len(got) != 1 || got[0] != "Пока Ann" {
		t.Fatalf("follow-up: %q", got)
	}
	tests := []struct{ text, want string }{
		{"как пополнить счет", "ru"}, {"how do I deposit", "en"}, {"ok", ""}, {"1500", ""}, {"WELCOME100", ""},
		{"привет hello", ""}, {"депозит deposit money", ""},
		{"sorry can i write in russian? деньги так и не пришли", "ru"}, {"можно по-английски? my deposit is missing", "en"},
		{"bonus? а где он", "ru"}, {"ok? да", ""},
	}
	for _, tt := range tests {
		if got := detectLocale(tt.text); got != tt.want {
			t.Errorf("detectLocale(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestWaitWords(t *testing.T) {
	tests := []struct {
		d      time.Duration
		locale string
		want   string
	}{
		{3 * time.Minute, "en", "3 minutes"}, {time.Minute, "en", "1 minute"}, {6 * time.Hour, "en", "6 hours"},
		{3 * time.Minute, "ru", "3 минуты"}, {6 * time.Hour, "ru", "6 часов"}, {21 * time.Minute, "ru", "21 минуту"},
		{11 * time.Minute, "ru", "11 минут"}, {0, "en", "3 minutes"}, {90 * time.Minute, "en", "90 minutes"},
	}
	for _, tt := range tests {
		if got := waitWords(tt.d, tt.locale); got != tt.want {
			t.Errorf("waitWords(%s, %s) = %q, want %q", tt.d, tt.locale, got, tt.want)
		}
	}
}
