package handoff

import (
	"fmt"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Target is a channel's promise: the first human answer within FirstResponse
// of the ticket's creation, the resolution within Resolution.
type Target struct {
	FirstResponse time.Duration
	Resolution    time.Duration
}

// SLA maps each channel to its target, as configured under `sla:` in
// settings.yaml.
type SLA map[chat.Channel]Target

// DefaultSLA returns the targets of the default content: chat and messengers
// 3 minutes to a first answer and a day to resolve, cabinet tickets 6 hours
// and 3 days.
func DefaultSLA() SLA {
	chat3m := Target{FirstResponse: 3 * time.Minute, Resolution: 24 * time.Hour}
	return SLA{
		chat.ChannelWebchat:  chat3m,
		chat.ChannelTelegram: chat3m,
		chat.ChannelCLI:      chat3m,
		chat.ChannelTicket:   {FirstResponse: 6 * time.Hour, Resolution: 72 * time.Hour},
	}
}

// Validate fails with EINVALID when a channel's target is not positive or
// resolves before it first answers.
func (s SLA) Validate() error {
	for ch, t := range s {
		if t.FirstResponse <= 0 || t.Resolution <= 0 {
			return chat.Errorf(chat.EINVALID, "sla %s: targets must be positive", ch)
		}
		if t.Resolution < t.FirstResponse {
			return chat.Errorf(chat.EINVALID, "sla %s: resolution %s is shorter than first response %s", ch, t.Resolution, t.FirstResponse)
		}
	}
	return nil
}

// Target returns ch's target. A channel without one gets the strictest
// configured target (the shortest first response), so the desk never
// promises a player less than the configuration does; an empty SLA gives the
// zero Target, which makes tickets due at once.
func (s SLA) Target(ch chat.Channel) Target {
	if t, ok := s[ch]; ok {
		return t
	}
	var best Target
	found := false
	for _, t := range s {
		if !found || t.FirstResponse < best.FirstResponse ||
			(t.FirstResponse == best.FirstResponse && t.Resolution < best.Resolution) {
			best, found = t, true
		}
	}
	return best
}

// DueAt returns when the first answer to a ticket created at created on ch
// is due (see Target for unknown channels).
func (s SLA) DueAt(created time.Time, ch chat.Channel) time.Time {
	return created.Add(s.Target(ch).FirstResponse)
}

// ResolveBy returns when a ticket created at created on ch should be
// resolved (see Target for unknown channels).
func (s SLA) ResolveBy(created time.Time, ch chat.Channel) time.Time {
	return created.Add(s.Target(ch).Resolution)
}

// Breached reports whether t's first answer missed DueAt: it came after
// DueAt, or it has not come, the ticket is open and now is past DueAt.
// Exactly at DueAt is on time. A ticket closed without a human answer
// (returned to the bot) is not judged, nor is one without a DueAt.
func (t Ticket) Breached(now time.Time) bool {
	if t.DueAt.IsZero() {
		return false
	}
	if !t.FirstResponseAt.IsZero() {
		return t.FirstResponseAt.After(t.DueAt)
	}
	return t.Status.Open() && now.After(t.DueAt)
}

// TimeToDue returns how long until t's first answer is due; negative once
// late. It is 0 for a ticket already answered or without a DueAt.
func (t Ticket) TimeToDue(now time.Time) time.Duration {
	if t.DueAt.IsZero() || !t.FirstResponseAt.IsZero() {
		return 0
	}
	return t.DueAt.Sub(now)
}

// LateUnnotified returns, in queue order, the open tickets whose first
// answer is late at now and whose player has not been told yet. The caller
// tells each player once (LateWaitNotice) and sets BreachNotified in the same
// write, guarded by "breach_notified = false" so two instances never both
// notify.
func LateUnnotified(tickets []Ticket, now time.Time) []Ticket {
	var late []Ticket
	for _, t := range tickets {
		if !t.BreachNotified && t.FirstResponseAt.IsZero() && t.Breached(now) {
			late = append(late, t)
		}
	}
	Sort(late)
	return late
}

// minutesUp returns d in whole minutes, rounded up.
func minutesUp(d time.Duration) int {
	return int((d + time.Minute - 1) / time.Minute)
}

// durationEN spells d as "N minute(s)" below two hours, else "N hours".
func durationEN(d time.Duration) string {
	m := minutesUp(d)
	if m >= 120 {
		return fmt.Sprintf("%d hours", (m+59)/60)
	}
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}

// durationRU spells d in Russian with the right plural, like durationEN.
func durationRU(d time.Duration) string {
	m := minutesUp(d)
	if m >= 120 {
		h := (m + 59) / 60
		return fmt.Sprintf("%d %s", h, pluralRU(h, "час", "часа", "часов"))
	}
	return fmt.Sprintf("%d %s", m, pluralRU(m, "минуту", "минуты", "минут"))
}

// pluralRU picks the Russian form for n: one (1, 21), few (2–4, 22–24) or
// many (5–20, 25–30, …).
func pluralRU(n int, one, few, many string) string {
	n %= 100
	if n >= 11 && n <= 14 {
		return many
	}
	switch n % 10 {
	case 1:
		return one
	case 2, 3, 4:
		return few
	}
	return many
}
