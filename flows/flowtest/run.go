package flowtest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// Report is the outcome of running conversation tests.
type Report struct {
	Scenarios       int       `json:"scenarios"`
	ScenariosPassed int       `json:"scenarios_passed"`
	Turns           int       `json:"turns"`
	TurnsPassed     int       `json:"turns_passed"`
	Failures        []Failure `json:"failures"`
}

// Passed reports whether every expectation held.
func (r Report) Passed() bool { return len(r.Failures) == 0 }

// Failure is one expectation that did not hold, at its file and line.
type Failure struct {
	Path     string   `json:"path"`
	Line     int      `json:"line"`
	Scenario string   `json:"scenario"`
	Turn     int      `json:"turn"` // 1-based
	Message  string   `json:"message"`
	Replies  []string `json:"replies,omitempty"` // what the bot said that turn
}

// String formats the failure as "path:line: message".
func (f Failure) String() string { return fmt.Sprintf("%s:%d: %s", f.Path, f.Line, f.Message) }

// Run plays every scenario against engine, each as a fresh conversation of
// its own player, and checks every expectation. Nothing is stored. It fails
// only when a turn fails (no content loaded, the context ends).
func Run(ctx context.Context, engine *flows.Engine, scenarios []*Scenario) (Report, error) {
	rep := Report{Failures: []Failure{}}
	report := progress(ctx)
	for i, sc := range scenarios {
		report(i, len(scenarios))
		fails, err := runScenario(ctx, engine, sc)
		if err != nil {
			return rep, fmt.Errorf("flowtest: %s: %w", sc.Path, err)
		}
		rep.Scenarios++
		rep.Turns += len(sc.Turns)
		failedTurns := map[int]bool{}
		for _, f := range fails {
			failedTurns[f.Turn] = true
		}
		rep.TurnsPassed += len(sc.Turns) - len(failedTurns)
		if len(fails) == 0 {
			rep.ScenariosPassed++
		}
		rep.Failures = append(rep.Failures, fails...)
	}
	report(len(scenarios), len(scenarios))
	return rep, nil
}

// RunRuntime plays the conversation tests of rt's bundle (its tests/ files)
// against rt. The caller keeps rt (and closes it); nothing is stored.
func RunRuntime(ctx context.Context, rt *flows.Runtime) (Report, error) {
	scenarios, err := Parse(rt.Bundle.Files)
	if err != nil {
		return Report{}, err
	}
	// An engine of its own, never closed: closing it would retire rt.
	return Run(ctx, flows.NewEngine(rt), scenarios)
}

// Outcome is what the bot did with one turn, as the expectations see it.
type Outcome struct {
	Replies  []chat.Reply
	Trace    flows.Trace
	Handoff  *flows.HandoffRequest
	Priority string // the queue's priority after the bundle's priority rules
	Silent   bool   // a human holds the conversation: the bot said nothing
}

func runScenario(ctx context.Context, engine *flows.Engine, sc *Scenario) ([]Failure, error) {
	rt := engine.Runtime()
	if rt == nil {
		return nil, chat.Errorf(chat.EUNAVAILABLE, "no content loaded")
	}
	player := chat.Player{ID: "flowtest", Name: "Test Player", Locale: sc.Locale, Attributes: sc.Attributes}
	var state flows.State
	var prev []chat.Reply
	queued := false
	var fails []Failure
	for i, t := range sc.Turns {
		text := t.Say
		if t.Press != "" {
			payload, ok := buttonPayload(prev, t.Press)
			if !ok {
				fails = append(fails, Failure{Path: sc.Path, Line: t.Line, Scenario: sc.Name, Turn: i + 1,
					Message: fmt.Sprintf("no button %q on the bot's previous turn (buttons: %s)", t.Press, strings.Join(buttonLabels(prev), ", "))})
				break
			}
			text = payload
		}
		var o Outcome
		if queued {
			o.Silent = true
		} else {
			locale := sc.Locale
			if state.Locale != "" {
				locale = state.Locale
			}
			out, err := engine.Turn(ctx, flows.Input{Player: player, Channel: sc.Channel, Locale: locale, Text: text, State: state})
			if err != nil {
				return nil, err
			}
			state = out.State
			o = Outcome{Replies: out.Replies, Trace: out.Trace, Handoff: out.Handoff}
			if out.Handoff != nil {
				queued = true
				o.Priority = queuePriority(rt.Bundle.Settings.PriorityRules, out.Handoff, sc.Attributes)
			}
		}
		prev = o.Replies
		for _, msg := range Check(t.Expect, o) {
			line := t.Expect.Line
			if line == 0 {
				line = t.Line
			}
			fails = append(fails, Failure{Path: sc.Path, Line: line, Scenario: sc.Name, Turn: i + 1,
				Message: msg, Replies: replyTexts(o.Replies)})
		}
	}
	return fails, nil
}

