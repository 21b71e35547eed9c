// Package desk runs the human side of a conversation: operators claim,
// answer, transfer, resolve and hand back; a background loop assigns
// queued tickets, takes tickets back from operators who went away or did
// not answer, and tells players once when their first answer is late.
// Every change is pushed live to the player and to the console.
package desk

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Notifier pushes events to players and staff; hub.Hub implements it.
type Notifier interface {
	Notify(chat.Event)
	NotifyStaff(chat.Event)
}

// Options tune the desk.
type Options struct {
	// AnswerTimeout: an assigned ticket without a first answer this long
	// goes back to the queue (default 3 minutes).
	AnswerTimeout time.Duration
	// Interval of the background loop (default 5 s).
	Interval time.Duration
	// OnMetrics, if set, receives the quality figures (30 days) at most
	// every MetricsInterval (default 5 minutes): a window that long needs
	// no fresher figures, and computing them reads a month of tickets.
	OnMetrics       func([]handoff.OperatorStats, map[int64]string)
	MetricsInterval time.Duration
	// OnBreach, if set, learns of every ticket whose first answer went late.
	OnBreach func(handoff.Ticket)
	Logger   *slog.Logger
	Now      func() time.Time
}

// presenceKey is what staff see change about an operator's presence.
type presenceKey struct {
	status       handoff.Presence
	disconnected bool
}

// Desk is the operator-side service.
type Desk struct {
	store  *store.Store
	notify Notifier
	engine *flows.Engine
	opts   Options
	log    *slog.Logger

	mu          sync.Mutex
	presence    map[int64]presenceKey // as of the last Tick, to tell staff of changes
	metricsDone time.Time             // when quality figures were last published
}

// New returns a Desk.
func New(st *store.Store, n Notifier, engine *flows.Engine, opts Options) *Desk {
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = 3 * time.Minute
	}
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Second
	}
	if opts.MetricsInterval <= 0 {
		opts.MetricsInterval = 5 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Desk{store: st, notify: n, engine: engine, opts: opts, log: opts.Logger}
}

func (d *Desk) now() time.Time { return d.opts.Now().UTC() }

// Claim gives a queued ticket to op — of op's skills, or one that widened
// to op (handoff.Widening) — and the player is told who joined.
func (d *Desk) Claim(ctx context.Context, op handoff.Operator, ticketID int64) (handoff.Ticket, error) {
	t, err := d.store.ClaimTicket(ctx, ticketID, op.ID, d.now(), d.widening())
	if err != nil {
		return handoff.Ticket{}, err
	}
	d.joined(ctx, op, t)
	return t, nil
}

// ClaimNext gives op the first queued ticket it can take, if any.
func (d *Desk) ClaimNext(ctx context.Context, op handoff.Operator) (handoff.Ticket, bool, error) {
	t, ok, err := d.store.ClaimNext(ctx, op.ID, d.now(), d.widening())
	if err != nil || !ok {
		return handoff.Ticket{}, ok, err
	}
	d.joined(ctx, op, t)
	return t, true, nil
}

// joined tells the player op joined the conversation — unless op is who
// held it last (a transfer or release that came back), whom the player
// already knows — and staff that the queue changed.
func (d *Desk) joined(ctx context.Context, op handoff.Operator, t handoff.Ticket) {
	conv, err := d.store.Conversation(ctx, t.ConversationID)
	if err != nil {
		d.log.Error("claimed ticket without conversation", "ticket", t.ID, "err", err)
		return
	}
	if t.Rejoins(op) {
		d.changed(conv)
		return
	}
	text := d.engine.SystemText(flows.MsgOperatorJoined, conv.Locale, map[string]string{"operator": op.Name})
	d.system(ctx, conv, text, nil)
	d.changed(conv)
}

// Reply sends op's answer to the player. The store decides and writes in
// one transaction: only the operator holding the conversation may answer it
// (supervisors and admins may step in, and are credited with the answer);
// a reply after the ticket moved to another operator is ECONFLICT and is
// not stored.
func (d *Desk) Reply(ctx context.Context, op handoff.Operator, conversationID int64, clientID, text string) (chat.Message, error) {
	msg, _, err := d.store.AppendStaffMessage(ctx, chat.Message{ConversationID: conversationID,
		SenderID: strconv.FormatInt(op.ID, 10), ClientID: clientID, Text: text}, false)
	if err != nil {
		return chat.Message{}, err
	}
	conv, err := d.store.Conversation(ctx, conversationID)
	if err != nil {
		return chat.Message{}, err
	}
	d.notify.Notify(chat.Event{Type: chat.EventMessage, PlayerID: conv.PlayerID, Conversation: conv, Message: &msg})
	d.notify.NotifyStaff(chat.Event{Type: chat.EventQueue, PlayerID: conv.PlayerID, Conversation: conv})
	return msg, nil
}

