package store

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// UpsertPlayer creates the player or refreshes its name, locale and
// attributes (the casino site is the source of truth for them).
func (s *Store) UpsertPlayer(ctx context.Context, p chat.Player) (chat.Player, error) {
	if p.ID == "" {
		return chat.Player{}, chat.Errorf(chat.EINVALID, "player id required")
	}
	attrs, err := json.Marshal(p.Attributes)
	if err != nil {
		return chat.Player{}, fmt.Errorf("store: encode player attributes: %w", err)
	}
	now := s.now()
	row := playerRow{ID: p.ID, Name: p.Name, Locale: p.Locale, Attributes: string(attrs), CreatedAt: now, UpdatedAt: now}
	db, done := s.w(ctx)
	err = db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "locale", "attributes", "updated_at"}),
	}).Create(&row).Error
	done()
	if err != nil {
		return chat.Player{}, fmt.Errorf("store: upsert player %s: %w", p.ID, err)
	}
	return s.Player(ctx, p.ID)
}

// Player returns the player with the given id, or ENOTFOUND.
func (s *Store) Player(ctx context.Context, id string) (chat.Player, error) {
	var row playerRow
	if err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error; err != nil {
		return chat.Player{}, notFound(err, "player %s not found", id)
	}
	return row.domain()
}

func (r playerRow) domain() (chat.Player, error) {
	p := chat.Player{ID: r.ID, Name: r.Name, Locale: r.Locale, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.Attributes != "" && r.Attributes != "null" {
		if err := json.Unmarshal([]byte(r.Attributes), &p.Attributes); err != nil {
			return chat.Player{}, fmt.Errorf("store: decode attributes of player %s: %w", r.ID, err)
		}
	}
	return p, nil
}

// PlayerNames returns the names of the given players in one query, by id;
// unknown ids are left out.
func (s *Store) PlayerNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []playerRow
	if err := s.db.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: player names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
