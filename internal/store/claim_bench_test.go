package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// BenchmarkClaim measures claims with 50 operators claiming at once: b.N
// queued tickets, every operator looping ClaimNext until the queue is
// empty. Run with a fixed count, e.g. -benchtime=2000x.
func BenchmarkClaim(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchClaim(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchClaim(b, storetest.Postgres(b)) })
}

func benchClaim(b *testing.B, s *store.Store) {
	const operators = 50
	ctx := context.Background()
	ops := make([]handoff.Operator, operators)
	for i := range ops {
		ops[i] = mustOperator(b, s, fmt.Sprintf("op%d", i), 1<<30, "payments")
	}
	skills := []string{"payments", handoff.SkillGeneral}
	prios := handoff.Priorities()
	for i := range b.N {
		mustTicket(b, s, fmt.Sprintf("p%d", i), skills[i%2], prios[i%len(prios)], t0.Add(time.Duration(i)*time.Second))
	}
	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, b.N)
		wg        sync.WaitGroup
		start     = make(chan struct{})
		errs      = make(chan error, operators)
	)
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var mine []time.Duration
			defer func() {
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			}()
			for {
				t := time.Now()
				_, ok, err := s.ClaimNext(ctx, op.ID, t, nil)
				if err != nil {
					errs <- err
					return
				}
				if !ok {
					return
				}
				mine = append(mine, time.Since(t))
			}
		}()
	}
	b.ResetTimer()
	began := time.Now()
	close(start)
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if len(latencies) != b.N {
		b.Fatalf("%d claims, want %d", len(latencies), b.N)
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "claims/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
