package flows

import (
	"slices"
	"strings"
	"time"

	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/kb"
)

// relatedConfidence is the top in-scope confidence from which a message
// the bot could not answer still counts as about our service.
const relatedConfidence = 0.35

// relatedShare is how much of a message the best article's title and tags
// must cover (kb.Index.Related) for it to be about the service; a message
// about the player's own things needs only some ("can I change the theme
// of my account page").
const relatedShare = 0.3

// personal reports whether a message is about the player's own things:
// "my", "мой", "у меня", "can I", "можно ли мне".
func personal(text string) bool {
	for _, w := range strings.Fields(answerWords(text)) {
		switch w {
		case "my", "mine", "i", "i'm", "im", "мой", "моя", "мое", "моё", "мои", "мне", "меня", "я":
			return true
		}
	}
	return false
}

// route classifies the message, reads it against the conversation's topic
// when it is a follow-up, and otherwise starts the flow for its intent, or
// the fallback flow when it is out of scope or no flow takes the intent.
func (t *turn) route() error {
	res := t.classify()
	if r, ok := t.afterCourtesy(res); ok {
		res = r
	}
	if f, ok := t.b.Flows[t.b.Settings.AckFlow]; ok && t.state.TopicFlow != "" && t.reply == "yes" && (res.OutOfScope || res.Confidence < t.b.Settings.SwitchThreshold) {
		// "ok", "понятно" after an answer: no question was asked, none
		// is answered; not small talk, not a request for a person.
		return t.begin(f, res)
	}
	if handled, err := t.followUp(res); handled || err != nil {
		return err
	}
	return t.start(res)
}

// afterCourtesy reads "спасибо, а какие игры идут?", "ok thanks, and how
// long does it take?" by the question after the courtesy: when the whole
// message reads as small talk (or nothing) but what follows the thanks
// asks something our flows or the topic answer, that is the message.
func (t *turn) afterCourtesy(res intents.Result) (intents.Result, bool) {
	rest, ok := courtesyRest(t.norm)
	if !ok || !asksDirectly(rest) {
		return res, false
	}
	// A confident reading of the whole message stands; a hesitant one ("да
	// нормально все, спасибо, а фриспины где посмотреть?") yields to a
	// more confident reading of the question after the thanks.
	hesitant := res.Confidence < t.b.Settings.SwitchThreshold
	if f, ok := t.b.FlowForIntent(res.Intent); ok && !res.OutOfScope && !f.smallTalk() && !hesitant {
		return res, false
	}
	r := t.rt.Model.Classify(rest)
	if r.OutOfScope && t.state.TopicFlow == "" && !t.aboutArticles(rest) {
		return res, false // "привет, как дела?"
	}
	if f, ok := t.b.FlowForIntent(res.Intent); ok && !res.OutOfScope && !f.smallTalk() && (r.OutOfScope || r.Confidence <= res.Confidence) {
		return res, false
	}
	if f, ok := t.b.FlowForIntent(r.Intent); ok && !r.OutOfScope && f.smallTalk() {
		return res, false
	}
	t.res, t.norm = &r, rest
	if r.Text != "" {
		t.norm = r.Text
	}
	tr := &t.out.Trace
	tr.Intent, tr.Confidence, tr.OutOfScope, tr.Ranked = r.Intent, r.Confidence, r.OutOfScope, r.Ranked
	return r, true
}

// aboutArticles reports whether text shares enough with the articles'
// titles and tags to be a question about the service ("можно поменять
// валюту счета?"), or an article found by its title or tags answers it;
// not small talk.
func (t *turn) aboutArticles(text string) bool {
	share, err := t.rt.Index.Related(t.ctx, t.locale, text)
	if err != nil || share == 0 {
		return false
	}
	if share >= relatedShare {
		return true
	}
	// "kak popast v vip? i chto voobshe dayut": an article that answers
	// the question by the minimum-score rule, found by a word of its
	// title or tags, makes it a question about the service too.
	hits, err := t.rt.Index.Search(t.ctx, kb.Query{Locale: t.locale, Text: text, Limit: 1, OwnText: true})
	return err == nil && len(hits) > 0
}

