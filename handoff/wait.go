package handoff

import (
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Wait is what the queue really looks like for one ticket: what the
// player is told when the conversation is handed off and when the first
// answer is late.
type Wait struct {
	Assigned  bool // an operator already has the conversation
	Position  int  // 1-based place among the queued tickets of its skill (0 when assigned)
	Available int  // operators online, connected and serving the skill now
	// RecentFirstResponse is the average wait for a first answer of the
	// skill's tickets answered lately; 0 when there were none.
	RecentFirstResponse time.Duration
}

// Keys of the wait texts under messages: in settings.yaml; each may use
// {{position}}, {{available}} and {{recent}} (the recent first-answer time
// in words). Missing keys fall back to DefaultWaitText.
const (
	WaitFirst  = "wait_first"  // first in the queue, and someone can take it
	WaitQueue  = "wait_queue"  // behind others, and someone can take it
	WaitNobody = "wait_nobody" // nobody who can take it is available
	WaitRecent = "wait_recent" // appended when a recent first-answer time is known
	LateQueue  = "late_queue"  // the first answer is late; queued, someone available
	LateNobody = "late_nobody" // the first answer is late; nobody available
	LateHeld   = "late_held"   // the first answer is late; an operator has it
)

// defaultWaitTexts are the built-in wait texts, by key and locale.
var defaultWaitTexts = map[string]map[string]string{
	WaitFirst: {
		chat.LocaleEN: "You are first in the queue, and a specialist who handles this is available now.",
		chat.LocaleRU: "Вы первый в очереди, и специалист по этому вопросу сейчас на связи.",
	},
	WaitQueue: {
		chat.LocaleEN: "You are number {{position}} in the queue; specialists who handle this available now: {{available}}.",
		chat.LocaleRU: "Вы {{position}}-й в очереди; специалистов по этому вопросу сейчас на связи: {{available}}.",
	},
	WaitNobody: {
		chat.LocaleEN: "Nobody who handles this is available right now. Your conversation stays in the queue (you are number {{position}}), and the answer will wait for you here: you may close this page and come back later.",
		chat.LocaleRU: "Сейчас нет свободных специалистов по этому вопросу. Ваш диалог остаётся в очереди (вы {{position}}-й), а ответ будет ждать вас здесь: можно закрыть страницу и вернуться позже.",
	},
	WaitRecent: {
		chat.LocaleEN: " Lately the first answer has come in about {{recent}}.",
		chat.LocaleRU: " В последнее время первый ответ приходит примерно за {{recent}}.",
	},
	LateQueue: {
		chat.LocaleEN: "Sorry for the wait: you are number {{position}} in the queue, and specialists who handle this available now: {{available}}. The answer will come here; if you close the page, it will be waiting for you.",
		chat.LocaleRU: "Извините за ожидание: вы {{position}}-й в очереди, специалистов по этому вопросу сейчас на связи: {{available}}. Ответ придёт сюда; если вы закроете страницу, он будет ждать вас здесь.",
	},
	LateNobody: {
		chat.LocaleEN: "Sorry for the wait: nobody who handles this is available right now. Your conversation stays in the queue (number {{position}}), and the answer will wait for you here: you may close this page and come back later.",
		chat.LocaleRU: "Извините за ожидание: сейчас нет свободных специалистов по этому вопросу. Диалог остаётся в очереди (вы {{position}}-й), а ответ будет ждать вас здесь: можно закрыть страницу и вернуться позже.",
	},
	LateHeld: {
		chat.LocaleEN: "Sorry for the wait: a specialist has your conversation and will answer here. If you close the page, the answer will be waiting for you.",
		chat.LocaleRU: "Извините за ожидание: ваш диалог у специалиста, он ответит здесь. Если вы закроете страницу, ответ будет ждать вас здесь.",
	},
}

// DefaultWaitText returns the built-in text for key in locale (en for an
// unknown locale), or "" for an unknown key.
func DefaultWaitText(key, locale string) string {
	texts := defaultWaitTexts[key]
	if s, ok := texts[locale]; ok {
		return s
	}
	return texts[chat.LocaleEN]
}

// WaitNotice returns what the player is told about w when the conversation
// is handed off, in locale, with text(key) giving each wait text (use
// DefaultWaitText when the content has none). "First in the queue" is said
// only when it is true and someone can take it; when nobody can, the player
// is told plainly what happens next.
func WaitNotice(w Wait, locale string, text func(key string) string) string {
	key := WaitQueue
	switch {
	case w.Available == 0:
		key = WaitNobody
	case w.Position <= 1:
		key = WaitFirst
	}
	s := text(key)
	if w.Available > 0 && w.RecentFirstResponse > 0 {
		s += text(WaitRecent)
	}
	return renderWait(s, w, locale)
}

// LateWaitNotice returns what the player is told once when the first
// answer is late, like WaitNotice.
func LateWaitNotice(w Wait, locale string, text func(key string) string) string {
	key := LateQueue
	switch {
	case w.Assigned:
		key = LateHeld
	case w.Available == 0:
		key = LateNobody
	}
	return renderWait(text(key), w, locale)
}

func renderWait(s string, w Wait, locale string) string {
	recent := durationEN(w.RecentFirstResponse)
	if locale == chat.LocaleRU {
		recent = durationRU(w.RecentFirstResponse)
	}
	return strings.NewReplacer("{{position}}", strconv.Itoa(max(w.Position, 1)),
		"{{available}}", strconv.Itoa(w.Available), "{{recent}}", recent).Replace(s)
}
