// Package flows runs Switchboard's conversation scripts: it parses and
// validates the content bundle (settings, intents, articles, flows) and its
// Engine computes one bot turn from a message and the conversation's state.
package flows

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

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
	Text       string               `json:"text,omitempty"`      // the message as read: layout repaired, transliterated
	Topic      string               `json:"topic,omitempty"`     // the flow that holds the conversation's topic after the turn
	Issue      string               `json:"issue,omitempty"`     // the stated problem on the topic
	NoAnswer   bool                 `json:"no_answer,omitempty"` // a kb_answer step found nothing to present
	Feedback   *Feedback            `json:"feedback,omitempty"`  // the player said whether an article helped
}

// Feedback is a player's yes or no to a "did this help?" question asked
// right after an article.
type Feedback struct {
	Article string `json:"article"`
	Helpful bool   `json:"helpful"`
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
	if c, ok := corrected(in.Text, cmp.Or(t.state.Asked, t.state.Question)); ok {
		t.in.Text = c // "sorry i meant withdrawal not deposit": the last question, corrected
	}
	var reading string
	t.reply, reading = answerReading(t.in.Text)
	t.unsolved = saysNotSolved(t.in.Text, t.reply)
	t.pickLocale(reading) // a yes or no typed on the wrong layout is in the language it was meant in
	t.out.Trace.Version = rt.Version()
	if err := t.run(); err != nil {
		return Output{}, err
	}
	t.out.State = t.state
	t.out.State.Version = in.State.Version
	t.out.Trace.Topic, t.out.Trace.Issue = t.state.TopicFlow, t.state.Issue
	if t.norm != in.Text {
		t.out.Trace.Text = t.norm
	}
	return t.out, nil
}

