package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// updateQueue holds the updates getUpdates serves.
type updateQueue struct {
	all       map[int64]json.RawMessage
	pending   []int64 // not yet confirmed, in id order
	again     []int64 // served once more whatever the offset (duplicates)
	lastID    int64
	confirmed int64 // highest id confirmed by an offset
	callbacks int
}

// Msg describes an incoming message for PushMessage.
type Msg struct {
	ChatID       int64
	UserID       int64  // default ChatID
	ChatType     string // default "private"
	Text         string // "" with Photo: a message without text
	Photo        bool
	Username     string
	LanguageCode string
}

// PushMessage queues a message update and returns its update_id.
func (s *Server) PushMessage(m Msg) int64 {
	if m.UserID == 0 {
		m.UserID = m.ChatID
	}
	if m.ChatType == "" {
		m.ChatType = "private"
	}
	msg := map[string]any{
		"message_id": 0, "date": s.now().Unix(),
		"chat": map[string]any{"id": m.ChatID, "type": m.ChatType},
		"from": map[string]any{"id": m.UserID, "is_bot": false, "first_name": "Player", "username": m.Username, "language_code": m.LanguageCode},
	}
	if m.Text != "" {
		msg["text"] = m.Text
	}
	if m.Photo {
		msg["photo"] = []map[string]any{{"file_id": "photo", "file_unique_id": "p", "width": 1, "height": 1}}
	}
	return s.push(func(id int64) map[string]any {
		msg["message_id"] = int(id)
		return map[string]any{"message": msg}
	})
}

// PushText queues a text message from a private chat (user id = chat id).
func (s *Server) PushText(chatID int64, text string) int64 {
	return s.PushMessage(Msg{ChatID: chatID, Text: text})
}

// PushCallback queues a button press on messageID in a private chat and
// returns the update_id and the callback query id.
func (s *Server) PushCallback(chatID int64, messageID int, data string) (int64, string) {
	s.mu.Lock()
	s.updates.callbacks++
	cbID := "cb" + strconv.Itoa(s.updates.callbacks)
	s.mu.Unlock()
	id := s.push(func(int64) map[string]any {
		return map[string]any{"callback_query": map[string]any{
			"id": cbID, "chat_instance": "ci", "data": data,
			"from": map[string]any{"id": chatID, "is_bot": false, "first_name": "Player"},
			"message": map[string]any{
				"message_id": messageID, "date": s.now().Unix(), "text": "…",
				"chat": map[string]any{"id": chatID, "type": "private"},
			},
		}}
	})
	return id, cbID
}

// PushRaw queues an update given as JSON; its update_id is assigned.
func (s *Server) PushRaw(update map[string]any) int64 {
	return s.push(func(int64) map[string]any { return update })
}

func (s *Server) push(build func(id int64) map[string]any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := &s.updates
	q.lastID++
	u := build(q.lastID)
	u["update_id"] = q.lastID
	raw, _ := json.Marshal(u)
	if q.all == nil {
		q.all = map[int64]json.RawMessage{}
	}
	q.all[q.lastID] = raw
	q.pending = append(q.pending, q.lastID)
	s.notify()
	return q.lastID
}

// Redeliver serves the updates once more in the next getUpdates answer, even
// when already confirmed: the duplicates Telegram sends when it missed an
// acknowledgement.
func (s *Server) Redeliver(ids ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates.again = append(s.updates.again, ids...)
	s.notify()
}

// Update returns the JSON of a queued update (nil when unknown).
func (s *Server) Update(id int64) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updates.all[id]
}

// Confirmed is the highest update_id a getUpdates offset has confirmed.
func (s *Server) Confirmed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updates.confirmed
}

// PostUpdate delivers a queued update to a webhook as Telegram does (JSON,
// the secret in X-Telegram-Bot-Api-Secret-Token) and returns the status.
func (s *Server) PostUpdate(ctx context.Context, url, secret string, id int64) (int, error) {
	raw := s.Update(id)
	if raw == nil {
		return 0, fmt.Errorf("telegramtest: no update %d", id)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// getUpdates confirms updates below offset, then answers the ones left (and
// any redelivered), long-polling up to the timeout parameter for one.
func (s *Server) getUpdates(r *http.Request, _ int64, p map[string]string) (int, apiAnswer) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	timeout, _ := strconv.Atoi(p["timeout"])
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	var expire <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expire = t.C
	}
	for {
		s.mu.Lock()
		if s.webhook.URL != "" {
			s.mu.Unlock()
			return http.StatusConflict, apiAnswer{Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		out := s.takeUpdates(offset, limit)
		changed := s.changed
		s.mu.Unlock()
		if len(out) > 0 || expire == nil {
			return http.StatusOK, apiAnswer{Result: out}
		}
		select {
		case <-changed:
		case <-expire:
			return http.StatusOK, apiAnswer{Result: []json.RawMessage{}}
		case <-r.Context().Done():
			return 0, apiAnswer{}
		}
	}
}

// takeUpdates is one getUpdates answer; called with s.mu held.
func (s *Server) takeUpdates(offset int64, limit int) []json.RawMessage {
	q := &s.updates
	if offset > 0 {
		if offset-1 > q.confirmed {
			q.confirmed = offset - 1
		}
		kept := q.pending[:0]
		for _, id := range q.pending {
			if id >= offset {
				kept = append(kept, id)
			}
		}
		q.pending = kept
	}
	out := []json.RawMessage{}
	for _, id := range q.again {
		out = append(out, q.all[id])
	}
	q.again = nil
	for _, id := range q.pending {
		if len(out) >= limit {
			break
		}
		out = append(out, q.all[id])
	}
	return out
}
