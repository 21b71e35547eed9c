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
// published.
func (d *Desk) Tick(ctx context.Context) error {
	now := d.now()
	staff, err := d.store.ListStaff(ctx)
	if err != nil {
		return err
	}
	ops := make(map[int64]handoff.Operator, len(staff))
	names := make(map[int64]string, len(staff))
	for _, op := range staff {
		ops[op.ID], names[op.ID] = op, op.Name
	}
	open, err := d.store.OpenTickets(ctx)
	if err != nil {
		return err
	}
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
		d.log.Info("ticket back to the queue", "ticket", id, "operator", t.OperatorID)
		if conv, err := d.store.Conversation(ctx, t.ConversationID); err == nil {
			d.changed(conv)
		}
	}
	if err := d.autoAssign(ctx); err != nil {
		return err
	}
	if err := d.lateNotices(ctx, now); err != nil {
		return err
	}
	if d.opts.OnMetrics != nil {
		since := now.Add(-30 * 24 * time.Hour)
		tickets, err := d.store.TicketsSince(ctx, since)
		if err != nil {
			return err
		}
		d.opts.OnMetrics(handoff.Metrics(tickets, since), names)
	}
	return nil
}

func (d *Desk) autoAssign(ctx context.Context) error {
	queue, err := d.store.QueuedTickets(ctx)
	if err != nil || len(queue) == 0 {
		return err
	}
	staff, err := d.store.ListStaff(ctx)
	if err != nil {
		return err
	}
	for _, a := range handoff.AutoAssign(queue, staff) {
		t, err := d.store.ApplyAssignment(ctx, a, d.now())
		if err != nil {
			continue // claimed by hand meanwhile, or the operator changed: next round
		}
		if op, err := d.store.Staff(ctx, a.OperatorID); err == nil {
			d.joined(ctx, op, t)
		}
	}
	return nil
}

// lateNotices tells each player whose first answer is overdue, once, where
// they stand and what happens next.
func (d *Desk) lateNotices(ctx context.Context, now time.Time) error {
	open, err := d.store.OpenTickets(ctx)
	if err != nil {
		return err
	}
	handoff.Sort(open)
	var queued []handoff.Ticket
	for _, t := range open {
		if t.Status == handoff.StatusQueued {
			queued = append(queued, t)
		}
	}
	for _, late := range handoff.LateUnnotified(open, now) {
		t, err := d.store.UpdateTicket(ctx, late.ID, func(t *handoff.Ticket) error {
			// Still late on the locked row? It may have been answered or
			// resolved since the snapshot.
			if len(handoff.LateUnnotified([]handoff.Ticket{*t}, now)) == 0 {
				return chat.Errorf(chat.ECONFLICT, "ticket %d is not late any more", t.ID)
			}
			t.BreachNotified = true
			return nil
		})
		if err != nil {
			continue
		}
		conv, err := d.store.Conversation(ctx, t.ConversationID)
		if err != nil {
			continue
		}
		position := 0
		if t.Status == handoff.StatusQueued {
			position = handoff.QueuePosition(queued, t.ID)
		}
		wait := d.expectedWait(position)
		d.system(ctx, conv, handoff.LateNotice(conv.Locale, position, wait), nil)
		d.notify.NotifyStaff(chat.Event{Type: chat.EventQueue, PlayerID: conv.PlayerID, Conversation: conv})
		d.log.Info("sla breach: player told", "ticket", t.ID, "position", position)
		if d.opts.OnBreach != nil {
			d.opts.OnBreach(t)
		}
	}
	return nil
}

// expectedWait estimates the wait at a queue position: a few minutes per
// ticket ahead, never less than the chat target.
func (d *Desk) expectedWait(position int) time.Duration {
	if position <= 0 {
		return 3 * time.Minute
	}
	return time.Duration(position) * 3 * time.Minute
}
