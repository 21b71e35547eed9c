package handoff

import (
	"cmp"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// CanClaim reports why op may not take ticket t now, or nil if op may. The
// checks, in order: t is queued (ECONFLICT when already assigned or closed);
// op is not disabled and its role handles tickets (EFORBIDDEN); op has a
// console connected and is online (ECONFLICT); op serves t (its skill, or
// a skill it widened to: Operator.Serves, Ticket.Reach) (EFORBIDDEN); op has free capacity
// (ECONFLICT). The store calls it on rows locked FOR UPDATE, so the answer
// holds when it writes.
func CanClaim(op Operator, t Ticket) error {
	switch t.Status {
	case StatusQueued:
	case StatusAssigned:
		return chat.Errorf(chat.ECONFLICT, "ticket %d is already assigned", t.ID)
	default:
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s", t.ID, t.Status)
	}
	if op.Disabled {
		return chat.Errorf(chat.EFORBIDDEN, "operator %s is disabled", op.Login)
	}
	if !op.Role.Can(ActionHandleTickets) {
		return chat.Errorf(chat.EFORBIDDEN, "role %s does not handle tickets", op.Role)
	}
	if op.Disconnected {
		return chat.Errorf(chat.ECONFLICT, "operator %s has no console connected; open the console to take conversations", op.Login)
	}
	if op.Status != Online {
		return chat.Errorf(chat.ECONFLICT, "operator %s is %s, not online; set yourself online to take conversations", op.Login, op.Status)
	}
	if !op.Serves(t) {
		return chat.Errorf(chat.EFORBIDDEN, "operator %s does not serve %s", op.Login, t.Skill)
	}
	if op.Active >= op.Capacity {
		return chat.Errorf(chat.ECONFLICT, "operator %s is at capacity (%d of %d)", op.Login, op.Active, op.Capacity)
	}
	return nil
}

// compareLoad orders operators for a new ticket: the lower share of capacity
// in use first (Active/Capacity, compared exactly), then fewer active
// tickets, then the longest idle (the earlier LastSeen, the operator's last
// activity), then the lower id so the choice is deterministic.
func compareLoad(a, b Operator) int {
	// a.Active/a.Capacity vs b.Active/b.Capacity without division; callers
	// only compare operators with Capacity > 0.
	if c := cmp.Compare(a.Active*b.Capacity, b.Active*a.Capacity); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Active, b.Active); c != 0 {
		return c
	}
	if c := a.LastSeen.Compare(b.LastSeen); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// claimable is CanClaim without the reason: the desk loop asks it for
// every pair of queued ticket and operator, so it must not allocate.
func claimable(op Operator, t Ticket) bool {
	return t.Status == StatusQueued && !op.Disabled && op.Role.Can(ActionHandleTickets) && !op.Disconnected &&
		op.Status == Online && op.Serves(t) && op.Active < op.Capacity
}

// ChooseOperator returns the operator who should get t: among those CanClaim
// allows (online, enabled, serving the skill — everyone serves
// SkillGeneral — with free capacity), the least loaded (see compareLoad),
// the operator who just had it (t.PreviousOperatorID: released for not
// answering, or transferred away) only when nobody else can. It reports
// false when nobody can take t, or t is not queued.
func ChooseOperator(t Ticket, ops []Operator) (Operator, bool) {
	var best Operator
	found := false
	for _, op := range ops {
		if !claimable(op, t) {
			continue
		}
		if found && (op.ID == t.PreviousOperatorID) != (best.ID == t.PreviousOperatorID) {
			if best.ID == t.PreviousOperatorID {
				best = op
			}
			continue
		}
		if !found || compareLoad(op, best) < 0 {
			best, found = op, true
		}
	}
	return best, found
}

// Assignment is one step of an automatic assignment plan.
type Assignment struct {
	TicketID   int64
	OperatorID int64
}

// AutoAssign plans who gets which queued ticket: it walks queue in queue
// order and gives each ticket to ChooseOperator's pick, counting the new
// load as it goes. Tickets nobody can take stay out of the plan. Neither
// argument is modified. The caller applies the plan in one transaction and
// skips a step whose ticket or operator changed meanwhile (CanClaim on the
// locked rows).
func AutoAssign(queue []Ticket, ops []Operator) []Assignment {
	q := make([]Ticket, 0, len(queue))
	for _, t := range queue {
		if t.Status == StatusQueued {
			q = append(q, t)
		}
	}
	Sort(q)
	load := make([]Operator, len(ops))
	copy(load, ops)
	index := make(map[int64]int, len(load))
	for i, op := range load {
		index[op.ID] = i
	}
	var plan []Assignment
	for _, t := range q {
		op, ok := ChooseOperator(t, load)
		if !ok {
			continue
		}
		load[index[op.ID]].Active++
		plan = append(plan, Assignment{TicketID: t.ID, OperatorID: op.ID})
	}
	return plan
}

// Stale returns the ids of assigned tickets that go back to the queue at
// now: their operator is offline, disabled or unknown to ops; or they are
// unanswered and their operator's console is gone (Disconnected past the
// grace period); or they got no first answer within answerTimeout of their
// assignment (reached exactly counts as stale; answerTimeout ≤ 0 turns that
// check off). A ticket already answered keeps its operator however long the
// conversation lasts, until the operator is offline; an away operator keeps
// their tickets but must still answer in time. Ids come in the order of
// tickets. The caller releases each (Ticket.Release) on the locked row.
func Stale(tickets []Ticket, ops map[int64]Operator, now time.Time, answerTimeout time.Duration) []int64 {
	var ids []int64
	for _, t := range tickets {
		if t.Status != StatusAssigned {
			continue
		}
		op, ok := ops[t.OperatorID]
		gone := !ok || op.Disabled || op.Status == Offline
		unanswered := t.FirstResponseAt.IsZero()
		late := answerTimeout > 0 && unanswered && !now.Before(t.AssignedAt.Add(answerTimeout))
		gone = gone || (unanswered && op.Disconnected)
		if gone || late {
			ids = append(ids, t.ID)
		}
	}
	return ids
}
