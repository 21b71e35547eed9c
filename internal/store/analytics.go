package store

import (
	"context"
	"fmt"
	"regexp"
	"time"
)

// The editors' analytics (ARCHITECTURE.md "Analytics"). Each figure is ONE
// SQL query, kept below as a constant so that it can be run by hand. Two
// macros stand for what SQLite and PostgreSQL spell differently
// (analyticsSQL expands them):
//
//	DAY(col)           the UTC day of a timestamp as text 'YYYY-MM-DD'
//	                   SQLite: date(col); PostgreSQL: to_char(col AT TIME ZONE 'UTC', 'YYYY-MM-DD')
//	WITHIN_24H(a, b)   b is after a by at most 24 hours
//	                   SQLite: julianday(b) > julianday(a) AND julianday(b) <= julianday(a) + 1
//	                   PostgreSQL: b > a AND b <= a + INTERVAL '24 hours'
//
// Queries over time return one row per UTC day; the caller sums days into
// weeks. Every period is [from, to) and every "?" is bound in order.

// HandoffSQL: conversations started per day and those with at least one
// ticket (handoff rate = handed_off / started). Binds from, to.
const HandoffSQL = `SELECT DAY(c.created_at) AS day, COUNT(*) AS started,
  SUM(CASE WHEN EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id) THEN 1 ELSE 0 END) AS handed_off
FROM conversations c
WHERE c.created_at >= ? AND c.created_at < ?
GROUP BY 1 ORDER BY 1`

// ContainmentSQL: per day of start, the conversations at least 24 h old
// (decided; the others are pending) and, of those, the contained ones: no
// ticket and no other conversation of the player started within 24 h after
// it (containment = contained / decided). Binds cutoff (now − 24 h) twice,
// then from, to.
const ContainmentSQL = `SELECT DAY(c.created_at) AS day, COUNT(*) AS started,
  SUM(CASE WHEN c.created_at <= ? THEN 1 ELSE 0 END) AS decided,
  SUM(CASE WHEN c.created_at <= ?
        AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id)
        AND NOT EXISTS (SELECT 1 FROM conversations n WHERE n.player_id = c.player_id AND n.id <> c.id
                        AND WITHIN_24H(c.created_at, n.created_at))
      THEN 1 ELSE 0 END) AS contained
FROM conversations c
WHERE c.created_at >= ? AND c.created_at < ?
GROUP BY 1 ORDER BY 1`

// OutOfScopeSQL: per day, the bot turns the classifier ran on and those it
// found out of scope (out-of-scope rate = out_of_scope / classified).
// Binds from, to.
const OutOfScopeSQL = `SELECT DAY(b.created_at) AS day,
  SUM(CASE WHEN b.classified THEN 1 ELSE 0 END) AS classified,
  SUM(CASE WHEN b.classified AND b.out_of_scope THEN 1 ELSE 0 END) AS out_of_scope
FROM bot_turns b
WHERE b.created_at >= ? AND b.created_at < ?
GROUP BY 1 ORDER BY 1`

// TopIntentsSQL: conversations started in the period counted by their
// first classified intent (the intent of their earliest classified bot
// turn; "oos" when that turn was out of scope). Binds from, to, limit.
const TopIntentsSQL = `SELECT b.intent AS intent, COUNT(*) AS conversations
FROM bot_turns b JOIN conversations c ON c.id = b.conversation_id
WHERE c.created_at >= ? AND c.created_at < ?
  AND b.id = (SELECT MIN(f.id) FROM bot_turns f WHERE f.conversation_id = b.conversation_id AND f.classified)
GROUP BY b.intent ORDER BY conversations DESC, b.intent LIMIT ?`

// DropOffSQL: for conversations started in the period, the last step each
// reached in each flow (its last bot turn in that flow), counted per step;
// of those, how many handed off on that turn, and how many never wrote
// again (silent: no later player message in the conversation). Binds
// from, to.
const DropOffSQL = `SELECT b.flow AS flow, b.step AS step, COUNT(*) AS conversations,
  SUM(CASE WHEN b.handoff THEN 1 ELSE 0 END) AS handoffs,
  SUM(CASE WHEN NOT b.handoff AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = b.conversation_id
        AND m.sender = 'player' AND m.id > b.message_id) THEN 1 ELSE 0 END) AS silent
FROM bot_turns b JOIN conversations c ON c.id = b.conversation_id
WHERE c.created_at >= ? AND c.created_at < ? AND b.flow <> ''
  AND b.id = (SELECT MAX(l.id) FROM bot_turns l WHERE l.conversation_id = b.conversation_id AND l.flow = b.flow)
GROUP BY b.flow, b.step ORDER BY b.flow, conversations DESC, b.step`

