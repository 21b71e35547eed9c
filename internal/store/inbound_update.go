package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// InboundUpdate is an update a channel sent (a Telegram update), stored
// before it is acknowledged.
type InboundUpdate struct {
	Channel  chat.Channel
	UpdateID int64
	ChatID   string
	Payload  string // the update as the channel sent it (JSON)
}

// SaveUpdate stores an update once: a duplicate update id (the channel
// retrying, a webhook and a poll overlapping) reports false and changes
// nothing.
func (s *Store) SaveUpdate(ctx context.Context, u InboundUpdate) (bool, error) {
	db, done := s.w(ctx)
	defer done()
	res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&inboundUpdateRow{Channel: string(u.Channel),
		UpdateID: u.UpdateID, ChatID: u.ChatID, Payload: u.Payload, CreatedAt: s.now()})
	if res.Error != nil {
		return false, fmt.Errorf("store: save %s update %d: %w", u.Channel, u.UpdateID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// PendingUpdates returns up to limit unprocessed updates of channel, oldest
// first.
func (s *Store) PendingUpdates(ctx context.Context, channel chat.Channel, limit int) ([]InboundUpdate, error) {
	var rows []inboundUpdateRow
	err := s.db.WithContext(ctx).Where("channel = ? AND done = ?", string(channel), false).
		Order("update_id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: pending %s updates: %w", channel, err)
	}
	out := make([]InboundUpdate, len(rows))
	for i, r := range rows {
		out[i] = InboundUpdate{Channel: chat.Channel(r.Channel), UpdateID: r.UpdateID, ChatID: r.ChatID, Payload: r.Payload}
	}
	return out, nil
}

// UpdateDone marks an update processed.
func (s *Store) UpdateDone(ctx context.Context, channel chat.Channel, updateID int64, now time.Time) error {
	db, done := s.w(ctx)
	defer done()
	err := db.Model(&inboundUpdateRow{}).Where("channel = ? AND update_id = ?", string(channel), updateID).
		Updates(map[string]any{"done": true, "done_at": dbTime(now)}).Error
	if err != nil {
		return fmt.Errorf("store: mark %s update %d done: %w", channel, updateID, err)
	}
	return nil
}

// LastUpdateID returns the highest update id stored for channel (0 when
// none): polling resumes after it.
func (s *Store) LastUpdateID(ctx context.Context, channel chat.Channel) (int64, error) {
	var id *int64
	if err := s.db.WithContext(ctx).Model(&inboundUpdateRow{}).Where("channel = ?", string(channel)).
		Select("MAX(update_id)").Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("store: last %s update: %w", channel, err)
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
}

// PruneChannelRecords deletes processed updates and finished deliveries
// older than before: Telegram never resends an update after 24 hours, so
// an update id older than that cannot come back to be deduplicated, and a
// finished delivery is history (the message itself stays). It returns how
// many rows went.
func (s *Store) PruneChannelRecords(ctx context.Context, before time.Time) (int64, error) {
	before = dbTime(before)
	db, done := s.w(ctx)
	defer done()
	u := db.Where("done = ? AND done_at < ?", true, before).Delete(&inboundUpdateRow{})
	if u.Error != nil {
		return 0, fmt.Errorf("store: prune updates: %w", u.Error)
	}
	d := db.Where("state <> ? AND done_at < ?", deliveryPending, before).Delete(&deliveryRow{})
	if d.Error != nil {
		return 0, fmt.Errorf("store: prune deliveries: %w", d.Error)
	}
	return u.RowsAffected + d.RowsAffected, nil
}
