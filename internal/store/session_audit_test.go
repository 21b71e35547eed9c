package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestSessionsAudited: a login, a logout and a failed login each write
// their audit row in the transaction of the session or the failure count;
// when the row cannot be written nothing is, and a logout of a session
// already gone records nothing.
func TestSessionsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := mustOperator(t, s, "ann", 1)
		now := time.Now().UTC()
		sess := store.Session{TokenHash: "h1", StaffID: ann.ID, CSRFToken: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		by := store.AuditEntry{ActorID: ann.ID, Actor: ann.Login, Details: store.AuditDetails(map[string]string{"ip": "10.0.0.1"})}
		nobody := store.AuditEntry{} // no actor: cannot be written

		if err := s.CreateSessionAudited(ctx, nobody, sess); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("login with an unwritable audit row: %v, want invalid", err)
		}
		if _, err := s.Session(ctx, "h1"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("the session of a login whose audit failed exists: %v", err)
		}
		if err := s.CreateSessionAudited(ctx, by, sess); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSessionAudited(ctx, by, sess); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("duplicate session: %v, want conflict", err)
		}
		if err := s.DeleteSessionAudited(ctx, nobody, "h1"); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("logout with an unwritable audit row: %v, want invalid", err)
		}
		if _, err := s.Session(ctx, "h1"); err != nil {
			t.Fatalf("the session of a logout whose audit failed is gone: %v", err)
		}
		for range 2 { // the second logout finds no session
			if err := s.DeleteSessionAudited(ctx, by, "h1"); err != nil {
				t.Fatal(err)
			}
		}

		window := 15 * time.Minute
		block := func(int) time.Duration { return 0 }
		failed := store.AuditEntry{Actor: "ip:10.0.0.9", Target: "login:anna", Details: store.AuditDetails(map[string]string{"reason": "unknown login"})}
		if _, _, err := s.RecordLoginFailureAudited(ctx, nobody, "ip:10.0.0.9", now, window, block); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("failure with an unwritable audit row: %v, want invalid", err)
		}
		if n, _, err := s.RecordLoginFailureAudited(ctx, failed, "ip:10.0.0.9", now, window, block); err != nil || n != 1 {
			t.Fatalf("failure counted %d (%v), want 1: the unaudited one must not count", n, err)
		}

		rows := auditRows(t, s, "staff.")
		self := fmt.Sprintf("staff:%d:ann", ann.ID)
		want := []struct{ actor, action, target, details string }{
			{"ann", store.AuditStaffLogin, self, "map[ip:10.0.0.1]"},
			{"ann", store.AuditStaffLogout, self, "map[ip:10.0.0.1]"},
			{"ip:10.0.0.9", store.AuditStaffLoginFailed, "login:anna", "map[reason:unknown login]"},
		}
		if len(rows) != len(want) {
			t.Fatalf("%d session audit rows, want %d: %+v", len(rows), len(want), rows)
		}
		for i, w := range want {
			r := rows[i]
			if r.Actor != w.actor || r.Action != w.action || r.Target != w.target || details(t, r) != w.details {
				t.Errorf("row %d: %s %s %s %s; want %s %s %s %s", i, r.Actor, r.Action, r.Target, details(t, r),
					w.actor, w.action, w.target, w.details)
			}
		}
	})
}
