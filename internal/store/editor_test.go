package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func bundle(text string) map[string][]byte {
	return map[string][]byte{"settings.yaml": []byte("locales: [en]\n"), "kb/en/a.md": []byte(text)}
}

func TestDraftsPresenceAndDiscard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.Draft(ctx, 1); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("no draft: %v", err)
		}
		base, err := s.SaveDraftChange(ctx, 1, 7, store.DraftChange{Path: "kb/en/a.md", Content: []byte("one")})
		if err != nil || base != 7 {
			t.Fatalf("save: %d, %v", base, err)
		}
		// A later save keeps the draft's base and replaces the change.
		if base, err = s.SaveDraftChange(ctx, 1, 9, store.DraftChange{Path: "kb/en/a.md", Content: []byte("two")}); err != nil || base != 7 {
			t.Fatalf("save again: %d, %v", base, err)
		}
		if _, err := s.SaveDraftChange(ctx, 1, 9, store.DraftChange{Path: "flows/x.yaml", Deleted: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveDraftChange(ctx, 2, 9, store.DraftChange{Path: "kb/en/a.md", Content: []byte("theirs")}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Draft(ctx, 1)
		if err != nil || d.BasedOn != 7 || len(d.Changes) != 2 || d.Changes[0].Path != "flows/x.yaml" || !d.Changes[0].Deleted ||
			string(d.Changes[1].Content) != "two" || d.Changes[1].SavedAt.IsZero() {
			t.Fatalf("draft: %+v, %v", d, err)
		}
		touches, err := s.DraftTouches(ctx, "kb/en/a.md")
		if err != nil || len(touches) != 2 || touches[0].StaffID != 2 || touches[1].StaffID != 1 {
			t.Fatalf("touches: %+v, %v", touches, err)
		}
		if err := s.RebaseDraft(ctx, 1, 8, 9); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("rebase from a wrong base: %v", err)
		}
		if err := s.RebaseDraft(ctx, 1, 7, 9); err != nil {
			t.Fatal(err)
		}
		if err := s.RevertDraftChange(ctx, 1, "flows/x.yaml"); err != nil {
			t.Fatal(err)
		}
		if err := s.RevertDraftChange(ctx, 1, "flows/x.yaml"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("revert twice: %v", err)
		}
		if err := s.DiscardDraft(ctx, 1, store.AuditEntry{ActorID: 1, Actor: "ed"}); err != nil {
			t.Fatal(err)
		}
		if err := s.DiscardDraft(ctx, 1, store.AuditEntry{ActorID: 1, Actor: "ed"}); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("discard twice: %v", err)
		}
		log, err := s.AuditLog(ctx, 0, 10)
		if err != nil || len(log) != 1 || log[0].Action != store.AuditDraftDiscard || log[0].Target != "draft:1" || log[0].Actor != "ed" {
			t.Fatalf("audit: %+v, %v", log, err)
		}
		var det struct {
			BasedOn int64    `json:"based_on"`
			Files   []string `json:"files"`
		}
		if err := json.Unmarshal(log[0].Details, &det); err != nil || det.BasedOn != 9 || len(det.Files) != 1 {
			t.Fatalf("details %s: %v", log[0].Details, err)
		}
		if touches, _ := s.DraftTouches(ctx, ""); len(touches) != 1 || touches[0].StaffID != 2 {
			t.Fatalf("after discard: %+v", touches)
		}
	})
}

func TestReleasesAreNumberedKeptAndChecked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.LiveRelease(ctx); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("nothing published: %v", err)
		}
		ed := store.AuditEntry{ActorID: 3, Actor: "ed", Action: store.AuditPublish}
		first, err := s.PublishRelease(ctx, store.ReleaseRequest{Files: bundle("v1"), Summary: "first", Audit: ed})
		if err != nil || first.Number == 0 {
			t.Fatalf("publish: %+v, %v", first, err)
		}
		// The CLI path: a publication without a summary shows the note.
		v, err := s.SaveContentVersion(ctx, bundle("cli"), "imported", "ops")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PublishContentVersion(ctx, v.ID, "ops"); err != nil {
			t.Fatal(err)
		}
		head, err := s.LiveRelease(ctx)
		if err != nil || head.Number <= first.Number || head.Summary != "imported" || string(head.Files["kb/en/a.md"]) != "cli" {
			t.Fatalf("head: %+v, %v", head, err)
		}
		// A draft based on the first release may not publish over the CLI's.
		if _, err := s.SaveDraftChange(ctx, 3, first.Number, store.DraftChange{Path: "kb/en/a.md", Content: []byte("v2")}); err != nil {
			t.Fatal(err)
		}
		_, err = s.PublishRelease(ctx, store.ReleaseRequest{Files: bundle("v2"), Summary: "s", BasedOn: first.Number, Draft: 3, Audit: ed})
		if chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("stale base: %v, want conflict", err)
		}
		if _, err := s.Draft(ctx, 3); err != nil {
			t.Fatalf("the refused publish kept the draft: %v", err)
		}
		d, err := s.Draft(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.PublishRelease(ctx, store.ReleaseRequest{Files: bundle("v2"), Summary: "s", BasedOn: head.Number, Draft: 3,
			DraftUpdatedAt: d.UpdatedAt.Add(-time.Second), Audit: ed})
		if chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("draft saved since read: %v, want conflict", err)
		}
		second, err := s.PublishRelease(ctx, store.ReleaseRequest{Files: bundle("v2"), Summary: "second", BasedOn: head.Number, Draft: 3,
			DraftUpdatedAt: d.UpdatedAt, Audit: ed})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Draft(ctx, 3); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("published draft still there: %v", err)
		}
		// A rollback is a new number sharing the old files.
		rb, err := s.PublishRelease(ctx, store.ReleaseRequest{Files: first.Files, Summary: "rollback to 1",
			Audit: store.AuditEntry{ActorID: 3, Actor: "ed", Action: store.AuditRollback}})
		if err != nil || rb.Number <= second.Number || rb.ContentID != first.ContentID {
			t.Fatalf("rollback: %+v, %v", rb, err)
		}
		if id, _ := s.LiveContentVersionID(ctx); id != first.ContentID {
			t.Fatalf("live content %d, want %d", id, first.ContentID)
		}
		log, _ := s.AuditLog(ctx, 0, 10)
		if len(log) != 3 || log[0].Action != store.AuditRollback || log[0].Target != fmt.Sprintf("version:%d", rb.Number) ||
			log[2].Action != store.AuditPublish {
			t.Fatalf("audit: %+v", log)
		}
	})
}

