package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// TurnRecord is what the bot decided on one player message. Stored with
// the turn (bot_turns), it feeds the editors' inbox of misses and their
// analytics; it holds no text of its own (the message is joined by id, so
// erasing a player's messages erases what the inbox shows).
type TurnRecord struct {
	Version    string // the content version that answered
	Intent     string
	Confidence float64
	Classified bool // the classifier ran this turn
	OutOfScope bool
	Flow, Step string  // the last step the turn ran
	Article    string  // the article presented first, if any
	KBScore    float64 // the best search hit's score (0 without a search)
	NoAnswer   bool    // a kb_answer step found nothing to present
	Feedback   *flows.Feedback
}

// NewTurnRecord summarises an engine turn (its trace and replies).
func NewTurnRecord(out flows.Output) TurnRecord {
	tr := out.Trace
	r := TurnRecord{Version: tr.Version, Intent: tr.Intent, Confidence: tr.Confidence, Classified: tr.Classified,
		OutOfScope: tr.OutOfScope, NoAnswer: tr.NoAnswer, Feedback: tr.Feedback}
	if n := len(tr.Steps); n > 0 {
		r.Flow, r.Step, _ = strings.Cut(tr.Steps[n-1], "/")
	}
	for _, h := range tr.KBHits {
		r.KBScore = max(r.KBScore, h.Score)
	}
	for _, reply := range out.Replies {
		if len(reply.Articles) > 0 {
			r.Article = reply.Articles[0].ID
			break
		}
	}
	return r
}

type botTurnRow struct {
	ID              int64     `gorm:"primaryKey;autoIncrement"`
	ConversationID  int64     `gorm:"not null;index"`
	MessageID       int64     `gorm:"not null;uniqueIndex"` // the player's message
	PlayerID        string    `gorm:"size:128;not null"`
	Channel         string    `gorm:"size:16;not null"`
	Locale          string    `gorm:"size:8;not null"`
	Version         string    `gorm:"size:80;not null"`
	Intent          string    `gorm:"size:64;not null"`
	Confidence      float64   `gorm:"not null"`
	Classified      bool      `gorm:"not null"`
	OutOfScope      bool      `gorm:"not null"`
	Flow            string    `gorm:"size:64;not null"`
	Step            string    `gorm:"size:64;not null"`
	Article         string    `gorm:"size:128;not null"`
	KBScore         float64   `gorm:"not null"`
	NoAnswer        bool      `gorm:"not null"`
	Handoff         bool      `gorm:"not null"`
	Helpful         *bool     // the player's feedback on FeedbackArticle this turn
	FeedbackArticle string    `gorm:"size:128;not null"`
	CreatedAt       time.Time `gorm:"not null;index"`
}

func (botTurnRow) TableName() string { return "bot_turns" }

func saveTurnRecord(tx *gorm.DB, conv conversationRow, inbound chat.Message, r TurnRecord, handoff bool, now time.Time) error {
	row := botTurnRow{ConversationID: conv.ID, MessageID: inbound.ID, PlayerID: conv.PlayerID, Channel: string(inbound.Channel),
		Locale: conv.Locale, Version: r.Version, Intent: r.Intent, Confidence: r.Confidence, Classified: r.Classified,
		OutOfScope: r.OutOfScope, Flow: r.Flow, Step: r.Step, Article: r.Article, KBScore: r.KBScore,
		NoAnswer: r.NoAnswer, Handoff: handoff, CreatedAt: now}
	if r.Feedback != nil {
		helpful := r.Feedback.Helpful
		row.Helpful, row.FeedbackArticle = &helpful, r.Feedback.Article
	}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("store: save turn record: %w", err)
	}
	return nil
}

// TurnRecords returns the stored records of a conversation's bot turns,
// oldest first (tests and the console's conversation view).
func (s *Store) TurnRecords(ctx context.Context, conversationID int64) ([]StoredTurn, error) {
	var rows []botTurnRow
	if err := s.db.WithContext(ctx).Where("conversation_id = ?", conversationID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: turn records of conversation %d: %w", conversationID, err)
	}
	out := make([]StoredTurn, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// StoredTurn is a TurnRecord as stored, with the message it answers.
type StoredTurn struct {
	TurnRecord
	ConversationID int64
	MessageID      int64
	Handoff        bool
	Locale         string
	CreatedAt      time.Time
}

func (row botTurnRow) domain() StoredTurn {
	t := StoredTurn{ConversationID: row.ConversationID, MessageID: row.MessageID, Handoff: row.Handoff,
		Locale: row.Locale, CreatedAt: row.CreatedAt.UTC(),
		TurnRecord: TurnRecord{Version: row.Version, Intent: row.Intent, Confidence: row.Confidence,
			Classified: row.Classified, OutOfScope: row.OutOfScope, Flow: row.Flow, Step: row.Step,
			Article: row.Article, KBScore: row.KBScore, NoAnswer: row.NoAnswer}}
	if row.Helpful != nil {
		t.Feedback = &flows.Feedback{Article: row.FeedbackArticle, Helpful: *row.Helpful}
	}
	return t
}
