package handoff

import (
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)

func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

func ids(tickets []Ticket) []int64 {
	out := make([]int64, len(tickets))
	for i, t := range tickets {
		out[i] = t.ID
	}
	return out
}

func TestLess(t *testing.T) {
	tests := []struct {
		name string
		a, b Ticket
		want bool
	}{
		{"priority beats due", Ticket{ID: 2, Priority: PriorityHigh, DueAt: at(9)}, Ticket{ID: 1, Priority: PriorityNormal, DueAt: at(1)}, true},
		{"lower priority after", Ticket{ID: 1, Priority: PriorityLow, DueAt: at(1)}, Ticket{ID: 2, Priority: PriorityNormal, DueAt: at(9)}, false},
		{"earlier due first", Ticket{ID: 2, Priority: PriorityHigh, DueAt: at(1)}, Ticket{ID: 1, Priority: PriorityHigh, DueAt: at(2)}, true},
		{"later due after", Ticket{ID: 1, Priority: PriorityHigh, DueAt: at(2)}, Ticket{ID: 2, Priority: PriorityHigh, DueAt: at(1)}, false},
		{"id breaks ties", Ticket{ID: 1, Priority: PriorityHigh, DueAt: at(1)}, Ticket{ID: 2, Priority: PriorityHigh, DueAt: at(1)}, true},
		{"equal is not less", Ticket{ID: 1, Priority: PriorityHigh, DueAt: at(1)}, Ticket{ID: 1, Priority: PriorityHigh, DueAt: at(1)}, false},
		{"invalid priority last", Ticket{ID: 1, Priority: "bogus"}, Ticket{ID: 2, Priority: PriorityLow, DueAt: at(99)}, false},
	}
	for _, tt := range tests {
		if got := Less(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Less = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSort(t *testing.T) {
	tickets := []Ticket{
		{ID: 1, Priority: PriorityNormal, DueAt: at(3)},
		{ID: 2, Priority: PriorityLow, DueAt: at(1)},
		{ID: 3, Priority: PriorityCritical, DueAt: at(5)},
		{ID: 4, Priority: PriorityNormal, DueAt: at(2)},
		{ID: 5, Priority: PriorityNormal, DueAt: at(2)},
		{ID: 6, Priority: PriorityHigh, DueAt: at(360)},
	}
	Sort(tickets)
	if got, want := ids(tickets), []int64{3, 6, 4, 5, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("Sort order = %v, want %v", got, want)
	}
}

func TestQueuePosition(t *testing.T) {
	tickets := []Ticket{
		{ID: 1, Skill: "payments", Status: StatusQueued, Priority: PriorityNormal, DueAt: at(3)},
		{ID: 2, Skill: "payments", Status: StatusQueued, Priority: PriorityHigh, DueAt: at(9)},
		{ID: 3, Skill: "general", Status: StatusQueued, Priority: PriorityCritical, DueAt: at(1)},
		{ID: 4, Skill: "payments", Status: StatusAssigned, Priority: PriorityCritical, DueAt: at(1)},
		{ID: 5, Skill: "payments", Status: StatusQueued, Priority: PriorityNormal, DueAt: at(4)},
	}
	tests := []struct {
		id   int64
		want int
	}{{2, 1}, {1, 2}, {5, 3}, {3, 1}, {4, 0}, {99, 0}}
	for _, tt := range tests {
		if got := QueuePosition(tickets, tt.id); got != tt.want {
			t.Errorf("QueuePosition(%d) = %d, want %d", tt.id, got, tt.want)
		}
	}
}
