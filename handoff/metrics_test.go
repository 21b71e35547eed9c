package handoff

import (
	"testing"
	"time"
)

func TestMetrics(t *testing.T) {
	since := at(0)
	tickets := []Ticket{
		// op 1: answered at +2 (due +3: hit), handled 1→9, rated 5.
		{ID: 1, Status: StatusResolved, OperatorID: 1, CreatedAt: at(0), DueAt: at(3), AssignedAt: at(1), FirstResponseAt: at(2), FirstResponseBy: 1, ResolvedAt: at(9), CSAT: 5},
		// op 1: answered at +6 for a ticket created at +1 (due +4: miss), handled 2→12, rated 2.
		{ID: 2, Status: StatusResolved, OperatorID: 1, CreatedAt: at(1), DueAt: at(4), AssignedAt: at(2), FirstResponseAt: at(6), FirstResponseBy: 1, ResolvedAt: at(12), CSAT: 2},
		// op 1 answered (exactly at due: hit), then transferred to op 2, who resolved 8→18, unrated.
		{ID: 3, Status: StatusResolved, OperatorID: 2, CreatedAt: at(2), DueAt: at(5), AssignedAt: at(8), FirstResponseAt: at(5), FirstResponseBy: 1, ResolvedAt: at(18)},
		// op 2: answered, still open: first response only (+3 from creation at +10, due +13: hit).
		{ID: 4, Status: StatusAssigned, OperatorID: 2, CreatedAt: at(10), DueAt: at(13), AssignedAt: at(11), FirstResponseAt: at(13), FirstResponseBy: 2},
		// Before since: ignored.
		{ID: 5, Status: StatusResolved, OperatorID: 2, CreatedAt: at(-60), DueAt: at(-57), AssignedAt: at(-59), FirstResponseAt: at(-58), FirstResponseBy: 2, ResolvedAt: at(-30), CSAT: 1},
		// Queued, returned to bot: nothing to count.
		{ID: 6, Status: StatusQueued, CreatedAt: at(3), DueAt: at(6)},
		{ID: 7, Status: StatusReturnedToBot, OperatorID: 2, CreatedAt: at(3), DueAt: at(6), AssignedAt: at(4)},
	}
	got := Metrics(tickets, since)
	want := []OperatorStats{
		{OperatorID: 1, Resolved: 2, FirstResponses: 3, AvgFirstResponse: 10 * time.Minute / 3, // (2+5+3)/3 min from creation
			AvgHandle: 9 * time.Minute /* (8+10)/2 */, CSATCount: 2, CSATAvg: 3.5, SLAMeasured: 3, SLAHits: 2, SLAHitRate: 2.0 / 3},
		{OperatorID: 2, Resolved: 1, FirstResponses: 1, AvgFirstResponse: 3 * time.Minute,
			AvgHandle: 10 * time.Minute, SLAMeasured: 1, SLAHits: 1, SLAHitRate: 1},
		{OperatorID: 0, Resolved: 3, FirstResponses: 4, AvgFirstResponse: 13 * time.Minute / 4, // (2+5+3+3)/4
			AvgHandle: 28 * time.Minute / 3, CSATCount: 2, CSATAvg: 3.5, SLAMeasured: 4, SLAHits: 3, SLAHitRate: 0.75},
	}
	if len(got) != len(want) {
		t.Fatalf("Metrics returned %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestMetricsEmpty(t *testing.T) {
	got := Metrics(nil, t0)
	if len(got) != 1 || got[0] != (OperatorStats{}) {
		t.Errorf("Metrics(nil) = %+v, want one zero total row", got)
	}
}
