package store

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// ActOnTicket runs fn — Resolve, ReturnToBot, TransferToSkill — on the
// ticket for staff member actorID, deciding and acting in one transaction:
// the actor's account is read and the ticket locked (FOR UPDATE) inside it,
// handoff.MayAct checks that the actor is enabled, may handle tickets, and
// holds the ticket (or is a supervisor stepping in), and only then fn runs
// and the result is written as UpdateTicket writes it. A ticket that moved
// to another operator since the actor last looked is ECONFLICT and nothing
// is written; an unknown actor or ticket is ENOTFOUND.
func (s *Store) ActOnTicket(ctx context.Context, actorID, ticketID int64, fn func(actor handoff.Operator, t *handoff.Ticket) error) (handoff.Ticket, error) {
	return s.updateTicket(ctx, ticketID, func(tx *gorm.DB, t *handoff.Ticket) error {
		actor, err := readStaff(tx, actorID)
		if err != nil {
			return err
		}
		if err := handoff.MayAct(actor, *t); err != nil {
			return err
		}
		return fn(actor, t)
	})
}

// TransferToOperator hands an open ticket to operator toID at now on behalf
// of staff member actorID (handoff.Ticket.TransferToOperator), in one
// transaction: the actor's account is read (it must be a supervisor or
// admin: EFORBIDDEN otherwise), the target operator's row and the ticket
// are locked and the target's tickets counted as ClaimTicket does, and
// handoff.MayAct checks the actor may still act on the ticket. Errors are
// those of ClaimTicket, MayAct and the transition.
func (s *Store) TransferToOperator(ctx context.Context, actorID, ticketID, toID int64, now time.Time) (handoff.Ticket, error) {
	out, err := s.giveTicket(ctx, ticketID, toID, now, func(tx *gorm.DB, t *handoff.Ticket, op handoff.Operator, now time.Time) error {
		actor, err := readStaff(tx, actorID)
		if err != nil {
			return err
		}
		if actor.Disabled || !actor.Role.Can(handoff.ActionTransferToOperator) {
			return chat.Errorf(chat.EFORBIDDEN, "only supervisors transfer to a named operator")
		}
		if err := handoff.MayAct(actor, *t); err != nil {
			return err
		}
		return t.TransferToOperator(op, now)
	})
	if err != nil {
		return handoff.Ticket{}, wrapTx(err, "transfer ticket %d to operator %d", ticketID, toID)
	}
	return out, nil
}

// readStaff reads a staff account inside tx (Active is not counted), or
// ENOTFOUND.
func readStaff(tx *gorm.DB, id int64) (handoff.Operator, error) {
	var row staffRow
	if err := tx.Where("id = ?", id).First(&row).Error; err != nil {
		return handoff.Operator{}, notFound(err, "staff %d not found", id)
	}
	return row.domain()
}

// staffID parses a staff message's sender id.
func staffID(senderID string) (int64, error) {
	id, err := strconv.ParseInt(senderID, 10, 64)
	if err != nil || id <= 0 {
		return 0, chat.Errorf(chat.EINVALID, "staff message sender %q is not a staff id", senderID)
	}
	return id, nil
}
