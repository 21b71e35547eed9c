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
	"github.com/switchboard-support/switchboard/internal/redact"
)

// AppendInbound stores a message from a player or operator before it is
// acknowledged. A message whose (sender, sender id, client id) was stored
// before is not stored again: the stored one is returned with created false.
func (s *Store) AppendInbound(ctx context.Context, m chat.Message) (stored chat.Message, created bool, err error) {
	now := s.now()
	db, done := s.w(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		conv, err := conversationForUpdate(tx, m.ConversationID)
		if err != nil {
			return err
		}
		if playerFacing(m.Sender) {
			m.Channel = chat.Channel(conv.Channel) // where the player last wrote from
		}
		row, err := messageToRow(m)
		if err != nil {
			return err
		}
		row.CreatedAt = now
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("store: append message to conversation %d: %w", m.ConversationID, res.Error)
		}
		if res.RowsAffected == 0 {
			return errDuplicate
		}
		if stored, err = row.domain(); err != nil {
			return err
		}
		created = true
		if err := noteInbound(tx, &conv, stored, now); err != nil {
			return err
		}
		if err := queueDeliveries(tx, conv.PlayerID, []chat.Message{stored}, now); err != nil {
			return err
		}
		return tx.Model(&conversationRow{}).Where("id = ?", m.ConversationID).Update("updated_at", now).Error
	})
	done()
	switch {
	case err == nil:
		return stored, true, nil
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
	// Rating, when set, records the player's CSAT answer on a resolved
	// ticket of the conversation in the turn's transaction.
	Rating *Rating
	// Locale, when set, is the language the bot answered in: the
	// conversation's locale becomes it in the same transaction.
	Locale string
	// WaitText, when set and the turn hands off, composes a last bot reply
	// from the real queue of the new ticket (queueWait), read in the same
	// transaction that queues it.
	WaitText func(handoff.Wait) string
	// Record, when set, is what the bot decided, kept as the turn's
	// bot_turns row for the editors' inbox and analytics.
	Record *TurnRecord
}

// Rating is a CSAT answer one turn records: a score (1–5, handoff.Ticket.Rate)
// or, with Score 0, the optional comment after one (handoff.Ticket.Comment).
type Rating struct {
	TicketID int64
	Score    int
	Comment  string
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
		out, err = completeTurn(tx, t, string(stateJSON), s.now(), s.liveness)
		return err
	})
	if err != nil {
		return TurnOutcome{}, err
	}
	return out, nil
}

// completeTurn writes one turn inside tx.
func completeTurn(tx *gorm.DB, t TurnResult, stateJSON string, now time.Time, l handoff.Liveness) (TurnOutcome, error) {
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
	if err := noteInbound(tx, &conv, inbound, now); err != nil {
		return TurnOutcome{}, err
	}
	if !botHolds {
		return out, nil
	}
	if err := saveFlowState(tx, t.ConversationID, stateJSON, t.State.Version, now); err != nil {
		return TurnOutcome{}, err
	}
	if t.Rating != nil {
		if err := saveRating(tx, t.ConversationID, *t.Rating, now); err != nil {
			return TurnOutcome{}, err
		}
	}
	if t.Locale != "" && t.Locale != conv.Locale {
		if err := tx.Model(&conversationRow{}).Where("id = ?", t.ConversationID).
			Updates(map[string]any{"locale": t.Locale, "updated_at": now}).Error; err != nil {
			return TurnOutcome{}, fmt.Errorf("store: set locale of conversation %d: %w", t.ConversationID, err)
		}
	}
	if len(t.Replies) > 0 {
		rows := make([]messageRow, 0, len(t.Replies))
		for _, m := range t.Replies {
			m.ConversationID, m.Sender, m.Channel = t.ConversationID, chat.SenderBot, chat.Channel(conv.Channel)
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
		if ticket.QueuedAt == nil {
			ticket.QueuedAt = nullTime(ticket.CreatedAt)
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
		if t.WaitText != nil {
			w, err := queueWait(tx, stored, l, now)
			if err != nil {
				return TurnOutcome{}, err
			}
			row, err := messageToRow(chat.Message{ConversationID: t.ConversationID, Sender: chat.SenderBot,
				Channel: chat.Channel(conv.Channel), Text: t.WaitText(w)})
			if err != nil {
				return TurnOutcome{}, err
			}
			row.ReplyTo, row.CreatedAt = inbound.ID, now
			if err := tx.Create(&row).Error; err != nil {
				return TurnOutcome{}, fmt.Errorf("store: save wait notice: %w", err)
			}
			msg, err := row.domain()
			if err != nil {
				return TurnOutcome{}, err
			}
			out.Replies = append(out.Replies, msg)
		}
	}
	if err := queueDeliveries(tx, conv.PlayerID, out.Replies, now); err != nil {
		return TurnOutcome{}, err
	}
	if t.Record != nil {
		if err := saveTurnRecord(tx, conv, inbound, *t.Record, t.Ticket != nil, now); err != nil {
			return TurnOutcome{}, err
		}
	}
	return out, nil
}

// saveRating applies r to its ticket, locked inside tx: the ticket must
// belong to the conversation, and the transition (Rate or Comment) decides
// on the locked row, so a second press or comment racing the first fails
// with ECONFLICT and the turn writes nothing.
func saveRating(tx *gorm.DB, conversationID int64, r Rating, now time.Time) error {
	row, err := lockTicket(tx, r.TicketID)
	if err != nil {
		return err
	}
	t := row.domain()
	if t.ConversationID != conversationID {
		return chat.Errorf(chat.ENOTFOUND, "ticket %d not found in conversation %d", r.TicketID, conversationID)
	}
	if r.Score != 0 {
		err = t.Rate(r.Score, "")
	} else {
		err = t.Comment(r.Comment)
	}
	if err != nil {
		return err
	}
	_, err = saveTicket(tx, t, now)
	return err
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
	// Card numbers never reach the database, whoever wrote them.
	text, _ := redact.Cards(m.Text)
	row := messageRow{ConversationID: m.ConversationID, Sender: string(m.Sender), SenderID: m.SenderID,
		Channel: string(m.Channel), Text: text, Buttons: string(buttons), Articles: string(articles)}
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

// PlayerMessage returns a message of one of the player's conversations
// (notes excluded); ENOTFOUND for any other.
func (s *Store) PlayerMessage(ctx context.Context, playerID string, id int64) (chat.Message, error) {
	var row messageRow
	err := s.db.WithContext(ctx).Table("messages").Select("messages.*").
		Joins("JOIN conversations ON conversations.id = messages.conversation_id").
		Where("messages.id = ? AND conversations.player_id = ? AND messages.sender <> ?", id, playerID, chat.SenderNote).
		Take(&row).Error
	if err != nil {
		return chat.Message{}, notFound(err, "message %d not found", id)
	}
	return row.domain()
}

// NoticeSent reports whether the conversation has a system message from
// senderID (a notice given once, such as the card-data warning).
func (s *Store) NoticeSent(ctx context.Context, conversationID int64, senderID string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&messageRow{}).
		Where("conversation_id = ? AND sender = ? AND sender_id = ?", conversationID, chat.SenderSystem, senderID).
		Limit(1).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("store: notices of conversation %d: %w", conversationID, err)
	}
	return n > 0, nil
}