// FeedbackSQL: per article (and locale), the players' yes and no to "did
// that work?" given in the period. Binds from, to.
const FeedbackSQL = `SELECT b.feedback_article AS article, b.locale AS locale,
  SUM(CASE WHEN b.helpful THEN 1 ELSE 0 END) AS yes_count,
  SUM(CASE WHEN b.helpful THEN 0 ELSE 1 END) AS no_count
FROM bot_turns b
WHERE b.helpful IS NOT NULL AND b.created_at >= ? AND b.created_at < ?
GROUP BY b.feedback_article, b.locale ORDER BY no_count DESC, yes_count DESC, b.feedback_article, b.locale`

var (
	dayMacro       = regexp.MustCompile(`DAY\(([\w.]+)\)`)
	within24hMacro = regexp.MustCompile(`WITHIN_24H\(([\w.]+), ([\w.]+)\)`)
)

// AnalyticsSQL expands the macros of an analytics query for the store's
// database.
func (s *Store) AnalyticsSQL(q string) string {
	if s.dialect == "postgres" {
		q = dayMacro.ReplaceAllString(q, `to_char(${1} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`)
		return within24hMacro.ReplaceAllString(q, `(${2} > ${1} AND ${2} <= ${1} + INTERVAL '24 hours')`)
	}
	q = dayMacro.ReplaceAllString(q, `date(${1})`)
	return within24hMacro.ReplaceAllString(q, `(julianday(${2}) > julianday(${1}) AND julianday(${2}) <= julianday(${1}) + 1)`)
}

// HandoffDay is a day of HandoffSQL.
type HandoffDay struct {
	Day       string
	Started   int64
	HandedOff int64
}

// ContainmentDay is a day of ContainmentSQL (pending = started − decided).
type ContainmentDay struct {
	Day                         string
	Started, Decided, Contained int64
}

// OutOfScopeDay is a day of OutOfScopeSQL.
type OutOfScopeDay struct {
	Day                    string
	Classified, OutOfScope int64
}

// IntentCount is a row of TopIntentsSQL.
type IntentCount struct {
	Intent        string
	Conversations int64
}

// StepCount is a row of DropOffSQL.
type StepCount struct {
	Flow, Step                      string
	Conversations, Handoffs, Silent int64
}

// ArticleFeedback is a row of FeedbackSQL.
type ArticleFeedback struct {
	Article, Locale   string
	YesCount, NoCount int64
}

func (s *Store) analytics(ctx context.Context, name string, dst any, q string, args ...any) error {
	if err := s.db.WithContext(ctx).Raw(s.AnalyticsSQL(q), args...).Scan(dst).Error; err != nil {
		return fmt.Errorf("store: analytics %s: %w", name, err)
	}
	return nil
}

// HandoffDays runs HandoffSQL for [from, to).
func (s *Store) HandoffDays(ctx context.Context, from, to time.Time) ([]HandoffDay, error) {
	var out []HandoffDay
	return out, s.analytics(ctx, "handoff", &out, HandoffSQL, dbTime(from), dbTime(to))
}

// ContainmentDays runs ContainmentSQL for [from, to) as of now.
func (s *Store) ContainmentDays(ctx context.Context, from, to, now time.Time) ([]ContainmentDay, error) {
	var out []ContainmentDay
	cutoff := dbTime(now.Add(-24 * time.Hour))
	return out, s.analytics(ctx, "containment", &out, ContainmentSQL, cutoff, cutoff, dbTime(from), dbTime(to))
}

// OutOfScopeDays runs OutOfScopeSQL for [from, to).
func (s *Store) OutOfScopeDays(ctx context.Context, from, to time.Time) ([]OutOfScopeDay, error) {
	var out []OutOfScopeDay
	return out, s.analytics(ctx, "out of scope", &out, OutOfScopeSQL, dbTime(from), dbTime(to))
}

// TopIntents runs TopIntentsSQL for [from, to), at most limit rows.
func (s *Store) TopIntents(ctx context.Context, from, to time.Time, limit int) ([]IntentCount, error) {
	var out []IntentCount
	return out, s.analytics(ctx, "top intents", &out, TopIntentsSQL, dbTime(from), dbTime(to), limit)
}

// DropOff runs DropOffSQL for [from, to).
func (s *Store) DropOff(ctx context.Context, from, to time.Time) ([]StepCount, error) {
	var out []StepCount
	return out, s.analytics(ctx, "drop-off", &out, DropOffSQL, dbTime(from), dbTime(to))
}

// Feedback runs FeedbackSQL for [from, to).
func (s *Store) Feedback(ctx context.Context, from, to time.Time) ([]ArticleFeedback, error) {
	var out []ArticleFeedback
	return out, s.analytics(ctx, "feedback", &out, FeedbackSQL, dbTime(from), dbTime(to))
}
