package console

import (
	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/editor"
)

// JSON shapes of the editor's Try it (API.md, "Try it").

type trySessionJSON struct {
	ID     string        `json:"id"`
	Locale string        `json:"locale"`
	Turns  []tryTurnJSON `json:"turns"`
}

type tryTurnJSON struct {
	N       int          `json:"n"` // 1-based
	Say     string       `json:"say,omitempty"`
	Press   string       `json:"press,omitempty"`
	Silent  bool         `json:"silent"`
	Replies []replyJSON  `json:"replies"`
	Handoff *handoffJSON `json:"handoff"`
	Trace   tryTraceJSON `json:"trace"`
}

type replyJSON struct {
	Text     string            `json:"text"`
	Buttons  []chat.Button     `json:"buttons"`
	Articles []chat.ArticleRef `json:"articles"`
}

type handoffJSON struct {
	Skill    string `json:"skill"`
	Priority string `json:"priority"` // after the draft's priority rules
	Reason   string `json:"reason"`
}

type tryTraceJSON struct {
	Version    string       `json:"version"` // the draft bundle's content hash
	Classified bool         `json:"classified"`
	Intent     string       `json:"intent"`
	Confidence float64      `json:"confidence"`
	OutOfScope bool         `json:"out_of_scope"`
	Ranked     []rankedJSON `json:"ranked"`
	Steps      []string     `json:"steps"`
	KBHits     []kbHitJSON  `json:"kb_hits"`
	Text       string       `json:"text,omitempty"`
	Topic      string       `json:"topic,omitempty"`
	Issue      string       `json:"issue,omitempty"`
	NoAnswer   bool         `json:"no_answer,omitempty"`
}

type rankedJSON struct {
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
}

type kbHitJSON struct {
	Article string  `json:"article"`
	Locale  string  `json:"locale"`
	Title   string  `json:"title"`
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"`
}

type classifyJSON struct {
	Text       string       `json:"text"` // as read: layout repaired, transliterated
	Intent     string       `json:"intent"`
	Confidence float64      `json:"confidence"`
	OutOfScope bool         `json:"out_of_scope"`
	Threshold  float64      `json:"threshold"`
	Ranked     []rankedJSON `json:"ranked"`
}

func toTrySessionJSON(s editor.TrySession) trySessionJSON {
	out := trySessionJSON{ID: s.ID, Locale: s.Locale, Turns: make([]tryTurnJSON, 0, len(s.Turns))}
	for _, t := range s.Turns {
		out.Turns = append(out.Turns, toTryTurnJSON(t))
	}
	return out
}

func toTryTurnJSON(t editor.TryTurn) tryTurnJSON {
	out := tryTurnJSON{N: t.N, Say: t.Say, Press: t.Press, Silent: t.Silent, Replies: make([]replyJSON, 0, len(t.Replies))}
	for _, r := range t.Replies {
		rj := replyJSON{Text: r.Text, Buttons: r.Buttons, Articles: r.Articles}
		if rj.Buttons == nil {
			rj.Buttons = []chat.Button{}
		}
		if rj.Articles == nil {
			rj.Articles = []chat.ArticleRef{}
		}
		out.Replies = append(out.Replies, rj)
	}
	if h := t.Handoff; h != nil {
		out.Handoff = &handoffJSON{Skill: h.Skill, Priority: t.Priority, Reason: h.Reason}
	}
	tr := t.Trace
	out.Trace = tryTraceJSON{Version: tr.Version, Classified: tr.Classified, Intent: tr.Intent, Confidence: tr.Confidence,
		OutOfScope: tr.OutOfScope, Ranked: toRankedJSON(tr.Ranked), Steps: tr.Steps, KBHits: make([]kbHitJSON, 0, len(tr.KBHits)),
		Text: tr.Text, Topic: tr.Topic, Issue: tr.Issue, NoAnswer: tr.NoAnswer}
	if out.Trace.Steps == nil {
		out.Trace.Steps = []string{}
	}
	for _, h := range tr.KBHits {
		out.Trace.KBHits = append(out.Trace.KBHits, kbHitJSON{Article: h.ArticleID, Locale: h.Locale, Title: h.Title, Score: h.Score, Snippet: h.Snippet})
	}
	return out
}

func toRankedJSON(ps []intents.Prediction) []rankedJSON {
	out := make([]rankedJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, rankedJSON{Intent: p.Intent, Confidence: p.Confidence})
	}
	return out
}

func toClassifyJSON(c editor.Classification) classifyJSON {
	return classifyJSON{Text: c.Text, Intent: c.Intent, Confidence: c.Confidence, OutOfScope: c.OutOfScope,
		Threshold: c.Threshold, Ranked: toRankedJSON(c.Ranked)}
}
