package handoff

// MayRead reports whether op may read a conversation (its history and
// notes) and add notes to it, given its tickets with Reach applied:
// supervisors and admins read every conversation; an operator reads one
// they hold or handled (assigned, previous holder, first answer, resolved)
// or one queued for them (their skill, or widened to them).
func MayRead(op Operator, tickets []Ticket) bool {
	if op.Role.Can(ActionTransferToOperator) {
		return true
	}
	if !op.Role.Can(ActionHandleTickets) {
		return false
	}
	for _, t := range tickets {
		if t.OperatorID == op.ID || t.PreviousOperatorID == op.ID || t.FirstResponseBy == op.ID || t.ResolvedBy == op.ID {
			return true
		}
		if t.Status == StatusQueued && op.Serves(t) {
			return true
		}
	}
	return false
}
