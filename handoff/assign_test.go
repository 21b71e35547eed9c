package handoff

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func op(id int64, active, capacity int, skills ...string) Operator {
	return Operator{ID: id, Login: "op" + string(rune('0'+id)), Role: RoleOperator, Status: Online, Capacity: capacity, Active: active, Skills: skills, LastSeen: t0}
}

func TestCanClaim(t *testing.T) {
	queued := Ticket{ID: 1, Skill: "payments", Status: StatusQueued}
	tests := []struct {
		name     string
		op       Operator
		t        Ticket
		wantCode string
	}{
		{"ok", op(1, 0, 2, "payments"), queued, ""},
		{"general for everyone", op(1, 0, 2), Ticket{Skill: "general", Status: StatusQueued}, ""},
		{"supervisor may", func() Operator { o := op(1, 0, 2, "payments"); o.Role = RoleSupervisor; return o }(), queued, ""},
		{"already assigned", op(1, 0, 2, "payments"), Ticket{Skill: "payments", Status: StatusAssigned, OperatorID: 2}, chat.ECONFLICT},
		{"resolved", op(1, 0, 2, "payments"), Ticket{Skill: "payments", Status: StatusResolved}, chat.ECONFLICT},
		{"returned to bot", op(1, 0, 2, "payments"), Ticket{Skill: "payments", Status: StatusReturnedToBot}, chat.ECONFLICT},
		{"disabled", func() Operator { o := op(1, 0, 2, "payments"); o.Disabled = true; return o }(), queued, chat.EFORBIDDEN},
		{"editor", func() Operator { o := op(1, 0, 2, "payments"); o.Role = RoleEditor; return o }(), queued, chat.EFORBIDDEN},
		{"away", func() Operator { o := op(1, 0, 2, "payments"); o.Status = Away; return o }(), queued, chat.ECONFLICT},
		{"offline", func() Operator { o := op(1, 0, 2, "payments"); o.Status = Offline; return o }(), queued, chat.ECONFLICT},
		{"no console connected", func() Operator { o := op(1, 0, 2, "payments"); o.Disconnected = true; return o }(), queued, chat.ECONFLICT},
		{"no skill", op(1, 0, 2, "verification"), queued, chat.EFORBIDDEN},
		{"at capacity", op(1, 2, 2, "payments"), queued, chat.ECONFLICT},
		{"over capacity", op(1, 3, 2, "payments"), queued, chat.ECONFLICT},
		{"zero capacity", op(1, 0, 0, "payments"), queued, chat.ECONFLICT},
	}
	for _, tt := range tests {
		err := CanClaim(tt.op, tt.t)
		if got := chat.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: CanClaim code = %q (%v), want %q", tt.name, got, err, tt.wantCode)
		}
		// The loop's allocation-free check agrees with CanClaim.
		if got := claimable(tt.op, tt.t); got != (err == nil) {
			t.Errorf("%s: claimable = %v, CanClaim = %v", tt.name, got, err)
		}
	}
}

