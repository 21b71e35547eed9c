package console

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/store"
)

// historyLimit is how much of a player's history the conversation view
// loads: the latest messages across all their conversations.
const historyLimit = 200

func (s *Server) handleConversationGet(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	conv, tickets, err := s.readable(c, id)
	if err != nil {
		return err
	}
	player, err := s.opts.Store.Player(ctx, conv.PlayerID)
	if err != nil {
		return err
	}
	msgs, err := s.opts.Store.PlayerMessages(ctx, conv.PlayerID, store.Page{Before: 1 << 62, Limit: historyLimit})
	if err != nil {
		return err
	}
	state, err := s.opts.Store.FlowState(ctx, conv.ID)
	if err != nil {
		return err
	}
	names := s.staffNames(ctx)
	out := make([]messageJSON, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, s.messageJSON(m, names))
	}
	now := time.Now()
	tj := make([]ticketJSON, 0, len(tickets))
	for _, t := range tickets {
		tj = append(tj, s.ticketJSON(t, player.Name, now))
	}
	attrs := player.Attributes
	if attrs == nil {
		attrs = map[string]string{}
	}
	slots := state.Slots
	if slots == nil {
		slots = map[string]string{}
	}
	return c.JSON(http.StatusOK, map[string]any{
		"conversation": map[string]any{"id": conv.ID, "state": conv.State, "locale": conv.Locale, "channel": conv.Channel},
		"player":       map[string]any{"id": player.ID, "name": player.Name, "locale": player.Locale, "attributes": attrs},
		"flow_state":   map[string]any{"flow": state.Flow, "step": state.Step, "slots": slots, "intent": state.Intent},
		"messages":     out,
		"tickets":      tj,
	})
}

// readable returns a conversation and its tickets when the signed-in staff
// member may read it (handoff.MayRead: supervisors all; operators the ones
// they hold, handled or that wait for them), and records the read in the
// audit log. ENOTFOUND otherwise, as for a conversation that does not
// exist.
func (s *Server) readable(c echo.Context, id int64) (chat.Conversation, []handoff.Ticket, error) {
	ctx := c.Request().Context()
	op := staff(c)
	conv, err := s.opts.Store.Conversation(ctx, id)
	if err != nil {
		return chat.Conversation{}, nil, err
	}
	tickets, err := s.opts.Store.Tickets(ctx, conv.ID)
	if err != nil {
		return chat.Conversation{}, nil, err
	}
	reached := s.opts.Desk.Widening().Apply(slices.Clone(tickets), time.Now())
	if !handoff.MayRead(op, reached) {
		return chat.Conversation{}, nil, chat.Errorf(chat.ENOTFOUND, "conversation %d not found", id)
	}
	if c.Request().Method == http.MethodGet {
		err = s.opts.Store.AppendAudit(ctx, store.AuditEntry{ActorID: op.ID, Actor: op.Login, Action: store.AuditConversationRead,
			Target: "conversation:" + strconv.FormatInt(id, 10), Details: store.AuditDetails(map[string]string{"player": conv.PlayerID})})
		if err != nil {
			return chat.Conversation{}, nil, err
		}
	}
	return conv, tickets, nil
}

// staffNames maps staff ids (as message sender ids) to display names.
func (s *Server) staffNames(ctx context.Context) map[string]string {
	names := map[string]string{}
	if list, err := s.opts.Store.ListStaff(ctx); err == nil {
		for _, op := range list {
			names[strconv.FormatInt(op.ID, 10)] = op.Name
		}
	}
	return names
}

type textRequest struct {
	Text     string `json:"text"`
	ClientID string `json:"client_id"`
}

func (s *Server) readText(c echo.Context) (textRequest, error) {
	var req textRequest
	if err := decodeJSON(c, &req); err != nil {
		return req, err
	}
	if err := validText(req.Text); err != nil {
		return req, err
	}
	if err := validClientID(req.ClientID); err != nil {
		return req, err
	}
	return req, nil
}

func (s *Server) handleReply(c echo.Context) error { return s.postMessage(c, false) }

func (s *Server) handleNote(c echo.Context) error { return s.postMessage(c, true) }

// postMessage sends an operator reply to the player, or adds an internal
// note only staff see.
func (s *Server) postMessage(c echo.Context, note bool) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	req, err := s.readText(c)
	if err != nil {
		return err
	}
	op := staff(c)
	var msg chat.Message
	if note { // a note goes only where its writer may read
		if _, _, err := s.readable(c, id); err != nil {
			return err
		}
	}
	if note {
		msg, err = s.opts.Desk.Note(c.Request().Context(), op, id, req.Text)
	} else {
		msg, err = s.opts.Desk.Reply(c.Request().Context(), op, id, req.ClientID, req.Text)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMessageJSON(msg, map[string]string{msg.SenderID: op.Name}))
}

func (s *Server) handleTyping(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.opts.Desk.Typing(c.Request().Context(), staff(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// maxStaffText bounds an operator message like a player's.
const maxStaffText = 4096

func validText(text string) error { return conversation.ValidateText(text, maxStaffText) }

// maxClientID is the longest idempotency key a message row holds.
const maxClientID = 128

// validClientID refuses what either database would refuse, so both answer 400.
func validClientID(id string) error {
	if len(id) > maxClientID {
		return chat.Errorf(chat.EINVALID, "client_id is longer than %d bytes", maxClientID)
	}
	if strings.ContainsRune(id, 0) {
		return chat.Errorf(chat.EINVALID, "client_id contains a NUL character")
	}
	return nil
}
