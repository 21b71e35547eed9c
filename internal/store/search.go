package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// ConversationHit is one conversation a console search found.
type ConversationHit struct {
	ConversationID int64
	PlayerID       string
	PlayerName     string
	State          chat.ConversationState
	Text           string // the latest matching message, "" when the player matched
	UpdatedAt      time.Time
}

// maxSearchQuery bounds a search string.
const maxSearchQuery = 200

// SearchConversations finds conversations for the console: those of the
// player whose id is q, of players whose name contains q, and those with a
// message (notes included) containing q — the most recently active first,
// at most limit (1–100, default 20). Matching ignores case for ASCII letters
// (SQL LOWER); other scripts match as typed. EINVALID for an empty or
// over-long q.
func (s *Store) SearchConversations(ctx context.Context, q string, limit int) ([]ConversationHit, error) {
	q = strings.TrimSpace(q)
	if q == "" || len(q) > maxSearchQuery {
		return nil, chat.Errorf(chat.EINVALID, "search for 1 to %d bytes of text", maxSearchQuery)
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	like := "%" + escapeLike(strings.ToLower(q)) + "%"
	db := s.db.WithContext(ctx)
	var hits []struct {
		ConversationID int64
		PlayerID       string
		PlayerName     string
		State          string
		UpdatedAt      time.Time
	}
	err := db.Table("conversations AS c").
		Select("c.id AS conversation_id, c.player_id, p.name AS player_name, c.state, c.updated_at").
		Joins("LEFT JOIN players AS p ON p.id = c.player_id").
		Where("c.player_id = ? OR LOWER(p.name) LIKE ? ESCAPE '\\' OR c.id IN (?)", q, like,
			db.Table("messages").Select("conversation_id").Where("LOWER(text) LIKE ? ESCAPE '\\'", like)).
		Order("c.updated_at DESC, c.id DESC").Limit(limit).Scan(&hits).Error
	if err != nil {
		return nil, fmt.Errorf("store: search conversations: %w", err)
	}
	out := make([]ConversationHit, 0, len(hits))
	for _, h := range hits {
		hit := ConversationHit{ConversationID: h.ConversationID, PlayerID: h.PlayerID, PlayerName: h.PlayerName,
			State: chat.ConversationState(h.State), UpdatedAt: h.UpdatedAt}
		var texts []string
		if err := db.Table("messages").Where("conversation_id = ? AND LOWER(text) LIKE ? ESCAPE '\\'", h.ConversationID, like).
			Order("id DESC").Limit(1).Pluck("text", &texts).Error; err != nil {
			return nil, fmt.Errorf("store: search conversations: %w", err)
		}
		if len(texts) > 0 {
			hit.Text = texts[0]
		}
		out = append(out, hit)
	}
	return out, nil
}

// escapeLike escapes LIKE's wildcards (and the escape character) in s.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
