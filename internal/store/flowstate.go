package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// FlowState returns the conversation's flow state; a conversation that never
// ran a turn has the zero state (version 0).
func (s *Store) FlowState(ctx context.Context, conversationID int64) (flows.State, error) {
	var row flowStateRow
	err := s.db.WithContext(ctx).First(&row, "conversation_id = ?", conversationID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return flows.State{}, nil
	}
	if err != nil {
		return flows.State{}, fmt.Errorf("store: flow state of %d: %w", conversationID, err)
	}
	var st flows.State
	if err := json.Unmarshal([]byte(row.State), &st); err != nil {
		return flows.State{}, fmt.Errorf("store: decode flow state of %d: %w", conversationID, err)
	}
	st.Version = row.Version
	return st, nil
}

// resetFlowState clears the conversation's flow inside tx, bumping its
// version so a bot turn computed from the old state loses.
func resetFlowState(tx *gorm.DB, conversationID int64, now time.Time) error {
	var row flowStateRow
	err := tx.First(&row, "conversation_id = ?", conversationID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: flow state of %d: %w", conversationID, err)
	}
	return saveFlowState(tx, conversationID, "{}", row.Version, now)
}

// saveFlowState writes state if the stored version is still expectVersion,
// and bumps the version. A mismatch is ECONFLICT.
func saveFlowState(tx *gorm.DB, conversationID int64, state string, expectVersion int64, now time.Time) error {
	if expectVersion == 0 {
		row := flowStateRow{ConversationID: conversationID, State: state, Version: 1, UpdatedAt: now}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("store: save flow state of %d: %w", conversationID, res.Error)
		}
		if res.RowsAffected == 1 {
			return nil
		}
		return chat.Errorf(chat.ECONFLICT, "flow state of conversation %d changed concurrently", conversationID)
	}
	res := tx.Model(&flowStateRow{}).Where("conversation_id = ? AND version = ?", conversationID, expectVersion).
		Updates(map[string]any{"state": state, "version": expectVersion + 1, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("store: save flow state of %d: %w", conversationID, res.Error)
	}
	if res.RowsAffected == 0 {
		return chat.Errorf(chat.ECONFLICT, "flow state of conversation %d changed concurrently", conversationID)
	}
	return nil
}

// conversationForUpdate reads a conversation inside a transaction, locking
// the row on PostgreSQL (SQLite's immediate transaction already holds the
// write lock).
func conversationForUpdate(tx *gorm.DB, id int64) (conversationRow, error) {
	var row conversationRow
	q := tx
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.First(&row, id).Error; err != nil {
		return conversationRow{}, notFound(err, "conversation %d not found", id)
	}
	return row, nil
}
