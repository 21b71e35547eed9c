package handoff

import (
	"slices"
	"strings"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Priority is how urgent a ticket is. Its string form is what settings.yaml,
// flows and the database use.
type Priority string

// Priorities, most urgent first.
const (
	PriorityCritical Priority = "critical"
	PriorityHigh     Priority = "high"
	PriorityNormal   Priority = "normal"
	PriorityLow      Priority = "low"
)

// priorities lists every priority by rank (index 0 is the most urgent).
var priorities = [...]Priority{PriorityCritical, PriorityHigh, PriorityNormal, PriorityLow}

// Priorities returns every priority, most urgent first.
func Priorities() []Priority { return slices.Clone(priorities[:]) }

// ParsePriority returns the priority named s (case and surrounding spaces
// ignored). An empty or unknown name is an EINVALID error.
func ParsePriority(s string) (Priority, error) {
	p := Priority(strings.ToLower(strings.TrimSpace(s)))
	if !p.Valid() {
		return "", chat.Errorf(chat.EINVALID, "unknown priority %q (want critical, high, normal or low)", s)
	}
	return p, nil
}

// Valid reports whether p is one of the four priorities.
func (p Priority) Valid() bool { return p.Rank() < len(priorities) }

// Rank returns p's position in the order: 0 for critical up to 3 for low. An
// invalid priority ranks after low (4), so it sorts last rather than first.
func (p Priority) Rank() int {
	for i, q := range priorities {
		if p == q {
			return i
		}
	}
	return len(priorities)
}

// Bump returns p moved n levels more urgent (n < 0 moves it less urgent),
// clamped to critical and low. An invalid p is treated as normal.
func (p Priority) Bump(n int) Priority {
	r := p.Rank()
	if r >= len(priorities) {
		r = PriorityNormal.Rank()
	}
	r = min(max(r-n, 0), len(priorities)-1)
	return priorities[r]
}

// AtLeast returns the more urgent of p and q. An invalid p is treated as
// normal; an invalid q leaves p unchanged.
func (p Priority) AtLeast(q Priority) Priority {
	if !p.Valid() {
		p = PriorityNormal
	}
	if q.Valid() && q.Rank() < p.Rank() {
		return q
	}
	return p
}
