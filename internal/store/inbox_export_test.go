package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// SeedMissesForTest stores n player messages saying text in a
// conversation, each answered out of scope at `at`, in one transaction
// (tests only: inboxes too big to build turn by turn); it returns their ids.
func (s *Store) SeedMissesForTest(ctx context.Context, conversationID int64, n int, text string, at time.Time) ([]int64, error) {
	at = dbTime(at)
	db, done := s.w(ctx)
	defer done()
	ids := make([]int64, 0, n)
	err := db.Transaction(func(tx *gorm.DB) error {
		var conv conversationRow
		if err := tx.First(&conv, conversationID).Error; err != nil {
			return err
		}
		// One statement per table: row by row is slow under the race detector.
		var first int64
		if err := tx.Raw("SELECT COALESCE(MAX(id), 0) FROM messages").Scan(&first).Error; err != nil {
			return err
		}
		err := tx.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			INSERT INTO messages (id, conversation_id, sender, sender_id, channel, text, reply_to, created_at)
			SELECT ? + i, ?, ?, ?, ?, ?, 0, ? FROM seq`, n, first, conv.ID, string(chat.SenderPlayer), conv.PlayerID, conv.Channel, text, at).Error
		if err != nil {
			return err
		}
		if isPostgres(tx) {
			if err := tx.Exec("SELECT setval(pg_get_serial_sequence('messages', 'id'), (SELECT MAX(id) FROM messages))").Error; err != nil {
				return err
			}
		}
		err = tx.Exec(`INSERT INTO bot_turns (conversation_id, message_id, player_id, channel, locale, version, intent, confidence,
			classified, out_of_scope, flow, step, article, kb_score, no_answer, handoff, feedback_article, created_at)
			SELECT conversation_id, id, ?, channel, ?, '', '', 0, true, true, '', '', '', 0, false, false, '', created_at
			FROM messages WHERE id > ?`, conv.PlayerID, conv.Locale, first).Error
		if err != nil {
			return err
		}
		return tx.Raw("SELECT id FROM messages WHERE id > ? ORDER BY id", first).Scan(&ids).Error
	})
	return ids, err
}
