package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/redact"
)

// Tickets returns the tickets of a conversation, oldest first.
func (s *Store) Tickets(ctx context.Context, conversationID int64) ([]handoff.Ticket, error) {
	var rows []ticketRow
	if err := s.db.WithContext(ctx).Where("conversation_id = ?", conversationID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: tickets of %d: %w", conversationID, err)
	}
	return rowsToTickets(rows), nil
}

// Ticket returns the ticket with the given id, or ENOTFOUND.
func (s *Store) Ticket(ctx context.Context, id int64) (handoff.Ticket, error) {
	var row ticketRow
	if err := s.db.WithContext(ctx).First(&row, id).Error; err != nil {
		return handoff.Ticket{}, notFound(err, "ticket %d not found", id)
	}
	return row.domain(), nil
}

// OpenTicket returns the conversation's open (queued or assigned) ticket, or
// ENOTFOUND when it has none.
func (s *Store) OpenTicket(ctx context.Context, conversationID int64) (handoff.Ticket, error) {
	var row ticketRow
	err := s.db.WithContext(ctx).Where("conversation_id = ? AND status IN ?", conversationID, openStatuses).
		Order("id DESC").First(&row).Error
	if err != nil {
		return handoff.Ticket{}, notFound(err, "conversation %d has no open ticket", conversationID)
	}
	return row.domain(), nil
}

// QueuedTickets returns the queued tickets in queue order (handoff.Compare:
// priority, then due time, then id).
func (s *Store) QueuedTickets(ctx context.Context) ([]handoff.Ticket, error) {
	var rows []ticketRow
	if err := s.db.WithContext(ctx).Where("status = ?", handoff.StatusQueued).Order(queueOrder).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: queued tickets: %w", err)
	}
	return rowsToTickets(rows), nil
}

// OperatorTickets returns the tickets assigned to an operator, oldest
// assignment first.
func (s *Store) OperatorTickets(ctx context.Context, operatorID int64) ([]handoff.Ticket, error) {
	var rows []ticketRow
	if err := s.db.WithContext(ctx).Where("status = ? AND operator_id = ?", handoff.StatusAssigned, operatorID).
		Order("assigned_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: tickets of operator %d: %w", operatorID, err)
	}
	return rowsToTickets(rows), nil
}

// OpenTickets returns every queued or assigned ticket, in queue order (the
// SLA worker's input: late notices and stale assignments).
func (s *Store) OpenTickets(ctx context.Context) ([]handoff.Ticket, error) {
	var rows []ticketRow
	if err := s.db.WithContext(ctx).Where("status IN ?", openStatuses).Order(queueOrder).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: open tickets: %w", err)
	}
	return rowsToTickets(rows), nil
}

// TicketsSince returns the tickets with an event handoff.Metrics counts at
// or after since — a first response or a resolution — plus those created
// since, by id.
func (s *Store) TicketsSince(ctx context.Context, since time.Time) ([]handoff.Ticket, error) {
	since = since.UTC()
	var rows []ticketRow
	if err := s.db.WithContext(ctx).
		Where("created_at >= ? OR first_response_at >= ? OR resolved_at >= ?", since, since, since).
		Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: tickets since %s: %w", since.Format(time.RFC3339), err)
	}
	return rowsToTickets(rows), nil
}

// ClaimTicket gives a queued ticket to an operator at now, atomically: the
// operator's row and the ticket are locked (FOR UPDATE; SQLite's single
// writer serialises instead), the operator's assigned tickets are counted,
// handoff.CanClaim decides — on the operator's presence at now and the
// ticket's reach at now under w (a nil w never widens) — and the
// conversation goes to the operator. A
// concurrent claim waits for the first and then finds the ticket taken. It
// fails with ENOTFOUND for an unknown ticket or operator, ECONFLICT when
// the ticket is not queued or the operator is not online or is full, and
// EFORBIDDEN as CanClaim does.
func (s *Store) ClaimTicket(ctx context.Context, ticketID, operatorID int64, now time.Time, w handoff.Widening) (handoff.Ticket, error) {
	out, err := s.giveTicket(ctx, ticketID, operatorID, now, func(_ *gorm.DB, t *handoff.Ticket, op handoff.Operator, now time.Time) error {
		t.Reach = w.Reach(*t, now)
		return t.Assign(op, now)
	})
	if err != nil {
		return handoff.Ticket{}, wrapTx(err, "claim ticket %d", ticketID)
	}
	return out, nil
}

