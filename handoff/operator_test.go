package handoff

import (
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestRoleCan(t *testing.T) {
	actions := []Action{ActionHandleTickets, ActionTransferToOperator, ActionManageCanned, ActionViewMetrics, ActionEditContent, ActionManageUsers}
	want := map[Role][]bool{
		RoleOperator:   {true, false, false, false, false, false},
		RoleSupervisor: {true, true, true, true, false, false},
		RoleEditor:     {false, false, false, false, true, false},
		RoleAdmin:      {true, true, true, true, true, true},
		"guest":        {false, false, false, false, false, false},
	}
	for role, row := range want {
		for i, a := range actions {
			if got := role.Can(a); got != row[i] {
				t.Errorf("%s.Can(%s) = %v, want %v", role, a, got, row[i])
			}
		}
		if role.Can("launch_missiles") {
			t.Errorf("%s.Can(unknown action) = true, want false", role)
		}
	}
}

func TestParseRoleAndPresence(t *testing.T) {
	roles := []struct {
		in       string
		want     Role
		wantCode string
	}{
		{"operator", RoleOperator, ""}, {" Supervisor", RoleSupervisor, ""}, {"editor", RoleEditor, ""},
		{"ADMIN", RoleAdmin, ""}, {"root", "", chat.EINVALID}, {"", "", chat.EINVALID},
	}
	for _, tt := range roles {
		got, err := ParseRole(tt.in)
		if got != tt.want || chat.ErrorCode(err) != tt.wantCode {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, code %q", tt.in, got, err, tt.want, tt.wantCode)
		}
	}
	presences := []struct {
		in       string
		want     Presence
		wantCode string
	}{
		{"online", Online, ""}, {"Away", Away, ""}, {"offline ", Offline, ""}, {"busy", "", chat.EINVALID},
	}
	for _, tt := range presences {
		got, err := ParsePresence(tt.in)
		if got != tt.want || chat.ErrorCode(err) != tt.wantCode {
			t.Errorf("ParsePresence(%q) = %q, %v; want %q, code %q", tt.in, got, err, tt.want, tt.wantCode)
		}
	}
}

func TestOperatorHasSkill(t *testing.T) {
	op := Operator{Skills: []string{"payments"}}
	tests := []struct {
		skill string
		want  bool
	}{{"payments", true}, {"general", true}, {"verification", false}, {"Payments", false}}
	for _, tt := range tests {
		if got := op.HasSkill(tt.skill); got != tt.want {
			t.Errorf("HasSkill(%q) = %v, want %v", tt.skill, got, tt.want)
		}
	}
	if !(Operator{}).HasSkill(SkillGeneral) {
		t.Error("an operator without skills should serve general")
	}
}

func TestOperatorValidate(t *testing.T) {
	ok := Operator{Login: "anna", Role: RoleOperator, Status: Offline, Capacity: 3}
	tests := []struct {
		name     string
		edit     func(*Operator)
		wantCode string
	}{
		{"valid", func(*Operator) {}, ""},
		{"no login", func(o *Operator) { o.Login = " " }, chat.EINVALID},
		{"bad role", func(o *Operator) { o.Role = "root" }, chat.EINVALID},
		{"role not canonical", func(o *Operator) { o.Role = "Admin" }, chat.EINVALID},
		{"bad status", func(o *Operator) { o.Status = "busy" }, chat.EINVALID},
		{"negative capacity", func(o *Operator) { o.Capacity = -1 }, chat.EINVALID},
		{"zero capacity", func(o *Operator) { o.Capacity = 0 }, ""},
	}
	for _, tt := range tests {
		o := ok
		tt.edit(&o)
		if got := chat.ErrorCode(o.Validate()); got != tt.wantCode {
			t.Errorf("%s: Validate code = %q, want %q", tt.name, got, tt.wantCode)
		}
	}
}
