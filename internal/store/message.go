package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// AppendInbound stores a message from a player or operator before it is
// acknowledged. A message whose (sender, sender id, client id) was stored
// before is not stored again: the stored one is returned with created false.
func (s *Store) AppendInbound(ctx context.Context, m chat.Message) (stored chat.Message, created bool, err error) {
	row, err := messageToRow(m)
	if err != nil {
		return chat.Message{}, false, err
	}
	row.CreatedAt = s.now()
	db, done := s.w(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("store: append message to conversation %d: %w", m.ConversationID, res.Error)
		}
		if res.RowsAffected == 0 {
			return errDuplicate
		}
		created = true
		return tx.Model(&conversationRow{}).Where("id = ?", m.ConversationID).Update("updated_at", row.CreatedAt).Error
	})
	done()
	switch {
	case err == nil:
		msg, err := row.domain()
		return msg, true, err
	case errors.Is(err, errDuplicate):
		existing, ok, err := s.messageByClientID(ctx, m)
		if err != nil {
			return chat.Message{}, false, err
		}
		if !ok {
			return chat.Message{}, false, fmt.Errorf("store: message %q conflicted but cannot be found", m.ClientID)
		}
		return existing, false, nil
	}
	return chat.Message{}, false, err
}

// errDuplicate rolls back an insert that hit an existing client id.
var errDuplicate = errors.New("duplicate client message id")

func (s *Store) messageByClientID(ctx context.Context, m chat.Message) (chat.Message, bool, error) {
	var row messageRow
	err := s.db.WithContext(ctx).Where("sender = ? AND sender_id = ? AND client_id = ?", m.Sender, m.SenderID, m.ClientID).
		First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return chat.Message{}, false, nil
	}
	if err != nil {
		return chat.Message{}, false, fmt.Errorf("store: find message by client id: %w", err)
	}
	msg, err := row.domain()
	return msg, err == nil, err
}

// TurnResult is what one bot turn writes, all in one transaction.
type TurnResult struct {
	ConversationID int64
	// Inbound is the player message the turn answers. With ID 0 it is
	// stored here, together with the answer: one write per turn, and the
	// message is still on disk before anything is acknowledged.
	Inbound chat.Message
	Replies []chat.Message  // bot messages, in order
	State   flows.State     // the new flow state; State.Version is the version it was computed from
	Ticket  *handoff.Ticket // queued when the turn hands off (its ID is set by the store)
}

// TurnOutcome is what CompleteTurn stored.
type TurnOutcome struct {
	Inbound chat.Message
	Replies []chat.Message
	State   chat.ConversationState // the conversation's state after the turn
	// BotSilent is set when the conversation stopped being the bot's while
	// the turn was computed: only the inbound message was stored.
	BotSilent bool
	// Ticket is the ticket the turn queued, as stored (with its id); nil
	// when the turn did not hand off.
	Ticket *handoff.Ticket
}

// ErrDuplicateMessage is returned by CompleteTurn when the inbound message
// (by client id) was stored by another request first.
var ErrDuplicateMessage = chat.Errorf(chat.ECONFLICT, "message already stored")

// CompleteTurn stores the inbound message (when new), the bot's replies and
// the new flow state, and queues a ticket when the turn handed off. It
// fails with ErrDuplicateMessage as described there, and with another
// ECONFLICT when the flow state changed since it was read (another turn
// won the race); nothing is written then.
func (s *Store) CompleteTurn(ctx context.Context, t TurnResult) (TurnOutcome, error) {
	stateJSON, err := json.Marshal(t.State)
	if err != nil {
		return TurnOutcome{}, fmt.Errorf("store: encode flow state: %w", err)
	}
	if s.commits != nil {
		return s.commits.submit(ctx, t, string(stateJSON))
	}
	db, done := s.w(ctx)
	defer done()
	var out TurnOutcome
	err = db.Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = completeTurn(tx, t, string(stateJSON), s.now())
		return err
	})
	if err != nil {
		return TurnOutcome{}, err
	}
	return out, nil
}

