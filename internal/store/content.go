package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// ContentVersion is an immutable snapshot of the content bundle: every file
// by its slash-separated path. Hash identifies the bytes.
type ContentVersion struct {
	ID          int64
	Hash        string
	Files       map[string][]byte
	Note        string
	Author      string
	CreatedAt   time.Time
	PublishedAt time.Time // of the latest publication; zero if never published
}

// ContentHash returns the hash of a file set: sha256 over sorted paths and
// contents, so equal bundles get equal hashes.
func ContentHash(files map[string][]byte) string {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		fmt.Fprintf(h, "%d:%s\n%d:", len(p), p, len(files[p]))
		h.Write(files[p])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SaveContentVersion stores a snapshot and returns it. Saving bytes that are
// already stored returns the existing version.
func (s *Store) SaveContentVersion(ctx context.Context, files map[string][]byte, note, author string) (ContentVersion, error) {
	if len(files) == 0 {
		return ContentVersion{}, chat.Errorf(chat.EINVALID, "empty content bundle")
	}
	hash := ContentHash(files)
	var existing contentVersionRow
	err := s.db.WithContext(ctx).Where("hash = ?", hash).First(&existing).Error
	if err == nil {
		return s.ContentVersion(ctx, existing.ID)
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return ContentVersion{}, fmt.Errorf("store: find content version: %w", err)
	}
	blob, err := json.Marshal(files) // []byte values encode as base64
	if err != nil {
		return ContentVersion{}, fmt.Errorf("store: encode content: %w", err)
	}
	row := contentVersionRow{Hash: hash, Files: blob, Note: note, Author: author, CreatedAt: s.now()}
	db, done := s.w(ctx)
	err = db.Create(&row).Error
	done()
	if err != nil {
		if isUniqueViolation(err) {
			return s.SaveContentVersion(ctx, files, note, author)
		}
		return ContentVersion{}, fmt.Errorf("store: save content version: %w", err)
	}
	return s.ContentVersion(ctx, row.ID)
}

// ContentVersion returns one stored version with its files, or ENOTFOUND.
func (s *Store) ContentVersion(ctx context.Context, id int64) (ContentVersion, error) {
	var row contentVersionRow
	if err := s.db.WithContext(ctx).First(&row, id).Error; err != nil {
		return ContentVersion{}, notFound(err, "content version %d not found", id)
	}
	v := ContentVersion{ID: row.ID, Hash: row.Hash, Note: row.Note, Author: row.Author, CreatedAt: row.CreatedAt}
	if err := json.Unmarshal(row.Files, &v.Files); err != nil {
		return ContentVersion{}, fmt.Errorf("store: decode content version %d: %w", id, err)
	}
	var pub contentPublicationRow
	err := s.db.WithContext(ctx).Where("version_id = ?", id).Order("id DESC").First(&pub).Error
	if err == nil {
		v.PublishedAt = pub.CreatedAt
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return ContentVersion{}, fmt.Errorf("store: publications of content version %d: %w", id, err)
	}
	return v, nil
}

// PublishContentVersion makes version id the live content. Publishing an
// older version is a rollback.
func (s *Store) PublishContentVersion(ctx context.Context, id int64, by string) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&contentVersionRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("store: find content version %d: %w", id, err)
	}
	if n == 0 {
		return chat.Errorf(chat.ENOTFOUND, "content version %d not found", id)
	}
	pub := contentPublicationRow{VersionID: id, PublishedBy: by, CreatedAt: s.now()}
	db, done := s.w(ctx)
	defer done()
	if err := db.Create(&pub).Error; err != nil {
		return fmt.Errorf("store: publish content version %d: %w", id, err)
	}
	return nil
}

// LiveContentVersion returns the most recently published version, or
// ENOTFOUND when nothing was ever published.
func (s *Store) LiveContentVersion(ctx context.Context) (ContentVersion, error) {
	var pub contentPublicationRow
	if err := s.db.WithContext(ctx).Order("id DESC").First(&pub).Error; err != nil {
		return ContentVersion{}, notFound(err, "no content version published")
	}
	return s.ContentVersion(ctx, pub.VersionID)
}

// ContentVersions lists stored versions, newest first, without their files.
func (s *Store) ContentVersions(ctx context.Context) ([]ContentVersion, error) {
	var rows []contentVersionRow
	if err := s.db.WithContext(ctx).Select("id", "hash", "note", "author", "created_at").Order("id DESC").
		Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list content versions: %w", err)
	}
	out := make([]ContentVersion, 0, len(rows))
	for _, r := range rows {
		out = append(out, ContentVersion{ID: r.ID, Hash: r.Hash, Note: r.Note, Author: r.Author, CreatedAt: r.CreatedAt})
	}
	return out, nil
}
