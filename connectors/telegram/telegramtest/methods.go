package telegramtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

type methodFunc func(s *Server, r *http.Request, chatID int64, params map[string]string) (int, apiAnswer)

// method is the handler of a Bot API method (false: unknown).
func method(name string) (methodFunc, bool) {
	switch name {
	case "getMe":
		return (*Server).getMe, true
	case "sendMessage":
		return (*Server).sendMessage, true
	case "answerCallbackQuery":
		return (*Server).answerCallbackQuery, true
	case "sendChatAction":
		return (*Server).sendChatAction, true
	case "setWebhook":
		return (*Server).setWebhook, true
	case "deleteWebhook":
		return (*Server).deleteWebhook, true
	case "getUpdates":
		return (*Server).getUpdates, true
	}
	return nil, false
}

func badRequest(description string) (int, apiAnswer) {
	return http.StatusBadRequest, apiAnswer{Description: "Bad Request: " + description}
}

func (s *Server) getMe(*http.Request, int64, map[string]string) (int, apiAnswer) {
	id, _ := strconv.ParseInt(strings.Split(s.Token, ":")[0], 10, 64)
	return http.StatusOK, apiAnswer{Result: map[string]any{
		"id": id, "is_bot": true, "first_name": "Switchboard", "username": "switchboard_test_bot",
	}}
}

// sendMessage checks what Telegram checks — chat, text, HTML entities, the
// length of the visible text in UTF-16 units, callback_data sizes — and
// stores the message.
func (s *Server) sendMessage(_ *http.Request, chatID int64, p map[string]string) (int, apiAnswer) {
	if chatID == 0 {
		return badRequest("chat_id is empty")
	}
	text := p["text"]
	if !utf8.ValidString(text) {
		return badRequest("text must be encoded in UTF-8")
	}
	visible := text
	if strings.EqualFold(p["parse_mode"], "HTML") {
		v, err := parseHTML(text)
		if err != nil {
			return badRequest("can't parse entities: " + err.Error())
		}
		visible = v
	} else if p["parse_mode"] != "" {
		return badRequest("unsupported parse_mode in this fake: " + p["parse_mode"])
	}
	if strings.TrimSpace(visible) == "" {
		return badRequest("message text is empty")
	}
	if UTF16Len(visible) > 4096 {
		return badRequest("message is too long")
	}
	var keyboard [][]Key
	if rm := p["reply_markup"]; rm != "" {
		var markup struct {
			InlineKeyboard [][]Key `json:"inline_keyboard"`
		}
		if err := json.Unmarshal([]byte(rm), &markup); err != nil {
			return badRequest("can't parse reply keyboard markup JSON object")
		}
		for _, row := range markup.InlineKeyboard {
			for _, k := range row {
				if k.Data == "" || len(k.Data) > 64 {
					return badRequest("BUTTON_DATA_INVALID")
				}
			}
		}
		keyboard = markup.InlineKeyboard
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsgID[chatID]++
	m := Message{
		ID: s.nextMsgID[chatID], ChatID: chatID, Text: text, ParseMode: p["parse_mode"],
		ReplyMarkup: p["reply_markup"], Keyboard: keyboard, Time: s.now(),
	}
	s.messages = append(s.messages, m)
	s.notify()
	return http.StatusOK, apiAnswer{Result: map[string]any{
		"message_id": m.ID, "date": m.Time.Unix(), "text": visible,
		"chat": map[string]any{"id": chatID, "type": "private"},
	}}
}

func (s *Server) answerCallbackQuery(_ *http.Request, _ int64, p map[string]string) (int, apiAnswer) {
	id := p["callback_query_id"]
	if id == "" {
		return badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answered[id] = p["text"]
	s.notify()
	return http.StatusOK, apiAnswer{Result: true}
}

func (s *Server) sendChatAction(_ *http.Request, chatID int64, p map[string]string) (int, apiAnswer) {
	if chatID == 0 {
		return badRequest("chat_id is empty")
	}
	if p["action"] == "" {
		return badRequest("action is empty")
	}
	return http.StatusOK, apiAnswer{Result: true}
}

func (s *Server) setWebhook(_ *http.Request, _ int64, p map[string]string) (int, apiAnswer) {
	if !strings.HasPrefix(p["url"], "https://") && p["url"] != "" {
		return badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = Webhook{URL: p["url"], Secret: p["secret_token"]}
	s.notify()
	return http.StatusOK, apiAnswer{Result: true, Description: "Webhook was set"}
}

func (s *Server) deleteWebhook(*http.Request, int64, map[string]string) (int, apiAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = Webhook{}
	s.notify()
	return http.StatusOK, apiAnswer{Result: true, Description: "Webhook was deleted"}
}
