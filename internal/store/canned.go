package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// CannedResponse is a reply template operators insert; supervisors manage
// them. Text may hold placeholders the console fills in.
type CannedResponse struct {
	ID        int64
	Title     string
	Text      string
	Locale    string // "" for any locale
	CreatedBy int64  // staff id
	UpdatedAt time.Time
}

// MaxCannedTitle is the longest canned-response title, in characters.
const MaxCannedTitle = 256

func (c CannedResponse) validate() error {
	if strings.TrimSpace(c.Title) == "" {
		return chat.Errorf(chat.EINVALID, "canned response needs a title")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(c.Title)); n > MaxCannedTitle {
		return chat.Errorf(chat.EINVALID, "canned response title is %d characters; the limit is %d", n, MaxCannedTitle)
	}
	if strings.TrimSpace(c.Text) == "" {
		return chat.Errorf(chat.EINVALID, "canned response needs a text")
	}
	if strings.ContainsRune(c.Title, 0) || strings.ContainsRune(c.Text, 0) || strings.ContainsRune(c.Locale, 0) {
		return chat.Errorf(chat.EINVALID, "canned response contains a NUL character")
	}
	if len(c.Locale) > 8 {
		return chat.Errorf(chat.EINVALID, "canned response locale is too long")
	}
	return nil
}

// CannedResponses returns every canned response, by title then id.
func (s *Store) CannedResponses(ctx context.Context) ([]CannedResponse, error) {
	var rows []cannedRow
	if err := s.db.WithContext(ctx).Order("title, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: canned responses: %w", err)
	}
	out := make([]CannedResponse, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

// CreateCanned stores a canned response and returns it with its id; EINVALID
// without a title or text.
func (s *Store) CreateCanned(ctx context.Context, c CannedResponse) (CannedResponse, error) {
	if err := c.validate(); err != nil {
		return CannedResponse{}, err
	}
	row := cannedRow{Title: strings.TrimSpace(c.Title), Text: c.Text, Locale: c.Locale, CreatedBy: c.CreatedBy,
		UpdatedAt: s.now()}
	db, done := s.w(ctx)
	defer done()
	if err := db.Create(&row).Error; err != nil {
		return CannedResponse{}, fmt.Errorf("store: create canned response: %w", err)
	}
	return row.domain(), nil
}

// UpdateCanned replaces a canned response's title, text and locale;
// EINVALID as CreateCanned, ENOTFOUND for an unknown id.
func (s *Store) UpdateCanned(ctx context.Context, c CannedResponse) (CannedResponse, error) {
	if err := c.validate(); err != nil {
		return CannedResponse{}, err
	}
	now := s.now()
	db, done := s.w(ctx)
	res := db.Model(&cannedRow{}).Where("id = ?", c.ID).
		Updates(map[string]any{"title": strings.TrimSpace(c.Title), "text": c.Text, "locale": c.Locale, "updated_at": now})
	done()
	if res.Error != nil {
		return CannedResponse{}, fmt.Errorf("store: update canned response %d: %w", c.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return CannedResponse{}, chat.Errorf(chat.ENOTFOUND, "canned response %d not found", c.ID)
	}
	var row cannedRow
	if err := s.db.WithContext(ctx).First(&row, c.ID).Error; err != nil {
		return CannedResponse{}, notFound(err, "canned response %d not found", c.ID)
	}
	return row.domain(), nil
}

// DeleteCanned removes a canned response; ENOTFOUND for an unknown id.
func (s *Store) DeleteCanned(ctx context.Context, id int64) error {
	db, done := s.w(ctx)
	defer done()
	res := db.Delete(&cannedRow{}, id)
	if res.Error != nil {
		return fmt.Errorf("store: delete canned response %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return chat.Errorf(chat.ENOTFOUND, "canned response %d not found", id)
	}
	return nil
}

func (r cannedRow) domain() CannedResponse {
	return CannedResponse{ID: r.ID, Title: r.Title, Text: r.Text, Locale: r.Locale, CreatedBy: r.CreatedBy,
		UpdatedAt: r.UpdatedAt.UTC()}
}