func TestChooseOperator(t *testing.T) {
	payments := Ticket{ID: 1, Skill: "payments", Status: StatusQueued}
	idle := func(o Operator, lastSeen time.Time) Operator { o.LastSeen = lastSeen; return o }
	offline := func(o Operator) Operator { o.Status = Offline; return o }
	disabled := func(o Operator) Operator { o.Disabled = true; return o }
	tests := []struct {
		name   string
		t      Ticket
		ops    []Operator
		wantID int64
		wantOK bool
	}{
		{"nobody", payments, nil, 0, false},
		{"lower ratio wins", payments, []Operator{op(1, 1, 2, "payments"), op(2, 2, 5, "payments")}, 2, true},
		{"ratio tie: fewer active", payments, []Operator{op(1, 2, 4, "payments"), op(2, 1, 2, "payments")}, 2, true},
		{"both empty: longest idle", payments, []Operator{idle(op(1, 0, 2, "payments"), at(5)), idle(op(2, 0, 3, "payments"), at(1))}, 2, true},
		{"full tie: lower id", payments, []Operator{op(3, 1, 2, "payments"), op(2, 1, 2, "payments")}, 2, true},
		{"skip missing skill", payments, []Operator{op(1, 0, 5, "bonuses"), op(2, 1, 2, "payments")}, 2, true},
		{"skip full", payments, []Operator{op(1, 2, 2, "payments"), op(2, 4, 5, "payments")}, 2, true},
		{"skip offline and disabled", payments, []Operator{offline(op(1, 0, 5, "payments")), disabled(op(2, 0, 5, "payments")), op(3, 3, 4, "payments")}, 3, true},
		{"all full", payments, []Operator{op(1, 2, 2, "payments")}, 0, false},
		{"general served by anyone", Ticket{Skill: "general", Status: StatusQueued}, []Operator{op(1, 1, 2, "payments"), op(2, 0, 2)}, 2, true},
		{"ticket not queued", Ticket{Skill: "general", Status: StatusAssigned}, []Operator{op(1, 0, 2)}, 0, false},
	}
	for _, tt := range tests {
		got, ok := ChooseOperator(tt.t, tt.ops)
		if got.ID != tt.wantID || ok != tt.wantOK {
			t.Errorf("%s: ChooseOperator = %d, %v; want %d, %v", tt.name, got.ID, ok, tt.wantID, tt.wantOK)
		}
	}
}