// courtesyRest returns what follows the thanks, acknowledgement or
// greeting a message opens with ("спасибо, понял. а ...", "привет, можно
// ..."), when at least two words do.
func courtesyRest(text string) (string, bool) {
	fields := strings.Fields(text)
	i := 0
	for i < len(fields) && courtesy[answerWords(fields[i])] {
		i++
	}
	if i == 0 || len(fields)-i < 2 {
		return "", false
	}
	return strings.Join(fields[i:], " "), true
}

var courtesy = set("спасибо", "спс", "благодарю", "thanks", "thank", "you", "thx", "ty", "ok", "okay", "ок", "окей",
	"понял", "поняла", "понятно", "ясно", "хорошо", "cool", "great", "отлично", "супер", "got", "it", "ага", "ну", "ладно",
	"да", "yes", "yeah", "нормально", "норм", "все", "всё", "perfect", "nice", "alright", "awesome", "помогло", "helped",
	"worked", "works", "сработало", "получилось",
	// a greeting before the question: "привет, можно поменять валюту?"
	"привет", "здравствуйте", "здрасте", "добрый", "доброе", "день", "вечер", "утро", "hi", "hello", "hey", "good", "morning", "evening", "afternoon")

// start begins the flow for a classified message.
func (t *turn) start(res intents.Result) error {
	f, ok := t.b.FlowForIntent(res.Intent)
	if res.OutOfScope || !ok || f.smallTalk() && res.Confidence < t.b.Settings.SwitchThreshold && asksDirectly(t.norm) {
		// "а скока очков надо до голда?" is not a goodbye, however
		// the classifier leans: a question it is unsure of is searched.
		f = t.b.Flows[t.b.Settings.FallbackFlow]
	}
	return t.begin(f, res)
}

// begin starts flow f for a classified message.
func (t *turn) begin(f *Flow, res intents.Result) error {
	prev := t.state
	t.state = State{Flow: f.Name, Intent: res.Intent, Question: t.in.Text, Locale: prev.Locale,
		Topic: prev.Topic, TopicFlow: prev.TopicFlow, Shown: prev.Shown, Section: prev.Section, Sections: prev.Sections, Offered: prev.Offered, Issue: prev.Issue,
		Waited: prev.Waited, Asked: prev.Asked}
	if res.OutOfScope {
		t.state.Intent = ""
	}
	if f.Followup != "" || f.Unresolved != "" {
		t.setTopic(f)
		if res.OutOfScope {
			// "why?? the photo was fine" after a rejected document: a
			// message no intent covers leaves the stated problem open, so
			// a person asked for next is the team for it.
			t.state.Issue, t.state.Waited, t.state.Stated = prev.Issue, prev.Waited, prev.Stated
		}
	}
	t.noteWaited()
	// "I already reset my password twice": the usual answer was tried.
	if f.Unresolved != "" && saysTried(t.in.Text) && !res.OutOfScope {
		if err := t.detectIssue(); err != nil {
			return err
		}
		if t.overdueIssue() {
			return nil
		}
		return t.exec(f, f.Unresolved)
	}
	return t.exec(f, f.Steps[0].ID)
}

// detectIssue finds the stated problem of the message, as a search would
// (problem articles preferred), without presenting anything.
func (t *turn) detectIssue() error {
	s := t.b.Settings
	hits, err := t.rt.Index.Search(t.ctx, kb.Query{Locale: t.locale, Text: t.norm, Intent: t.state.Intent,
		Limit: 1, IntentMinScore: s.KBIntentMinScore, Prefer: s.Problems.Prefer(t.locale, t.norm)})
	if err != nil || len(hits) == 0 {
		return err
	}
	t.out.Trace.KBHits = append(t.out.Trace.KBHits, hits...)
	if iss, ok := s.Problems.ByArticle(hits[0].ArticleID); ok {
		t.stateIssue(iss.Name)
	}
	return nil
}

// setTopic makes f, with the state's intent, the conversation's topic; a
// new topic forgets the old one's problem and wait, and keeps only the
// article shown last excluded.
func (t *turn) setTopic(f *Flow) {
	if t.state.Intent != t.state.Topic || f.Name != t.state.TopicFlow {
		t.leaveTopic()
	}
	t.state.Topic, t.state.TopicFlow = t.state.Intent, f.Name
}

