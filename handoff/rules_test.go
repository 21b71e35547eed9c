package handoff

import (
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestDefaultRules(t *testing.T) {
	rules := DefaultRules()
	if got, want := rules.Len(), 4; got != want {
		t.Fatalf("DefaultRules().Len() = %d, want %d", got, want)
	}
	vip := func(level string) map[string]string { return map[string]string{"vip_level": level} }
	tests := []struct {
		name   string
		base   Priority
		skill  string
		reason string
		attrs  map[string]string
		want   Priority
	}{
		{"plain", PriorityNormal, "general", "wants a person", nil, PriorityNormal},
		{"invalid base counts as normal", "", "general", "", nil, PriorityNormal},
		{"low stays low", PriorityLow, "bonuses", "promo code", nil, PriorityLow},
		{"responsible gaming", PriorityLow, "responsible_gaming", "self-exclusion", nil, PriorityCritical},
		{"blocked, any case", PriorityNormal, "verification", "Account BLOCKED after device change", nil, PriorityCritical},
		{"dispute raised to high", PriorityNormal, "payments", "Withdrawal dispute: pending 3 days", nil, PriorityHigh},
		{"dispute already critical stays", PriorityCritical, "payments", "dispute", nil, PriorityCritical},
		{"dispute outside payments", PriorityNormal, "general", "dispute", nil, PriorityNormal},
		{"payments question without dispute", PriorityNormal, "payments", "withdrawal question", nil, PriorityNormal},
		{"vip 3 one up", PriorityNormal, "bonuses", "", vip("3"), PriorityHigh},
		{"vip 5 one up", PriorityLow, "bonuses", "", vip("5"), PriorityNormal},
		{"vip 2 unchanged", PriorityNormal, "bonuses", "", vip("2"), PriorityNormal},
		{"vip not a number", PriorityNormal, "bonuses", "", vip("gold"), PriorityNormal},
		{"vip with spaces", PriorityNormal, "bonuses", "", vip(" 4 "), PriorityHigh},
		{"vip dispute", PriorityNormal, "payments", "dispute", vip("3"), PriorityCritical},
		{"vip never above critical", PriorityNormal, "responsible_gaming", "", vip("9"), PriorityCritical},
	}
	for _, tt := range tests {
		if got := rules.Apply(tt.base, tt.skill, tt.reason, tt.attrs); got != tt.want {
			t.Errorf("%s: Apply = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRulesAttributeOperators(t *testing.T) {
	tests := []struct {
		op, value, attr string
		want            Priority
	}{
		{"==", "false", "false", PriorityHigh},
		{"==", "false", "FALSE", PriorityHigh},
		{"==", "false", "true", PriorityNormal},
		{"!=", "true", "false", PriorityHigh},
		{"!=", "true", "true", PriorityNormal},
		{"<", "2", "1", PriorityHigh},
		{"<", "2", "2", PriorityNormal},
		{"<=", "2", "2", PriorityHigh},
		{">", "2", "2", PriorityNormal},
		{">", "2", "2.5", PriorityHigh},
		{">=", "2", "1.9", PriorityNormal},
	}
	for _, tt := range tests {
		rules, err := NewRules([]Rule{{Attribute: "a", Op: tt.op, Value: tt.value, Set: PriorityHigh}})
		if err != nil {
			t.Fatalf("NewRules(%s %s): %v", tt.op, tt.value, err)
		}
		got := rules.Apply(PriorityNormal, "general", "", map[string]string{"a": tt.attr})
		if got != tt.want {
			t.Errorf("a=%q, rule a %s %q: got %q, want %q", tt.attr, tt.op, tt.value, got, tt.want)
		}
		// A missing attribute never matches, even under !=.
		if got := rules.Apply(PriorityNormal, "general", "", nil); got != PriorityNormal {
			t.Errorf("missing attribute, rule a %s %q: got %q, want normal", tt.op, tt.value, got)
		}
	}
}

func TestRulesApplyInOrder(t *testing.T) {
	rules, err := NewRules([]Rule{
		{Skill: "bonuses", Set: PriorityLow},
		{ReasonContains: "Complaint", Bump: 2},
		{Bump: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		skill, reason string
		want          Priority
	}{
		{"bonuses", "", PriorityLow},               // low, then -1 clamps at low
		{"bonuses", "a complaint", PriorityNormal}, // low → high (+2) → normal (-1)
		{"general", "", PriorityLow},               // normal → low
		{"general", "COMPLAINT!", PriorityHigh},    // normal → critical → high
	}
	for _, tt := range tests {
		if got := rules.Apply(PriorityNormal, tt.skill, tt.reason, nil); got != tt.want {
			t.Errorf("Apply(%q, %q) = %q, want %q", tt.skill, tt.reason, got, tt.want)
		}
	}
	if got := (Rules{}).Apply(PriorityLow, "responsible_gaming", "blocked", nil); got != PriorityLow {
		t.Errorf("zero Rules changed the priority to %q", got)
	}
}

func TestNewRulesInvalid(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
	}{
		{"no action", Rule{Skill: "payments"}},
		{"two actions", Rule{Set: PriorityHigh, Bump: 1}},
		{"bad set", Rule{Set: "urgent"}},
		{"bad at least", Rule{AtLeast: "urgent"}},
		{"bad operator", Rule{Attribute: "vip_level", Op: "=>", Value: "3", Bump: 1}},
		{"numeric op, text value", Rule{Attribute: "vip_level", Op: ">=", Value: "gold", Bump: 1}},
		{"comparison without attribute", Rule{Op: "==", Value: "x", Bump: 1}},
	}
	for _, tt := range tests {
		_, err := NewRules([]Rule{{Set: PriorityHigh}, tt.rule})
		if got := chat.ErrorCode(err); got != chat.EINVALID {
			t.Errorf("%s: code = %q (%v), want %q", tt.name, got, err, chat.EINVALID)
		}
	}
	_, err := NewRules([]Rule{{Set: PriorityHigh}, {Name: "vip"}})
	if got, want := chat.ErrorMessage(err), "priority rule vip: needs exactly one of set, at_least, bump"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	_, err = NewRules([]Rule{{Set: PriorityHigh}, {}})
	if got, want := chat.ErrorMessage(err), "priority rule #2: needs exactly one of set, at_least, bump"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}