type turn struct {
	ctx      context.Context
	rt       *Runtime
	b        *Bundle
	in       Input
	locale   string
	state    State
	out      Output
	steps    int
	norm     string          // the message as the classifier read it (layout repaired, transliterated)
	res      *intents.Result // the classification, once made
	reply    string          // answerKind of the message: "yes", "no" or ""
	unsolved bool            // saysNotSolved of the message
	// related is set by a kb_answer that found nothing: the message still
	// shares words with the knowledge base or leans to an intent, so it is
	// about our service (offer a person) rather than small talk.
	related bool
	// issueShown: the last kb_answer presented the article of a stated
	// problem.
	issueShown bool
	// strict: the search looks for another article of the topic by the
	// minimum-score rule only (newOnTopic).
	strict bool
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

// languageSwitched reports whether this turn's replies are in another
// language than the conversation's so far.
func (t *turn) languageSwitched() bool {
	return t.in.State.Locale != "" && t.locale != t.in.State.Locale
}

func (t *turn) classify() intents.Result {
	if t.res != nil {
		return *t.res
	}
	res := t.rt.Model.Classify(t.in.Text)
	t.res = &res
	t.norm = t.in.Text
	if res.Text != "" && res.Text != t.in.Text {
		t.norm = res.Text
		t.pickLocale(res.Text) // layout repaired or transliterated: judge the text as read
		if detectLocale(res.Text) == "" && partlyTransliterated(t.in.Text, res.Text) && slices.Contains(t.b.Settings.Locales, "ru") {
			t.locale, t.state.Locale = "ru", "ru"
		}
	}
	if r, ok := t.personClause(res); ok {
		res = r
		t.res = &res
	}
	if len(res.Ranked) > 0 && res.Ranked[0].Confidence >= relatedConfidence {
		t.related = true
	}
	// One English word the classifier understood ("hello", "withdrawal")
	// is English enough to answer in English.
	if detectLocale(t.norm) == "" && !res.OutOfScope && isLatinWord(t.norm) && slices.Contains(t.b.Settings.Locales, "en") {
		t.locale, t.state.Locale = "en", "en"
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
		opt, ok := matchOption(st, t.in.Text)
		pressed := ok
		if !ok && t.reply == "" && t.handsOverElsewhere(f) {
			// "honestly i cant stop, lost my savings" to "did this
			// help?": not a no, a player in distress.
			return t.route()
		}
		if !ok && t.reply == "" && t.repeatsRequest() {
			// "whatever, just close it" to "shall a specialist close
			// it?": the request again is the offer's yes.
			if no, found := optionMeaning(st, "no"); found {
				opt, ok = offerOnUnsolved(f, st, no)
			}
		}
		if !ok {
			kind := t.reply
			if kind == "" && t.unsolved {
				kind = "no"
			}
			opt, ok = optionMeaning(st, kind)
		}
		if !ok && hasNegation(t.in.Text) && !asksQuestion(t.in.Text) {
			// "в спаме тоже нет", "резервных кодов нет": a negative reply
			// that asks nothing new answers the question with no; one that
			// states another problem of the topic ("а смс с кодом не
			// приходит") gets its article.
			res := t.classify()
			if res.OutOfScope || res.Confidence < t.b.Settings.SwitchThreshold || res.Intent == t.state.Topic {
				// "40 minutes ago, and the round isn't in the history":
				// past the problem's time, a person before any article.
				if done, err := t.overdueNo(); done || err != nil {
					return err
				}
				if done, err := t.newOnTopic(); done || err != nil {
					return err
				}
				opt, ok = optionMeaning(st, "no")
			}
		}
		if ok && opt.Means == "no" && (saysTried(t.in.Text) || persists(t.in.Text)) {
			// "не помогло", "i still cant register" to "shall I pass you
			// to a specialist?": not a "no, thanks" that ends the
			// conversation but a wish for more help — the offer's yes.
			if yes, ok := offerOnUnsolved(f, st, opt); ok {
				opt = yes
			}
		}
		if ok {
			t.feedback(f, st, opt)
			if opt.Means == "no" && !pressed && t.noAsksWhatsWrong(f) && t.state.Issue == "" && f.Unresolved != "" &&
				asksAfterArticle(f, st.ID, false) {
				// A typed "nope" or "didn't help" to "did this answer your
				// question?" has not asked for a person yet: the flow asks
				// what is wrong or offers one.
				if next, ok := f.Step(opt.Goto); ok && next.Kind == KindHandoff {
					return t.exec(f, f.Unresolved)
				}
			}
			if opt.Means == "no" {
				// "didnt work, its stuck pending for a week": a no that
				// states a wait past the problem's time gets the apology
				// and the handoff at once, not the usual next step.
				if done, err := t.overdueNo(); done || err != nil {
					return err
				}
			}
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

// offerOnUnsolved returns the option meaning yes of a choice whose no
// ends the flow and whose yes hands over (an offer of a specialist), for
// a reply that says the problem is not solved.
func offerOnUnsolved(f *Flow, st *Step, no Option) (Option, bool) {
	target := func(o Option) *Step {
		id := o.Goto
		if id == "" {
			id = f.after(st.ID)
		}
		s, _ := f.Step(id)
		return s
	}
	if n := target(no); n == nil || n.Kind != KindEnd {
		return Option{}, false
	}
	yes, ok := optionMeaning(st, "yes")
	if y := target(yes); !ok || y == nil || y.Kind != KindHandoff {
		return Option{}, false
	}
	return yes, true
}

// noAsksWhatsWrong reports whether a typed no to "did this help?" goes to
// the flow's unresolved step (what is wrong? shall I pass you on?) rather
// than to the option's handoff: it neither states a wait (past the
// problem's time the person comes at once) nor asks for or names a person.
func (t *turn) noAsksWhatsWrong(f *Flow) bool {
	if t.reply != "no" && !t.unsolved {
		return false
	}
	t.classify() // t.norm: "uzhe 3 dnya" read as Russian
	if _, waited := parseWaited(t.norm); waited {
		return false
	}
	return !t.handsOverElsewhere(f) && !mentionsPerson(t.in.Text)
}

// repeatsRequest reports whether the message, asking nothing and
// negating nothing, is the topic's own request again (the classifier
// reads the topic's intent): "whatever, just close it", not "no wait,
// dont close it yet".
func (t *turn) repeatsRequest() bool {
	if t.state.Topic == "" || t.unsolved || asksQuestion(t.in.Text) || hasNegation(t.in.Text) {
		return false
	}
	res := t.classify()
	return !res.OutOfScope && res.Intent == t.state.Topic
}

// handsOverElsewhere reports whether the message confidently names the
// intent of another flow that only hands over (distress, a person).
func (t *turn) handsOverElsewhere(current *Flow) bool {
	res := t.classify()
	if res.OutOfScope || res.Confidence < t.b.Settings.SwitchThreshold {
		return false
	}
	f, ok := t.b.FlowForIntent(res.Intent)
	return ok && f != current && f.handsOver()
}

// wantsOtherFlow reports whether the message, though it does not answer the
// question, asks for something else: confidently another flow's intent, or
// a question the classifier places in scope.
func (t *turn) wantsOtherFlow(current *Flow) bool {
	res := t.classify()
	if res.OutOfScope {
		return false
	}
	// A question instead of the answer ("а где посмотреть историю?" when
	// asked for the amount) is a new question, confident or not.
	if res.Confidence < t.b.Settings.SwitchThreshold && !asksDirectly(t.in.Text) {
		return false
	}
	f, ok := t.b.FlowForIntent(res.Intent)
	return ok && (f != current || asksDirectly(t.in.Text))
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
			if (f.Followup != "" || f.Unresolved != "") && len(f.Intents) > 0 {
				// A menu button led here: this flow's intent is the topic now.
				t.state.Intent = f.Intents[0]
				t.setTopic(f)
			}
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
		// "50 eur by visa, 3 hours ago" to "how much?": a slot the
		// conversation already named is not asked for again.
		if opt, ok := t.alreadyNamed(st); ok {
			t.setSlot(st.Slot, opt.Value)
			return orNext(opt.Goto, t.next(f, st)), false, nil
		}
		buttons := make([]chat.Button, 0, len(st.Options))
		for _, o := range st.Options {
			label := o.Label.In(t.locale, t.b.Settings.DefaultLocale())
			buttons = append(buttons, chat.Button{Label: label, Payload: o.Value})
		}
		t.say(st.Text, buttons)
		return "", true, nil
	case KindKBAnswer:
		found, done, err := t.kbAnswer(st)
		switch {
		case err != nil:
			return "", false, err
		case done:
			return stop, false, nil
		case found:
			return t.afterAnswer(f, st), false, nil
		}
		t.out.Trace.NoAnswer = true
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
		h := &HandoffRequest{Skill: st.Skill, Priority: st.Priority, Reason: render(st.Reason, vars)}
		if h.Reason == "" {
			h.Reason = f.Name
		}
		// A stated problem goes to its team, at least as urgently as it
		// says — from its own topic's flow, not from any later handoff.
		if iss, ok := t.b.Settings.Problems.ByName(t.state.Issue); ok && f.Name == t.state.TopicFlow {
			h.Skill = iss.Skill
			h.Priority = t.b.Settings.morePressing(h.Priority, iss.Priority)
			// The reason quotes the message that stated the problem when
			// the template's {{question}} is another one ("how long does a
			// withdrawal take?" → "it's been rejected").
			if s := t.state.Stated; s != "" && !strings.Contains(h.Reason, s) {
				h.Reason += "; stated: " + s
			}
		}
		t.out.Handoff = h
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
// language, on the same topic.
func (t *turn) finish() {
	s := t.state
	t.state = State{Locale: s.Locale, Topic: s.Topic, TopicFlow: s.TopicFlow, Shown: s.Shown, Section: s.Section, Sections: s.Sections, Offered: s.Offered,
		Issue: s.Issue, Waited: s.Waited, Asked: s.Asked, Question: s.Question}
}

// alreadyNamed returns the option of a slot-filling choice that this
// turn's message names by one of the option's words ("500 рублей картой"
// answering the amount), when exactly one option is named and the slot is
// not yet set.
func (t *turn) alreadyNamed(st *Step) (Option, bool) {
	if st.Slot == "" || t.state.Slots[st.Slot] != "" {
		return Option{}, false
	}
	for _, text := range []string{t.in.Text, t.norm} {
		words := strings.Fields(answerWords(text))
		var found []Option
		for _, o := range st.Options {
			if len(o.Words) > 0 && namesOption(words, o.Words) {
				found = append(found, o)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return Option{}, false
}

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
	v := Vars{Player: p, Slots: t.state.Slots, Locale: t.locale, Channel: string(t.in.Channel),
		Input: t.in.Text, Question: t.state.Question, Intent: t.state.Intent,
		Wait:    waitWords(t.b.Settings.SLA[t.in.Channel].FirstResponse, t.locale),
		Related: strconv.FormatBool(t.related), Issue: t.state.Issue, Topic: t.state.Topic, Asks: strconv.FormatBool(asksQuestion(t.in.Text))}
	if t.state.Waited > 0 {
		v.Waited = waitedWords(time.Duration(t.state.Waited)*time.Minute, t.locale)
	}
	return v
}