// leaveTopic forgets what belonged to the topic the conversation leaves:
// its problem, waits, offers and follow-ups; the article just shown stays
// (a follow-up may still be about it).
func (t *turn) leaveTopic() {
	t.state.Shown, t.state.Offered, t.state.Issue, t.state.Waited, t.state.Stated, t.state.Asked = lastOnly(t.state.Shown), nil, "", 0, "", ""
}

// adoptTopic makes intent what the conversation is about without running
// its flow (an answer the search found, a request for a person about it).
func (t *turn) adoptTopic(intent string) {
	if intent != t.state.Topic {
		t.leaveTopic()
	}
	t.state.Intent, t.state.Topic = intent, intent
}

// followUp reads a message against the current topic. It handles "no,
// that didn't help / still nothing / I already tried" (the topic flow's
// unresolved step), a stated wait beyond the problem's time limit (an
// apology and a handoff), and an elliptical or low-confidence question
// ("and the fees?", "а сколько это займет?"), answered from the topic's
// articles. A confident new intent switches topic instead.
func (t *turn) followUp(res intents.Result) (_ bool, err error) {
	f, ok := t.b.Flows[t.state.TopicFlow]
	if !ok || f.Followup == "" && f.Unresolved == "" {
		return false, nil
	}
	other, hasFlow := t.b.FlowForIntent(res.Intent)
	switching := !res.OutOfScope && res.Confidence >= t.b.Settings.SwitchThreshold && hasFlow && other != f
	// "а вывести деньги во время паузы смогу?" after the time-out answer:
	// a message that refers back stays on the topic when the topic's
	// articles answer it at least as well as the new intent's.
	held := false
	if switching && other.handsOver() {
		// "can someone check it": a request for a person, whatever "it"
		// points back to; the handoff flow picks the topic's team.
		return false, nil
	}
	if switching && other.smallTalk() && asksDirectly(t.norm) {
		// "can i raise it later" is a question on the topic, not goodbye.
		held, switching = true, false
	}
	if switching && t.refersBack() {
		if held, err = t.topicAnswers(res.Intent); err != nil {
			return true, err
		}
		switching = !held
	}
	if f.Unresolved != "" && (t.reply == "no" || t.unsolved && !switching) {
		if t.reply == "" {
			// "still nothing, and the SMS code doesn't come either": a
			// statement with more in it than "no" may name another problem
			// of the topic.
			if done, err := t.newOnTopic(); done || err != nil {
				return true, err
			}
		}
		t.resume(f)
		if t.overdueIssue() {
			return true, nil
		}
		return true, t.exec(f, f.Unresolved)
	}
	// "its been 4 days": a short statement of the wait belongs to the
	// topic's problem, whatever the classifier makes of it; on a topic
	// where no problem was stated yet ("how long does verification take?"
	// → "uzhe 3 dnya zhdu"), to the topic's problem that has a time limit.
	_, waited := parseWaited(t.norm)
	if waited && t.state.Issue == "" {
		if iss, ok := t.timedIssue(); ok {
			t.stateIssue(iss.Name)
		}
	}
	// "the deposit went through 2 hours ago" on a missing bonus: a wait
	// that states no problem of its own is the topic's problem's.
	topicWait := waited && t.state.Issue != "" && (len(strings.Fields(t.in.Text)) <= 6 || !t.b.Settings.Problems.Cued(t.locale, t.norm))
	if switching && !topicWait {
		return false, nil
	}
	if waited && t.state.Issue != "" {
		t.resume(f)
		if t.overdueIssue() {
			return true, nil
		}
		if f.Unresolved != "" && !t.withinLimit() {
			return true, t.exec(f, f.Unresolved)
		}
	}
	if f.Followup == "" || !held && !res.OutOfScope && res.Confidence >= t.b.Settings.SwitchThreshold && other != f {
		return false, nil
	}
	if res.OutOfScope && !t.aboutService() {
		return false, nil // small talk ("lol what's the weather like there") is not about the topic
	}
	if !held {
		if away, err := t.answeredElsewhere(); away || err != nil {
			return false, err // "cool and do you have an app for iphone": a new question
		}
	}
	if t.refersBack() && asksQuestion(t.norm) && len(t.state.Shown) > 0 {
		// "а если передумаю, раньше снять получится?": a question on
		// the topic is about the service, found or not (no small talk).
		t.related = true
	}
	st, _ := f.Step(f.Followup)
	t.resume(f)
	t.trace(f, st)
	found, done, err := t.searchAnswer(st, t.state.Question)
	if err != nil || done {
		return true, err
	}
	if !found {
		return false, nil // nothing more on the topic: a new question
	}
	t.state.Asked = t.norm
	return true, t.exec(f, t.afterAnswer(f, st))
}

