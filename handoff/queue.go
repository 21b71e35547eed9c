package handoff

import (
	"cmp"
	"slices"
)

// Compare orders tickets for the queue: more urgent priority first, then the
// earlier due time, then the lower id (the older ticket). It returns -1, 0
// or +1 like cmp.Compare.
func Compare(a, b Ticket) int {
	if c := cmp.Compare(a.Priority.Rank(), b.Priority.Rank()); c != 0 {
		return c
	}
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// Less reports whether a goes before b in the queue (see Compare).
func Less(a, b Ticket) bool { return Compare(a, b) < 0 }

// Sort puts tickets in queue order, in place.
func Sort(tickets []Ticket) { slices.SortFunc(tickets, Compare) }

// QueuePosition returns the 1-based place of ticket id among the queued
// tickets of its skill, in queue order — what the player is told — or 0 when
// id is not queued in tickets.
func QueuePosition(tickets []Ticket, id int64) int {
	i := slices.IndexFunc(tickets, func(t Ticket) bool { return t.ID == id })
	if i < 0 || tickets[i].Status != StatusQueued {
		return 0
	}
	target := tickets[i]
	pos := 1
	for _, t := range tickets {
		if t.Status == StatusQueued && t.Skill == target.Skill && Less(t, target) {
			pos++
		}
	}
	return pos
}
