package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// AppendStaffMessage stores an operator's reply (Sender chat.SenderOperator)
// or, with note set, an internal note (chat.SenderNote, never shown to the
// player). m needs a conversation, a SenderID (the staff member's id) and
// text; the channel defaults to the conversation's. Like AppendInbound it is
// idempotent on (sender, sender id, client id): a retry returns the stored
// message.
//
// The check and the write are one transaction: the sender's account is read
// and the conversation's open ticket locked inside it. A reply needs
// handoff.MayAct (the sender holds the ticket, or is a supervisor stepping
// in) and an assigned ticket; it records the first human answer, credited to
// the sender, and returns the ticket. A note needs an enabled account whose
// role handles tickets, and returns the open ticket, if any (else the zero
// Ticket). A reply fails with ECONFLICT when the ticket moved to another
// operator or none is assigned, EFORBIDDEN as MayAct does; EINVALID for a
// message without a staff sender or text, ENOTFOUND for an unknown sender.
func (s *Store) AppendStaffMessage(ctx context.Context, m chat.Message, note bool) (chat.Message, handoff.Ticket, error) {
	m.Sender = chat.SenderOperator
	if note {
		m.Sender = chat.SenderNote
	}
	if strings.TrimSpace(m.SenderID) == "" {
		return chat.Message{}, handoff.Ticket{}, chat.Errorf(chat.EINVALID, "staff message without a sender")
	}
	actorID, err := staffID(m.SenderID)
	if err != nil {
		return chat.Message{}, handoff.Ticket{}, err
	}
	if strings.TrimSpace(m.Text) == "" {
		return chat.Message{}, handoff.Ticket{}, chat.Errorf(chat.EINVALID, "empty message")
	}
	now := dbTime(s.now())
	var (
		stored chat.Message
		ticket handoff.Ticket
	)
	db, done := s.w(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		actor, err := readStaff(tx, actorID)
		if err != nil {
			return err
		}
		if actor.Disabled || !actor.Role.Can(handoff.ActionHandleTickets) {
			return chat.Errorf(chat.EFORBIDDEN, "account %s may not write in conversations", actor.Login)
		}
		// The ticket is locked before the conversation is touched, the
		// order ClaimTicket uses, so the two never deadlock.
		t, found, err := lockConversationTicket(tx, m.ConversationID, false)
		if err != nil {
			return err
		}
		if !note {
			if !found {
				return chat.Errorf(chat.ECONFLICT, "conversation %d has no assigned ticket to answer", m.ConversationID)
			}
			if t.Status != handoff.StatusAssigned {
				return chat.Errorf(chat.ECONFLICT, "conversation %d waits in the queue: claim it to answer", m.ConversationID)
			}
			if err := handoff.MayAct(actor, t); err != nil {
				return err
			}
		}
		conv, err := conversationForUpdate(tx, m.ConversationID)
		if err != nil {
			return err
		}
		m.Channel = chat.Channel(conv.Channel) // where the player last wrote from
		row, err := messageToRow(m)
		if err != nil {
			return err
		}
		row.CreatedAt = now
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("store: append staff message to conversation %d: %w", m.ConversationID, res.Error)
		}
		if res.RowsAffected == 0 {
			return errDuplicate
		}
		if stored, err = row.domain(); err != nil {
			return err
		}
		if err := queueDeliveries(tx, conv.PlayerID, []chat.Message{stored}, now); err != nil {
			return err
		}
		if !note {
			before := t.FirstResponseAt
			if err := t.RecordFirstResponse(actorID, now); err != nil {
				return err
			}
			if !t.FirstResponseAt.Equal(before) {
				if t, err = saveTicket(tx, t, now); err != nil {
					return err
				}
			}
		}
		ticket = t
		return tx.Model(&conversationRow{}).Where("id = ?", m.ConversationID).Update("updated_at", now).Error
	})
	done()
	if err != nil && m.ClientID != "" && !errors.Is(err, errDuplicate) {
		// A retry of a reply stored before the ticket moved on is still
		// answered with the stored message.
		if existing, ok, lookupErr := s.messageByClientID(ctx, m); lookupErr == nil && ok {
			t, _ := s.OpenTicket(ctx, m.ConversationID)
			return existing, t, nil
		}
	}
	if errors.Is(err, errDuplicate) {
		existing, ok, err := s.messageByClientID(ctx, m)
		if err != nil {
			return chat.Message{}, handoff.Ticket{}, err
		}
		if !ok {
			return chat.Message{}, handoff.Ticket{}, fmt.Errorf("store: message %q conflicted but cannot be found", m.ClientID)
		}
		t, err := s.OpenTicket(ctx, m.ConversationID)
		if err != nil && chat.ErrorCode(err) != chat.ENOTFOUND {
			return chat.Message{}, handoff.Ticket{}, err
		}
		return existing, t, nil
	}
	if err != nil {
		return chat.Message{}, handoff.Ticket{}, wrapTx(err, "append staff message to conversation %d", m.ConversationID)
	}
	return stored, ticket, nil
}

// lockConversationTicket reads the conversation's open ticket inside tx —
// only an assigned one when assigned is set — locked FOR UPDATE on
// PostgreSQL. It reports false when there is none.
func lockConversationTicket(tx *gorm.DB, conversationID int64, assigned bool) (handoff.Ticket, bool, error) {
	q := tx.Where("conversation_id = ?", conversationID)
	if assigned {
		q = q.Where("status = ?", handoff.StatusAssigned)
	} else {
		q = q.Where("status IN ?", openStatuses)
	}
	if isPostgres(tx) {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var rows []ticketRow
	if err := q.Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
		return handoff.Ticket{}, false, fmt.Errorf("store: ticket of conversation %d: %w", conversationID, err)
	}
	if len(rows) == 0 {
		return handoff.Ticket{}, false, nil
	}
	return rows[0].domain(), true, nil
}

// PlayerMessages returns a page of everything the player's conversations
// hold, across channels and conversations, notes included (the console's
// full history), in ascending id order. Each message carries its
// ConversationID and Channel.
func (s *Store) PlayerMessages(ctx context.Context, playerID string, p Page) ([]chat.Message, error) {
	db := s.db.WithContext(ctx)
	q := db.Where("conversation_id IN (?)", db.Model(&conversationRow{}).Select("id").Where("player_id = ?", playerID))
	msgs, err := page(q, p)
	if err != nil {
		return nil, fmt.Errorf("store: messages of player %s: %w", playerID, err)
	}
	return msgs, nil
}
