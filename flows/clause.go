package flows

import (
	"strings"

	"github.com/switchboard-support/switchboard/intents"
)

// personClause reads a message of several clauses one of which, read
// alone, asks for a person: "its about my withdrawal, can i talk to a
// person", "forget it just get me someone here, its about my withdrawal".
// The request for a person is what the player wants, whatever the
// classifier made of the whole; what another clause (or the whole) is
// confidently about becomes the topic, so the team is the topic's (a
// problem already stated keeps its team). A clause that negates ("i dont
// need an operator") asks for nobody. A clause that asks a question of its
// own keeps the whole message's reading ("i talked to an operator yesterday. where is my withdrawal").
func (t *turn) personClause(res intents.Result) (intents.Result, bool) {
	if !asksForSomeone(t.norm) {
		return res, false
	}
	clauses := strings.FieldsFunc(t.norm, func(r rune) bool { return strings.ContainsRune(",.;!?\n", r) })
	if len(clauses) < 2 {
		return res, false
	}
	var person, topic intents.Result
	for _, c := range clauses {
		c = strings.TrimSpace(c)
		if len(strings.Fields(c)) < 2 {
			continue
		}
		r := t.rt.Model.Classify(c)
		f, ok := t.b.FlowForIntent(r.Intent)
		if !ok || r.OutOfScope || r.Confidence < t.b.Settings.SwitchThreshold {
			continue
		}
		switch {
		case asksForSomeone(c) && !hasNegation(c) && f.handsOver(): // not "i dont need an operator"
			if r.Confidence > person.Confidence {
				person = r
			}
		case asksDirectly(c):
			return res, false
		case !f.handsOver() && !f.smallTalk() && r.Confidence > topic.Confidence:
			topic = r
		}
	}
	if person.Intent == "" {
		return res, false
	}
	whole, ok := t.b.FlowForIntent(res.Intent)
	ok = ok && !res.OutOfScope
	if ok && res.Confidence >= t.b.Settings.SwitchThreshold && !whole.handsOver() && !whole.smallTalk() {
		topic = res
	}
	if topic.Intent != "" && t.state.Issue == "" {
		t.adoptTopic(topic.Intent) // a problem stated on the topic keeps its team
	}
	if ok && whole.handsOver() {
		return res, false // already a request for a person; now with its topic
	}
	person.Text = res.Text
	return person, true
}

// asksForSomeone reports whether a message names a person, "someone" and
// "somebody" included ("just get me someone here").
func asksForSomeone(text string) bool {
	if mentionsPerson(text) {
		return true
	}
	for _, w := range strings.Fields(answerWords(text)) {
		if w == "someone" || w == "somebody" {
			return true
		}
	}
	return false
}
