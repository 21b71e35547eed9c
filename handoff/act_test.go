package handoff

import (
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestMayAct(t *testing.T) {
	anna := op(1, 0, 2, "payments")
	boris := op(2, 0, 2, "payments")
	sup := op(3, 0, 2)
	sup.Role = RoleSupervisor
	editor := op(4, 0, 2)
	editor.Role = RoleEditor
	disabled := anna
	disabled.Disabled = true
	held := Ticket{ID: 9, Status: StatusAssigned, OperatorID: anna.ID}
	queued := Ticket{ID: 9, Status: StatusQueued}
	resolved := Ticket{ID: 9, Status: StatusResolved, OperatorID: anna.ID}
	tests := []struct {
		name  string
		actor Operator
		t     Ticket
		want  string
	}{
		{"holder", anna, held, ""},
		{"supervisor steps in", sup, held, ""},
		{"supervisor on a queued ticket", sup, queued, ""},
		{"lost to another operator", boris, held, chat.ECONFLICT},
		{"queued: claim first", anna, queued, chat.EFORBIDDEN},
		{"closed", anna, resolved, chat.ECONFLICT},
		{"disabled holder", disabled, held, chat.EFORBIDDEN},
		{"editor", editor, held, chat.EFORBIDDEN},
	}
	for _, tt := range tests {
		if got := chat.ErrorCode(MayAct(tt.actor, tt.t)); got != tt.want {
			t.Errorf("%s: MayAct code %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestResolverCreditsWhoResolved(t *testing.T) {
	tk := Ticket{ID: 1, Status: StatusAssigned, OperatorID: 1, CreatedAt: t0, AssignedAt: at(1)}
	if err := tk.Resolve(7, at(5)); err != nil {
		t.Fatal(err)
	}
	if tk.Resolver() != 7 {
		t.Fatalf("Resolver = %d, want the supervisor 7", tk.Resolver())
	}
	rows := Metrics([]Ticket{tk}, t0)
	if len(rows) != 2 || rows[0].OperatorID != 7 || rows[0].Resolved != 1 {
		t.Fatalf("Metrics = %+v, want the resolution credited to 7", rows)
	}
	if old := (Ticket{OperatorID: 3}); old.Resolver() != 3 {
		t.Fatalf("legacy ticket Resolver = %d, want 3", old.Resolver())
	}
}