// giveTicket locks the operator and the ticket, applies transition (Assign
// or TransferToOperator, with any check it makes inside tx), saves, and
// hands the conversation to the operator.
func (s *Store) giveTicket(ctx context.Context, ticketID, operatorID int64, now time.Time,
	transition func(*gorm.DB, *handoff.Ticket, handoff.Operator, time.Time) error) (handoff.Ticket, error) {
	now = dbTime(now)
	var out handoff.Ticket
	db, done := s.w(ctx)
	defer done()
	err := db.Transaction(func(tx *gorm.DB) error {
		op, err := s.lockOperator(tx, operatorID, now)
		if err != nil {
			return err
		}
		row, err := lockTicket(tx, ticketID)
		if err != nil {
			return err
		}
		t := row.domain()
		if err := transition(tx, &t, op, now); err != nil {
			return err
		}
		if out, err = saveTicket(tx, t, now); err != nil {
			return err
		}
		return setConversationState(tx, t.ConversationID, chat.StateWithOperator, now)
	})
	return out, err
}

// ApplyAssignment applies one step of a handoff.AutoAssign plan; it is
// ClaimTicket, so a step whose ticket or operator changed meanwhile fails
// with the same errors and changes nothing.
func (s *Store) ApplyAssignment(ctx context.Context, a handoff.Assignment, now time.Time, w handoff.Widening) (handoff.Ticket, error) {
	return s.ClaimTicket(ctx, a.TicketID, a.OperatorID, now, w)
}

