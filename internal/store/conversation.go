package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// OpenConversation returns the player's open conversation, creating one on
// the given channel and locale when there is none. Opening never changes a
// conversation: its channel is the one the player's latest message came
// from (set when that message is stored), where replies go; its locale is
// only the starting default, and
// a turn sets the language the conversation is actually held in
// (TurnResult.Locale). Concurrent calls for one player return the same
// conversation.
func (s *Store) OpenConversation(ctx context.Context, playerID string, channel chat.Channel, locale string) (chat.Conversation, error) {
	for attempt := 0; attempt < 3; attempt++ {
		var row conversationRow
		err := s.db.WithContext(ctx).Where("player_id = ? AND state <> ?", playerID, chat.StateClosed).
			First(&row).Error
		if err == nil {
			return row.domain(), nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return chat.Conversation{}, fmt.Errorf("store: find open conversation: %w", err)
		}
		now := s.now()
		row = conversationRow{PlayerID: playerID, Channel: string(channel), Locale: locale,
			State: string(chat.StateBot), CreatedAt: now, UpdatedAt: now}
		db, done := s.w(ctx)
		err = db.Create(&row).Error
		done()
		if err == nil {
			return row.domain(), nil
		}
		if !isUniqueViolation(err) {
			return chat.Conversation{}, fmt.Errorf("store: create conversation: %w", err)
		}
		// Another request created it first: read it on the next round.
	}
	return chat.Conversation{}, chat.Errorf(chat.ECONFLICT, "could not open a conversation for player %s", playerID)
}

// CurrentConversation returns the player's open conversation, or
// ENOTFOUND.
func (s *Store) CurrentConversation(ctx context.Context, playerID string) (chat.Conversation, error) {
	var row conversationRow
	err := s.db.WithContext(ctx).Where("player_id = ? AND state <> ?", playerID, chat.StateClosed).First(&row).Error
	if err != nil {
		return chat.Conversation{}, notFound(err, "player %s has no open conversation", playerID)
	}
	return row.domain(), nil
}

// Conversation returns the conversation with the given id, or ENOTFOUND.
func (s *Store) Conversation(ctx context.Context, id int64) (chat.Conversation, error) {
	var row conversationRow
	if err := s.db.WithContext(ctx).First(&row, id).Error; err != nil {
		return chat.Conversation{}, notFound(err, "conversation %d not found", id)
	}
	return row.domain(), nil
}

// PlayerConversation returns conversation id if it belongs to playerID. A
// conversation of another player is reported as ENOTFOUND, not EFORBIDDEN,
// so ids cannot be probed.
func (s *Store) PlayerConversation(ctx context.Context, playerID string, id int64) (chat.Conversation, error) {
	var row conversationRow
	if err := s.db.WithContext(ctx).Where("player_id = ?", playerID).First(&row, id).Error; err != nil {
		return chat.Conversation{}, notFound(err, "conversation %d not found", id)
	}
	return row.domain(), nil
}

// SetConversationState changes who answers the conversation.
func (s *Store) SetConversationState(ctx context.Context, id int64, state chat.ConversationState) error {
	updates := map[string]any{"state": string(state), "updated_at": s.now()}
	if state == chat.StateClosed {
		updates["closed_at"] = s.now()
	}
	db, done := s.w(ctx)
	defer done()
	res := db.Model(&conversationRow{}).Where("id = ?", id).Updates(updates)
	if res.Error != nil {
		return fmt.Errorf("store: set state of conversation %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return chat.Errorf(chat.ENOTFOUND, "conversation %d not found", id)
	}
	return nil
}

func (r conversationRow) domain() chat.Conversation {
	return chat.Conversation{ID: r.ID, PlayerID: r.PlayerID, Channel: chat.Channel(r.Channel), Locale: r.Locale,
		State: chat.ConversationState(r.State), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}
