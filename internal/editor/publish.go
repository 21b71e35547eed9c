package editor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// MaxSummary bounds a change summary, in characters.
const MaxSummary = 500

// ConflictError refuses to publish a draft that changes files another
// publish changed after the draft's base: publishing it would silently
// undo that change.
type ConflictError struct {
	BasedOn, Live int64
	Files         []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("version %d, published after your draft's base %d, also changed %s", e.Live, e.BasedOn,
		strings.Join(e.Files, ", "))
}

// Unwrap lets chat.ErrorCode see the refusal as ECONFLICT.
func (e *ConflictError) Unwrap() error { return chat.Errorf(chat.ECONFLICT, "%s", e.Error()) }

// Publish makes ed's draft a new live version, gated by validation and
// the conversation tests (a *flows.ValidationError or a
// *live.TestsFailedError refuses it). When other versions were published
// since the draft's base, the draft is rebased onto the live version if
// they changed none of its files, and refused with a *ConflictError naming
// the files otherwise. The draft is gone once published.
func (s *Service) Publish(ctx context.Context, ed handoff.Operator, summary string) (store.Release, error) {
	summary, err := checkSummary(summary)
	if err != nil {
		return store.Release{}, err
	}
	for attempt := 0; ; attempt++ {
		rel, again, err := s.publishOnce(ctx, ed, summary)
		if again && attempt < 3 {
			continue // rebased, or someone published while the tests ran: look again
		}
		return rel, err
	}
}

func (s *Service) publishOnce(ctx context.Context, ed handoff.Operator, summary string) (store.Release, bool, error) {
	d, err := s.store.Draft(ctx, ed.ID)
	if chat.ErrorCode(err) == chat.ENOTFOUND || err == nil && len(d.Changes) == 0 {
		return store.Release{}, false, chat.Errorf(chat.EINVALID, "your draft changes nothing: nothing to publish")
	}
	if err != nil {
		return store.Release{}, false, err
	}
	head, err := s.releases.live(ctx)
	if err != nil {
		return store.Release{}, false, err
	}
	if d.BasedOn != head.Number {
		base, err := s.releases.get(ctx, d.BasedOn)
		if err != nil {
			return store.Release{}, false, err
		}
		if files := conflicts(base.Files, head.Files, d.Changes); len(files) > 0 {
			return store.Release{}, false, &ConflictError{BasedOn: d.BasedOn, Live: head.Number, Files: files}
		}
		if err := s.store.RebaseDraft(ctx, ed.ID, d.BasedOn, head.Number); err != nil {
			return store.Release{}, false, err
		}
		return store.Release{}, true, chat.Errorf(chat.ECONFLICT, "the draft was rebased; publish again")
	}
	files := apply(head.Files, d.Changes)
	if store.ContentHash(files) == head.Hash {
		return store.Release{}, false, chat.Errorf(chat.EINVALID, "your draft changes nothing: nothing to publish")
	}
	paths := make([]string, 0, len(d.Changes))
	for _, c := range d.Changes {
		paths = append(paths, c.Path)
	}
	a := actor(ed)
	a.Action = store.AuditPublish
	a.Details = store.AuditDetails(map[string]any{"based_on": head.Number, "summary": summary, "files": paths})
	var rel store.Release
	raced := false
	err = s.content.PublishWith(ctx, files, func(ctx context.Context) (int64, error) {
		var err error
		rel, err = s.store.PublishRelease(ctx, store.ReleaseRequest{Files: files, Summary: summary, BasedOn: head.Number,
			Draft: ed.ID, DraftUpdatedAt: d.UpdatedAt, Audit: a})
		raced = chat.ErrorCode(err) == chat.ECONFLICT
		return rel.ContentID, err
	})
	return rel, raced, err
}

// conflicts returns the draft's paths that also changed between base and
// live, sorted.
func conflicts(base, live map[string][]byte, changes []store.DraftChange) []string {
	var out []string
	for _, c := range changes {
		b, inBase := base[c.Path]
		l, inLive := live[c.Path]
		if inBase != inLive || string(b) != string(l) {
			out = append(out, c.Path)
		}
	}
	slices.Sort(out)
	return out
}

// Rollback publishes version n's files as a new version, summary
// "rollback to N" (and the reason given, if any). It is gated like any
// publish; drafts based on older versions rebase on their next publish.
func (s *Service) Rollback(ctx context.Context, ed handoff.Operator, n int64, reason string) (store.Release, error) {
	old, err := s.releases.get(ctx, n)
	if err != nil {
		return store.Release{}, err
	}
	live, err := s.releases.live(ctx)
	if err != nil {
		return store.Release{}, err
	}
	if old.Hash == live.Hash {
		return store.Release{}, chat.Errorf(chat.EINVALID, "version %d has the files of the live version %d", n, live.Number)
	}
	head := live.Number
	summary := fmt.Sprintf("rollback to %d", n)
	if reason = strings.TrimSpace(reason); reason != "" {
		summary += ": " + reason
	}
	if summary, err = checkSummary(summary); err != nil {
		return store.Release{}, err
	}
	a := actor(ed)
	a.Action = store.AuditRollback
	a.Details = store.AuditDetails(map[string]any{"to": n, "from": head, "summary": summary})
	var rel store.Release
	err = s.content.PublishWith(ctx, old.Files, func(ctx context.Context) (int64, error) {
		var err error
		rel, err = s.store.PublishRelease(ctx, store.ReleaseRequest{Files: old.Files, Summary: summary, Audit: a})
		return rel.ContentID, err
	})
	return rel, err
}

func checkSummary(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", chat.Errorf(chat.EINVALID, "a change summary is required")
	case utf8.RuneCountInString(s) > MaxSummary:
		return "", chat.Errorf(chat.EINVALID, "the change summary is over %d characters", MaxSummary)
	}
	return s, nil
}