// overdueNo handles a "no" to the bot's question that states how long the
// player has waited: the problem is the one the conversation stated, or
// the one the message states ("stuck pending for a week"), or the topic's
// timed one; past its time the conversation goes to a person at once.
func (t *turn) overdueNo() (bool, error) {
	if _, waited := parseWaited(t.in.Text); !waited {
		return false, nil
	}
	t.classify()
	t.noteWaited()
	if t.state.Issue == "" && t.b.Settings.Problems.Stated(t.locale, t.norm) {
		if err := t.detectIssue(); err != nil {
			return false, err
		}
		if iss, _ := t.b.Settings.Problems.ByName(t.state.Issue); iss.OverdueAfter <= 0 && len(iss.OverdueWhen) == 0 {
			t.state.Issue = "" // a wait is about something late, not rejected
		}
	}
	if t.state.Issue == "" {
		if iss, ok := t.timedIssue(); ok {
			t.stateIssue(iss.Name)
		}
	}
	return t.overdueIssue(), nil
}

// timedIssue returns the one stated problem with a time limit that is
// about the topic: its articles are first of all about the topic's intent
// (verification → documents under review, withdrawal → pending).
func (t *turn) timedIssue() (Issue, bool) {
	var found []Issue
	for _, iss := range t.b.Settings.Problems.List {
		if iss.OverdueAfter <= 0 && len(iss.OverdueWhen) == 0 {
			continue
		}
		for _, id := range iss.Articles {
			if a, ok := t.rt.Index.Article(t.locale, id); ok && len(a.Intents) > 0 && a.Intents[0] == t.state.Topic {
				found = append(found, iss)
				break
			}
		}
	}
	if len(found) != 1 {
		return Issue{}, false
	}
	return found[0], true
}

// newOnTopic answers a negative statement on the topic ("а смс с кодом не
// приходит" after the registration how-to) from an article of the topic
// not shown yet, when one answers it by the search's own minimum-score rule
// (not the intent-scoped bar: a bare "no" or "в спаме тоже нет" must not
// find something loosely related). done reports that it answered; the
// state is untouched when it did not.
func (t *turn) newOnTopic() (done bool, err error) {
	f, ok := t.b.Flows[t.state.TopicFlow]
	if !ok || f.Followup == "" || t.reply != "" {
		return false, nil
	}
	st, ok := f.Step(f.Followup)
	if !ok || len(st.Articles) > 0 {
		return false, nil
	}
	if n := len(t.state.Shown); n > 0 && t.rt.Index.Names(t.locale, t.state.Shown[n-1], t.norm) {
		// "но я у вас не регистрировался" after the e-mail-in-use answer:
		// only words of the article just shown, so no other problem of the
		// topic is named.
		return false, nil
	}
	saved, savedOut := t.state.clone(), len(t.out.Trace.Steps)
	t.resume(f)
	t.strict = true
	found, done, err := t.searchAnswer(st, "")
	t.strict = false
	if err != nil || done {
		return true, err
	}
	if !found {
		t.state, t.out.Trace.Steps = saved, t.out.Trace.Steps[:savedOut]
		return false, nil
	}
	t.trace(f, st)
	return true, t.exec(f, t.afterAnswer(f, st))
}

// resume makes the topic flow current again for a follow-up, keeping the
// topic's question as context for the search.
func (t *turn) resume(f *Flow) {
	t.state.Flow, t.state.Step, t.state.Attempts = f.Name, "", 0
	t.state.Intent = t.state.Topic
	if t.state.Question == "" {
		t.state.Question = t.in.Text
	}
	t.noteWaited()
}

// noteWaited keeps the longest wait the player has stated on the topic.
func (t *turn) noteWaited() {
	if d, ok := parseWaited(t.norm); ok && int64(d/time.Minute) > t.state.Waited {
		t.state.Waited = int64(d / time.Minute)
	}
}