// completeTurn writes one turn inside tx.
func completeTurn(tx *gorm.DB, t TurnResult, stateJSON string, now time.Time) (TurnOutcome, error) {
	var out TurnOutcome
	// Does the bot still hold the conversation? An operator may have taken
	// it while the turn was computed. (A read: the conversation row is only
	// written when its state changes, which keeps a turn's writes small.)
	conv, err := conversationForUpdate(tx, t.ConversationID)
	if err != nil {
		return TurnOutcome{}, err
	}
	out.State = chat.ConversationState(conv.State)
	botHolds := out.State == chat.StateBot
	out.BotSilent = !botHolds
	inbound, err := saveInbound(tx, t.ConversationID, t.Inbound, now)
	if err != nil {
		return TurnOutcome{}, err
	}
	out.Inbound = inbound
	if !botHolds {
		return out, nil
	}
	if err := saveFlowState(tx, t.ConversationID, stateJSON, t.State.Version, now); err != nil {
		return TurnOutcome{}, err
	}
	if len(t.Replies) > 0 {
		rows := make([]messageRow, 0, len(t.Replies))
		for _, m := range t.Replies {
			m.ConversationID, m.Sender = t.ConversationID, chat.SenderBot
			row, err := messageToRow(m)
			if err != nil {
				return TurnOutcome{}, err
			}
			row.ReplyTo, row.CreatedAt = inbound.ID, now
			rows = append(rows, row)
		}
		if err := tx.Create(&rows).Error; err != nil {
			return TurnOutcome{}, fmt.Errorf("store: save replies: %w", err)
		}
		for _, row := range rows {
			msg, err := row.domain()
			if err != nil {
				return TurnOutcome{}, err
			}
			out.Replies = append(out.Replies, msg)
		}
	}
	if t.Ticket != nil {
		ticket := ticketToRow(*t.Ticket)
		ticket.ID, ticket.ConversationID, ticket.Status = 0, t.ConversationID, string(handoff.StatusQueued)
		ticket.OperatorID, ticket.AssignedAt = 0, nil
		if ticket.PlayerID == "" {
			ticket.PlayerID = conv.PlayerID
		}
		if ticket.Channel == "" {
			ticket.Channel = conv.Channel
		}
		if ticket.Priority == "" {
			ticket.Priority, ticket.PriorityRank = string(handoff.PriorityNormal), handoff.PriorityNormal.Rank()
		}
		if ticket.CreatedAt.IsZero() {
			ticket.CreatedAt = dbTime(now)
		}
		if ticket.DueAt == nil {
			// No SLA given: due at once, so the ticket is never forgotten.
			ticket.DueAt = nullTime(ticket.CreatedAt)
		}
		ticket.UpdatedAt = now
		if err := tx.Create(&ticket).Error; err != nil {
			return TurnOutcome{}, fmt.Errorf("store: queue ticket: %w", err)
		}
		if err := tx.Model(&conversationRow{}).Where("id = ?", t.ConversationID).
			Updates(map[string]any{"state": chat.StateQueued, "updated_at": now}).Error; err != nil {
			return TurnOutcome{}, fmt.Errorf("store: queue conversation %d: %w", t.ConversationID, err)
		}
		out.State = chat.StateQueued
		stored := ticket.domain()
		out.Ticket = &stored
	}
	return out, nil
}

// saveInbound stores the turn's inbound message. A message whose client id
// exists is ErrDuplicateMessage.
func saveInbound(tx *gorm.DB, conversationID int64, m chat.Message, now time.Time) (chat.Message, error) {
	m.ConversationID = conversationID
	row, err := messageToRow(m)
	if err != nil {
		return chat.Message{}, err
	}
	row.CreatedAt = now
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return chat.Message{}, fmt.Errorf("store: save message: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return chat.Message{}, ErrDuplicateMessage
	}
	return row.domain()
}

