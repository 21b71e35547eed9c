package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// recentWindow is how far back "the recent first-response time" looks.
const recentWindow = time.Hour

// queueWait returns the real queue for ticket t at now, read inside tx: its
// place among the queued tickets of its skill, how many operators who may
// take it are available (online and connected, per l; with the skill, or
// as far as t.Reach has widened), and the average
// first-answer wait of the skill's tickets answered in the last hour.
func queueWait(tx *gorm.DB, t handoff.Ticket, l handoff.Liveness, now time.Time) (handoff.Wait, error) {
	var w handoff.Wait
	w.Assigned = t.Status == handoff.StatusAssigned
	if t.Status == handoff.StatusQueued {
		var ahead int64
		due := nullTime(t.DueAt)
		if err := tx.Model(&ticketRow{}).Where("status = ? AND skill = ? AND id <> ?", handoff.StatusQueued, t.Skill, t.ID).
			Where("priority_rank < ? OR (priority_rank = ? AND (due_at < ? OR (due_at = ? AND id < ?)))",
				t.Priority.Rank(), t.Priority.Rank(), due, due, t.ID).
			Count(&ahead).Error; err != nil {
			return w, fmt.Errorf("store: queue position of ticket %d: %w", t.ID, err)
		}
		w.Position = int(ahead) + 1
	}
	var staff []staffRow
	if err := tx.Find(&staff).Error; err != nil {
		return w, fmt.Errorf("store: staff for the queue: %w", err)
	}
	for _, r := range staff {
		op, err := r.domain()
		if err != nil {
			return w, err
		}
		if op = l.Apply(op, now); op.Available() && op.Serves(t) {
			w.Available++
		}
	}
	var answered []ticketRow
	if err := tx.Select("created_at", "first_response_at").
		Where("skill = ? AND first_response_at >= ?", t.Skill, dbTime(now.Add(-recentWindow))).
		Order("first_response_at DESC").Limit(50).Find(&answered).Error; err != nil {
		return w, fmt.Errorf("store: recent first responses: %w", err)
	}
	var sum time.Duration
	for _, r := range answered {
		sum += fromNull(r.FirstResponseAt).Sub(r.CreatedAt)
	}
	if len(answered) > 0 {
		w.RecentFirstResponse = sum / time.Duration(len(answered))
	}
	return w, nil
}

// NotifyLate tells the player of a ticket whose first answer is overdue at
// now where they stand, once. One transaction locks the ticket, checks that
// it is still late and not yet notified (handoff.LateUnnotified), reads the
// queue (counting operators the ticket has widened to by now), stores text(wait, conversation) as a system message and marks the
// ticket notified: the notice and the flag commit together. ECONFLICT when
// the ticket is no longer late or the player was told already.
func (s *Store) NotifyLate(ctx context.Context, id int64, now time.Time, widen handoff.Widening, text func(handoff.Wait, chat.Conversation) string) (handoff.Ticket, chat.Conversation, chat.Message, error) {
	var conv chat.Conversation
	var msg chat.Message
	t, err := s.updateTicket(ctx, id, func(tx *gorm.DB, t *handoff.Ticket) error {
		if len(handoff.LateUnnotified([]handoff.Ticket{*t}, now)) == 0 {
			return chat.Errorf(chat.ECONFLICT, "ticket %d is not late any more", t.ID)
		}
		crow, err := conversationForUpdate(tx, t.ConversationID)
		if err != nil {
			return err
		}
		conv = crow.domain()
		widened := *t
		widened.Reach = widen.Reach(widened, now)
		w, err := queueWait(tx, widened, s.liveness, now)
		if err != nil {
			return err
		}
		row, err := messageToRow(chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem, SenderID: "desk",
			Channel: conv.Channel, Text: text(w, conv)})
		if err != nil {
			return err
		}
		row.CreatedAt = s.now()
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("store: save late notice: %w", err)
		}
		if msg, err = row.domain(); err != nil {
			return err
		}
		if err := queueDeliveries(tx, conv.PlayerID, []chat.Message{msg}, row.CreatedAt); err != nil {
			return err
		}
		t.BreachNotified = true
		return nil
	})
	return t, conv, msg, err
}
