package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func TestStaffCRUD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, err := s.CreateStaff(ctx, handoff.Operator{Login: " Ann ", Name: "Ann", Role: handoff.RoleSupervisor,
			Skills: []string{"payments"}, Status: handoff.Offline, Capacity: 3}, []byte("h1"))
		if err != nil || ann.ID == 0 || ann.Login != "ann" {
			t.Fatalf("create: %+v, %v", ann, err)
		}
		if _, err := s.CreateStaff(ctx, handoff.Operator{Login: "ANN", Role: handoff.RoleOperator, Status: handoff.Offline}, nil); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("duplicate login: %v, want conflict", err)
		}
		if _, err := s.CreateStaff(ctx, handoff.Operator{Login: "x", Role: "boss", Status: handoff.Offline}, nil); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("bad role: %v, want invalid", err)
		}
		got, hash, err := s.StaffByLogin(ctx, "ANN")
		if err != nil || got.ID != ann.ID || string(hash) != "h1" || got.Skills[0] != "payments" || got.Role != handoff.RoleSupervisor {
			t.Fatalf("by login: %+v %q, %v", got, hash, err)
		}
		if _, _, err := s.StaffByLogin(ctx, "nobody"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("unknown login: %v", err)
		}
		if err := s.SetStaffPassword(ctx, ann.ID, []byte("h2")); err != nil {
			t.Fatal(err)
		}
		if _, hash, _ := s.StaffByLogin(ctx, "ann"); string(hash) != "h2" {
			t.Fatalf("password not changed: %q", hash)
		}
		seen := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		if err := s.SetPresence(ctx, ann.ID, handoff.Online, seen); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPresence(ctx, ann.ID, "busy", seen); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("bad presence: %v", err)
		}
		ann.Name, ann.Role, ann.Skills, ann.Capacity = "Anna", handoff.RoleOperator, []string{"payments", "verification"}, 4
		if err := s.UpdateStaff(ctx, ann); err != nil {
			t.Fatal(err)
		}
		got, err = s.Staff(ctx, ann.ID)
		if err != nil || got.Name != "Anna" || got.Role != handoff.RoleOperator || len(got.Skills) != 2 || got.Capacity != 4 ||
			got.Status != handoff.Online || !got.LastSeen.Equal(seen) {
			t.Fatalf("after updates: %+v, %v", got, err)
		}
		if err := s.SetStaffDisabled(ctx, ann.ID, true); err != nil {
			t.Fatal(err)
		}
		bob := mustOperator(t, s, "bob", 2)
		tk := mustTicket(t, s, "p1", handoff.SkillGeneral, handoff.PriorityNormal, t0)
		if _, err := s.ClaimTicket(ctx, tk.ID, ann.ID, t0, nil); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("disabled claim: %v, want forbidden", err)
		}
		if _, err := s.ClaimTicket(ctx, tk.ID, bob.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		all, err := s.ListStaff(ctx)
		if err != nil || len(all) != 2 || !all[0].Disabled || all[0].Active != 0 || all[1].Active != 1 {
			t.Fatalf("list: %+v, %v", all, err)
		}
		for name, err := range map[string]error{
			"password": s.SetStaffPassword(ctx, 999, nil),
			"disabled": s.SetStaffDisabled(ctx, 999, true),
			"presence": s.SetPresence(ctx, 999, handoff.Away, seen),
			"update":   s.UpdateStaff(ctx, handoff.Operator{ID: 999, Role: handoff.RoleOperator}),
		} {
			if chat.ErrorCode(err) != chat.ENOTFOUND {
				t.Errorf("%s of unknown staff: %v, want not found", name, err)
			}
		}
		if _, err := s.Staff(ctx, 999); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("unknown staff: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		op := mustOperator(t, s, "ann", 1)
		now := time.Now().UTC()
		live := store.Session{TokenHash: "live", StaffID: op.ID, CSRFToken: "csrf1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		for _, sess := range []store.Session{live,
			{TokenHash: "old", StaffID: op.ID, CSRFToken: "csrf2", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)},
			{TokenHash: "other", StaffID: op.ID, CSRFToken: "csrf3", ExpiresAt: now.Add(time.Hour)},
		} {
			if err := s.CreateSession(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateSession(ctx, store.Session{TokenHash: "x", StaffID: 999, CSRFToken: "c", ExpiresAt: now.Add(time.Hour)}); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("unknown staff: %v", err)
		}
		if err := s.CreateSession(ctx, live); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("duplicate: %v", err)
		}
		got, err := s.Session(ctx, "live")
		if err != nil || got.StaffID != op.ID || got.CSRFToken != "csrf1" || !got.ExpiresAt.Equal(live.ExpiresAt.Truncate(time.Microsecond)) {
			t.Fatalf("session: %+v, %v", got, err)
		}
		if _, err := s.Session(ctx, "old"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("expired session: %v, want not found", err)
		}
		if err := s.DeleteSession(ctx, "live"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "live"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("deleted session: %v", err)
		}
		if _, err := s.Session(ctx, "other"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteStaffSessions(ctx, op.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "other"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("after DeleteStaffSessions: %v", err)
		}
	})
}

func TestCannedResponses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, err := s.CreateCanned(ctx, store.CannedResponse{Title: "Greeting", Text: "Hello {name}", Locale: "en", CreatedBy: 1})
		if err != nil || b.ID == 0 {
			t.Fatalf("create: %+v, %v", b, err)
		}
		a, _ := s.CreateCanned(ctx, store.CannedResponse{Title: "Apology", Text: "Sorry", Locale: "en"})
		if _, err := s.CreateCanned(ctx, store.CannedResponse{Title: "  ", Text: "x"}); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("no title: %v", err)
		}
		list, err := s.CannedResponses(ctx)
		if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].Text != "Hello {name}" {
			t.Fatalf("list: %+v, %v", list, err)
		}
		b.Text, b.Locale = "Здравствуйте, {name}", "ru"
		if got, err := s.UpdateCanned(ctx, b); err != nil || got.Text != b.Text || got.Locale != "ru" || got.CreatedBy != 1 {
			t.Fatalf("update: %+v, %v", got, err)
		}
		if _, err := s.UpdateCanned(ctx, store.CannedResponse{ID: 999, Title: "t", Text: "x"}); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("update unknown: %v", err)
		}
		if err := s.DeleteCanned(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCanned(ctx, a.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}
		if list, _ := s.CannedResponses(ctx); len(list) != 1 {
			t.Fatalf("after delete: %+v", list)
		}
	})
}
