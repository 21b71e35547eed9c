package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Release is a numbered, immutable version of the whole bundle as editors
// see it: one row of the publication log. Every publish — the editor's,
// a rollback, the CLI's — gets the next number; its files are a stored
// content version (deduplicated by hash, so a rollback shares the files of
// the version it restores). Nothing deletes releases.
type Release struct {
	Number      int64 // the publication's id
	ContentID   int64 // the content version published
	Hash        string
	Author      string
	Summary     string // the change summary; the content version's note for CLI publishes
	PublishedAt time.Time
	Files       map[string][]byte // only from Release and LiveRelease
}

type releaseScan struct {
	ID          int64
	VersionID   int64
	PublishedBy string
	Summary     string
	CreatedAt   time.Time
	Hash        string
	Note        string
}

func (r releaseScan) release() Release {
	sum := r.Summary
	if sum == "" {
		sum = r.Note
	}
	return Release{Number: r.ID, ContentID: r.VersionID, Hash: r.Hash, Author: r.PublishedBy, Summary: sum, PublishedAt: r.CreatedAt}
}

func (s *Store) releaseQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("content_publications AS p").
		Select("p.id, p.version_id, p.published_by, p.summary, p.created_at, v.hash, v.note").
		Joins("JOIN content_versions v ON v.id = p.version_id")
}

// Releases returns up to limit releases numbered below before (0: from the
// newest), newest first, without their files.
func (s *Store) Releases(ctx context.Context, before int64, limit int) ([]Release, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	q := s.releaseQuery(ctx).Order("p.id DESC").Limit(limit)
	if before > 0 {
		q = q.Where("p.id < ?", before)
	}
	var rows []releaseScan
	if err := q.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list releases: %w", err)
	}
	out := make([]Release, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.release())
	}
	return out, nil
}

// Release returns release n with its files, or ENOTFOUND.
func (s *Store) Release(ctx context.Context, n int64) (Release, error) {
	var rows []releaseScan
	if err := s.releaseQuery(ctx).Where("p.id = ?", n).Scan(&rows).Error; err != nil {
		return Release{}, fmt.Errorf("store: read release %d: %w", n, err)
	}
	if len(rows) == 0 {
		return Release{}, chat.Errorf(chat.ENOTFOUND, "version %d not found", n)
	}
	return s.withFiles(ctx, rows[0].release())
}

// LiveRelease returns the newest release with its files, or ENOTFOUND when
// nothing was ever published.
func (s *Store) LiveRelease(ctx context.Context) (Release, error) {
	n, err := s.LiveReleaseNumber(ctx)
	if err != nil {
		return Release{}, err
	}
	return s.Release(ctx, n)
}

// LiveReleaseNumber returns the newest release's number, or ENOTFOUND.
func (s *Store) LiveReleaseNumber(ctx context.Context) (int64, error) {
	var pub contentPublicationRow
	if err := s.db.WithContext(ctx).Select("id").Order("id DESC").First(&pub).Error; err != nil {
		return 0, notFound(err, "no content version published")
	}
	return pub.ID, nil
}

func (s *Store) withFiles(ctx context.Context, r Release) (Release, error) {
	var row contentVersionRow
	if err := s.db.WithContext(ctx).Select("files").First(&row, r.ContentID).Error; err != nil {
		return Release{}, notFound(err, "content version %d not found", r.ContentID)
	}
	if err := json.Unmarshal(row.Files, &r.Files); err != nil {
		return Release{}, fmt.Errorf("store: decode content version %d: %w", r.ContentID, err)
	}
	return r, nil
}

// ReleaseRequest is a publish as PublishRelease records it.
type ReleaseRequest struct {
	Files   map[string][]byte
	Summary string
	// BasedOn, when not 0, must still be the newest release: otherwise
	// ECONFLICT and nothing is written.
	BasedOn int64
	// Draft, when not 0, is the staff id whose draft this publishes: it is
	// deleted in the same transaction. DraftUpdatedAt is the draft's
	// UpdatedAt as read: a draft saved since is ECONFLICT.
	Draft          int64
	DraftUpdatedAt time.Time
	// Audit is the actor and action (AuditPublish, AuditRollback); the
	// target (the new version) is filled in here.
	Audit AuditEntry
}

// publishLockKey serialises PublishRelease on PostgreSQL (SQLite has one
// writer already).
const publishLockKey = 0x5357_4544 // "SWED"

// PublishRelease stores the files (or finds them by hash), appends the
// publication, deletes the published draft and appends the audit row, all
// in one transaction.
func (s *Store) PublishRelease(ctx context.Context, req ReleaseRequest) (Release, error) {
	if len(req.Files) == 0 {
		return Release{}, chat.Errorf(chat.EINVALID, "empty content bundle")
	}
	hash := ContentHash(req.Files)
	blob, err := json.Marshal(req.Files)
	if err != nil {
		return Release{}, fmt.Errorf("store: encode content: %w", err)
	}
	author := req.Audit.Actor
	var out Release
	db, done := s.w(ctx)
	defer done()
	err = db.Transaction(func(tx *gorm.DB) error {
		if s.dialect == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", publishLockKey).Error; err != nil {
				return fmt.Errorf("store: lock publications: %w", err)
			}
		}
		if req.BasedOn != 0 {
			var head contentPublicationRow
			err := tx.Select("id").Order("id DESC").First(&head).Error
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return fmt.Errorf("store: read the newest release: %w", err)
			}
			if head.ID != req.BasedOn {
				return chat.Errorf(chat.ECONFLICT, "version %d was published after version %d", head.ID, req.BasedOn)
			}
		}
		var v contentVersionRow
		err := tx.Select("id").Where("hash = ?", hash).First(&v).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			v = contentVersionRow{Hash: hash, Files: blob, Note: req.Summary, Author: author, CreatedAt: s.now()}
			err = tx.Create(&v).Error
		}
		if err != nil {
			return fmt.Errorf("store: save content version: %w", err)
		}
		pub := contentPublicationRow{VersionID: v.ID, PublishedBy: author, Summary: req.Summary, CreatedAt: s.now()}
		if err := tx.Create(&pub).Error; err != nil {
			return fmt.Errorf("store: publish content version %d: %w", v.ID, err)
		}
		if req.Draft != 0 {
			var d draftRow
			if err := tx.First(&d, "staff_id = ?", req.Draft).Error; err != nil {
				return notFound(err, "no draft")
			}
			if !d.UpdatedAt.Equal(req.DraftUpdatedAt) {
				return chat.Errorf(chat.ECONFLICT, "the draft changed while it was being published")
			}
			if err := deleteDraft(tx, req.Draft); err != nil {
				return err
			}
		}
		a := req.Audit
		a.Target = fmt.Sprintf("version:%d", pub.ID)
		if err := s.appendAudit(tx, a); err != nil {
			return err
		}
		out = Release{Number: pub.ID, ContentID: v.ID, Hash: hash, Author: author, Summary: req.Summary,
			PublishedAt: pub.CreatedAt, Files: req.Files}
		return nil
	})
	if err != nil {
		return Release{}, err
	}
	return out, nil
}