func TestAutoAssign(t *testing.T) {
	queue := []Ticket{
		{ID: 1, Skill: "general", Status: StatusQueued, Priority: PriorityNormal, DueAt: at(3)},
		{ID: 2, Skill: "payments", Status: StatusQueued, Priority: PriorityCritical, DueAt: at(5)},
		{ID: 3, Skill: "verification", Status: StatusQueued, Priority: PriorityHigh, DueAt: at(1)},
		{ID: 4, Skill: "general", Status: StatusQueued, Priority: PriorityNormal, DueAt: at(4)},
		{ID: 5, Skill: "general", Status: StatusAssigned, Priority: PriorityCritical, OperatorID: 1},
		{ID: 6, Skill: "payments", Status: StatusQueued, Priority: PriorityLow, DueAt: at(1)},
	}
	ops := []Operator{
		op(1, 0, 2, "payments"),
		op(2, 0, 1),
	}
	got := AutoAssign(queue, ops)
	// Queue order: 2 (critical), 3 (high), 1, 4 (normal), 6 (low).
	// 2 → op1 (tie on load, lower id); 3 → nobody serves verification;
	// 1 → op2 (0/1 beats 1/2); 4 → op1 (op2 full); 6 → nobody left.
	want := []Assignment{{2, 1}, {1, 2}, {4, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("AutoAssign = %v, want %v", got, want)
	}
	if ops[0].Active != 0 || ops[1].Active != 0 {
		t.Errorf("AutoAssign changed the caller's operators: %+v", ops)
	}
	if queue[0].ID != 1 {
		t.Errorf("AutoAssign reordered the caller's queue")
	}
	if got := AutoAssign(queue, nil); got != nil {
		t.Errorf("AutoAssign without operators = %v, want nil", got)
	}
}

func TestAutoAssignSpreadsLoad(t *testing.T) {
	var queue []Ticket
	for i := int64(1); i <= 6; i++ {
		queue = append(queue, Ticket{ID: i, Skill: "general", Status: StatusQueued, Priority: PriorityNormal, DueAt: at(int(i))})
	}
	ops := []Operator{op(1, 0, 4), op(2, 1, 2), op(3, 0, 1)}
	got := AutoAssign(queue, ops)
	// Loads (active/capacity): 1: 0/4, 2: 1/2, 3: 0/1.
	// t1: 1 vs 3 tie at 0, both 0 active, same LastSeen → id 1 (1/4).
	// t2: 3 (0/1) → full. t3: 1 at 1/4 < 2 at 1/2 → 1 (2/4).
	// t4: 1 at 2/4 ties 2 at 1/2; fewer active → 2 (2/2, full). t5: 1 (3/4). t6: 1 (4/4).
	want := []Assignment{{1, 1}, {2, 3}, {3, 1}, {4, 2}, {5, 1}, {6, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("AutoAssign = %v, want %v", got, want)
	}
}

func TestStale(t *testing.T) {
	ops := map[int64]Operator{
		1: op(1, 1, 2),
		2: func() Operator { o := op(2, 1, 2); o.Status = Offline; return o }(),
		3: func() Operator { o := op(3, 1, 2); o.Status = Away; return o }(),
		4: func() Operator { o := op(4, 1, 2); o.Disabled = true; return o }(),
		5: func() Operator { o := op(5, 2, 2); o.Status, o.Disconnected = Away, true; return o }(),
	}
	tickets := []Ticket{
		{ID: 1, Status: StatusAssigned, OperatorID: 1, AssignedAt: at(8)},                          // in time
		{ID: 2, Status: StatusAssigned, OperatorID: 2, AssignedAt: at(9), FirstResponseAt: at(9)},  // operator offline
		{ID: 3, Status: StatusAssigned, OperatorID: 1, AssignedAt: at(5)},                          // exactly timed out
		{ID: 4, Status: StatusAssigned, OperatorID: 1, AssignedAt: at(1), FirstResponseAt: at(2)},  // answered: kept
		{ID: 5, Status: StatusAssigned, OperatorID: 3, AssignedAt: at(9)},                          // away: kept while in time
		{ID: 6, Status: StatusAssigned, OperatorID: 3, AssignedAt: at(4)},                          // away and timed out
		{ID: 7, Status: StatusAssigned, OperatorID: 9, AssignedAt: at(9)},                          // unknown operator
		{ID: 8, Status: StatusAssigned, OperatorID: 4, AssignedAt: at(9)},                          // disabled
		{ID: 9, Status: StatusQueued, AssignedAt: at(0)},                                           // not assigned
		{ID: 10, Status: StatusResolved, OperatorID: 2, AssignedAt: at(0)},                         // closed
		{ID: 11, Status: StatusAssigned, OperatorID: 1, AssignedAt: at(6)},                         // 4 min: in time
		{ID: 12, Status: StatusAssigned, OperatorID: 5, AssignedAt: at(9)},                         // console gone, unanswered
		{ID: 13, Status: StatusAssigned, OperatorID: 5, AssignedAt: at(9), FirstResponseAt: at(9)}, // console gone, answered: kept
	}
	tests := []struct {
		name    string
		timeout time.Duration
		want    []int64
	}{
		{"5 minute timeout", 5 * time.Minute, []int64{2, 3, 6, 7, 8, 12}},
		{"timeout off", 0, []int64{2, 7, 8, 12}},
		{"1 minute timeout", time.Minute, []int64{1, 2, 3, 5, 6, 7, 8, 11, 12}},
	}
	for _, tt := range tests {
		if got := Stale(tickets, ops, at(10), tt.timeout); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Stale = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestChooseOperatorAvoidsThePreviousHolder(t *testing.T) {
	back := Ticket{ID: 1, Skill: "payments", Status: StatusQueued, PreviousOperatorID: 1}
	anna, boris := op(1, 0, 3, "payments"), op(2, 2, 3, "payments") // anna is less loaded
	if got, ok := ChooseOperator(back, []Operator{anna, boris}); !ok || got.ID != boris.ID {
		t.Fatalf("chose %d, want boris: anna just let it go", got.ID)
	}
	if got, ok := ChooseOperator(back, []Operator{boris, anna}); !ok || got.ID != boris.ID {
		t.Fatalf("order matters: chose %d", got.ID)
	}
	if got, ok := ChooseOperator(back, []Operator{anna}); !ok || got.ID != anna.ID {
		t.Fatalf("alone, anna gets it back: %d %v", got.ID, ok)
	}
}