// MessageByClientID returns the message a sender stored under a client id.
func (s *Store) MessageByClientID(ctx context.Context, sender chat.Sender, senderID, clientID string) (chat.Message, bool, error) {
	return s.messageByClientID(ctx, chat.Message{Sender: sender, SenderID: senderID, ClientID: clientID})
}

// Replies returns the bot messages stored in answer to inbound message m.
func (s *Store) Replies(ctx context.Context, m chat.Message) ([]chat.Message, error) {
	var rows []messageRow
	if err := s.db.WithContext(ctx).Where("conversation_id = ? AND id > ? AND reply_to = ?", m.ConversationID, m.ID, m.ID).
		Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: replies to %d: %w", m.ID, err)
	}
	return rowsToMessages(rows)
}

// Page selects a slice of a conversation's history. With Before set, the
// Limit messages just before that id; otherwise the Limit messages after
// After (0 = from the start). Limit defaults to 50 and is capped at 200.
type Page struct {
	Before, After int64
	Limit         int
}

// Messages returns a page of a conversation's history as the player sees
// it, in ascending id order: internal notes are left out.
func (s *Store) Messages(ctx context.Context, conversationID int64, p Page) ([]chat.Message, error) {
	q := s.db.WithContext(ctx).Where("conversation_id = ? AND sender <> ?", conversationID, chat.SenderNote)
	msgs, err := page(q, p)
	if err != nil {
		return nil, fmt.Errorf("store: messages of %d: %w", conversationID, err)
	}
	return msgs, nil
}

// page reads the page p of the messages q selects.
func page(q *gorm.DB, p Page) ([]chat.Message, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	var rows []messageRow
	if p.Before > 0 {
		if err := q.Where("id < ?", p.Before).Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
			return nil, err
		}
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
		return rowsToMessages(rows)
	}
	if err := q.Where("id > ?", p.After).Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	return rowsToMessages(rows)
}

func messageToRow(m chat.Message) (messageRow, error) {
	if m.ConversationID == 0 {
		return messageRow{}, chat.Errorf(chat.EINVALID, "message without conversation")
	}
	buttons, err := json.Marshal(m.Buttons)
	if err != nil {
		return messageRow{}, fmt.Errorf("store: encode buttons: %w", err)
	}
	articles, err := json.Marshal(m.Articles)
	if err != nil {
		return messageRow{}, fmt.Errorf("store: encode articles: %w", err)
	}
	row := messageRow{ConversationID: m.ConversationID, Sender: string(m.Sender), SenderID: m.SenderID,
		Channel: string(m.Channel), Text: m.Text, Buttons: string(buttons), Articles: string(articles)}
	if m.ClientID != "" {
		row.ClientID = &m.ClientID
	}
	return row, nil
}

func (r messageRow) domain() (chat.Message, error) {
	m := chat.Message{ID: r.ID, ConversationID: r.ConversationID, Sender: chat.Sender(r.Sender), SenderID: r.SenderID,
		Channel: chat.Channel(r.Channel), Text: r.Text, CreatedAt: r.CreatedAt}
	if r.ClientID != nil {
		m.ClientID = *r.ClientID
	}
	if r.Buttons != "" && r.Buttons != "null" {
		if err := json.Unmarshal([]byte(r.Buttons), &m.Buttons); err != nil {
			return chat.Message{}, fmt.Errorf("store: decode buttons of message %d: %w", r.ID, err)
		}
	}
	if r.Articles != "" && r.Articles != "null" {
		if err := json.Unmarshal([]byte(r.Articles), &m.Articles); err != nil {
			return chat.Message{}, fmt.Errorf("store: decode articles of message %d: %w", r.ID, err)
		}
	}
	return m, nil
}

func rowsToMessages(rows []messageRow) ([]chat.Message, error) {
	out := make([]chat.Message, 0, len(rows))
	for _, r := range rows {
		m, err := r.domain()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
