// Package flows runs Switchboard's conversation scripts: it parses and
// validates the content bundle (settings, intents, articles, flows) and its
// Engine computes one bot turn from a message and the conversation's state.
package flows

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/kb"
)

// Engine runs turns against the live runtime. Swap replaces the runtime
// without blocking turns: a turn in flight finishes on the runtime it
// started with.
type Engine struct {
	mu sync.RWMutex
	rt *Runtime
}

// NewEngine returns an engine serving rt (which may be nil until the first
// Swap; turns then fail with EUNAVAILABLE).
func NewEngine(rt *Runtime) *Engine { return &Engine{rt: rt} }

// Swap makes rt live and retires the previous runtime, whose index closes
// when its last turn ends.
func (e *Engine) Swap(rt *Runtime) {
	e.mu.Lock()
	old := e.rt
	e.rt = rt
	e.mu.Unlock()
	if old != nil && old != rt {
		old.retire()
	}
}

// Runtime returns the live runtime, or nil.
func (e *Engine) Runtime() *Runtime {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.rt
}

// Close retires the live runtime.
func (e *Engine) Close() { e.Swap(nil) }

func (e *Engine) acquire() *Runtime {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.rt != nil {
		e.rt.acquire()
	}
	return e.rt
}

// Input is what a turn starts from.
type Input struct {
	Player  chat.Player
	Channel chat.Channel
	Locale  string // the conversation's locale; the bundle's default when unsupported
	Text    string
	State   State
}

// Output is what a turn decided. The caller persists it.
type Output struct {
	Replies []chat.Reply
	State   State
	Handoff *HandoffRequest
	Trace   Trace
}

// Trace explains a turn, for debugging and metrics.
type Trace struct {
	Version    string               `json:"version"`
	Intent     string               `json:"intent,omitempty"`
	Confidence float64              `json:"confidence,omitempty"`
	OutOfScope bool                 `json:"out_of_scope,omitempty"`
	Ranked     []intents.Prediction `json:"ranked,omitempty"`
	Classified bool                 `json:"classified"` // the classifier ran this turn
	Steps      []string             `json:"steps"`      // flow/step, in order
	KBHits     []kb.Hit             `json:"kb_hits,omitempty"`
}

// Turn computes the bot's answer to one player message. It does not write
// anything; it fails only when no content is loaded, the context ends, the
// search index fails, or a flow loops past settings.flows.max_steps.
func (e *Engine) Turn(ctx context.Context, in Input) (Output, error) {
	rt := e.acquire()
	if rt == nil {
		return Output{}, errNoRuntime
	}
	defer rt.release()
	t := &turn{ctx: ctx, rt: rt, b: rt.Bundle, in: in, state: in.State.clone()}
	t.pickLocale(in.Text)
	t.out.Trace.Version = rt.Version()
	if err := t.run(); err != nil {
		return Output{}, err
	}
	t.out.State = t.state
	t.out.State.Version = in.State.Version
	return t.out, nil
}

type turn struct {
	ctx    context.Context
	rt     *Runtime
	b      *Bundle
	in     Input
	locale string
	state  State
	out    Output
	steps  int
}

func (t *turn) run() error {
	if t.state.Waiting() {
		f, fok := t.b.Flows[t.state.Flow]
		var st *Step
		if fok {
			st, fok = f.Step(t.state.Step)
		}
		if fok {
			return t.answer(f, st)
		}
		// The content changed under a waiting conversation: start afresh.
		t.state = State{Locale: t.state.Locale}
	}
	return t.route()
}

// route classifies the message and starts the flow for its intent, or the
// fallback flow when it is out of scope or no flow takes the intent.
func (t *turn) route() error {
	res := t.classify()
	f, ok := t.b.FlowForIntent(res.Intent)
	if res.OutOfScope || !ok {
		f = t.b.Flows[t.b.Settings.FallbackFlow]
	}
	t.state = State{Flow: f.Name, Intent: res.Intent, Question: t.in.Text, Locale: t.state.Locale}
	if res.OutOfScope {
		t.state.Intent = ""
	}
	return t.exec(f, f.Steps[0].ID)
}

// pickLocale sets the reply locale: the language the message is written in
// when that is clear and the bundle speaks it, else the one the
// conversation settled on, else the conversation's own.
func (t *turn) pickLocale(text string) {
	s := t.b.Settings
	locale := s.Locale(t.in.Locale)
	if t.state.Locale != "" {
		locale = s.Locale(t.state.Locale)
	}
	if d := detectLocale(text); d != "" && slices.Contains(s.Locales, d) {
		locale = d
	}
	t.locale, t.state.Locale = locale, locale
}

func (t *turn) classify() intents.Result {
	res := t.rt.Model.Classify(t.in.Text)
	if res.Text != "" && res.Text != t.in.Text {
		t.pickLocale(res.Text) // the keyboard layout was repaired: judge the repaired text
	}
	tr := &t.out.Trace
	tr.Classified, tr.Intent, tr.Confidence, tr.OutOfScope, tr.Ranked = true, res.Intent, res.Confidence, res.OutOfScope, res.Ranked
	return res
}

