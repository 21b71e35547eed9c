package handoff

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestSLADueAt(t *testing.T) {
	sla := DefaultSLA()
	if err := sla.Validate(); err != nil {
		t.Fatalf("DefaultSLA().Validate() = %v", err)
	}
	tests := []struct {
		ch          chat.Channel
		due, solved time.Time
	}{
		{chat.ChannelWebchat, at(3), t0.Add(24 * time.Hour)},
		{chat.ChannelTelegram, at(3), t0.Add(24 * time.Hour)},
		{chat.ChannelTicket, t0.Add(6 * time.Hour), t0.Add(72 * time.Hour)},
		{"email", at(3), t0.Add(24 * time.Hour)}, // unknown: the strictest target
	}
	for _, tt := range tests {
		if got := sla.DueAt(t0, tt.ch); !got.Equal(tt.due) {
			t.Errorf("DueAt(%s) = %v, want %v", tt.ch, got, tt.due)
		}
		if got := sla.ResolveBy(t0, tt.ch); !got.Equal(tt.solved) {
			t.Errorf("ResolveBy(%s) = %v, want %v", tt.ch, got, tt.solved)
		}
	}
	if got := (SLA{}).DueAt(t0, chat.ChannelWebchat); !got.Equal(t0) {
		t.Errorf("empty SLA DueAt = %v, want %v (due at once)", got, t0)
	}
}

func TestSLAValidate(t *testing.T) {
	tests := []struct {
		name     string
		sla      SLA
		wantCode string
	}{
		{"ok", SLA{chat.ChannelWebchat: {time.Minute, time.Hour}}, ""},
		{"zero first", SLA{chat.ChannelWebchat: {0, time.Hour}}, chat.EINVALID},
		{"negative resolution", SLA{chat.ChannelWebchat: {time.Minute, -time.Hour}}, chat.EINVALID},
		{"resolution before first", SLA{chat.ChannelWebchat: {time.Hour, time.Minute}}, chat.EINVALID},
	}
	for _, tt := range tests {
		if got := chat.ErrorCode(tt.sla.Validate()); got != tt.wantCode {
			t.Errorf("%s: code = %q, want %q", tt.name, got, tt.wantCode)
		}
	}
}

func TestBreachedAndTimeToDue(t *testing.T) {
	due := at(3)
	tests := []struct {
		name     string
		t        Ticket
		now      time.Time
		breached bool
		toDue    time.Duration
	}{
		{"queued, in time", Ticket{Status: StatusQueued, DueAt: due}, at(1), false, 2 * time.Minute},
		{"queued, exactly due", Ticket{Status: StatusQueued, DueAt: due}, at(3), false, 0},
		{"queued, late", Ticket{Status: StatusQueued, DueAt: due}, at(5), true, -2 * time.Minute},
		{"assigned, late, no answer", Ticket{Status: StatusAssigned, DueAt: due}, at(4), true, -time.Minute},
		{"answered in time", Ticket{Status: StatusAssigned, DueAt: due, FirstResponseAt: at(2)}, at(10), false, 0},
		{"answered at due", Ticket{Status: StatusResolved, DueAt: due, FirstResponseAt: at(3)}, at(10), false, 0},
		{"answered late", Ticket{Status: StatusResolved, DueAt: due, FirstResponseAt: at(4)}, at(4), true, 0},
		{"returned to bot unanswered", Ticket{Status: StatusReturnedToBot, DueAt: due}, at(10), false, -7 * time.Minute},
		{"no due", Ticket{Status: StatusQueued}, at(10), false, 0},
	}
	for _, tt := range tests {
		if got := tt.t.Breached(tt.now); got != tt.breached {
			t.Errorf("%s: Breached = %v, want %v", tt.name, got, tt.breached)
		}
		if got := tt.t.TimeToDue(tt.now); got != tt.toDue {
			t.Errorf("%s: TimeToDue = %v, want %v", tt.name, got, tt.toDue)
		}
	}
}

func TestLateUnnotified(t *testing.T) {
	tickets := []Ticket{
		{ID: 1, Status: StatusQueued, Priority: PriorityNormal, DueAt: at(3)},                           // late
		{ID: 2, Status: StatusQueued, Priority: PriorityNormal, DueAt: at(3), BreachNotified: true},     // told already
		{ID: 3, Status: StatusQueued, Priority: PriorityNormal, DueAt: at(20)},                          // not yet due
		{ID: 4, Status: StatusAssigned, Priority: PriorityNormal, DueAt: at(2)},                         // late, with operator
		{ID: 5, Status: StatusAssigned, Priority: PriorityNormal, DueAt: at(2), FirstResponseAt: at(4)}, // answered (late, but answered)
		{ID: 6, Status: StatusReturnedToBot, Priority: PriorityNormal, DueAt: at(1)},                    // closed
		{ID: 7, Status: StatusQueued, Priority: PriorityCritical, DueAt: at(5)},                         // late, more urgent
		{ID: 8, Status: StatusQueued, Priority: PriorityNormal, DueAt: at(10)},                          // exactly due: on time
	}
	got := ids(LateUnnotified(tickets, at(10)))
	if want := []int64{7, 4, 1}; !slices.Equal(got, want) {
		t.Errorf("LateUnnotified = %v, want %v", got, want)
	}
	if got := LateUnnotified(nil, at(10)); got != nil {
		t.Errorf("LateUnnotified(nil) = %v, want nil", got)
	}
}

func TestPluralRU(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{1, "минута"}, {2, "минуты"}, {4, "минуты"}, {5, "минут"}, {11, "минут"}, {12, "минут"}, {14, "минут"}, {21, "минута"}, {22, "минуты"}, {25, "минут"}, {101, "минута"}, {111, "минут"}}
	for _, tt := range tests {
		if got := pluralRU(tt.n, "минута", "минуты", "минут"); got != tt.want {
			t.Errorf("pluralRU(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