// withinLimit reports whether the player has waited less than the topic's
// problem usually takes ("часа 3 уже" on a pending withdrawal, reviewed
// within 24 hours): a follow-up on the usual times, not a failure.
func (t *turn) withinLimit() bool {
	iss, ok := t.b.Settings.Problems.ByName(t.state.Issue)
	return ok && t.state.Waited > 0 && time.Duration(t.state.Waited)*time.Minute < iss.Usual
}

// stateIssue notes the problem the message states on the topic, and the
// message as the one that stated it.
func (t *turn) stateIssue(name string) {
	t.state.Issue = name
	if t.states() || t.state.Stated == "" {
		t.state.Stated = t.in.Text
	}
}

// states reports whether the message states a problem: a cue word of a
// problem or a wait ("висит", "still not", "3 days").
func (t *turn) states() bool {
	text := t.norm
	if text == "" {
		text = t.in.Text
	}
	_, waited := parseWaited(text)
	return waited || t.b.Settings.Problems.Stated(t.locale, text)
}

// statement is the message a handoff for the topic's problem quotes: this
// one when it states the problem or the wait ("my withdrawal has been
// pending for 3 days"), else the one that stated it before, else the
// topic's question.
func (t *turn) statement() string {
	switch {
	case t.states():
		return t.in.Text
	case t.state.Stated != "":
		return t.state.Stated
	}
	return t.state.Question
}

// overdueIssue hands the conversation over at once, with an apology, when
// the player has waited longer than the topic's problem should take.
func (t *turn) overdueIssue() bool {
	iss, ok := t.b.Settings.Problems.ByName(t.state.Issue)
	waited := time.Duration(t.state.Waited) * time.Minute
	if !ok || waited <= 0 {
		return false
	}
	if limit := iss.Limit(t.state.Question + " " + t.norm); limit <= 0 || waited <= limit {
		return false
	}
	t.say(t.b.Settings.Messages["problem_overdue"], nil)
	priority := t.b.Settings.morePressing(iss.Priority, t.b.Settings.DefaultPriority)
	t.out.Handoff = &HandoffRequest{Skill: iss.Skill, Priority: priority,
		Reason: iss.Name + ", waited " + waitedWords(waited, "en") + ": " + t.statement()}
	t.say(t.b.Settings.Messages["handoff_ack"], nil)
	t.out.Trace.Steps = append(t.out.Trace.Steps, "problem/"+iss.Name+"/overdue")
	t.finish()
	return true
}

// optionMeaning picks the option meaning kind ("yes" or "no").
func optionMeaning(st *Step, kind string) (Option, bool) {
	if kind == "" {
		return Option{}, false
	}
	for _, o := range st.Options {
		if o.Means == kind {
			return o, true
		}
	}
	return Option{}, false
}

func lastOnly(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	return ids[len(ids)-1:]
}

// aboutService reports whether an out-of-scope message could still be
// about the topic: it is short ("and?", "а сколько?": four words or
// fewer), refers back ("and if I want to increase it later?", "im 19 is
// that ok": a lead "and"/"а", a pronoun, a number), or names a term of
// some article's title or tags. Other small talk on a topic ("lol whats
// the weather like there") is not searched within it. A message whose
// terms are mostly in an article of the topic is about it (the topic is
// the anchor: "where do i see the reason" is a heading of one).
func (t *turn) aboutService() bool {
	words := strings.Fields(answerWords(t.norm))
	if len(words) <= 4 || strings.ContainsAny(t.norm, "0123456789") {
		return true
	}
	if refersBack[words[0]] || t.pointsBack() {
		return true
	}
	// "where do i see the reason": a heading of a topic article.
	if hits, err := t.rt.Index.Search(t.ctx, kb.Query{Locale: t.locale, Text: t.norm, Intent: t.state.Topic, Limit: 1,
		OnlyIntent: true, IntentMinScore: kb.DefaultMinScore}); err != nil || len(hits) > 0 {
		return true
	}
	share, err := t.rt.Index.Related(t.ctx, t.locale, t.norm)
	return err != nil || share > 0
}

// refersBack lead a message that continues the conversation; anaphora
// point back at what it was about.
var (
	refersBack = set("and", "so", "but", "also", "а", "и", "но", "еще", "ещё")
	anaphora   = set("it", "that", "this", "its", "it's", "them", "they", "those", "these", "его", "её", "ее", "их",
		"это", "этого", "этом", "эту", "этот", "эти", "он", "она", "оно", "они", "него", "неё", "нее", "них")
)

