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

// TestClaimsOfWidenedTickets: a ticket nobody with its skill took reaches
// the generalists, then anyone, after its priority's times — decided in the
// claim's transaction, by hand (ClaimTicket) and by "take next" (ClaimNext).
func TestClaimsOfWidenedTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := handoff.Widening{handoff.PriorityCritical: {General: time.Minute, Anyone: 2 * time.Minute}}
		generalist := mustOperator(t, s, "gina", 3, "payments", "general")
		specialist := mustOperator(t, s, "sam", 3, "payments")
		rg := mustTicket(t, s, "p1", "responsible_gaming", handoff.PriorityCritical, t0)
		low := mustTicket(t, s, "p2", "verification", handoff.PriorityLow, t0)
		if _, err := s.ClaimTicket(ctx, rg.ID, generalist.ID, t0.Add(59*time.Second), w); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("claim before widening: %v, want forbidden", err)
		}
		if _, ok, err := s.ClaimNext(ctx, generalist.ID, t0.Add(59*time.Second), w); err != nil || ok {
			t.Fatalf("claim next before widening: %v %v, want nothing", ok, err)
		}
		if _, ok, err := s.ClaimNext(ctx, specialist.ID, t0.Add(90*time.Second), w); err != nil || ok {
			t.Fatalf("a non-generalist took a ticket widened to generalists: %v %v", ok, err)
		}
		got, ok, err := s.ClaimNext(ctx, generalist.ID, t0.Add(time.Minute), w)
		if err != nil || !ok || got.ID != rg.ID {
			t.Fatalf("claim next after a minute: %+v %v %v, want the critical ticket", got, ok, err)
		}
		// Released, it waits afresh: widening counts from the requeue.
		released, err := s.UpdateTicket(ctx, rg.ID, func(t *handoff.Ticket) error { return t.Release() })
		if err != nil || released.QueuedAt.Before(time.Now().Add(-time.Minute)) {
			t.Fatalf("release: %+v, %v; want queued_at reset to now", released, err)
		}
		if _, err := s.ClaimTicket(ctx, rg.ID, specialist.ID, released.QueuedAt.Add(2*time.Minute), w); err != nil {
			t.Fatalf("claim by anyone after two minutes: %v", err)
		}
		// A priority without widening stays with its skill.
		if _, err := s.ClaimTicket(ctx, low.ID, generalist.ID, t0.Add(24*time.Hour), w); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("claim of an unwidened low ticket: %v", err)
		}
	})
}