func queuePriority(rules handoff.Rules, h *flows.HandoffRequest, attrs map[string]string) string {
	base := handoff.Priority(h.Priority)
	if base == "" {
		base = handoff.PriorityNormal
	}
	return string(rules.Apply(base, h.Skill, h.Reason, attrs))
}

// Check returns a message for every expectation of e that o does not meet.
func Check(e Expect, o Outcome) []string {
	var bad []string
	failf := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if e.Silent != o.Silent && (e.Silent || o.Silent) {
		if o.Silent {
			failf("the bot was silent (a human holds the conversation)")
		} else {
			failf("expected silence, the bot said %q", strings.Join(replyTexts(o.Replies), " | "))
		}
	}
	if len(e.Intent) > 0 {
		got := o.Trace.Intent
		if o.Trace.OutOfScope {
			got = "oos"
		}
		switch {
		case !o.Trace.Classified:
			failf("intent: want %s, the classifier did not run (the message answered the bot's question)", strings.Join(e.Intent, " or "))
		case !slices.Contains(e.Intent, got):
			failf("intent: want %s, got %s (%.2f)", strings.Join(e.Intent, " or "), got, o.Trace.Confidence)
		}
	}
	if len(e.Flow) > 0 {
		if got := lastFlow(o.Trace.Steps); !slices.Contains(e.Flow, got) {
			failf("flow: want %s, got %q", strings.Join(e.Flow, " or "), got)
		}
	}
	for _, s := range e.Steps {
		if !slices.Contains(o.Trace.Steps, s) {
			failf("step %s did not run (ran: %s)", s, strings.Join(o.Trace.Steps, ", "))
		}
	}
	shown := shownArticles(o.Replies)
	if len(e.Article) > 0 {
		first := "none"
		if len(shown) > 0 {
			first = shown[0]
		}
		if !slices.Contains(e.Article, first) {
			failf("article: want %s, got %s", strings.Join(e.Article, " or "), first)
		}
	}
	for _, a := range e.NotArticle {
		if slices.Contains(shown, a) {
			failf("article %s was shown", a)
		}
	}
	checkHandoff(e.Handoff, o, failf)
	if e.Language != "" {
		for _, r := range o.Replies {
			if got := Language(r.Text); got != "" && got != e.Language {
				failf("language: want %s, reply in %s: %q", e.Language, got, firstLine(r.Text))
			}
		}
	}
	all := strings.ToLower(strings.Join(replyTexts(o.Replies), "\n"))
	for _, s := range e.Contains {
		if !strings.Contains(all, strings.ToLower(s)) {
			failf("no reply contains %q", s)
		}
	}
	for _, s := range e.NotContains {
		if strings.Contains(all, strings.ToLower(s)) {
			failf("a reply contains %q", s)
		}
	}
	labels := buttonLabels(o.Replies)
	for _, b := range e.Buttons {
		if !slices.Contains(labels, b) {
			failf("no button %q (buttons: %s)", b, strings.Join(labels, ", "))
		}
	}
	return bad
}

func checkHandoff(want string, o Outcome, failf func(string, ...any)) {
	switch want {
	case "":
	case "none":
		if o.Handoff != nil {
			failf("handoff: want none, got %s/%s (%s)", o.Handoff.Skill, o.Priority, o.Handoff.Reason)
		}
	case "any":
		if o.Handoff == nil {
			failf("handoff: want one, got none")
		}
	default:
		skill, priority, _ := strings.Cut(want, "/")
		switch {
		case o.Handoff == nil:
			failf("handoff: want %s, got none", want)
		case skill != "" && o.Handoff.Skill != skill, priority != "" && o.Priority != priority:
			failf("handoff: want %s, got %s/%s", want, o.Handoff.Skill, o.Priority)
		}
	}
}

// Language tells the language of a reply: "ru" when most of its letters are
// Cyrillic, "en" when most are Latin, "" for text with few letters.
func Language(text string) string {
	var cyr, lat int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	switch {
	case cyr+lat < 4:
		return ""
	case cyr > lat:
		return "ru"
	}
	return "en"
}

func lastFlow(steps []string) string {
	if len(steps) == 0 {
		return ""
	}
	f, _, _ := strings.Cut(steps[len(steps)-1], "/")
	return f
}

func shownArticles(replies []chat.Reply) []string {
	var ids []string
	for _, r := range replies {
		for _, a := range r.Articles {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

func buttonPayload(replies []chat.Reply, label string) (string, bool) {
	for _, r := range replies {
		for _, b := range r.Buttons {
			if b.Label == label {
				if b.Payload == "" {
					return b.Label, true
				}
				return b.Payload, true
			}
		}
	}
	return "", false
}

func buttonLabels(replies []chat.Reply) []string {
	var out []string
	for _, r := range replies {
		for _, b := range r.Buttons {
			out = append(out, b.Label)
		}
	}
	return out
}

func replyTexts(replies []chat.Reply) []string {
	out := make([]string, 0, len(replies))
	for _, r := range replies {
		out = append(out, r.Text)
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
