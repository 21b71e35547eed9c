// Package editor is the content editor's service: each editor's draft
// over a published version, validation and conversation tests of the
// draft, publishing gated by both (refusing to overwrite another editor's
// publish), numbered versions, structured diffs and rollback. The audit
// rows of publishes, rollbacks and discards are written by the store in
// the transaction of the change.
package editor

import (
	"context"
	"maps"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
)

// MaxFileBytes bounds one file of a draft.
const MaxFileBytes = 1 << 20

// EditingWindow is how long after a save an editor counts as editing the
// file now.
const EditingWindow = 2 * time.Minute

// Service is the editor's backend.
type Service struct {
	store    *store.Store
	content  *live.Content
	outcomes *outcomeCache
	releases *releaseCache
	now      func() time.Time
}

// New returns a Service publishing through content.
func New(s *store.Store, content *live.Content) *Service {
	return &Service{store: s, content: content, outcomes: newOutcomeCache(8, content.TestFiles),
		releases: newReleaseCache(s, 8), now: func() time.Time { return time.Now().UTC() }}
}

// Draft is an editor's draft as the editor sees it. Without a stored
// draft it is empty and based on the live version.
type Draft struct {
	BasedOn int64
	Live    int64 // the live version now; BasedOn < Live means Publish will rebase (or refuse)
	Changes []store.DraftChange
	// Others says, per changed file, who else has a draft changing it.
	Others map[string][]Presence
}

// Presence is another editor's draft touching a file.
type Presence struct {
	StaffID int64
	Login   string
	Name    string
	SavedAt time.Time
	Editing bool // saved within EditingWindow
}

// Live returns the live version with its files.
func (s *Service) Live(ctx context.Context) (store.Release, error) {
	return s.releases.live(ctx)
}

// Draft returns ed's draft.
func (s *Service) Draft(ctx context.Context, ed handoff.Operator) (Draft, error) {
	head, err := s.store.LiveReleaseNumber(ctx)
	if err != nil {
		return Draft{}, err
	}
	d, err := s.store.Draft(ctx, ed.ID)
	switch {
	case chat.ErrorCode(err) == chat.ENOTFOUND:
		return Draft{BasedOn: head, Live: head, Changes: []store.DraftChange{}, Others: map[string][]Presence{}}, nil
	case err != nil:
		return Draft{}, err
	}
	others, err := s.presence(ctx, ed, "")
	if err != nil {
		return Draft{}, err
	}
	out := Draft{BasedOn: d.BasedOn, Live: head, Changes: d.Changes, Others: map[string][]Presence{}}
	for _, c := range d.Changes {
		if p := others[c.Path]; len(p) > 0 {
			out.Others[c.Path] = p
		}
	}
	return out, nil
}

// Presence returns who else has a draft changing path ("" for every
// path), by path.
func (s *Service) Presence(ctx context.Context, ed handoff.Operator, path string) (map[string][]Presence, error) {
	return s.presence(ctx, ed, path)
}

func (s *Service) presence(ctx context.Context, ed handoff.Operator, path string) (map[string][]Presence, error) {
	touches, err := s.store.DraftTouches(ctx, path)
	if err != nil {
		return nil, err
	}
	staff := map[int64]handoff.Operator{}
	out := map[string][]Presence{}
	now := s.now()
	for _, t := range touches {
		if t.StaffID == ed.ID {
			continue
		}
		op, ok := staff[t.StaffID]
		if !ok {
			if op, err = s.store.Staff(ctx, t.StaffID); err != nil && chat.ErrorCode(err) != chat.ENOTFOUND {
				return nil, err
			}
			staff[t.StaffID] = op
		}
		out[t.Path] = append(out[t.Path], Presence{StaffID: t.StaffID, Login: op.Login, Name: op.Name, SavedAt: t.SavedAt,
			Editing: now.Sub(t.SavedAt) < EditingWindow})
	}
	return out, nil
}

// Files returns ed's draft bundle (its base with its changes applied) and
// the draft's base version (the live one without a draft).
func (s *Service) Files(ctx context.Context, ed handoff.Operator) (map[string][]byte, int64, error) {
	d, err := s.store.Draft(ctx, ed.ID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		live, err := s.releases.live(ctx)
		return live.Files, live.Number, err
	}
	if err != nil {
		return nil, 0, err
	}
	base, err := s.releases.get(ctx, d.BasedOn)
	if err != nil {
		return nil, 0, err
	}
	return apply(base.Files, d.Changes), d.BasedOn, nil
}

// apply returns files with changes made.
func apply(files map[string][]byte, changes []store.DraftChange) map[string][]byte {
	out := maps.Clone(files)
	for _, c := range changes {
		if c.Deleted {
			delete(out, c.Path)
		} else {
			out[c.Path] = c.Content
		}
	}
	return out
}

