package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Draft is one editor's unpublished changes to the bundle: the files they
// changed relative to release BasedOn. Each editor has at most one.
type Draft struct {
	StaffID   int64
	BasedOn   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	Changes   []DraftChange // by path
}

// DraftChange is one changed file: its new content, or its deletion.
// SavedAt is when the editor last saved it ("last seen editing").
type DraftChange struct {
	Path    string
	Deleted bool
	Content []byte
	SavedAt time.Time
}

// DraftTouch says that an editor's draft changes a file.
type DraftTouch struct {
	StaffID int64
	Path    string
	SavedAt time.Time
}

type draftRow struct {
	StaffID   int64 `gorm:"primaryKey;autoIncrement:false"`
	BasedOn   int64 `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (draftRow) TableName() string { return "editor_drafts" }

type draftFileRow struct {
	StaffID int64  `gorm:"primaryKey;autoIncrement:false"`
	Path    string `gorm:"primaryKey;size:512;index"`
	Deleted bool   `gorm:"not null"`
	Content []byte
	SavedAt time.Time `gorm:"not null"`
}

func (draftFileRow) TableName() string { return "editor_draft_files" }

// Draft returns staffID's draft with its changes, or ENOTFOUND.
func (s *Store) Draft(ctx context.Context, staffID int64) (Draft, error) {
	db := s.db.WithContext(ctx)
	var row draftRow
	if err := db.First(&row, "staff_id = ?", staffID).Error; err != nil {
		return Draft{}, notFound(err, "no draft")
	}
	var files []draftFileRow
	if err := db.Where("staff_id = ?", staffID).Order("path").Find(&files).Error; err != nil {
		return Draft{}, fmt.Errorf("store: read draft of %d: %w", staffID, err)
	}
	d := Draft{StaffID: staffID, BasedOn: row.BasedOn, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt,
		Changes: make([]DraftChange, 0, len(files))}
	for _, f := range files {
		d.Changes = append(d.Changes, DraftChange{Path: f.Path, Deleted: f.Deleted, Content: f.Content, SavedAt: f.SavedAt})
	}
	return d, nil
}

// SaveDraftChange records c in staffID's draft, starting the draft on
// release basedOn when there is none (an existing draft keeps its base).
// It returns the draft's base.
func (s *Store) SaveDraftChange(ctx context.Context, staffID, basedOn int64, c DraftChange) (int64, error) {
	if c.Path == "" {
		return 0, chat.Errorf(chat.EINVALID, "a draft change needs a path")
	}
	now := s.now()
	db, done := s.w(ctx)
	defer done()
	var base int64
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := upsertDraftChange(tx, staffID, basedOn, c, now, now); err != nil {
			return err
		}
		var row draftRow
		if err := tx.First(&row, "staff_id = ?", staffID).Error; err != nil {
			return fmt.Errorf("store: read draft of %d: %w", staffID, err)
		}
		base = row.BasedOn
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: save draft change %s: %w", c.Path, err)
	}
	return base, nil
}

// upsertDraftChange starts staffID's draft on basedOn (an existing one keeps
// its base) and writes c, saved at saved.
func upsertDraftChange(tx *gorm.DB, staffID, basedOn int64, c DraftChange, now, saved time.Time) error {
	d := draftRow{StaffID: staffID, BasedOn: basedOn, CreatedAt: now, UpdatedAt: now}
	if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "staff_id"}},
		DoUpdates: clause.Assignments(map[string]any{"updated_at": now})}).Create(&d).Error; err != nil {
		return fmt.Errorf("store: start draft of %d: %w", staffID, err)
	}
	content := c.Content
	if c.Deleted || content == nil {
		content = []byte{}
	}
	f := draftFileRow{StaffID: staffID, Path: c.Path, Deleted: c.Deleted, Content: content, SavedAt: saved}
	return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "staff_id"}, {Name: "path"}},
		DoUpdates: clause.AssignmentColumns([]string{"deleted", "content", "saved_at"})}).Create(&f).Error
}

// RevertDraftChange drops staffID's change to path (the file is as in the
// base again); ENOTFOUND when the draft does not change it.
func (s *Store) RevertDraftChange(ctx context.Context, staffID int64, path string) error {
	db, done := s.w(ctx)
	defer done()
	return db.Transaction(func(tx *gorm.DB) error {
		res := tx.Where("staff_id = ? AND path = ?", staffID, path).Delete(&draftFileRow{})
		if res.Error != nil {
			return fmt.Errorf("store: revert draft change %s: %w", path, res.Error)
		}
		if res.RowsAffected == 0 {
			return chat.Errorf(chat.ENOTFOUND, "your draft does not change %s", path)
		}
		return tx.Model(&draftRow{}).Where("staff_id = ?", staffID).Update("updated_at", s.now()).Error
	})
}

// RebaseDraft moves staffID's draft from release from to release to; it
// is ECONFLICT when the draft is no longer based on from.
func (s *Store) RebaseDraft(ctx context.Context, staffID, from, to int64) error {
	db, done := s.w(ctx)
	defer done()
	res := db.Model(&draftRow{}).Where("staff_id = ? AND based_on = ?", staffID, from).
		Updates(map[string]any{"based_on": to, "updated_at": s.now()})
	if res.Error != nil {
		return fmt.Errorf("store: rebase draft of %d: %w", staffID, res.Error)
	}
	if res.RowsAffected == 0 {
		return chat.Errorf(chat.ECONFLICT, "the draft changed while it was rebased; try again")
	}
	return nil
}

// DiscardDraft deletes staffID's draft and appends audit (AuditDraftDiscard
// by the caller's actor) in the same transaction; ENOTFOUND without one.
func (s *Store) DiscardDraft(ctx context.Context, staffID int64, audit AuditEntry) error {
	db, done := s.w(ctx)
	defer done()
	return db.Transaction(func(tx *gorm.DB) error {
		var row draftRow
		if err := tx.First(&row, "staff_id = ?", staffID).Error; err != nil {
			return notFound(err, "no draft")
		}
		var paths []string
		if err := tx.Model(&draftFileRow{}).Where("staff_id = ?", staffID).Order("path").Pluck("path", &paths).Error; err != nil {
			return fmt.Errorf("store: read draft of %d: %w", staffID, err)
		}
		if err := deleteDraft(tx, staffID); err != nil {
			return err
		}
		audit.Action = AuditDraftDiscard
		audit.Target = fmt.Sprintf("draft:%d", staffID)
		audit.Details = AuditDetails(map[string]any{"based_on": row.BasedOn, "files": paths})
		return s.appendAudit(tx, audit)
	})
}

func deleteDraft(tx *gorm.DB, staffID int64) error {
	if err := tx.Where("staff_id = ?", staffID).Delete(&draftFileRow{}).Error; err != nil {
		return fmt.Errorf("store: delete draft files of %d: %w", staffID, err)
	}
	if err := tx.Where("staff_id = ?", staffID).Delete(&draftRow{}).Error; err != nil {
		return fmt.Errorf("store: delete draft of %d: %w", staffID, err)
	}
	return nil
}

// DraftTouches returns who has a draft changing path (every path when
// path is ""), by path then most recent save first.
func (s *Store) DraftTouches(ctx context.Context, path string) ([]DraftTouch, error) {
	q := s.db.WithContext(ctx).Model(&draftFileRow{}).Select("staff_id, path, saved_at").Order("path, saved_at DESC")
	if path != "" {
		q = q.Where("path = ?", path)
	}
	var out []DraftTouch
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("store: draft presence: %w", err)
	}
	return out, nil
}

// DraftEdit changes an editor's draft as it was read, inside another
// write's transaction (ResolveMisses): if the draft's existence, its base
// or any written file's change differs from what was read, nothing is
// written (ECONFLICT).
type DraftEdit struct {
	StaffID  int64
	HadDraft bool  // the editor had a draft when it was read
	BasedOn  int64 // its base then (the live version without one): a new draft starts on it
	Writes   []DraftWrite
}

// DraftWrite puts Content at Path, or with Revert drops the draft's change
// to Path (the content is the base's again, as SaveFile does). Read is
// the draft's change to Path as read; nil when it had none.
type DraftWrite struct {
	Path    string
	Content []byte
	Revert  bool
	Read    *DraftChange
}

// errDraftChanged refuses a DraftEdit whose draft changed since it was read.
func errDraftChanged() error {
	return chat.Errorf(chat.ECONFLICT, "your draft changed since it was read (saved in another tab?); try again")
}

// applyDraftEdit writes e in tx. The draft row is locked (or created)
// first, as SaveDraftChange does (FOR UPDATE on PostgreSQL; SQLite's
// writers are serialized), then each written file's row.
func (s *Store) applyDraftEdit(tx *gorm.DB, e DraftEdit) error {
	if len(e.Writes) == 0 {
		return nil
	}
	lock := func(q *gorm.DB) *gorm.DB {
		if isPostgres(tx) {
			return q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		return q
	}
	var rows []draftRow
	if err := lock(tx.Where("staff_id = ?", e.StaffID)).Find(&rows).Error; err != nil {
		return fmt.Errorf("store: read draft of %d: %w", e.StaffID, err)
	}
	if len(rows) == 1 != e.HadDraft || len(rows) == 1 && rows[0].BasedOn != e.BasedOn {
		return errDraftChanged()
	}
	now := s.now()
	if e.HadDraft {
		if err := tx.Model(&draftRow{}).Where("staff_id = ?", e.StaffID).Update("updated_at", now).Error; err != nil {
			return fmt.Errorf("store: touch draft of %d: %w", e.StaffID, err)
		}
	} else if slices.ContainsFunc(e.Writes, func(w DraftWrite) bool { return !w.Revert }) {
		// Another writer starting the draft meanwhile is a change too.
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&draftRow{StaffID: e.StaffID, BasedOn: e.BasedOn, CreatedAt: now, UpdatedAt: now})
		if res.Error != nil {
			return fmt.Errorf("store: start draft of %d: %w", e.StaffID, res.Error)
		}
		if res.RowsAffected != 1 {
			return errDraftChanged()
		}
	}
	for _, w := range e.Writes {
		if w.Path == "" {
			return chat.Errorf(chat.EINVALID, "a draft change needs a path")
		}
		var files []draftFileRow
		if err := lock(tx.Where("staff_id = ? AND path = ?", e.StaffID, w.Path)).Find(&files).Error; err != nil {
			return fmt.Errorf("store: read draft file %s: %w", w.Path, err)
		}
		if len(files) == 1 != (w.Read != nil) ||
			w.Read != nil && (files[0].Deleted != w.Read.Deleted || string(files[0].Content) != string(w.Read.Content)) {
			return errDraftChanged()
		}
		if w.Revert {
			if err := tx.Where("staff_id = ? AND path = ?", e.StaffID, w.Path).Delete(&draftFileRow{}).Error; err != nil {
				return fmt.Errorf("store: revert draft change %s: %w", w.Path, err)
			}
			continue
		}
		content := w.Content
		if content == nil {
			content = []byte{}
		}
		f := draftFileRow{StaffID: e.StaffID, Path: w.Path, Content: content, SavedAt: now}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "staff_id"}, {Name: "path"}},
			DoUpdates: clause.AssignmentColumns([]string{"deleted", "content", "saved_at"})}).Create(&f).Error; err != nil {
			return fmt.Errorf("store: save draft change %s: %w", w.Path, err)
		}
	}
	return nil
}