// refersBack reports whether the message continues the conversation: after
// any thanks or "yes", it opens with "and"/"а" or points back with a
// pronoun ("can i take it to skrill?", "выиграл с них 300"), or is short.
func (t *turn) refersBack() bool {
	text := t.norm
	if rest, ok := courtesyRest(text); ok {
		text = rest
	}
	words := strings.Fields(answerWords(text))
	if len(words) == 0 {
		return false
	}
	return t.short() || refersBack[words[0]] || t.pointsBack()
}

// topicAnswers reports whether the topic's best article covers the message
// at least as well as the best article of intent (the search's Score: the
// share of the message's terms it contains), both by the minimum-score
// rule (a term of the title or tags: "фриспины" in passing in the
// rejected-withdrawal article does not count); on a tie the article
// classifier decides.
func (t *turn) topicAnswers(intent string) (bool, error) {
	best := func(in string) (kb.Hit, bool, error) {
		q := kb.Query{Locale: t.locale, Text: t.norm, Intent: in, Limit: 1, OnlyIntent: true, OwnText: true}
		if in == t.state.Topic && t.pointsBack() {
			// "can i still withdraw during it": "it" is the topic, so
			// the topic's article that mentions withdrawing in passing
			// counts (the intent-scoped bar).
			q.IntentMinScore = t.b.Settings.KBIntentMinScore
		}
		hits, err := t.rt.Index.Search(t.ctx, q)
		if err != nil || len(hits) == 0 {
			return kb.Hit{}, false, err
		}
		return hits[0], true, nil
	}
	on, onOK, err := best(t.state.Topic)
	if err != nil {
		return false, err
	}
	off, ok, err := best(intent)
	if err != nil || !ok {
		// Nothing of intent answers it: the topic keeps a message its
		// articles answer, and a short one that names nothing at all
		// ("сколько ещё ждать?" on a blocked account).
		return err == nil && (onOK || t.short()), err
	}
	if !onOK {
		return false, nil
	}
	aff := t.affinity(t.norm)
	if on.Score != off.Score {
		return on.Score > off.Score, nil
	}
	return aff[on.ArticleID] > aff[off.ArticleID], nil
}

// answeredElsewhere reports whether an article outside the topic answers
// the message fully by the minimum-score rule and covers more of it than
// any article of the topic: the player asked something new.
func (t *turn) answeredElsewhere() (bool, error) {
	hits, err := t.rt.Index.Search(t.ctx, kb.Query{Locale: t.locale, Text: t.norm, Limit: 1, OwnText: true})
	if err != nil || len(hits) == 0 || hits[0].Score < 1 {
		return false, err
	}
	if a, ok := t.rt.Index.Article(t.locale, hits[0].ArticleID); !ok || slices.Contains(a.Intents, t.state.Topic) {
		return false, nil
	}
	on, err := t.rt.Index.Search(t.ctx, kb.Query{Locale: t.locale, Text: t.norm, Intent: t.state.Topic, Limit: 1,
		IntentMinScore: t.b.Settings.KBIntentMinScore, OnlyIntent: true, OwnText: true})
	if err != nil {
		return false, err
	}
	if len(on) == 0 {
		return true, nil
	}
	if t.refersBack() {
		// "а на крипту было бы быстрее?": a message that continues the
		// conversation leaves the topic only for an article that covers
		// clearly more of it.
		return on[0].Score < hits[0].Score-elsewhereMargin, nil
	}
	return on[0].Score < hits[0].Score, nil
}

// elsewhereMargin is how much more of a message that refers back an
// article outside the topic must cover to take it away from the topic.
const elsewhereMargin = 0.2

// short reports whether the message is a question of four words at most
// ("сколько ещё ждать?", "and the fees?"); "ok bye" is not.
func (t *turn) short() bool {
	return len(strings.Fields(answerWords(t.norm))) <= 4 && asksQuestion(t.norm)
}

// pointsBack reports whether the message points back with a pronoun
// ("during it", "а его?").
func (t *turn) pointsBack() bool {
	for _, w := range strings.Fields(answerWords(t.norm)) {
		if anaphora[w] {
			return true
		}
	}
	return false
}
