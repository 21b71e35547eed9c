package desk

import (
	"context"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// Run ticks every Options.Interval until ctx ends.
func (d *Desk) Run(ctx context.Context) {
	t := time.NewTicker(d.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := d.Tick(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("desk tick failed", "err", err)
			}
		}
	}
}

// Tick does one round of the desk's background work: tickets of operators
// who went offline or did not answer in time go back to the queue, queued
// tickets go to the least-loaded online operator with the skill, players
// whose first answer is late are told once, and quality figures are
// published when Options.MetricsInterval has passed.
func (d *Desk) Tick(ctx context.Context) error {
	now := d.now()
	staff, err := d.store.ListStaff(ctx)
	if err != nil {
		return err
	}
	ops := make(map[int64]handoff.Operator, len(staff))
	names := make(map[int64]string, len(staff))
	changed := false
	for _, op := range staff {
		ops[op.ID], names[op.ID] = op, op.Name
		if d.notePresence(op.ID, presenceKey{status: op.Status, disconnected: op.Disconnected}) {
			changed = true
		}
	}
	if changed {
		d.notify.NotifyStaff(chat.Event{Type: chat.EventQueue}) // supervisors see real states
	}
	open, err := d.store.OpenTickets(ctx)
	if err != nil {
		return err
	}
	released := map[int64]handoff.Ticket{}
	for _, id := range handoff.Stale(open, ops, now, d.opts.AnswerTimeout) {
		// Decide again on the locked row: the operator may have answered,
		// or someone may have claimed or moved the ticket, since the snapshot.
		t, err := d.store.UpdateTicket(ctx, id, func(t *handoff.Ticket) error {
			if len(handoff.Stale([]handoff.Ticket{*t}, ops, now, d.opts.AnswerTimeout)) == 0 {
				return chat.Errorf(chat.ECONFLICT, "ticket %d is no longer stale", t.ID)
			}
			return t.Release()
		})
		if err != nil {
			d.log.Warn("release stale ticket", "ticket", id, "err", err)
			continue
		}
		released[id] = t
		d.log.Info("ticket back to the queue", "ticket", id, "operator", t.OperatorID)
		if conv, err := d.store.Conversation(ctx, t.ConversationID); err == nil {
			d.changed(conv)
		}
	}
	// The queue is the snapshot's queued tickets plus those just released;
	// each assignment is decided again on the locked rows, and tickets
	// queued since are assigned at the next loop.
	var queue []handoff.Ticket
	for _, t := range open {
		if r, ok := released[t.ID]; ok {
			t = r
		}
		if t.Status == handoff.StatusQueued {
			queue = append(queue, t)
		}
	}
	if err := d.autoAssign(ctx, queue); err != nil {
		return err
	}
	// The snapshot taken above is enough to find late tickets: each is
	// decided again on its locked row.
	if err := d.lateNotices(ctx, now, open); err != nil {
		return err
	}
	if d.opts.OnMetrics != nil && d.metricsDue(now) {
		since := now.Add(-30 * 24 * time.Hour)
		tickets, err := d.store.TicketsSince(ctx, since)
		if err != nil {
			return err
		}
		d.opts.OnMetrics(handoff.Metrics(tickets, since), names)
	}
	return nil
}

// autoAssign gives queued tickets to the least-loaded available operators
// who serve them (handoff.AutoAssign), each step one claim transaction.
func (d *Desk) autoAssign(ctx context.Context, queue []handoff.Ticket) error {
	if len(queue) == 0 {
		return nil
	}
	staff, err := d.store.ListStaff(ctx)
	if err != nil {
		return err
	}
	now, w := d.now(), d.widening()
	for _, a := range handoff.AutoAssign(w.Apply(queue, now), staff) {
		t, err := d.store.ApplyAssignment(ctx, a, now, w)
		if err != nil {
			continue // claimed by hand meanwhile, or the operator changed: next round
		}
		if op, err := d.store.Staff(ctx, a.OperatorID); err == nil {
			d.joined(ctx, op, t)
		}
	}
	return nil
}

// lateNotices tells each player whose first answer is overdue in open (a
// snapshot of the open tickets), once, where they really stand
// (handoff.LateWaitNotice on the queue: position, operators available for
// the skill) and what happens next — decided, written and marked in one
// store transaction (store.NotifyLate).
func (d *Desk) lateNotices(ctx context.Context, now time.Time, open []handoff.Ticket) error {
	for _, late := range handoff.LateUnnotified(open, now) {
		var wait handoff.Wait
		t, conv, msg, err := d.store.NotifyLate(ctx, late.ID, now, d.widening(), func(w handoff.Wait, conv chat.Conversation) string {
			wait = w
			return handoff.LateWaitNotice(w, conv.Locale, d.engine.WaitText(conv.Locale))
		})
		if err != nil {
			if chat.ErrorCode(err) != chat.ECONFLICT {
				d.log.Error("late notice", "ticket", late.ID, "err", err)
			}
			continue // answered, resolved or told meanwhile
		}
		d.notify.Notify(chat.Event{Type: chat.EventMessage, PlayerID: conv.PlayerID, Conversation: conv, Message: &msg})
		d.notify.NotifyStaff(chat.Event{Type: chat.EventQueue, PlayerID: conv.PlayerID, Conversation: conv})
		d.log.Info("sla breach: player told", "ticket", t.ID, "position", wait.Position, "available", wait.Available)
		if d.opts.OnBreach != nil {
			d.opts.OnBreach(t)
		}
	}
	return nil
}

// metricsDue reports whether quality figures are due at now, and if so
// notes them done.
func (d *Desk) metricsDue(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.metricsDone.IsZero() && now.Sub(d.metricsDone) < d.opts.MetricsInterval {
		return false
	}
	d.metricsDone = now
	return true
}
