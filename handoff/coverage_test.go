package handoff

import (
	"slices"
	"testing"
)

func TestCoverage(t *testing.T) {
	away := op(3, 0, 2, "verification")
	away.Status = Away
	gone := op(4, 0, 2, "bonuses")
	gone.Disconnected = true
	editor := op(5, 0, 2, "technical")
	editor.Role = RoleEditor
	ops := []Operator{op(1, 2, 2, "payments"), op(2, 0, 2, "payments", "general"), away, gone, editor}
	skills := []string{"payments", "verification", "bonuses", "technical", "general"}
	cov := Coverage(skills, ops)
	want := map[string]int{"payments": 2, "verification": 0, "bonuses": 0, "technical": 0, "general": 2}
	for s, n := range want {
		if cov[s] != n {
			t.Errorf("coverage of %s = %d, want %d", s, cov[s], n)
		}
	}
	if got := Uncovered(skills, ops); !slices.Equal(got, []string{"verification", "bonuses", "technical"}) {
		t.Errorf("Uncovered = %v", got)
	}
}
