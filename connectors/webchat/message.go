package webchat

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/web"
	"github.com/switchboard-support/switchboard/kb"
)

// messageJSON is a Message on the wire (PROTOCOL.md).
type messageJSON struct {
	ID             int64             `json:"id"`
	ConversationID int64             `json:"conversation_id"`
	Sender         chat.Sender       `json:"sender"`
	SenderName     string            `json:"sender_name,omitempty"` // operator replies: the operator's display name
	Text           string            `json:"text"`
	Buttons        []chat.Button     `json:"buttons"`
	Articles       []chat.ArticleRef `json:"articles"`
	ClientID       string            `json:"client_id,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
}

type conversationJSON struct {
	ID      int64                  `json:"id"`
	State   chat.ConversationState `json:"state"`
	Locale  string                 `json:"locale"`
	Channel chat.Channel           `json:"channel"`
}

func toMessageJSON(m chat.Message) messageJSON {
	j := messageJSON{ID: m.ID, ConversationID: m.ConversationID, Sender: m.Sender, Text: m.Text, Buttons: m.Buttons,
		Articles: m.Articles, CreatedAt: m.CreatedAt}
	if m.Sender == chat.SenderPlayer {
		j.ClientID = m.ClientID
	}
	if j.Buttons == nil {
		j.Buttons = []chat.Button{}
	}
	if j.Articles == nil {
		j.Articles = []chat.ArticleRef{}
	}
	return j
}

func toConversationJSON(c chat.Conversation) conversationJSON {
	return conversationJSON{ID: c.ID, State: c.State, Locale: c.Locale, Channel: c.Channel}
}

// handleMe returns the player the token names: the cheapest authenticated
// call, also the ceiling the load benchmark compares turns with.
func (s *Server) handleMe(c echo.Context) error {
	p := player(c)
	return c.JSON(http.StatusOK, map[string]string{"id": p.ID, "name": p.Name, "locale": p.Locale})
}

// historyPage is how many messages a conversation opens with.
const historyPage = 50

func (s *Server) handleConversationOpen(c echo.Context) error {
	ctx := c.Request().Context()
	conv, msgs, more, err := s.opts.Service.Open(ctx, player(c), chat.ChannelWebchat, historyPage)
	if err != nil {
		return err
	}
	out := map[string]any{"conversation": toConversationJSON(conv), "messages": s.messagesJSON(ctx, msgs),
		"has_more": more, "max_message_bytes": s.opts.MaxMessageBytes}
	if d := s.firstResponse(); d > 0 {
		out["first_response_seconds"] = int64(d / time.Second)
	}
	return c.JSON(http.StatusOK, out)
}

// firstResponse is the live content's first-answer target for the web chat
// (settings.yaml sla.webchat.first_response): how soon a specialist usually
// answers, which the widget tells players before they ask. 0 when unset.
func (s *Server) firstResponse() time.Duration {
	if s.opts.Engine == nil {
		return 0
	}
	rt := s.opts.Engine.Runtime()
	if rt == nil {
		return 0
	}
	return rt.Bundle.Settings.SLA[chat.ChannelWebchat].FirstResponse
}

type sendRequest struct {
	ClientID string `json:"client_id"`
	Text     string `json:"text"`
}

// maxBodyBytes bounds a send request: the text limit plus JSON escaping.
func (s *Server) maxBodyBytes() int64 { return int64(s.opts.MaxMessageBytes)*6 + 1024 }

func (s *Server) handleMessageSend(c echo.Context) error {
	p := player(c)
	if ok, wait := s.limiter.allow(p.ID, time.Now()); !ok {
		return &web.RetryAfterError{Seconds: wait, Err: chat.Errorf(chat.ERATELIMIT, "too many messages; retry in %d s", wait)}
	}
	req, err := s.decodeSend(c)
	if err != nil {
		return err
	}
	if req.ClientID == "" {
		return chat.Errorf(chat.EINVALID, "client_id required")
	}
	res, err := s.opts.Service.Send(c.Request().Context(), conversation.Inbound{Player: p, Channel: chat.ChannelWebchat,
		ClientID: req.ClientID, Text: req.Text})
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return c.JSON(http.StatusOK, map[string]any{"message": s.messageJSON(ctx, res.Message), "replies": s.messagesJSON(ctx, res.Replies),
		"conversation": toConversationJSON(res.Conversation), "duplicate": res.Duplicate})
}

// decodeSend reads the body strictly: size-limited, valid UTF-8 (the JSON
// decoder would silently replace invalid bytes), one JSON object.
func (s *Server) decodeSend(c echo.Context) (sendRequest, error) {
	limit := s.maxBodyBytes()
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, limit+1))
	if err != nil {
		return sendRequest{}, chat.Errorf(chat.EINVALID, "read body: %v", err)
	}
	if int64(len(body)) > limit {
		return sendRequest{}, chat.Errorf(chat.ETOOLARGE, "request body over %d bytes", limit)
	}
	if !utf8.Valid(body) {
		return sendRequest{}, chat.Errorf(chat.EINVALID, "message is not valid UTF-8")
	}
	var req sendRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return sendRequest{}, chat.Errorf(chat.EINVALID, "malformed JSON: %v", err)
	}
	if dec.More() {
		return sendRequest{}, chat.Errorf(chat.EINVALID, "malformed JSON: trailing data")
	}
	return req, nil
}

func (s *Server) handleMessageList(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return chat.Errorf(chat.ENOTFOUND, "conversation %q not found", c.Param("id"))
	}
	page := store.Page{Limit: historyPage}
	for name, dst := range map[string]*int64{"before": &page.Before, "after": &page.After} {
		if v := c.QueryParam(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return chat.Errorf(chat.EINVALID, "%s must be a message id", name)
			}
			*dst = n
		}
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return chat.Errorf(chat.EINVALID, "limit must be 1–200")
		}
		page.Limit = n
	}
	if ok, wait := s.history.allow(player(c).ID, time.Now()); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(wait))
		return chat.Errorf(chat.ERATELIMIT, "too many history reads; retry in %d s", wait)
	}
	ctx := c.Request().Context()
	msgs, err := s.opts.Service.History(ctx, player(c).ID, id, page)
	if err != nil {
		return err
	}
	more := false
	if len(msgs) == page.Limit {
		// A full page: is there anything beyond it in the same direction?
		probe := store.Page{Limit: 1}
		if page.Before > 0 {
			probe.Before = msgs[0].ID
		} else {
			probe.After = msgs[len(msgs)-1].ID
		}
		beyond, err := s.opts.Service.History(ctx, player(c).ID, id, probe)
		if err != nil {
			return err
		}
		more = len(beyond) > 0
	}
	return c.JSON(http.StatusOK, map[string]any{"messages": s.messagesJSON(ctx, msgs), "has_more": more})
}

func (s *Server) handleArticleGet(c echo.Context) error {
	rt := s.opts.Engine.Runtime()
	if rt == nil {
		return chat.Errorf(chat.EUNAVAILABLE, "content not loaded")
	}
	a, ok := rt.Index.Article(c.Param("locale"), c.Param("id"))
	if !ok {
		return chat.Errorf(chat.ENOTFOUND, "article %s not found", c.Param("id"))
	}
	return c.JSON(http.StatusOK, map[string]string{"id": a.ID, "locale": a.Locale, "title": a.Title,
		"text": kb.RenderPlain(a.Body)})
}
