package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// auditRows returns the audit rows whose action starts with prefix,
// oldest first.
func auditRows(t *testing.T, s *store.Store, prefix string) []store.AuditEntry {
	t.Helper()
	log, err := s.AuditLog(context.Background(), 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEntry
	for i := len(log) - 1; i >= 0; i-- {
		if strings.HasPrefix(log[i].Action, prefix) {
			out = append(out, log[i])
		}
	}
	return out
}

// details renders an entry's details with fmt, keys sorted.
func details(t *testing.T, e store.AuditEntry) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Details, &m); err != nil {
		t.Fatalf("details %s: %v", e.Details, err)
	}
	return fmt.Sprint(m)
}

// TestTicketActsAudited: transfer, resolve and return to the bot each
// write their audit row in the act's transaction — who, the ticket, the
// conversation, and for a transfer from whom to whom or which skill. A
// refused act writes none, and an audit row that cannot be written undoes
// the act.
func TestTicketActsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		anna := mustOperator(t, s, "anna", 5, "payments")
		bob := mustOperator(t, s, "bob", 1, "payments", "verification")
		sue := mustSupervisor(t, s, "sue")
		tk := mustTicket(t, s, "p1", "payments", handoff.PriorityNormal, t0)
		tk2 := mustTicket(t, s, "p2", "payments", handoff.PriorityNormal, t0)
		if _, err := s.ClaimTicket(ctx, tk.ID, anna.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimTicket(ctx, tk2.ID, bob.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		resolve := func(a handoff.Operator, t *handoff.Ticket) error { return t.Resolve(a.ID, t0) }
		toSkill := func(skill string) func(handoff.Operator, *handoff.Ticket) error {
			return func(_ handoff.Operator, t *handoff.Ticket) error { return t.TransferToSkill(skill) }
		}

		// Refused: an operator naming an operator, a full operator, a
		// ticket someone else holds, a transition that fails.
		if _, err := s.TransferToOperator(ctx, anna.ID, tk.ID, bob.ID, t0); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("operator transfers to a named operator: %v, want forbidden", err)
		}
		if _, err := s.TransferToOperator(ctx, sue.ID, tk.ID, bob.ID, t0); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("transfer to a full operator: %v, want conflict", err)
		}
		if _, err := s.ActOnTicketAudited(ctx, bob.ID, tk.ID, store.AuditTicketResolve, resolve); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("resolving anna's ticket: %v, want conflict", err)
		}
		if _, err := s.ActOnTicketAudited(ctx, anna.ID, tk.ID, store.AuditTicketTransfer, toSkill(" ")); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("transfer to a blank skill: %v, want invalid", err)
		}
		// An audit row that cannot be written (no action) undoes the act.
		if _, err := s.ActOnTicketAudited(ctx, anna.ID, tk.ID, "", resolve); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("resolve with an unwritable audit row: %v, want invalid", err)
		}
		if got, _ := s.Ticket(ctx, tk.ID); got.Status != handoff.StatusAssigned || got.OperatorID != anna.ID || got.Transfers != 0 {
			t.Fatalf("ticket changed by refused acts: %+v", got)
		}
		if rows := auditRows(t, s, "ticket."); len(rows) != 0 {
			t.Fatalf("refused acts left audit rows: %+v", rows)
		}

		// Bob resolves his ticket, Sue hands Anna's to Bob, Bob sends it to
		// verification, and Sue gives it back to the bot.
		if _, err := s.ActOnTicketAudited(ctx, bob.ID, tk2.ID, store.AuditTicketResolve, resolve); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TransferToOperator(ctx, sue.ID, tk.ID, bob.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActOnTicketAudited(ctx, bob.ID, tk.ID, store.AuditTicketTransfer, toSkill("verification")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActOnTicketAudited(ctx, sue.ID, tk.ID, store.AuditTicketReturn,
			func(_ handoff.Operator, t *handoff.Ticket) error { return t.ReturnToBot() }); err != nil {
			t.Fatal(err)
		}
		// A second return of the closed ticket is refused and not recorded.
		if _, err := s.ActOnTicketAudited(ctx, sue.ID, tk.ID, store.AuditTicketReturn,
			func(_ handoff.Operator, t *handoff.Ticket) error { return t.ReturnToBot() }); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("returning a closed ticket: %v, want conflict", err)
		}
		c1, c2 := tk.ConversationID, tk2.ConversationID
		want := []struct {
			actor, action, target, details string
		}{
			{"bob", store.AuditTicketResolve, fmt.Sprintf("ticket:%d", tk2.ID),
				fmt.Sprintf("map[conversation_id:%d operator:bob operator_id:%d]", c2, bob.ID)},
			{"sue", store.AuditTicketTransfer, fmt.Sprintf("ticket:%d", tk.ID),
				fmt.Sprintf("map[conversation_id:%d from_operator:anna from_operator_id:%d from_skill:payments to_operator:bob to_operator_id:%d]", c1, anna.ID, bob.ID)},
			{"bob", store.AuditTicketTransfer, fmt.Sprintf("ticket:%d", tk.ID),
				fmt.Sprintf("map[conversation_id:%d from_operator:bob from_operator_id:%d from_skill:payments to_skill:verification]", c1, bob.ID)},
			{"sue", store.AuditTicketReturn, fmt.Sprintf("ticket:%d", tk.ID), fmt.Sprintf("map[conversation_id:%d]", c1)},
		}
		rows := auditRows(t, s, "ticket.")
		if len(rows) != len(want) {
			t.Fatalf("%d ticket audit rows, want %d: %+v", len(rows), len(want), rows)
		}
		ids := map[string]int64{"bob": bob.ID, "sue": sue.ID}
		for i, w := range want {
			r := rows[i]
			if r.Actor != w.actor || r.ActorID != ids[w.actor] || r.Action != w.action || r.Target != w.target || details(t, r) != w.details {
				t.Errorf("row %d: %s(%d) %s %s %s; want %s %s %s %s", i, r.Actor, r.ActorID, r.Action, r.Target, details(t, r),
					w.actor, w.action, w.target, w.details)
			}
		}
	})
}