// ClaimNext gives the operator the first queued ticket, in queue order,
// that it serves at now — its skill, or a ticket that widened to it under w
// (handoff.Widening) — and reports false when there is none. Concurrent
// calls by different operators get different tickets (SKIP LOCKED on
// PostgreSQL, the single writer on SQLite). It fails with ENOTFOUND for an
// unknown operator, and as CanClaim does when the operator may not take
// tickets now (offline, disabled, full).
func (s *Store) ClaimNext(ctx context.Context, operatorID int64, now time.Time, w handoff.Widening) (handoff.Ticket, bool, error) {
	now = dbTime(now)
	var (
		out   handoff.Ticket
		found bool
	)
	db, done := s.w(ctx)
	defer done()
	err := db.Transaction(func(tx *gorm.DB) error {
		op, err := s.lockOperator(tx, operatorID, now)
		if err != nil {
			return err
		}
		// Fail early (and without scanning) when the operator cannot take
		// any ticket: a general ticket is one everyone serves.
		if err := handoff.CanClaim(op, handoff.Ticket{Status: handoff.StatusQueued, Skill: handoff.SkillGeneral}); err != nil {
			return err
		}
		cond, args := reachCondition(op, now, w)
		q := tx.Where("status = ?", handoff.StatusQueued).Where(cond, args...).Order(queueOrder).Limit(1)
		if isPostgres(tx) {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []ticketRow
		if err := q.Find(&rows).Error; err != nil {
			return fmt.Errorf("store: scan queue: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		t := rows[0].domain()
		t.Reach = w.Reach(t, now)
		if err := t.Assign(op, now); err != nil {
			return err
		}
		if out, err = saveTicket(tx, t, now); err != nil {
			return err
		}
		found = true
		return setConversationState(tx, t.ConversationID, chat.StateWithOperator, now)
	})
	if err != nil {
		return handoff.Ticket{}, false, wrapTx(err, "claim next ticket for operator %d", operatorID)
	}
	return out, found, nil
}

// UpdateTicket runs fn — a handoff transition such as Release, Resolve,
// ReturnToBot, TransferToSkill, Rate, or setting BreachNotified — on the
// ticket locked FOR UPDATE, saves the result, and when the status changed
// gives the conversation to whoever now answers it: queued → queued,
// assigned → with_operator, resolved → bot, returned_to_bot → bot with the
// flow state reset. fn's error is returned as is and nothing is written;
// an unknown ticket is ENOTFOUND. fn must not change the ticket's id or
// conversation. Transitions that need an operator's load (Assign,
// TransferToOperator) belong to ClaimTicket and TransferToOperator.
func (s *Store) UpdateTicket(ctx context.Context, id int64, fn func(t *handoff.Ticket) error) (handoff.Ticket, error) {
	return s.updateTicket(ctx, id, func(_ *gorm.DB, t *handoff.Ticket) error { return fn(t) })
}

// updateTicket is UpdateTicket with fn running inside the transaction, so
// that it may read what it checks there.
func (s *Store) updateTicket(ctx context.Context, id int64, fn func(tx *gorm.DB, t *handoff.Ticket) error) (handoff.Ticket, error) {
	now := dbTime(s.now())
	var out handoff.Ticket
	db, done := s.w(ctx)
	defer done()
	err := db.Transaction(func(tx *gorm.DB) error {
		row, err := lockTicket(tx, id)
		if err != nil {
			return err
		}
		before := row.domain()
		t := before
		if err := fn(tx, &t); err != nil {
			return err
		}
		t.ID, t.ConversationID = before.ID, before.ConversationID
		if t.Status == handoff.StatusQueued && before.Status != handoff.StatusQueued || t.Skill != before.Skill {
			t.QueuedAt = now // back in the queue (released, transferred): widening starts again
		}
		if out, err = saveTicket(tx, t, now); err != nil {
			return err
		}
		if t.Status == before.Status {
			return nil
		}
		switch t.Status {
		case handoff.StatusQueued:
			return setConversationState(tx, t.ConversationID, chat.StateQueued, now)
		case handoff.StatusAssigned:
			return setConversationState(tx, t.ConversationID, chat.StateWithOperator, now)
		case handoff.StatusResolved:
			return setConversationState(tx, t.ConversationID, chat.StateBot, now)
		case handoff.StatusReturnedToBot:
			if err := resetFlowState(tx, t.ConversationID, now); err != nil {
				return err
			}
			return setConversationState(tx, t.ConversationID, chat.StateBot, now)
		}
		return nil
	})
	if err != nil {
		return handoff.Ticket{}, wrapTx(err, "update ticket %d", id)
	}
	return out, nil
}

// reachCondition is handoff.Operator.Serves in SQL for queued tickets at
// now: the operator's skills (and general), or a ticket of a priority that
// has waited long enough to reach the operator.
func reachCondition(op handoff.Operator, now time.Time, w handoff.Widening) (string, []any) {
	cond := "skill IN ?"
	args := []any{append([]string{handoff.SkillGeneral}, op.Skills...)}
	generalist := slices.Contains(op.Skills, handoff.SkillGeneral)
	for _, p := range handoff.Priorities() {
		wd := w[p]
		after := wd.Anyone
		if generalist && wd.General > 0 && (after <= 0 || wd.General < after) {
			after = wd.General
		}
		if after <= 0 {
			continue
		}
		cond += " OR (priority = ? AND COALESCE(queued_at, created_at) <= ?)"
		args = append(args, string(p), dbTime(now.Add(-after)))
	}
	return "(" + cond + ")", args
}

// openStatuses are the statuses of tickets that wait for or have a human.
var openStatuses = []string{string(handoff.StatusQueued), string(handoff.StatusAssigned)}

// queueOrder is handoff.Compare in SQL.
const queueOrder = "priority_rank, due_at, id"

func isPostgres(tx *gorm.DB) bool { return tx.Dialector.Name() == "postgres" }

// lockTicket reads a ticket inside a transaction, locked FOR UPDATE on
// PostgreSQL (SQLite's write transaction already excludes other writers);
// a concurrent writer of the ticket waits for this transaction.
func lockTicket(tx *gorm.DB, id int64) (ticketRow, error) {
	q := tx
	if isPostgres(tx) {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row ticketRow
	if err := q.First(&row, id).Error; err != nil {
		return ticketRow{}, notFound(err, "ticket %d not found", id)
	}
	return row, nil
}

// lockOperator reads an operator inside a transaction, its row locked FOR
// UPDATE on PostgreSQL so that two claims by one operator take turns, with
// its presence at now as the store's Liveness sees it, and counts the
// tickets assigned to it (Active).
func (s *Store) lockOperator(tx *gorm.DB, id int64, now time.Time) (handoff.Operator, error) {
	q := tx
	if isPostgres(tx) {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row staffRow
	if err := q.Where("id = ?", id).First(&row).Error; err != nil {
		return handoff.Operator{}, notFound(err, "operator %d not found", id)
	}
	op, err := row.domain()
	if err != nil {
		return handoff.Operator{}, err
	}
	op = s.liveness.Apply(op, now)
	var n int64
	if err := tx.Model(&ticketRow{}).Where("status = ? AND operator_id = ?", handoff.StatusAssigned, id).
		Count(&n).Error; err != nil {
		return handoff.Operator{}, fmt.Errorf("store: count tickets of operator %d: %w", id, err)
	}
	op.Active = int(n)
	return op, nil
}

// saveTicket writes every mutable column of t and returns t as stored
// (times in UTC to the microsecond).
func saveTicket(tx *gorm.DB, t handoff.Ticket, now time.Time) (handoff.Ticket, error) {
	row := ticketToRow(t)
	res := tx.Model(&ticketRow{}).Where("id = ?", t.ID).Updates(map[string]any{
		"skill": row.Skill, "priority": row.Priority, "priority_rank": row.PriorityRank, "reason": row.Reason,
		"channel": row.Channel, "status": row.Status, "operator_id": row.OperatorID, "due_at": row.DueAt,
		"previous_operator_id": row.PreviousOperatorID,
		"queued_at":            row.QueuedAt,
		"assigned_at":          row.AssignedAt, "first_response_at": row.FirstResponseAt,
		"first_response_by": row.FirstResponseBy, "resolved_at": row.ResolvedAt, "resolved_by": row.ResolvedBy,
		"breach_notified": row.BreachNotified, "csat": row.CSAT, "csat_comment": row.CSATComment,
		"transfers": row.Transfers, "updated_at": now,
	})
	if res.Error != nil {
		return handoff.Ticket{}, fmt.Errorf("store: save ticket %d: %w", t.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return handoff.Ticket{}, chat.Errorf(chat.ENOTFOUND, "ticket %d not found", t.ID)
	}
	return row.domain(), nil
}

// setConversationState changes who answers a conversation inside tx.
func setConversationState(tx *gorm.DB, id int64, state chat.ConversationState, now time.Time) error {
	if err := tx.Model(&conversationRow{}).Where("id = ?", id).
		Updates(map[string]any{"state": string(state), "updated_at": now}).Error; err != nil {
		return fmt.Errorf("store: set state of conversation %d: %w", id, err)
	}
	return nil
}

// wrapTx adds context to an error from a transaction, leaving coded errors
// (chat.Error) as they are so callers and the console see their codes.
func wrapTx(err error, format string, args ...any) error {
	if chat.ErrorCode(err) != "" && chat.ErrorCode(err) != chat.EINTERNAL {
		return err
	}
	return fmt.Errorf("store: "+format+": %w", append(args, err)...)
}

// dbTime is t as stored: UTC, to the microsecond (PostgreSQL's precision),
// so a value reads back equal on both databases.
func dbTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := dbTime(t)
	return &u
}

// fromNull maps NULL to the zero time.
func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func ticketToRow(t handoff.Ticket) ticketRow {
	// Reasons quote the player ({{question}}), comments are theirs: no card
	// numbers in either.
	t.Reason, _ = redact.Cards(t.Reason)
	t.CSATComment, _ = redact.Cards(t.CSATComment)
	return ticketRow{ID: t.ID, ConversationID: t.ConversationID, PlayerID: t.PlayerID, Skill: t.Skill,
		Priority: string(t.Priority), PriorityRank: t.Priority.Rank(), Reason: t.Reason, Channel: string(t.Channel),
		Status: string(t.Status), OperatorID: t.OperatorID, PreviousOperatorID: t.PreviousOperatorID, CreatedAt: dbTime(t.CreatedAt), QueuedAt: nullTime(t.QueuedAt), DueAt: nullTime(t.DueAt),
		AssignedAt: nullTime(t.AssignedAt), FirstResponseAt: nullTime(t.FirstResponseAt),
		FirstResponseBy: t.FirstResponseBy, ResolvedAt: nullTime(t.ResolvedAt), ResolvedBy: t.ResolvedBy, BreachNotified: t.BreachNotified,
		CSAT: t.CSAT, CSATComment: t.CSATComment, Transfers: t.Transfers}
}

func (r ticketRow) domain() handoff.Ticket {
	return handoff.Ticket{ID: r.ID, ConversationID: r.ConversationID, PlayerID: r.PlayerID, Skill: r.Skill,
		Priority: handoff.Priority(r.Priority), Reason: r.Reason, Channel: chat.Channel(r.Channel),
		Status: handoff.TicketStatus(r.Status), OperatorID: r.OperatorID, PreviousOperatorID: r.PreviousOperatorID, CreatedAt: r.CreatedAt.UTC(), QueuedAt: fromNull(r.QueuedAt),
		DueAt: fromNull(r.DueAt), AssignedAt: fromNull(r.AssignedAt), FirstResponseAt: fromNull(r.FirstResponseAt),
		FirstResponseBy: r.FirstResponseBy, ResolvedAt: fromNull(r.ResolvedAt), ResolvedBy: r.ResolvedBy, BreachNotified: r.BreachNotified,
		CSAT: r.CSAT, CSATComment: r.CSATComment, Transfers: r.Transfers}
}

func rowsToTickets(rows []ticketRow) []handoff.Ticket {
	out := make([]handoff.Ticket, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out
}
