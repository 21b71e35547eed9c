package flows

import (
	"strings"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Keys of the system texts: what the conversation service and the desk say
// outside any flow. Each is a message under messages: in settings.yaml,
// editable like any content; a bundle without one gets the built-in text
// below, so older content keeps working.
const (
	MsgError             = "error"
	MsgCardData          = "card_data"       // a card number was masked in the player's message
	MsgOperatorJoined    = "operator_joined" // {{operator}}: the operator's name
	MsgBackToBot         = "back_to_bot"     // an operator returned the conversation to the bot
	MsgCSATPrompt        = "csat_prompt"     // the ticket is resolved: rate 1–5
	MsgCSATThanks        = "csat_thanks"     // after a rating, offering a comment
	MsgCSATAddComment    = "csat_add_comment"
	MsgCSATNoThanks      = "csat_no_thanks"
	MsgCSATCommentPrompt = "csat_comment_prompt"
	MsgCSATCommentThanks = "csat_comment_thanks"
	MsgCSATAlready       = "csat_already"
	MsgCSATDeclined      = "csat_declined"
)

var builtinTexts = map[string][2]string{ // en, ru
	MsgError: {"Sorry, something went wrong on our side. Please try again in a moment.",
		"Извините, у нас что-то пошло не так. Попробуйте ещё раз через минуту."},
	MsgCardData: {"We hid the card number in your message. Please never send card numbers, CVV codes or SMS codes in the chat: support staff never ask for them.",
		"Мы скрыли номер карты из вашего сообщения. Пожалуйста, никогда не пишите в чат номер карты, CVV-код или коды из SMS: сотрудники поддержки их никогда не спрашивают."},
	MsgOperatorJoined: {"{{operator}} from the support team has joined the conversation.",
		"К диалогу подключился специалист поддержки {{operator}}."},
	MsgBackToBot: {"You are chatting with the support assistant again. Ask me anything, or ask for a person at any time.",
		"Вы снова общаетесь с помощником поддержки. Спрашивайте, а если понадобится человек — просто скажите."},
	MsgCSATPrompt: {"Your request is resolved. How would you rate our help? (1 — poor, 5 — excellent)",
		"Ваш вопрос решён. Оцените, пожалуйста, нашу помощь (1 — плохо, 5 — отлично)."},
	MsgCSATThanks:        {"Thank you for your rating! Would you like to add a comment?", "Спасибо за оценку! Хотите добавить комментарий?"},
	MsgCSATAddComment:    {"Add a comment", "Добавить комментарий"},
	MsgCSATNoThanks:      {"No, thanks", "Нет, спасибо"},
	MsgCSATCommentPrompt: {"Please write your comment in one message.", "Напишите, пожалуйста, комментарий одним сообщением."},
	MsgCSATCommentThanks: {"Thank you — your comment goes to the support team.", "Спасибо — ваш комментарий передан команде поддержки."},
	MsgCSATAlready:       {"Your rating is already recorded — thank you!", "Ваша оценка уже учтена — спасибо!"},
	MsgCSATDeclined:      {"All right. Write any time you need help.", "Хорошо. Если понадобится помощь, пишите в любое время."},
}

// SystemTexts lists the keys of the built-in system texts.
func SystemTexts() []string {
	keys := make([]string, 0, len(builtinTexts))
	for k := range builtinTexts {
		keys = append(keys, k)
	}
	return keys
}

// SystemText returns the system text key in locale from the live bundle,
// else the built-in one, with each {{name}} replaced by vars[name].
func (e *Engine) SystemText(key, locale string, vars map[string]string) string {
	text := ""
	if rt := e.Runtime(); rt != nil {
		if _, ok := rt.Bundle.Settings.Messages[key]; ok {
			text = rt.Bundle.Settings.Message(key, locale)
		}
	}
	if text == "" {
		b := builtinTexts[key]
		text = b[0]
		if locale == chat.LocaleRU {
			text = b[1]
		}
	}
	for name, v := range vars {
		text = strings.ReplaceAll(text, "{{"+name+"}}", v)
	}
	return text
}