// Note adds an internal note, which only staff ever see.
func (d *Desk) Note(ctx context.Context, op handoff.Operator, conversationID int64, text string) (chat.Message, error) {
	msg, _, err := d.store.AppendStaffMessage(ctx, chat.Message{ConversationID: conversationID,
		SenderID: strconv.FormatInt(op.ID, 10), Text: text}, true)
	if err != nil {
		return chat.Message{}, err
	}
	conv, err := d.store.Conversation(ctx, conversationID)
	if err != nil {
		return chat.Message{}, err
	}
	d.notify.NotifyStaff(chat.Event{Type: chat.EventMessage, PlayerID: conv.PlayerID, Conversation: conv, Message: &msg})
	return msg, nil
}

// Typing tells the player that op is composing an answer.
func (d *Desk) Typing(ctx context.Context, op handoff.Operator, conversationID int64) error {
	if err := d.mayAnswer(ctx, op, conversationID); err != nil {
		return err
	}
	conv, err := d.store.Conversation(ctx, conversationID)
	if err != nil {
		return err
	}
	d.notify.Notify(chat.Event{Type: chat.EventTyping, PlayerID: conv.PlayerID, Conversation: conv, Sender: chat.SenderOperator})
	return nil
}

// mayAnswer checks that op holds the conversation's ticket (or is a
// supervisor stepping in). Only Typing uses it: it writes nothing, so a
// check outside a transaction is enough.
func (d *Desk) mayAnswer(ctx context.Context, op handoff.Operator, conversationID int64) error {
	t, err := d.store.OpenTicket(ctx, conversationID)
	if err != nil {
		return err
	}
	if t.Status != handoff.StatusAssigned {
		return chat.Errorf(chat.ECONFLICT, "conversation %d waits in the queue: claim it to answer", conversationID)
	}
	return handoff.MayAct(op, t)
}

// Transfer moves a ticket to another skill's queue, or (supervisors) to a
// named operator. Whether op may still act on the ticket is decided in the
// store's transaction (handoff.MayAct), which also writes the audit row.
func (d *Desk) Transfer(ctx context.Context, op handoff.Operator, ticketID int64, skill string, toOperator int64) (handoff.Ticket, error) {
	var t handoff.Ticket
	var err error
	switch {
	case toOperator != 0:
		if t, err = d.store.TransferToOperator(ctx, op.ID, ticketID, toOperator, d.now()); err == nil {
			if to, err := d.store.Staff(ctx, toOperator); err == nil {
				d.joined(ctx, to, t) // the player learns who took over
				return t, nil
			}
		}
	case skill != "":
		if !d.knownSkill(skill) {
			return handoff.Ticket{}, chat.Errorf(chat.EINVALID, "unknown skill %q", skill)
		}
		t, err = d.store.ActOnTicketAudited(ctx, op.ID, ticketID, store.AuditTicketTransfer, func(_ handoff.Operator, t *handoff.Ticket) error {
			return t.TransferToSkill(skill)
		})
	default:
		return handoff.Ticket{}, chat.Errorf(chat.EINVALID, "transfer needs a skill or an operator")
	}
	if err != nil {
		return handoff.Ticket{}, err
	}
	if conv, err := d.store.Conversation(ctx, t.ConversationID); err == nil {
		d.changed(conv)
	}
	return t, nil
}

func (d *Desk) knownSkill(skill string) bool {
	rt := d.engine.Runtime()
	if rt == nil {
		return false
	}
	for _, s := range rt.Bundle.Settings.Skills {
		if s == skill {
			return true
		}
	}
	return false
}

// widening returns when waiting tickets widen, from the live content's
// settings (handoff.DefaultWidening before any content is loaded).
func (d *Desk) widening() handoff.Widening {
	if rt := d.engine.Runtime(); rt != nil {
		return rt.Bundle.Settings.Widening
	}
	return handoff.DefaultWidening()
}

// Widening is the live content's widening rules (who a waiting ticket
// reaches).
func (d *Desk) Widening() handoff.Widening { return d.widening() }

// Skills returns the skills and priorities of the live content.
func (d *Desk) Skills() (skills, priorities []string) {
	if rt := d.engine.Runtime(); rt != nil {
		return rt.Bundle.Settings.Skills, rt.Bundle.Settings.Priorities
	}
	return nil, nil
}

