package store

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Ticket statuses.
const (
	TicketQueued = "queued"
)

// Ticket is a request for a human, as queued by a bot turn.
type Ticket struct {
	ID             int64
	ConversationID int64
	Skill          string
	Priority       string
	Reason         string
	Channel        chat.Channel
	Status         string
	CreatedAt      time.Time
}

// Tickets returns the tickets of a conversation, oldest first.
func (s *Store) Tickets(ctx context.Context, conversationID int64) ([]Ticket, error) {
	var rows []ticketRow
	if err := s.db.WithContext(ctx).Where("conversation_id = ?", conversationID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: tickets of %d: %w", conversationID, err)
	}
	out := make([]Ticket, 0, len(rows))
	for _, r := range rows {
		out = append(out, Ticket{ID: r.ID, ConversationID: r.ConversationID, Skill: r.Skill, Priority: r.Priority,
			Reason: r.Reason, Channel: chat.Channel(r.Channel), Status: r.Status, CreatedAt: r.CreatedAt})
	}
	return out, nil
}
