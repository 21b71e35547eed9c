package handoff

import (
	"strconv"
	"strings"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Rule is one priority rule from settings. Its conditions are ANDed; an
// empty condition matches everything. It has exactly one action: Set,
// AtLeast, or Bump.
type Rule struct {
	Name string // for error messages and the settings editor

	Skill          string // the ticket's skill, exactly; "" = any
	ReasonContains string // a substring of the reason, case-insensitive; "" = any

	// Attribute, Op and Value compare a player attribute: with < <= > >= as
	// numbers, with == != as strings (case-insensitive). A missing attribute,
	// or a non-number under a numeric operator, never matches.
	Attribute string // "" = any
	Op        string
	Value     string

	Set     Priority // the ticket gets this priority
	AtLeast Priority // the ticket gets at least this priority
	Bump    int      // the ticket moves this many levels more urgent (negative: less)
}

// Rules is a validated, ordered list of priority rules. The zero value has
// no rules and leaves every priority as it is.
type Rules struct {
	rules []Rule
}

// NewRules validates rules and returns them ready to Apply, in order. It
// fails with EINVALID naming the first rule (by Name, or by position) that
// has no action or more than one, an unknown priority, an unknown operator,
// an operator without an attribute, or a numeric comparison with a value
// that is not a number.
func NewRules(rules []Rule) (Rules, error) {
	out := make([]Rule, 0, len(rules))
	for i, r := range rules {
		name := r.Name
		if name == "" {
			name = "#" + strconv.Itoa(i+1)
		}
		actions := 0
		if r.Set != "" {
			actions++
			if !r.Set.Valid() {
				return Rules{}, chat.Errorf(chat.EINVALID, "priority rule %s: unknown priority %q", name, r.Set)
			}
		}
		if r.AtLeast != "" {
			actions++
			if !r.AtLeast.Valid() {
				return Rules{}, chat.Errorf(chat.EINVALID, "priority rule %s: unknown priority %q", name, r.AtLeast)
			}
		}
		if r.Bump != 0 {
			actions++
		}
		if actions != 1 {
			return Rules{}, chat.Errorf(chat.EINVALID, "priority rule %s: needs exactly one of set, at_least, bump", name)
		}
		if r.Attribute == "" && (r.Op != "" || r.Value != "") {
			return Rules{}, chat.Errorf(chat.EINVALID, "priority rule %s: a comparison needs an attribute", name)
		}
		if r.Attribute != "" {
			switch r.Op {
			case "==", "!=":
			case "<", "<=", ">", ">=":
				if _, err := strconv.ParseFloat(r.Value, 64); err != nil {
					return Rules{}, chat.Errorf(chat.EINVALID, "priority rule %s: %s %s needs a number, got %q", name, r.Attribute, r.Op, r.Value)
				}
			default:
				return Rules{}, chat.Errorf(chat.EINVALID, "priority rule %s: unknown operator %q (want == != < <= > >=)", name, r.Op)
			}
		}
		r.Name = name
		r.ReasonContains = strings.ToLower(r.ReasonContains)
		out = append(out, r)
	}
	return Rules{rules: out}, nil
}

// DefaultRules returns the desk's standing rules, in order: responsible
// gaming is critical; a reason mentioning "blocked" is critical; a payments
// ticket about a withdrawal is at least high; a player with vip_level ≥ 3 goes
// one level up (never past critical).
func DefaultRules() Rules {
	r, err := NewRules([]Rule{
		{Name: "responsible gaming", Skill: "responsible_gaming", Set: PriorityCritical},
		{Name: "blocked account", ReasonContains: "blocked", Set: PriorityCritical},
		{Name: "payment dispute", Skill: "payments", ReasonContains: "dispute", AtLeast: PriorityHigh},
		{Name: "vip", Attribute: "vip_level", Op: ">=", Value: "3", Bump: 1},
	})
	if err != nil { // the table above is valid; a failure here is a bug caught by the tests
		return Rules{}
	}
	return r
}

// Len returns the number of rules.
func (rs Rules) Len() int { return len(rs.rules) }

// Apply runs the rules in order over base (an invalid base counts as normal)
// and returns the resulting priority. Each matching rule acts on the result
// of the ones before it.
func (rs Rules) Apply(base Priority, skill, reason string, attrs map[string]string) Priority {
	p := base
	if !p.Valid() {
		p = PriorityNormal
	}
	lower := strings.ToLower(reason)
	for _, r := range rs.rules {
		if !r.matches(skill, lower, attrs) {
			continue
		}
		switch {
		case r.Set != "":
			p = r.Set
		case r.AtLeast != "":
			p = p.AtLeast(r.AtLeast)
		default:
			p = p.Bump(r.Bump)
		}
	}
	return p
}

// matches reports whether every condition of r holds; lowerReason is the
// reason already lowercased.
func (r Rule) matches(skill, lowerReason string, attrs map[string]string) bool {
	if r.Skill != "" && r.Skill != skill {
		return false
	}
	if r.ReasonContains != "" && !strings.Contains(lowerReason, r.ReasonContains) {
		return false
	}
	if r.Attribute == "" {
		return true
	}
	v, ok := attrs[r.Attribute]
	if !ok {
		return false
	}
	v = strings.TrimSpace(v)
	switch r.Op {
	case "==":
		return strings.EqualFold(v, r.Value)
	case "!=":
		return !strings.EqualFold(v, r.Value)
	}
	a, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false
	}
	b, _ := strconv.ParseFloat(r.Value, 64) // checked by NewRules
	switch r.Op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	default: // ">="
		return a >= b
	}
}
