package handoff

import "testing"

func TestMayRead(t *testing.T) {
	anna := Operator{ID: 1, Role: RoleOperator, Skills: []string{"payments"}}
	gen := Operator{ID: 2, Role: RoleOperator, Skills: []string{SkillGeneral}}
	sup := Operator{ID: 3, Role: RoleSupervisor}
	ed := Operator{ID: 4, Role: RoleEditor}
	queuedKYC := Ticket{Status: StatusQueued, Skill: "kyc"}
	for _, c := range []struct {
		name    string
		op      Operator
		tickets []Ticket
		want    bool
	}{
		{"supervisor reads anything", sup, nil, true},
		{"editor reads nothing", ed, []Ticket{{Status: StatusQueued, Skill: "payments"}}, false},
		{"never handed off", anna, nil, false},
		{"queued for her skill", anna, []Ticket{{Status: StatusQueued, Skill: "payments"}}, true},
		{"queued for another skill", anna, []Ticket{queuedKYC}, false},
		{"widened to generalists", gen, []Ticket{{Status: StatusQueued, Skill: "kyc", Reach: ReachGeneral}}, true},
		{"widened to anyone", anna, []Ticket{{Status: StatusQueued, Skill: "kyc", Reach: ReachAnyone}}, true},
		{"held by someone else", anna, []Ticket{{Status: StatusAssigned, Skill: "payments", OperatorID: 9}}, false},
		{"held by her", anna, []Ticket{{Status: StatusAssigned, Skill: "kyc", OperatorID: 1}}, true},
		{"she resolved an earlier one", anna, []Ticket{{Status: StatusResolved, ResolvedBy: 1}, queuedKYC}, true},
	} {
		if got := MayRead(c.op, c.tickets); got != c.want {
			t.Errorf("%s: MayRead = %v, want %v", c.name, got, c.want)
		}
	}
}
