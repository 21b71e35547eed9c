package handoff

import "github.com/switchboard-support/switchboard/internal/chat"

// MayAct reports why staff member actor may not act on ticket t now —
// answer it, resolve it, hand it back to the bot or transfer it — or nil if
// actor may. The checks, in order: actor is enabled and its role handles
// tickets (EFORBIDDEN); t is open (ECONFLICT); t is assigned to actor, or
// actor is a supervisor or admin stepping in (Role.Can(
// ActionTransferToOperator)). A ticket that moved to another operator is
// ECONFLICT (the actor lost it); a queued ticket is EFORBIDDEN (claim it
// first). The store calls it on the locked ticket and the actor's row read
// in the same transaction as the write, so the answer holds when it writes.
func MayAct(actor Operator, t Ticket) error {
	if actor.Disabled {
		return chat.Errorf(chat.EFORBIDDEN, "account %s is disabled", actor.Login)
	}
	if !actor.Role.Can(ActionHandleTickets) {
		return chat.Errorf(chat.EFORBIDDEN, "role %s does not handle tickets", actor.Role)
	}
	if !t.Status.Open() {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s", t.ID, t.Status)
	}
	if t.Status == StatusAssigned && t.OperatorID == actor.ID {
		return nil
	}
	if actor.Role.Can(ActionTransferToOperator) {
		return nil // a supervisor stepping in
	}
	if t.Status == StatusAssigned {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is now with another operator; nothing was done", t.ID)
	}
	return chat.Errorf(chat.EFORBIDDEN, "ticket %d is not assigned to you; claim it first", t.ID)
}

// Resolver returns who gets the credit for t's resolution: ResolvedBy, or
// for tickets resolved before it was recorded, the last operator.
func (t Ticket) Resolver() int64 {
	if t.ResolvedBy != 0 {
		return t.ResolvedBy
	}
	return t.OperatorID
}
