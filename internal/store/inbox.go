package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Why a bot turn counts as a miss (Miss.Reasons).
const (
	MissOutOfScope    = "out_of_scope"      // no intent applied, and no article presented either
	MissLowConfidence = "low_confidence"    // answered in scope on a guess: below intents.switch_threshold
	MissNotHelpful    = "not_helpful"       // the player answered "didn't help"
	MissNoAnswer      = "handoff_no_answer" // handed off after the search found nothing
)

// Miss states: a miss is new until an editor applies or dismisses it.
const (
	MissNew       = "new"
	MissApplied   = "applied"
	MissDismissed = "dismissed"
)

// Audit actions of the editors' inbox.
const (
	AuditMissApply   = "missed.apply"
	AuditMissDismiss = "missed.dismiss"
)

// MaxMisses bounds what one Misses call returns.
const MaxMisses = 20000

// Miss is a player message the bot missed, with what an editor did of it.
type Miss struct {
	MessageID      int64
	ConversationID int64
	Locale         string
	Text           string
	At             time.Time
	Reasons        []string
	State          string // MissNew, MissApplied or MissDismissed
	Applied        string // what was applied: "intent:deposit", "article:kb/en/x.md"
	StateBy        int64  // staff id
	StateAt        time.Time
}

// MissQuery selects misses: turns in [Since, Until) (a zero Until is
// open), at most Limit (MaxMisses when 0 or larger). SwitchThreshold is
// the bundle's intents.switch_threshold, the confidence it trusts enough
// to pull a player out of a question: a turn classified in scope below it
// was answered on a guess (low_confidence). Below intents.threshold the
// classifier already says out of scope.
type MissQuery struct {
	Since, Until    time.Time
	SwitchThreshold float64
	Limit           int
}

