package store

import (
	"context"
	"fmt"
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
	return s.actOnTicket(ctx, actorID, ticketID, nil, fn)
}

// ActOnTicketAudited is ActOnTicket recording action (AuditTicketResolve,
// AuditTicketReturn, AuditTicketTransfer) by the actor as read in the same
// transaction: a refused act records nothing, and a record that cannot be
// written undoes the act.
func (s *Store) ActOnTicketAudited(ctx context.Context, actorID, ticketID int64, action string, fn func(actor handoff.Operator, t *handoff.Ticket) error) (handoff.Ticket, error) {
	return s.actOnTicket(ctx, actorID, ticketID, &action, fn)
}

func (s *Store) actOnTicket(ctx context.Context, actorID, ticketID int64, action *string, fn func(actor handoff.Operator, t *handoff.Ticket) error) (handoff.Ticket, error) {
	return s.updateTicket(ctx, ticketID, func(tx *gorm.DB, t *handoff.Ticket) error {
		actor, err := readStaff(tx, actorID)
		if err != nil {
			return err
		}
		if err := handoff.MayAct(actor, *t); err != nil {
			return err
		}
		before := *t
		if err := fn(actor, t); err != nil {
			return err
		}
		if action == nil {
			return nil
		}
		return s.auditTicket(tx, *action, actor, before, *t, nil)
	})
}

// TransferToOperator hands an open ticket to operator toID at now on behalf
// of staff member actorID (handoff.Ticket.TransferToOperator), in one
// transaction: the actor's account is read (it must be a supervisor or
// admin: EFORBIDDEN otherwise), the target operator's row and the ticket
// are locked and the target's tickets counted as ClaimTicket does, and
// handoff.MayAct checks the actor may still act on the ticket. The
// transfer's AuditTicketTransfer row is written in the same transaction.
// Errors are those of ClaimTicket, MayAct and the transition.
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
		before := *t
		if err := t.TransferToOperator(op, now); err != nil {
			return err
		}
		return s.auditTicket(tx, AuditTicketTransfer, actor, before, *t, &op)
	})
	if err != nil {
		return handoff.Ticket{}, wrapTx(err, "transfer ticket %d to operator %d", ticketID, toID)
	}
	return out, nil
}

// auditTicket records action by actor on the ticket (before and after the
// act) inside tx: its conversation and who held it; for a transfer, the
// skill it left and where it went (to, for a named operator).
func (s *Store) auditTicket(tx *gorm.DB, action string, actor handoff.Operator, before, after handoff.Ticket, to *handoff.Operator) error {
	d := map[string]any{"conversation_id": before.ConversationID}
	holder := "operator"
	if action == AuditTicketTransfer {
		holder = "from_operator"
		d["from_skill"] = before.Skill
		if to != nil {
			d["to_operator_id"], d["to_operator"] = to.ID, to.Login
		} else {
			d["to_skill"] = after.Skill
		}
	}
	if before.OperatorID != 0 {
		login := actor.Login
		if before.OperatorID != actor.ID {
			var err error
			if login, err = staffLogin(tx, before.OperatorID); err != nil {
				return err
			}
		}
		d[holder+"_id"], d[holder] = before.OperatorID, login
	}
	return s.appendAudit(tx, AuditEntry{ActorID: actor.ID, Actor: actor.Login, Action: action,
		Target: "ticket:" + strconv.FormatInt(before.ID, 10), Details: AuditDetails(d)})
}

// staffLogin is the login of staff id inside tx ("" for none).
func staffLogin(tx *gorm.DB, id int64) (string, error) {
	var logins []string
	if err := tx.Model(&staffRow{}).Where("id = ?", id).Pluck("login", &logins).Error; err != nil {
		return "", fmt.Errorf("store: login of staff %d: %w", id, err)
	}
	if len(logins) == 0 {
		return "", nil
	}
	return logins[0], nil
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
