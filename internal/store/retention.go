package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuditRetention is one run of the retention job (PurgeConversations).
const AuditRetention = "retention.purge"

// retentionBatch is how many conversations one purge transaction deletes:
// small enough that the writer is free again within milliseconds.
const retentionBatch = 100

// Purge is what one PurgeConversations run deleted.
type Purge struct {
	Conversations int64 `json:"conversations"`
	Messages      int64 `json:"messages"`
	Tickets       int64 `json:"tickets"`
}

// PurgeConversations deletes the conversations that ended before before —
// closed before it, or open with no message since it (idle) — with their
// messages, flow states, tickets and deliveries. It works in transactions
// of at most batch conversations (≤ 0: 100), each taking the write lock
// only for its own batch, until none is left or ctx ends; then it records
// one AuditRetention row by actor with the counts, also when nothing
// expired (the log shows the job runs). Players stay: their rows hold no
// transcript.
func (s *Store) PurgeConversations(ctx context.Context, before time.Time, batch int, actor AuditEntry) (Purge, error) {
	if err := ctx.Err(); err != nil {
		return Purge{}, err // never started: nothing to record
	}
	if batch <= 0 {
		batch = retentionBatch
	}
	before = dbTime(before)
	var total Purge
	var runErr error
	for ctx.Err() == nil {
		n, err := s.purgeBatch(ctx, before, batch, &total)
		if err != nil {
			runErr = err
			break
		}
		if n < batch {
			break
		}
	}
	if runErr == nil {
		runErr = ctx.Err()
	}
	details := map[string]any{"before": before, "conversations": total.Conversations, "messages": total.Messages,
		"tickets": total.Tickets}
	if runErr != nil {
		details["error"] = runErr.Error()
	}
	actor.Action, actor.Target, actor.Details = AuditRetention, "conversations", AuditDetails(details)
	// The run is recorded even when ctx ended (shutdown): with a context
	// of its own, briefly.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.AppendAudit(actx, actor); err != nil && runErr == nil {
		runErr = err
	}
	return total, runErr
}

// expiredCondition selects conversations (aliased c) that ended before ?:
// closed before it, or open and idle since it — and, either way, without a
// message since (a late CSAT answer keeps a transcript as long as any).
const expiredCondition = `c.created_at < ?
	AND ((c.state = 'closed' AND COALESCE(c.closed_at, c.updated_at) < ?) OR (c.state <> 'closed' AND c.updated_at < ?))
	AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.created_at >= ?)`

// purgeBatch deletes up to batch expired conversations in one transaction
// and returns how many it found.
func (s *Store) purgeBatch(ctx context.Context, before time.Time, batch int, total *Purge) (int, error) {
	db, done := s.w(ctx)
	defer done()
	found := 0
	var got Purge
	err := db.Transaction(func(tx *gorm.DB) error {
		args := []any{before, before, before, before}
		q := tx.Table("conversations c").Select("c.id").Where(expiredCondition, args...).Order("c.id").Limit(batch)
		if isPostgres(tx) {
			// Writers of messages lock the conversation row first; a locked
			// one is busy, hence not expired: skip it.
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var ids []int64
		if err := q.Pluck("c.id", &ids).Error; err != nil {
			return err
		}
		found = len(ids)
		if len(ids) == 0 {
			return nil
		}
		if isPostgres(tx) {
			// Checked again now that the rows are locked: a message
			// committed between the snapshot and the lock keeps its
			// conversation.
			if err := tx.Table("conversations c").Where("c.id IN ?", ids).Where(expiredCondition, args...).
				Pluck("c.id", &ids).Error; err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
		}
		if err := tx.Where("conversation_id IN ?", ids).Delete(&deliveryRow{}).Error; err != nil {
			return err
		}
		res := tx.Where("conversation_id IN ?", ids).Delete(&ticketRow{})
		if res.Error != nil {
			return res.Error
		}
		tickets := res.RowsAffected
		if err := tx.Where("conversation_id IN ?", ids).Delete(&flowStateRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("conversation_id IN ?", ids).Delete(&botTurnRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("message_id IN (?)", tx.Model(&messageRow{}).Select("id").Where("conversation_id IN ?", ids)).
			Delete(&missedStateRow{}).Error; err != nil {
			return err
		}
		res = tx.Where("conversation_id IN ?", ids).Delete(&messageRow{})
		if res.Error != nil {
			return res.Error
		}
		messages := res.RowsAffected
		res = tx.Where("id IN ?", ids).Delete(&conversationRow{})
		if res.Error != nil {
			return res.Error
		}
		got = Purge{Conversations: res.RowsAffected, Messages: messages, Tickets: tickets}
		return nil
	})
	if err != nil {
		return 0, wrapTx(err, "purge conversations")
	}
	total.Conversations += got.Conversations
	total.Messages += got.Messages
	total.Tickets += got.Tickets
	return found, nil
}