// missedStateRow is what an editor did with a missed message; a message
// without one is new. A row is never changed: applied and dismissed are
// final.
type missedStateRow struct {
	MessageID int64     `gorm:"primaryKey;autoIncrement:false"`
	State     string    `gorm:"size:16;not null"`
	StaffID   int64     `gorm:"not null"`
	Applied   string    `gorm:"size:256;not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (missedStateRow) TableName() string { return "missed_states" }

// missSelect reads turns with their message and state. The reason flags
// are integers (0/1) on both databases. Erased messages never show.
const missSelect = `SELECT t.message_id, t.conversation_id, t.locale, t.created_at, m.text,
	CASE WHEN t.out_of_scope AND t.article = '' THEN 1 ELSE 0 END AS out_of_scope,
	CASE WHEN t.classified AND NOT t.out_of_scope AND t.confidence < ? THEN 1 ELSE 0 END AS low_confidence,
	CASE WHEN t.helpful = false THEN 1 ELSE 0 END AS not_helpful,
	CASE WHEN t.handoff AND t.no_answer THEN 1 ELSE 0 END AS handoff_no_answer,
	COALESCE(s.state, 'new') AS state, COALESCE(s.applied, '') AS applied,
	COALESCE(s.staff_id, 0) AS staff_id, s.updated_at AS state_at
FROM bot_turns t
JOIN messages m ON m.id = t.message_id
LEFT JOIN missed_states s ON s.message_id = t.message_id
WHERE m.text <> ? `

// missWhere is the definition of a miss: out of scope with no article
// presented (an out-of-scope question the knowledge base answered was not
// missed); classified in scope below the switch threshold; "didn't help";
// or handed off after finding no answer.
const missWhere = `AND ((t.out_of_scope AND t.article = '') OR (t.classified AND NOT t.out_of_scope AND t.confidence < ?) OR t.helpful = false OR (t.handoff AND t.no_answer)) `

type missScan struct {
	MessageID, ConversationID int64
	Locale                    string
	CreatedAt                 time.Time
	Text                      string
	OutOfScope                int
	LowConfidence             int
	NotHelpful                int
	HandoffNoAnswer           int
	State, Applied            string
	StaffID                   int64
	StateAt                   *time.Time
}

func (r missScan) miss() Miss {
	m := Miss{MessageID: r.MessageID, ConversationID: r.ConversationID, Locale: r.Locale, Text: r.Text,
		At: r.CreatedAt.UTC(), State: r.State, Applied: r.Applied, StateBy: r.StaffID, Reasons: []string{}}
	if r.StateAt != nil {
		m.StateAt = r.StateAt.UTC()
	}
	for _, f := range []struct {
		on     int
		reason string
	}{{r.OutOfScope, MissOutOfScope}, {r.LowConfidence, MissLowConfidence}, {r.NotHelpful, MissNotHelpful}, {r.HandoffNoAnswer, MissNoAnswer}} {
		if f.on != 0 {
			m.Reasons = append(m.Reasons, f.reason)
		}
	}
	return m
}

// Misses returns the misses of q's window, newest first, and whether
// there were more than the limit. One query (missSelect + missWhere):
//
//	SELECT turn, message text, reason flags, state FROM bot_turns
//	JOIN messages LEFT JOIN missed_states
//	WHERE text <> '[erased]' AND <a miss> AND created_at in the window
//	ORDER BY created_at DESC, message_id DESC LIMIT limit+1
func (s *Store) Misses(ctx context.Context, q MissQuery) ([]Miss, bool, error) {
	limit := q.Limit
	if limit <= 0 || limit > MaxMisses {
		limit = MaxMisses
	}
	sql := missSelect + missWhere + `AND t.created_at >= ? `
	args := []any{q.SwitchThreshold, ErasedText, q.SwitchThreshold, dbTime(q.Since)}
	if !q.Until.IsZero() {
		sql += `AND t.created_at < ? `
		args = append(args, dbTime(q.Until))
	}
	sql += `ORDER BY t.created_at DESC, t.message_id DESC LIMIT ?`
	args = append(args, limit+1)
	var rows []missScan
	if err := s.db.WithContext(ctx).Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, false, fmt.Errorf("store: read misses: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]Miss, len(rows))
	for i, r := range rows {
		out[i] = r.miss()
	}
	return out, more, nil
}

// MissesByID returns the bot-answered, unerased player messages among ids
// (whether or not they are misses; switchThreshold as in MissQuery), in
// the order of ids; ENOTFOUND names the first id that is not one.
func (s *Store) MissesByID(ctx context.Context, ids []int64, switchThreshold float64) ([]Miss, error) {
	if len(ids) == 0 {
		return nil, chat.Errorf(chat.EINVALID, "no message ids")
	}
	var rows []missScan
	err := s.db.WithContext(ctx).Raw(missSelect+`AND t.message_id IN ?`, switchThreshold, ErasedText, ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: read misses by id: %w", err)
	}
	byID := make(map[int64]Miss, len(rows))
	for _, r := range rows {
		byID[r.MessageID] = r.miss()
	}
	out := make([]Miss, 0, len(ids))
	for _, id := range ids {
		m, ok := byID[id]
		if !ok {
			return nil, chat.Errorf(chat.ENOTFOUND, "message %d is not a bot-answered player message", id)
		}
		out = append(out, m)
	}
	return out, nil
}

// SetMissState is ResolveMisses without a draft edit or the count.
func (s *Store) SetMissState(ctx context.Context, actor AuditEntry, ids []int64, state, applied string) error {
	_, err := s.ResolveMisses(ctx, actor, ids, state, applied, nil)
	return err
}

// missBatch bounds the rows of one INSERT (5 parameters each).
const missBatch = 500

// ResolveMisses marks the messages ids that are still new applied (what:
// "intent:deposit", "article:kb/en/x.md") or dismissed by actor, and
// returns how many it marked: a message already applied or dismissed
// keeps its state. Every id must be a bot-answered player message, not
// erased (ENOTFOUND). The draft edit (nil: none), the states and the audit
// row (when anything changed) are one transaction; an edit whose draft
// changed since it was read is ECONFLICT, and nothing is written.
func (s *Store) ResolveMisses(ctx context.Context, actor AuditEntry, ids []int64, state, applied string, edit *DraftEdit) (int, error) {
	switch {
	case len(ids) == 0:
		return 0, chat.Errorf(chat.EINVALID, "no message ids")
	case state == MissApplied && applied == "":
		return 0, chat.Errorf(chat.EINVALID, "applied needs what was applied")
	case state == MissDismissed:
		applied, actor.Action = "", AuditMissDismiss
	case state == MissApplied:
		actor.Action = AuditMissApply
	default:
		return 0, chat.Errorf(chat.EINVALID, "state must be applied or dismissed, not %q", state)
	}
	if len(applied) > 256 {
		return 0, chat.Errorf(chat.EINVALID, "applied is over 256 bytes")
	}
	if len(ids) > MaxMisses {
		return 0, chat.Errorf(chat.EINVALID, "at most %d messages at once", MaxMisses)
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	now := dbTime(s.now())
	marked := []int64{}
	db, done := s.w(ctx)
	defer done()
	err := db.Transaction(func(tx *gorm.DB) error {
		var n int64
		err := tx.Table("bot_turns AS t").Joins("JOIN messages m ON m.id = t.message_id").
			Where("t.message_id IN ? AND m.text <> ?", ids, ErasedText).Count(&n).Error
		if err != nil {
			return fmt.Errorf("store: check missed messages: %w", err)
		}
		if n != int64(len(ids)) {
			return chat.Errorf(chat.ENOTFOUND, "%d of the %d messages are not bot-answered player messages (or were erased)", int64(len(ids))-n, len(ids))
		}
		var files []string
		if edit != nil {
			if err := s.applyDraftEdit(tx, *edit); err != nil {
				return err
			}
			for _, w := range edit.Writes {
				files = append(files, w.Path)
			}
		}
		// Only messages without a state get one: RETURNING names them.
		for batch := range slices.Chunk(ids, missBatch) {
			sql := "INSERT INTO missed_states (message_id, state, staff_id, applied, updated_at) VALUES " +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(batch)), ", ") +
				" ON CONFLICT (message_id) DO NOTHING RETURNING message_id"
			args := make([]any, 0, 5*len(batch))
			for _, id := range batch {
				args = append(args, id, state, actor.ActorID, applied, now)
			}
			var got []int64
			if err := tx.Raw(sql, args...).Scan(&got).Error; err != nil {
				return fmt.Errorf("store: set miss state: %w", err)
			}
			marked = append(marked, got...)
		}
		if len(marked) == 0 && len(files) == 0 {
			return nil
		}
		slices.Sort(marked)
		actor.Target = missTarget(marked)
		if len(marked) == 0 {
			actor.Target = fmt.Sprintf("draft:%d", edit.StaffID)
		}
		details := map[string]any{"message_ids": marked, "applied": applied}
		if len(files) > 0 {
			details["files"] = files
		}
		actor.Details = AuditDetails(details)
		return s.appendAudit(tx, actor)
	})
	if err != nil {
		return 0, err
	}
	return len(marked), nil
}

// missTarget names the messages of an audit row within its 256 bytes.
func missTarget(ids []int64) string {
	var b strings.Builder
	b.WriteString("messages:")
	for i, id := range ids {
		s := strconv.FormatInt(id, 10)
		if b.Len()+len(s)+16 > 256 {
			fmt.Fprintf(&b, ",+%d more", len(ids)-i)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	return b.String()
}
