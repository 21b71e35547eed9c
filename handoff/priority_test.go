package handoff

import (
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestParsePriority(t *testing.T) {
	tests := []struct {
		in       string
		want     Priority
		wantCode string
	}{
		{"critical", PriorityCritical, ""},
		{" High ", PriorityHigh, ""},
		{"NORMAL", PriorityNormal, ""},
		{"low", PriorityLow, ""},
		{"", "", chat.EINVALID},
		{"urgent", "", chat.EINVALID},
	}
	for _, tt := range tests {
		got, err := ParsePriority(tt.in)
		if got != tt.want || chat.ErrorCode(err) != tt.wantCode {
			t.Errorf("ParsePriority(%q) = %q, %v; want %q, code %q", tt.in, got, err, tt.want, tt.wantCode)
		}
	}
}

func TestPriorityRankBumpAtLeast(t *testing.T) {
	ranks := []struct {
		p    Priority
		want int
	}{{PriorityCritical, 0}, {PriorityHigh, 1}, {PriorityNormal, 2}, {PriorityLow, 3}, {"bogus", 4}}
	for _, tt := range ranks {
		if got := tt.p.Rank(); got != tt.want {
			t.Errorf("%q.Rank() = %d, want %d", tt.p, got, tt.want)
		}
	}
	bumps := []struct {
		p    Priority
		n    int
		want Priority
	}{
		{PriorityLow, 1, PriorityNormal},
		{PriorityNormal, 2, PriorityCritical},
		{PriorityHigh, 5, PriorityCritical},
		{PriorityCritical, 1, PriorityCritical},
		{PriorityHigh, -1, PriorityNormal},
		{PriorityNormal, -9, PriorityLow},
		{PriorityNormal, 0, PriorityNormal},
		{"bogus", 1, PriorityHigh},
	}
	for _, tt := range bumps {
		if got := tt.p.Bump(tt.n); got != tt.want {
			t.Errorf("%q.Bump(%d) = %q, want %q", tt.p, tt.n, got, tt.want)
		}
	}
	atLeast := []struct {
		p, q, want Priority
	}{
		{PriorityLow, PriorityHigh, PriorityHigh},
		{PriorityCritical, PriorityHigh, PriorityCritical},
		{PriorityHigh, PriorityHigh, PriorityHigh},
		{PriorityLow, "bogus", PriorityLow},
		{"bogus", PriorityLow, PriorityNormal},
	}
	for _, tt := range atLeast {
		if got := tt.p.AtLeast(tt.q); got != tt.want {
			t.Errorf("%q.AtLeast(%q) = %q, want %q", tt.p, tt.q, got, tt.want)
		}
	}
}

func TestPrioritiesIsACopy(t *testing.T) {
	p := Priorities()
	p[0] = PriorityLow
	if got := Priorities()[0]; got != PriorityCritical {
		t.Errorf("Priorities()[0] = %q after the caller changed its copy, want critical", got)
	}
}