// SaveFile puts content at p in ed's draft (starting the draft on the
// live version). Saving a file as it is in the base drops the change.
func (s *Service) SaveFile(ctx context.Context, ed handoff.Operator, p string, content []byte) error {
	if err := checkFile(p, content); err != nil {
		return err
	}
	base, err := s.base(ctx, ed)
	if err != nil {
		return err
	}
	if old, ok := base.Files[p]; ok && string(old) == string(content) {
		err := s.store.RevertDraftChange(ctx, ed.ID, p)
		if chat.ErrorCode(err) == chat.ENOTFOUND {
			return nil
		}
		return err
	}
	if content == nil {
		content = []byte{}
	}
	_, err = s.store.SaveDraftChange(ctx, ed.ID, base.Number, store.DraftChange{Path: p, Content: content})
	return err
}

// SaveFileIf is SaveFile for a file still at revision rev in ed's draft
// (FileRevision as read): ECONFLICT and nothing saved when it changed since.
// It returns the file's new revision.
func (s *Service) SaveFileIf(ctx context.Context, ed handoff.Operator, p string, content []byte, rev string) (string, error) {
	if err := checkFile(p, content); err != nil {
		return "", err
	}
	base, err := s.base(ctx, ed)
	if err != nil {
		return "", err
	}
	c := store.DraftChange{Path: p, Content: content}
	if old, ok := base.Files[p]; ok && string(old) == string(content) {
		c.Content = nil // as in the base: the draft drops its change
	} else if c.Content == nil {
		c.Content = []byte{}
	}
	return s.store.SaveDraftChangeIf(ctx, ed.ID, base.Number, c, rev)
}

// FileRevision is the revision of p in ed's draft (store.DraftRevision).
func (s *Service) FileRevision(ctx context.Context, ed handoff.Operator, p string) (string, error) {
	d, err := s.store.Draft(ctx, ed.ID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for i := range d.Changes {
		if d.Changes[i].Path == p {
			return store.DraftRevision(&d.Changes[i]), nil
		}
	}
	return "", nil
}

func checkFile(p string, content []byte) error {
	if err := checkPath(p); err != nil {
		return err
	}
	if len(content) > MaxFileBytes {
		return chat.Errorf(chat.ETOOLARGE, "%s is over %d bytes", p, MaxFileBytes)
	}
	if !utf8.Valid(content) {
		return chat.Errorf(chat.EINVALID, "%s is not UTF-8 text", p)
	}
	return nil
}

// DeleteFile deletes p in ed's draft: a file of the base is marked
// deleted, a file the draft added is dropped. ENOTFOUND when the draft
// bundle has no p.
func (s *Service) DeleteFile(ctx context.Context, ed handoff.Operator, p string) error {
	if err := checkPath(p); err != nil {
		return err
	}
	files, _, err := s.Files(ctx, ed)
	if err != nil {
		return err
	}
	if _, ok := files[p]; !ok {
		return chat.Errorf(chat.ENOTFOUND, "no file %s in your draft", p)
	}
	base, err := s.base(ctx, ed)
	if err != nil {
		return err
	}
	if _, ok := base.Files[p]; !ok {
		return s.store.RevertDraftChange(ctx, ed.ID, p)
	}
	_, err = s.store.SaveDraftChange(ctx, ed.ID, base.Number, store.DraftChange{Path: p, Deleted: true})
	return err
}

// RevertFile drops ed's change to p; ENOTFOUND when the draft has none.
func (s *Service) RevertFile(ctx context.Context, ed handoff.Operator, p string) error {
	return s.store.RevertDraftChange(ctx, ed.ID, p)
}

// Discard deletes ed's draft (audited); ENOTFOUND without one.
func (s *Service) Discard(ctx context.Context, ed handoff.Operator) error {
	return s.store.DiscardDraft(ctx, ed.ID, actor(ed))
}

// base returns the version ed's draft is based on (the live one without
// a draft), with its files.
func (s *Service) base(ctx context.Context, ed handoff.Operator) (store.Release, error) {
	d, err := s.store.Draft(ctx, ed.ID)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return s.releases.live(ctx)
	}
	if err != nil {
		return store.Release{}, err
	}
	return s.releases.get(ctx, d.BasedOn)
}

func actor(ed handoff.Operator) store.AuditEntry {
	return store.AuditEntry{ActorID: ed.ID, Actor: ed.Login}
}

// checkPath refuses paths that are not clean, relative, slash-separated
// and visible (flows.ReadFS skips hidden files, so export would drop them).
func checkPath(p string) error {
	if p == "" || len(p) > 512 || path.Clean(p) != p || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") || p == ".." ||
		strings.Contains(p, "\\") {
		return chat.Errorf(chat.EINVALID, "bad file path %q", p)
	}
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") {
			return chat.Errorf(chat.EINVALID, "bad file path %q: hidden files are not content", p)
		}
	}
	return nil
}