// answer handles a message that answers the waiting ask or choice step.
func (t *turn) answer(f *Flow, st *Step) error {
	t.trace(f, st)
	switch st.Kind {
	case KindAsk:
		if value, ok := validate(st, t.in.Text); ok {
			t.setSlot(st.Slot, value)
			t.state.Attempts = 0
			return t.exec(f, t.next(f, st))
		}
		if t.wantsOtherFlow(f) {
			return t.route()
		}
		t.state.Attempts++
		if t.state.Attempts >= st.MaxAttempts {
			t.state.Attempts = 0
			target := st.OnFail
			if target == "" {
				target = t.next(f, st)
			}
			return t.exec(f, target)
		}
		retry := st.Retry
		if retry.empty() {
			retry = st.Text
		}
		t.say(retry, nil)
		return nil
	case KindChoice:
		if opt, ok := matchOption(st, t.in.Text); ok {
			if st.Slot != "" {
				t.setSlot(st.Slot, opt.Value)
			}
			t.state.Attempts = 0
			target := opt.Goto
			if target == "" {
				target = t.next(f, st)
			}
			return t.exec(f, target)
		}
		// The player typed something else instead of pressing a button:
		// treat it as a new question.
		return t.route()
	}
	return t.route()
}

// wantsOtherFlow reports whether the message, though it does not answer the
// question, confidently asks for something another flow handles.
func (t *turn) wantsOtherFlow(current *Flow) bool {
	res := t.classify()
	if res.OutOfScope || res.Confidence < t.b.Settings.SwitchThreshold {
		return false
	}
	f, ok := t.b.FlowForIntent(res.Intent)
	return ok && f != current
}

// exec runs steps from id until one waits for input or the flow ends.
func (t *turn) exec(f *Flow, id string) error {
	for {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		if id == "" {
			t.finish()
			return nil
		}
		if name, ok := strings.CutPrefix(id, flowTarget); ok {
			f = t.b.Flows[name]
			t.state.Flow, t.state.Attempts = f.Name, 0
			id = f.Steps[0].ID
		}
		st, ok := f.Step(id)
		if !ok {
			return chat.Errorf(chat.EINTERNAL, "flow %s has no step %q", f.Name, id)
		}
		t.steps++
		if t.steps > t.b.Settings.MaxSteps {
			return chat.Errorf(chat.EINTERNAL, "flow %s ran more than %d steps in one turn (a goto loop?)", f.Name, t.b.Settings.MaxSteps)
		}
		t.trace(f, st)
		next, wait, err := t.step(f, st)
		if err != nil {
			return err
		}
		if wait {
			t.state.Flow, t.state.Step = f.Name, st.ID
			return nil
		}
		if next == stop {
			t.finish()
			return nil
		}
		id = next
	}
}

// stop is the step result that ends the flow.
const stop = "\x00stop"

// step runs one step and says where to go next, or that it waits.
func (t *turn) step(f *Flow, st *Step) (next string, wait bool, err error) {
	switch st.Kind {
	case KindSay:
		t.say(st.Text, nil)
		return t.next(f, st), false, nil
	case KindAsk:
		t.say(st.Text, nil)
		return "", true, nil
	case KindChoice:
		buttons := make([]chat.Button, 0, len(st.Options))
		for _, o := range st.Options {
			label := o.Label.In(t.locale, t.b.Settings.DefaultLocale())
			buttons = append(buttons, chat.Button{Label: label, Payload: o.Value})
		}
		t.say(st.Text, buttons)
		return "", true, nil
	case KindKBAnswer:
		found, err := t.kbAnswer(st)
		if err != nil {
			return "", false, err
		}
		if found {
			return orNext(st.Found, t.next(f, st)), false, nil
		}
		return orNext(st.NotFound, t.next(f, st)), false, nil
	case KindCondition:
		vars := t.vars()
		for _, br := range st.Branches {
			if br.If == nil || br.If.eval(vars) {
				return br.Goto, false, nil
			}
		}
		return f.after(st.ID), false, nil
	case KindHandoff:
		vars := t.vars()
		t.out.Handoff = &HandoffRequest{Skill: st.Skill, Priority: st.Priority, Reason: render(st.Reason, vars)}
		if t.out.Handoff.Reason == "" {
			t.out.Handoff.Reason = f.Name
		}
		ack := st.Text
		if ack.empty() {
			ack = t.b.Settings.Messages["handoff_ack"]
		}
		t.say(ack, nil)
		return stop, false, nil
	case KindGoto:
		return st.Target, false, nil
	case KindEnd:
		if !st.Text.empty() {
			t.say(st.Text, nil)
		}
		return stop, false, nil
	}
	return "", false, fmt.Errorf("flows: unknown step kind %q", st.Kind)
}

func orNext(target, next string) string {
	if target != "" {
		return target
	}
	return next
}

// next is where a step continues: its explicit next, else the step after it.
func (t *turn) next(f *Flow, st *Step) string { return orNext(st.Next, f.after(st.ID)) }

// finish ends the flow; the next message is routed afresh in the same
// language.
func (t *turn) finish() { t.state = State{Locale: t.state.Locale} }

func (t *turn) setSlot(name, value string) {
	if t.state.Slots == nil {
		t.state.Slots = map[string]string{}
	}
	t.state.Slots[name] = value
}

func (t *turn) trace(f *Flow, st *Step) {
	t.out.Trace.Steps = append(t.out.Trace.Steps, f.Name+"/"+st.ID)
}

func (t *turn) say(text Text, buttons []chat.Button) {
	s := render(text.In(t.locale, t.b.Settings.DefaultLocale()), t.vars())
	t.out.Replies = append(t.out.Replies, chat.Reply{Text: s, Buttons: buttons})
}

func (t *turn) vars() Vars {
	p := make(map[string]string, len(t.in.Player.Attributes)+2)
	for k, v := range t.in.Player.Attributes {
		p[k] = v
	}
	p["id"], p["name"] = t.in.Player.ID, t.in.Player.Name
	return Vars{Player: p, Slots: t.state.Slots, Locale: t.locale, Channel: string(t.in.Channel),
		Input: t.in.Text, Question: t.state.Question, Intent: t.state.Intent,
		Wait: waitWords(t.b.Settings.SLA[t.in.Channel].FirstResponse, t.locale)}
}
