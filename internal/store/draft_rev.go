package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// DraftRevision names the state of one file of a draft as read: the time
// its change was saved, in microseconds (what both databases keep), or ""
// while the draft does not change the file. Another writer — a second tab,
// the inbox adding an example, Try it recording a test — gives the file
// another revision.
func DraftRevision(c *DraftChange) string {
	if c == nil {
		return ""
	}
	return strconv.FormatInt(c.SavedAt.UnixMicro(), 10)
}

// SaveDraftChangeIf is SaveDraftChange for a file still at revision rev
// (DraftRevision as the editor read it), checked in the transaction that
// writes: otherwise ECONFLICT and nothing is written. A change whose content
// is nil and not Deleted reverts the file (the draft drops its change).
// It returns the file's new revision.
func (s *Store) SaveDraftChangeIf(ctx context.Context, staffID, basedOn int64, c DraftChange, rev string) (string, error) {
	if c.Path == "" {
		return "", chat.Errorf(chat.EINVALID, "a draft change needs a path")
	}
	now := s.now()
	db, done := s.w(ctx)
	defer done()
	var out string
	err := db.Transaction(func(tx *gorm.DB) error {
		q := tx
		if isPostgres(tx) {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var cur draftFileRow
		err := q.First(&cur, "staff_id = ? AND path = ?", staffID, c.Path).Error
		var got string
		switch {
		case err == nil:
			got = DraftRevision(&DraftChange{SavedAt: cur.SavedAt})
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("store: read draft file %s: %w", c.Path, err)
		}
		if got != rev {
			return chat.Errorf(chat.ECONFLICT, "%s was changed in your draft since you opened it (another tab, or the inbox or Try it)", c.Path)
		}
		if c.Content == nil && !c.Deleted {
			if err := tx.Where("staff_id = ? AND path = ?", staffID, c.Path).Delete(&draftFileRow{}).Error; err != nil {
				return fmt.Errorf("store: revert draft change %s: %w", c.Path, err)
			}
			return tx.Model(&draftRow{}).Where("staff_id = ?", staffID).Update("updated_at", now).Error
		}
		// A save within the microsecond of the last one still gets a new revision.
		saved := dbTime(now)
		if !cur.SavedAt.IsZero() && saved.UnixMicro() <= cur.SavedAt.UnixMicro() {
			saved = cur.SavedAt.Add(time.Microsecond)
		}
		if err := upsertDraftChange(tx, staffID, basedOn, c, now, saved); err != nil {
			return fmt.Errorf("store: save draft change %s: %w", c.Path, err)
		}
		out = DraftRevision(&DraftChange{SavedAt: saved})
		return nil
	})
	return out, err
}