// TestHundredTwentyReleasesKept: nothing prunes versions; paging walks
// them all.
func TestHundredTwentyReleasesKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var base int64
		for i := range 120 {
			r, err := s.PublishRelease(ctx, store.ReleaseRequest{Files: bundle(fmt.Sprint("v", i)), Summary: fmt.Sprint("change ", i),
				BasedOn: base, Audit: store.AuditEntry{Actor: "ed", Action: store.AuditPublish}})
			if err != nil {
				t.Fatalf("publish %d: %v", i, err)
			}
			base = r.Number
		}
		seen, before := 0, int64(0)
		for {
			page, err := s.Releases(ctx, before, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			seen += len(page)
			before = page[len(page)-1].Number
		}
		if seen != 120 {
			t.Fatalf("%d releases listed, want 120", seen)
		}
		first, err := s.Release(ctx, before)
		if err != nil || first.Summary != "change 0" || string(first.Files["kb/en/a.md"]) != "v0" {
			t.Fatalf("oldest: %+v, %v", first, err)
		}
		if log, _ := s.AuditLog(ctx, 0, 500); len(log) != 120 {
			t.Fatalf("%d audit rows, want 120", len(log))
		}
	})
}

func TestStaffChangesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := store.AuditEntry{Actor: "cli:root"}
		op, err := s.CreateStaffAudited(ctx, admin, handoff.Operator{Login: "Ann", Name: "Ann", Role: handoff.RoleOperator,
			Skills: []string{"general"}, Status: handoff.Offline, Capacity: 2}, []byte("h"))
		if err != nil {
			t.Fatal(err)
		}
		op.Role = handoff.RoleEditor
		if err := s.UpdateStaffAudited(ctx, admin, op); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStaffPasswordAudited(ctx, admin, op, []byte("h2")); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStaffDisabledAudited(ctx, admin, op, true); err != nil {
			t.Fatal(err)
		}
		// A change that fails writes no audit row.
		if err := s.SetStaffDisabledAudited(ctx, admin, handoff.Operator{ID: 999}, true); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("unknown staff: %v", err)
		}
		if _, err := s.CreateStaffAudited(ctx, admin, handoff.Operator{Login: "ann", Role: handoff.RoleOperator, Status: handoff.Offline}, nil); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("taken login: %v", err)
		}
		log, err := s.AuditLog(ctx, 0, 10)
		if err != nil || len(log) != 4 {
			t.Fatalf("audit: %+v, %v", log, err)
		}
		want := []string{store.AuditStaffDisable, store.AuditStaffPassword, store.AuditStaffUpdate, store.AuditStaffCreate}
		target := fmt.Sprintf("staff:%d:ann", op.ID)
		for i, e := range log {
			if e.Action != want[i] || e.Target != target || e.Actor != "cli:root" {
				t.Fatalf("entry %d: %+v, want %s on %s", i, e, want[i], target)
			}
		}
		if string(log[1].Details) != "{}" {
			t.Fatalf("password details %s", log[1].Details)
		}
		var upd struct{ Role string }
		if err := json.Unmarshal(log[2].Details, &upd); err != nil || upd.Role != "editor" {
			t.Fatalf("update details %s", log[2].Details)
		}
		if page, _ := s.AuditLog(ctx, log[1].ID, 10); len(page) != 2 || page[0].ID != log[2].ID {
			t.Fatalf("page: %+v", page)
		}
	})
}
