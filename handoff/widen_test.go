package handoff

import (
	"testing"
	"time"
)

func TestWideningReach(t *testing.T) {
	w := Widening{PriorityCritical: {General: time.Minute, Anyone: 2 * time.Minute}, PriorityHigh: {General: 3 * time.Minute}}
	crit := Ticket{ID: 1, Skill: "responsible_gaming", Priority: PriorityCritical, Status: StatusQueued, CreatedAt: at(0), QueuedAt: at(0)}
	tests := []struct {
		name string
		t    Ticket
		now  time.Time
		want Reach
	}{
		{"fresh", crit, at(0).Add(59 * time.Second), ReachSkill},
		{"a minute: generalists", crit, at(1), ReachGeneral},
		{"two minutes: anyone", crit, at(2), ReachAnyone},
		{"counts from the last queueing", func() Ticket { x := crit; x.QueuedAt = at(5); return x }(), at(6).Add(-time.Second), ReachSkill},
		{"legacy row counts from creation", func() Ticket { x := crit; x.QueuedAt = time.Time{}; return x }(), at(1), ReachGeneral},
		{"high never reaches anyone", Ticket{Priority: PriorityHigh, Status: StatusQueued, QueuedAt: at(0)}, at(60), ReachGeneral},
		{"normal not configured", Ticket{Priority: PriorityNormal, Status: StatusQueued, QueuedAt: at(0)}, at(60), ReachSkill},
		{"assigned tickets do not widen", Ticket{Priority: PriorityCritical, Status: StatusAssigned, QueuedAt: at(0)}, at(60), ReachSkill},
	}
	for _, tt := range tests {
		if got := w.Reach(tt.t, tt.now); got != tt.want {
			t.Errorf("%s: Reach = %d, want %d", tt.name, got, tt.want)
		}
	}
	if (Widening(nil)).Reach(crit, at(600)) != ReachSkill {
		t.Error("a nil Widening widened")
	}
}

func TestWidenedTicketsAssigned(t *testing.T) {
	w := Widening{PriorityCritical: {General: time.Minute, Anyone: 2 * time.Minute}}
	generalist := op(1, 0, 2, "payments", "general")
	specialist := op(2, 0, 2, "payments")
	queue := []Ticket{{ID: 9, Skill: "responsible_gaming", Priority: PriorityCritical, Status: StatusQueued, QueuedAt: at(0)}}
	ops := []Operator{generalist, specialist}
	if plan := AutoAssign(w.Apply(queue, at(0).Add(30*time.Second)), ops); len(plan) != 0 {
		t.Fatalf("assigned before widening: %+v", plan)
	}
	if plan := AutoAssign(w.Apply(queue, at(1)), []Operator{specialist}); len(plan) != 0 {
		t.Fatalf("a specialist without general got a ticket widened to generalists: %+v", plan)
	}
	if plan := AutoAssign(w.Apply(queue, at(1)), ops); len(plan) != 1 || plan[0].OperatorID != generalist.ID {
		t.Fatalf("after a minute: %+v, want the generalist", plan)
	}
	if plan := AutoAssign(w.Apply(queue, at(2)), []Operator{specialist}); len(plan) != 1 {
		t.Fatalf("after two minutes anyone: %+v", plan)
	}
}
