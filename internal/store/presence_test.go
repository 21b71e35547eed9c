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

// TestPresenceFromHeartbeats: with a Liveness set, an operator who chose
// online is online only while a console heartbeat is recent; claims decide
// on that inside their transaction, so a ghost operator gets nothing.
func TestPresenceFromHeartbeats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.SetLiveness(handoff.Liveness{Grace: 30 * time.Second, OfflineAfter: 5 * time.Minute})
		now := time.Now()
		beats := map[string]time.Duration{"live": 0, "gone": time.Minute, "long": 10 * time.Minute}
		ids := map[string]int64{}
		for _, login := range []string{"live", "gone", "long", "never"} {
			op := mustOperator(t, s, login, 3, "payments")
			ids[login] = op.ID
			if ago, ok := beats[login]; ok {
				if err := s.Heartbeat(ctx, op.ID, now.Add(-ago)); err != nil {
					t.Fatal(err)
				}
			}
		}
		list, err := s.ListStaff(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]handoff.Presence{"live": handoff.Online, "gone": handoff.Away, "long": handoff.Offline, "never": handoff.Offline}
		for _, op := range list {
			if op.Status != want[op.Login] || op.Disconnected != (op.Login != "live") {
				t.Errorf("%s: %s disconnected=%v, want %s", op.Login, op.Status, op.Disconnected, want[op.Login])
			}
		}
		if op, _ := s.Staff(ctx, ids["gone"]); op.Status != handoff.Away {
			t.Errorf("Staff(gone) = %s, want away", op.Status)
		}
		tk := mustTicket(t, s, "p1", "payments", handoff.PriorityNormal, t0)
		for _, login := range []string{"gone", "never"} {
			if _, err := s.ClaimTicket(ctx, tk.ID, ids[login], now, nil); chat.ErrorCode(err) != chat.ECONFLICT {
				t.Fatalf("claim by %s: %v, want conflict", login, err)
			}
			if _, ok, err := s.ClaimNext(ctx, ids[login], now, nil); chat.ErrorCode(err) != chat.ECONFLICT || ok {
				t.Fatalf("claim next by %s: %v %v, want conflict", login, ok, err)
			}
		}
		// The grace period is measured at the claim's own time.
		if _, err := s.ClaimTicket(ctx, tk.ID, ids["live"], now.Add(31*time.Second), nil); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("claim after the grace period: %v, want conflict", err)
		}
		if got, err := s.ClaimTicket(ctx, tk.ID, ids["live"], now.Add(time.Second), nil); err != nil || got.OperatorID != ids["live"] {
			t.Fatalf("claim by the connected operator: %+v, %v", got, err)
		}
	})
}
