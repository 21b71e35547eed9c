package telegram

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Update is one update as Telegram sent it: its update_id and the raw JSON
// to store (deduplicated by ID) and Decode later.
type Update struct {
	ID  int64
	Raw json.RawMessage
}

// ParseUpdate reads a webhook body (or one getUpdates entry): it must be a
// JSON object with a positive update_id.
func ParseUpdate(body []byte) (Update, error) {
	var head struct {
		ID *int64 `json:"update_id"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return Update{}, fmt.Errorf("telegram: update: %w", err)
	}
	if head.ID == nil || *head.ID <= 0 {
		return Update{}, errors.New("telegram: update: no update_id")
	}
	return Update{ID: *head.ID, Raw: json.RawMessage(bytes.Clone(body))}, nil
}

// SecretOK compares the X-Telegram-Bot-Api-Secret-Token header with the
// configured secret in constant time; an empty secret never matches.
func SecretOK(header, secret string) bool {
	return secret != "" && subtle.ConstantTimeCompare([]byte(header), []byte(secret)) == 1
}

// InboundKind says what an update carries.
type InboundKind int

// The kinds of Inbound.
const (
	// Other: an update Switchboard ignores (edits, channel posts, …).
	Other InboundKind = iota
	// Text: a text message (commands included: Text starts with "/").
	Text
	// Callback: a button press; answer CallbackID within a second.
	Callback
	// NonText: a message without text (photo, sticker, voice, …).
	NonText
)

// Inbound is an update in Switchboard's terms.
type Inbound struct {
	UpdateID     int64
	Kind         InboundKind
	ChatID       int64  // where replies go
	Private      bool   // a one-to-one chat with the bot (groups are refused)
	UserID       int64  // the Telegram user: the identity's external id
	Username     string // may be empty
	FirstName    string
	LanguageCode string // the user's Telegram language, e.g. "ru"
	MessageID    int    // of the message, or of the message the button was on
	Text         string // the message text (Text), the callback data (Callback)
	CallbackID   string
	Date         time.Time // when the message was sent (zero for callbacks)
}

// Decode turns a stored update into an Inbound.
func Decode(u Update) (Inbound, error) {
	var up models.Update
	if err := json.Unmarshal(u.Raw, &up); err != nil {
		return Inbound{}, fmt.Errorf("telegram: decode update %d: %w", u.ID, err)
	}
	in := Inbound{UpdateID: up.ID}
	switch {
	case up.Message != nil:
		m := up.Message
		in.ChatID, in.Private, in.MessageID = m.Chat.ID, m.Chat.Type == models.ChatTypePrivate, m.ID
		in.Date = time.Unix(int64(m.Date), 0).UTC()
		if m.From != nil {
			in.UserID, in.Username, in.FirstName, in.LanguageCode = m.From.ID, m.From.Username, m.From.FirstName, m.From.LanguageCode
		}
		in.Kind, in.Text = NonText, m.Text
		if m.Text != "" {
			in.Kind = Text
		}
	case up.CallbackQuery != nil:
		q := up.CallbackQuery
		in.Kind, in.CallbackID, in.Text = Callback, q.ID, q.Data
		in.UserID, in.Username, in.FirstName, in.LanguageCode = q.From.ID, q.From.Username, q.From.FirstName, q.From.LanguageCode
		switch {
		case q.Message.Message != nil:
			in.ChatID, in.MessageID = q.Message.Message.Chat.ID, q.Message.Message.ID
			in.Private = q.Message.Message.Chat.Type == models.ChatTypePrivate
		case q.Message.InaccessibleMessage != nil:
			in.ChatID, in.MessageID = q.Message.InaccessibleMessage.Chat.ID, q.Message.InaccessibleMessage.MessageID
			in.Private = q.Message.InaccessibleMessage.Chat.Type == models.ChatTypePrivate
		}
	}
	return in, nil
}

// GetUpdates long-polls for updates from offset (the last stored update_id
// + 1: calling with it confirms everything before it to Telegram, so pass
// only an offset past updates already stored), waiting up to timeout for
// one. The library has no exported getUpdates that leaves the offset to the
// caller (its poller confirms updates before they are handled), so this one
// call is made directly, with the library's types and error values.
func (c *Client) GetUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]Update, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+c.opt.SendTimeout)
	defer cancel()
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(timeout / time.Second),
		"allowed_updates": []string{"message", "callback_query"},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.opt.APIURL+"/bot"+c.opt.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, c.wrap("getUpdates", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.opt.HTTPClient.Do(req)
	if err != nil {
		return nil, c.wrap("getUpdates", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, c.wrap("getUpdates", err)
	}
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, c.wrap("getUpdates", fmt.Errorf("decode response (HTTP %d): %w", resp.StatusCode, err))
	}
	if !r.OK {
		return nil, c.wrap("getUpdates", apiFailure(r.ErrorCode, r.Description, r.Parameters.RetryAfter))
	}
	updates := make([]Update, 0, len(r.Result))
	for _, raw := range r.Result {
		u, err := ParseUpdate(raw)
		if err != nil {
			return nil, c.wrap("getUpdates", err)
		}
		updates = append(updates, u)
	}
	return updates, nil
}

// apiFailure is the library's error for an {"ok":false} answer.
func apiFailure(code int, description string, retryAfter int) error {
	switch code {
	case http.StatusTooManyRequests:
		return &bot.TooManyRequestsError{Message: fmt.Sprintf("%s, %s", bot.ErrorTooManyRequests, description), RetryAfter: retryAfter}
	case http.StatusForbidden:
		return fmt.Errorf("%w, %s", bot.ErrorForbidden, description)
	case http.StatusBadRequest:
		return fmt.Errorf("%w, %s", bot.ErrorBadRequest, description)
	case http.StatusUnauthorized:
		return fmt.Errorf("%w, %s", bot.ErrorUnauthorized, description)
	case http.StatusNotFound:
		return fmt.Errorf("%w, %s", bot.ErrorNotFound, description)
	case http.StatusConflict:
		return fmt.Errorf("%w, %s", bot.ErrorConflict, description)
	}
	return fmt.Errorf("error response from telegram, %d %s", code, description)
}