// ReturnToBot hands the conversation back to the bot; the check that op
// may (handoff.MayAct), the write and its audit row are one transaction.
func (d *Desk) ReturnToBot(ctx context.Context, op handoff.Operator, ticketID int64) (handoff.Ticket, error) {
	t, err := d.store.ActOnTicketAudited(ctx, op.ID, ticketID, store.AuditTicketReturn,
		func(_ handoff.Operator, t *handoff.Ticket) error { return t.ReturnToBot() })
	if err != nil {
		return handoff.Ticket{}, err
	}
	conv, err := d.store.Conversation(ctx, t.ConversationID)
	if err != nil {
		return t, nil
	}
	d.system(ctx, conv, d.engine.SystemText(flows.MsgBackToBot, conv.Locale, nil), nil)
	d.changed(conv)
	return t, nil
}

// CSATPayload prefixes the payload of the rating buttons ("csat:5").
const CSATPayload = "csat:"

// Resolve closes the ticket, credited to op; the conversation returns to the
// bot and the player is asked to rate the help (1–5). The check that op may
// (handoff.MayAct), the write and its audit row are one transaction.
func (d *Desk) Resolve(ctx context.Context, op handoff.Operator, ticketID int64) (handoff.Ticket, error) {
	t, err := d.store.ActOnTicketAudited(ctx, op.ID, ticketID, store.AuditTicketResolve,
		func(a handoff.Operator, t *handoff.Ticket) error { return t.Resolve(a.ID, d.now()) })
	if err != nil {
		return handoff.Ticket{}, err
	}
	conv, err := d.store.Conversation(ctx, t.ConversationID)
	if err != nil {
		return t, nil
	}
	text := d.engine.SystemText(flows.MsgCSATPrompt, conv.Locale, nil)
	var buttons []chat.Button
	for i := 1; i <= 5; i++ {
		buttons = append(buttons, chat.Button{Label: strings.Repeat("★", i), Payload: CSATPayload + strconv.Itoa(i)})
	}
	d.system(ctx, conv, text, buttons)
	d.changed(conv)
	return t, nil
}

// Heartbeat records that a console socket of op answered a heartbeat now
// (op counts as connected for the grace period after it). Staff are told
// when op just connected. A failure is logged: the next heartbeat retries.
func (d *Desk) Heartbeat(ctx context.Context, op handoff.Operator) {
	if err := d.store.Heartbeat(ctx, op.ID, d.now()); err != nil {
		if ctx.Err() == nil {
			d.log.Warn("record heartbeat", "staff", op.ID, "err", err)
		}
		return
	}
	now, err := d.store.Staff(ctx, op.ID)
	if err != nil {
		return
	}
	if d.notePresence(op.ID, presenceKey{status: now.Status, disconnected: now.Disconnected}) {
		d.notify.NotifyStaff(chat.Event{Type: chat.EventQueue})
	}
}

// notePresence records k as op's presence and reports whether it changed.
func (d *Desk) notePresence(id int64, k presenceKey) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.presence == nil {
		d.presence = map[int64]presenceKey{}
	}
	old, seen := d.presence[id]
	d.presence[id] = k
	return !seen || old != k
}

// SetPresence sets op online, away or offline. Going offline hands the
// operator's tickets back to the queue at the next loop.
func (d *Desk) SetPresence(ctx context.Context, op handoff.Operator, p handoff.Presence) (handoff.Operator, error) {
	if err := d.store.SetPresence(ctx, op.ID, p, d.now()); err != nil {
		return handoff.Operator{}, err
	}
	d.notify.NotifyStaff(chat.Event{Type: chat.EventQueue})
	return d.store.Staff(ctx, op.ID)
}

// system stores a system message in the conversation and pushes it.
func (d *Desk) system(ctx context.Context, conv chat.Conversation, text string, buttons []chat.Button) {
	msg, _, err := d.store.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem,
		SenderID: "desk", Channel: conv.Channel, Text: text, Buttons: buttons})
	if err != nil {
		d.log.Error("store system message", "conversation", conv.ID, "err", err)
		return
	}
	d.notify.Notify(chat.Event{Type: chat.EventMessage, PlayerID: conv.PlayerID, Conversation: conv, Message: &msg})
}

// changed tells the player the conversation's state and staff the queue.
func (d *Desk) changed(conv chat.Conversation) {
	d.notify.Notify(chat.Event{Type: chat.EventStatus, PlayerID: conv.PlayerID, Conversation: conv})
	d.notify.NotifyStaff(chat.Event{Type: chat.EventQueue, PlayerID: conv.PlayerID, Conversation: conv})
}
