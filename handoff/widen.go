package handoff

import (
	"slices"
	"time"
)

// Reach is who may take a ticket: those who serve its skill, then also the
// generalists, then anyone. A ticket's reach widens while it waits with
// nobody available to take it (Widening).
type Reach int

// Reaches, narrowest first.
const (
	ReachSkill   Reach = iota // operators who serve the skill (everyone serves SkillGeneral)
	ReachGeneral              // + operators who list SkillGeneral among their skills
	ReachAnyone               // any available operator
)

// Widen is when a waiting ticket of one priority widens: to the
// generalists after General in the queue, to anyone after Anyone. Zero
// turns a step off.
type Widen struct {
	General time.Duration
	Anyone  time.Duration
}

// Widening maps priorities to their Widen, as configured under
// handoff.widen in settings.yaml. A nil Widening never widens.
type Widening map[Priority]Widen

// DefaultWidening returns the default content's times: critical tickets
// widen to the generalists after 1 minute and to anyone after 2, high after
// 3 and 6, normal after 10 and 20, low after 30 and 60.
func DefaultWidening() Widening {
	return Widening{
		PriorityCritical: {General: time.Minute, Anyone: 2 * time.Minute},
		PriorityHigh:     {General: 3 * time.Minute, Anyone: 6 * time.Minute},
		PriorityNormal:   {General: 10 * time.Minute, Anyone: 20 * time.Minute},
		PriorityLow:      {General: 30 * time.Minute, Anyone: time.Hour},
	}
}

// Reach returns how far t reaches at now: queued since QueuedAt (or
// CreatedAt) at least its priority's Anyone, ReachAnyone; at least General,
// ReachGeneral; else ReachSkill. Tickets that are not queued keep
// ReachSkill.
func (w Widening) Reach(t Ticket, now time.Time) Reach {
	if t.Status != StatusQueued {
		return ReachSkill
	}
	waited := now.Sub(t.Queued())
	wd := w[t.Priority]
	switch {
	case wd.Anyone > 0 && waited >= wd.Anyone:
		return ReachAnyone
	case wd.General > 0 && waited >= wd.General:
		return ReachGeneral
	}
	return ReachSkill
}

// Apply sets Reach on each ticket for now, in place, and returns tickets.
func (w Widening) Apply(tickets []Ticket, now time.Time) []Ticket {
	for i := range tickets {
		tickets[i].Reach = w.Reach(tickets[i], now)
	}
	return tickets
}

// Serves reports whether o may take t given t.Reach: o serves t's skill,
// or t reaches the generalists and o lists SkillGeneral, or t reaches
// anyone.
func (o Operator) Serves(t Ticket) bool {
	switch {
	case o.HasSkill(t.Skill), t.Reach >= ReachAnyone:
		return true
	case t.Reach >= ReachGeneral:
		return slices.Contains(o.Skills, SkillGeneral)
	}
	return false
}

// Queued returns when t entered the queue last: QueuedAt, or CreatedAt for
// tickets stored before QueuedAt was.
func (t Ticket) Queued() time.Time {
	if !t.QueuedAt.IsZero() {
		return t.QueuedAt
	}
	return t.CreatedAt
}
