package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Delivery is a stored message on its way to a push channel's account.
type Delivery struct {
	ID        int64
	Channel   chat.Channel
	Target    string // the channel's address: a Telegram chat id
	Attempts  int    // including the current one
	PartsSent int    // parts of a split message already sent
	Message   chat.Message
}

// LeaseDeliveries hands the caller up to limit deliveries of channel that
// are due at now: for each target, only its oldest pending delivery (a chat
// receives messages in the order they were stored), and only when no other
// deliverer holds it. Each is leased until now+lease — the caller reports
// the outcome before then, or another deliverer (after a crash, a restart)
// takes it over.
func (s *Store) LeaseDeliveries(ctx context.Context, channel chat.Channel, now time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	now = dbTime(now)
	var rows []deliveryRow
	err := s.db.WithContext(ctx).Raw(`SELECT * FROM deliveries d
		WHERE d.channel = ? AND d.state = ? AND d.next_attempt_at <= ?
		  AND (d.leased_until IS NULL OR d.leased_until <= ?)
		  AND d.id = (SELECT MIN(e.id) FROM deliveries e WHERE e.channel = d.channel AND e.target = d.target AND e.state = ?)
		ORDER BY d.id LIMIT ?`, string(channel), deliveryPending, now, now, deliveryPending, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: due deliveries: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	until := now.Add(lease)
	leased := rows[:0]
	db, done := s.w(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		for _, r := range rows {
			// The condition is checked again on the row: of two deliverers
			// that read it, one wins.
			res := tx.Model(&deliveryRow{}).
				Where("id = ? AND state = ? AND (leased_until IS NULL OR leased_until <= ?)", r.ID, deliveryPending, now).
				Updates(map[string]any{"leased_until": until, "attempts": gorm.Expr("attempts + 1")})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				r.Attempts++
				leased = append(leased, r)
			}
		}
		return nil
	})
	done()
	if err != nil {
		return nil, fmt.Errorf("store: lease deliveries: %w", err)
	}
	ids := make([]int64, len(leased))
	for i, r := range leased {
		ids[i] = r.MessageID
	}
	var msgs []messageRow
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&msgs).Error; err != nil {
		return nil, fmt.Errorf("store: read delivered messages: %w", err)
	}
	byID := map[int64]messageRow{}
	for _, m := range msgs {
		byID[m.ID] = m
	}
	out := make([]Delivery, 0, len(leased))
	for _, r := range leased {
		m, err := byID[r.MessageID].domain()
		if err != nil {
			return nil, err
		}
		out = append(out, Delivery{ID: r.ID, Channel: chat.Channel(r.Channel), Target: r.Target,
			Attempts: r.Attempts, PartsSent: r.PartsSent, Message: m})
	}
	return out, nil
}

// DeliveryProgress records that the first parts of a split message were
// sent, so a retry or a restart continues after them.
func (s *Store) DeliveryProgress(ctx context.Context, id int64, partsSent int) error {
	return s.updateDelivery(ctx, id, map[string]any{"parts_sent": partsSent})
}

// DeliveryDone records a delivery as sent.
func (s *Store) DeliveryDone(ctx context.Context, id int64, now time.Time) error {
	return s.updateDelivery(ctx, id, map[string]any{"state": deliverySent, "done_at": dbTime(now), "leased_until": nil})
}

// DeliveryRetry releases a delivery to be tried again at next (the target's
// later deliveries wait behind it).
func (s *Store) DeliveryRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.updateDelivery(ctx, id, map[string]any{"next_attempt_at": dbTime(next), "leased_until": nil,
		"last_error": clip(reason, 512)})
}

// DeliveryFailed gives a delivery up for good (the channel refused the
// message itself); the target's later deliveries go on.
func (s *Store) DeliveryFailed(ctx context.Context, id int64, now time.Time, reason string) error {
	return s.updateDelivery(ctx, id, map[string]any{"state": deliveryFailed, "done_at": dbTime(now), "leased_until": nil,
		"last_error": clip(reason, 512)})
}

func (s *Store) updateDelivery(ctx context.Context, id int64, fields map[string]any) error {
	db, done := s.w(ctx)
	defer done()
	if err := db.Model(&deliveryRow{}).Where("id = ?", id).Updates(fields).Error; err != nil {
		return fmt.Errorf("store: update delivery %d: %w", id, err)
	}
	return nil
}

// TargetBlocked records that the account at target blocked the bot: it is
// marked blocked (nothing more is queued for it until it writes again), its
// pending deliveries stop, and each conversation they belonged to gets an
// internal note with note(n), n being the messages not delivered there, so
// the operator knows. It returns the notes and their conversations.
func (s *Store) TargetBlocked(ctx context.Context, channel chat.Channel, target string, now time.Time, note func(undelivered int) string) ([]chat.Message, []chat.Conversation, error) {
	now = dbTime(now)
	var (
		notes []chat.Message
		convs []chat.Conversation
	)
	db, done := s.w(ctx)
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&identityRow{}).Where("channel = ? AND external_id = ?", string(channel), target).
			Update("blocked_at", now).Error; err != nil {
			return err
		}
		var pending []deliveryRow
		if err := tx.Where("channel = ? AND target = ? AND state = ?", string(channel), target, deliveryPending).
			Order("id").Find(&pending).Error; err != nil {
			return err
		}
		if len(pending) == 0 {
			return nil
		}
		if err := tx.Model(&deliveryRow{}).Where("channel = ? AND target = ? AND state = ?", string(channel), target, deliveryPending).
			Updates(map[string]any{"state": deliveryStopped, "done_at": now, "leased_until": nil,
				"last_error": "the account blocked the bot"}).Error; err != nil {
			return err
		}
		count := map[int64]int{}
		var order []int64
		for _, d := range pending {
			if count[d.ConversationID] == 0 {
				order = append(order, d.ConversationID)
			}
			count[d.ConversationID]++
		}
		for _, id := range order {
			conv, err := conversationForUpdate(tx, id)
			if err != nil {
				return err
			}
			row, err := messageToRow(chat.Message{ConversationID: id, Sender: chat.SenderNote, SenderID: "delivery",
				Channel: channel, Text: note(count[id])})
			if err != nil {
				return err
			}
			row.CreatedAt = now
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			msg, err := row.domain()
			if err != nil {
				return err
			}
			notes, convs = append(notes, msg), append(convs, conv.domain())
		}
		return nil
	})
	done()
	if err != nil {
		return nil, nil, fmt.Errorf("store: %s account %s blocked the bot: %w", channel, target, err)
	}
	return notes, convs, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
