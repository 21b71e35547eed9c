package handoff

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// TicketStatus is where a ticket is in its life.
type TicketStatus string

// Ticket statuses. Queued and assigned tickets are open; resolved and
// returned-to-bot ones are closed for good.
const (
	StatusQueued        TicketStatus = "queued"
	StatusAssigned      TicketStatus = "assigned"
	StatusResolved      TicketStatus = "resolved"
	StatusReturnedToBot TicketStatus = "returned_to_bot"
)

// Open reports whether a ticket in status s still waits for or has a human.
func (s TicketStatus) Open() bool { return s == StatusQueued || s == StatusAssigned }

// MaxCSATComment is the largest CSAT comment accepted, in bytes.
const MaxCSATComment = 1000

// Ticket is one conversation's request for a human. Zero times mean "not
// yet" (see the package doc). Transitions are the methods below; each
// returns a coded error and leaves the ticket unchanged when it is illegal.
// They do not touch Operator.Active: the store counts assigned tickets.
type Ticket struct {
	ID             int64
	ConversationID int64
	PlayerID       string
	Skill          string
	Priority       Priority
	Reason         string
	Channel        chat.Channel
	Status         TicketStatus
	OperatorID     int64 // the current (or, once resolved, the last) operator; 0 while queued
	// PreviousOperatorID is who held the ticket before it last went back to
	// the queue or to another operator: the player is not told the same
	// person "joined" twice in a row.
	PreviousOperatorID int64
	CreatedAt          time.Time
	QueuedAt           time.Time // when it last entered the queue (created, released, transferred to a skill); widening counts from it
	DueAt              time.Time // first-response target, from the SLA of Channel
	AssignedAt         time.Time // the latest assignment; zeroed when the ticket goes back to the queue
	FirstResponseAt    time.Time // the first human answer the player got; survives transfers
	FirstResponseBy    int64     // the staff member who gave it (a supervisor stepping in, too); metrics credit them
	ResolvedAt         time.Time
	ResolvedBy         int64  // the staff member who resolved it; metrics credit them the handle time
	BreachNotified     bool   // the player has been told the first answer is late (once)
	CSAT               int    // 0 = not rated, else 1–5
	CSATComment        string // at most MaxCSATComment bytes
	Transfers          int
	// Reach is who may take the ticket now (Widening.Reach); computed by
	// whoever decides at a given time, never stored.
	Reach Reach
}

// Request is what opens a ticket: a flow's handoff, or the player asking for
// a person.
type Request struct {
	ConversationID int64
	PlayerID       string
	Skill          string
	Priority       Priority // the flow's priority before rules; empty means normal
	Reason         string
	Channel        chat.Channel
	Attributes     map[string]string // the player's attributes from the token
}

// NewTicket returns a queued ticket for r created at now, its priority
// passed through rules and its due time taken from sla. It fails with
// EINVALID when r lacks a conversation, a player or a skill, or names an
// unknown priority. The ID is left for the store.
func NewTicket(r Request, rules Rules, sla SLA, now time.Time) (Ticket, error) {
	switch {
	case r.ConversationID <= 0:
		return Ticket{}, chat.Errorf(chat.EINVALID, "ticket needs a conversation")
	case strings.TrimSpace(r.PlayerID) == "":
		return Ticket{}, chat.Errorf(chat.EINVALID, "ticket needs a player")
	case strings.TrimSpace(r.Skill) == "":
		return Ticket{}, chat.Errorf(chat.EINVALID, "ticket needs a skill")
	}
	base := r.Priority
	if base == "" {
		base = PriorityNormal
	}
	if !base.Valid() {
		return Ticket{}, chat.Errorf(chat.EINVALID, "unknown priority %q", r.Priority)
	}
	return Ticket{
		ConversationID: r.ConversationID,
		PlayerID:       r.PlayerID,
		Skill:          r.Skill,
		Priority:       rules.Apply(base, r.Skill, r.Reason, r.Attributes),
		Reason:         r.Reason,
		Channel:        r.Channel,
		Status:         StatusQueued,
		CreatedAt:      now,
		QueuedAt:       now,
		DueAt:          sla.DueAt(now, r.Channel),
	}, nil
}

// Assign gives a queued ticket to op at now. It fails as CanClaim does:
// ECONFLICT when the ticket is not queued or op is not online or full,
// EFORBIDDEN when op is disabled, may not handle tickets, or lacks the skill.
func (t *Ticket) Assign(op Operator, now time.Time) error {
	if err := CanClaim(op, *t); err != nil {
		return err
	}
	t.Status, t.OperatorID, t.AssignedAt = StatusAssigned, op.ID, now
	return nil
}

// RecordFirstResponse notes the reply of staff member by at now as the
// first human answer, unless one was already recorded (later replies change
// nothing). by is whoever actually answered: the holder, or a supervisor
// stepping in. It fails with ECONFLICT unless the ticket is assigned.
func (t *Ticket) RecordFirstResponse(by int64, now time.Time) error {
	if t.Status != StatusAssigned {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s, not assigned: nobody can answer it", t.ID, t.Status)
	}
	if t.FirstResponseAt.IsZero() {
		t.FirstResponseAt, t.FirstResponseBy = now, by
	}
	return nil
}

// TransferToSkill puts an open ticket back in the queue under skill, for the
// next operator who serves it, and counts the transfer. It fails with
// EINVALID for an empty skill or the ticket's own skill while queued, and
// ECONFLICT for a closed ticket.
func (t *Ticket) TransferToSkill(skill string) error {
	if !t.Status.Open() {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s and cannot be transferred", t.ID, t.Status)
	}
	if strings.TrimSpace(skill) == "" {
		return chat.Errorf(chat.EINVALID, "transfer needs a skill")
	}
	if t.Status == StatusQueued && skill == t.Skill {
		return chat.Errorf(chat.EINVALID, "ticket %d already waits for %s", t.ID, skill)
	}
	t.remember()
	t.Skill, t.Status, t.OperatorID, t.AssignedAt = skill, StatusQueued, 0, time.Time{}
	t.Transfers++
	return nil
}

// TransferToOperator hands an open ticket to op at now and counts the
// transfer; the skill is unchanged. Only supervisors and admins should call
// it (Role.Can(ActionTransferToOperator)); the caller checks the actor. It
// fails with ECONFLICT for a closed ticket, EINVALID when op already holds
// it, and otherwise as CanClaim does for op (online, skill, capacity).
func (t *Ticket) TransferToOperator(op Operator, now time.Time) error {
	if !t.Status.Open() {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s and cannot be transferred", t.ID, t.Status)
	}
	if t.Status == StatusAssigned && t.OperatorID == op.ID {
		return chat.Errorf(chat.EINVALID, "ticket %d is already with operator %d", t.ID, op.ID)
	}
	queued := *t
	queued.Status = StatusQueued
	if err := CanClaim(op, queued); err != nil {
		return err
	}
	t.remember()
	t.Status, t.OperatorID, t.AssignedAt = StatusAssigned, op.ID, now
	t.Transfers++
	return nil
}

// remember notes the current operator, if any, as the previous one.
func (t *Ticket) remember() {
	if t.OperatorID != 0 {
		t.PreviousOperatorID = t.OperatorID
	}
}

// Rejoins reports whether giving t to op now would only bring back the
// operator who held it last: the player already knows them.
func (t Ticket) Rejoins(op Operator) bool { return t.PreviousOperatorID == op.ID }

// Release puts an assigned ticket back in the queue with its skill and
// priority (the operator let go, went offline, or did not answer in time).
// It fails with ECONFLICT unless the ticket is assigned.
func (t *Ticket) Release() error {
	if t.Status != StatusAssigned {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s, not assigned", t.ID, t.Status)
	}
	t.remember()
	t.Status, t.OperatorID, t.AssignedAt = StatusQueued, 0, time.Time{}
	return nil
}

// Resolve closes an assigned ticket at now on behalf of staff member by
// (the holder or a supervisor); the player is then asked for a rating. It
// fails with ECONFLICT unless the ticket is assigned.
func (t *Ticket) Resolve(by int64, now time.Time) error {
	if t.Status != StatusAssigned {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s; only an assigned ticket can be resolved", t.ID, t.Status)
	}
	t.Status, t.ResolvedAt, t.ResolvedBy = StatusResolved, now, by
	return nil
}

// ReturnToBot closes an open ticket and gives the conversation back to the
// bot. OperatorID stays as it was (0 when it was still queued). It fails
// with ECONFLICT for a closed ticket.
func (t *Ticket) ReturnToBot() error {
	if !t.Status.Open() {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s and cannot go back to the bot", t.ID, t.Status)
	}
	t.Status = StatusReturnedToBot
	return nil
}

// Rate records the player's CSAT score (1–5) and optional comment. It fails
// with ECONFLICT unless the ticket is resolved and not yet rated, and with
// EINVALID for a score outside 1–5 or a comment that is not UTF-8 or longer
// than MaxCSATComment bytes.
func (t *Ticket) Rate(score int, comment string) error {
	if t.Status != StatusResolved {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is %s; only a resolved ticket can be rated", t.ID, t.Status)
	}
	if t.CSAT != 0 {
		return chat.Errorf(chat.ECONFLICT, "ticket %d is already rated", t.ID)
	}
	if score < 1 || score > 5 {
		return chat.Errorf(chat.EINVALID, "rating must be 1 to 5, got %d", score)
	}
	if len(comment) > MaxCSATComment {
		return chat.Errorf(chat.EINVALID, "comment is %d bytes, the limit is %d", len(comment), MaxCSATComment)
	}
	if !utf8.ValidString(comment) {
		return chat.Errorf(chat.EINVALID, "comment is not valid UTF-8")
	}
	t.CSAT, t.CSATComment = score, strings.TrimSpace(comment)
	return nil
}

// Comment adds the player's optional comment to a rating given without
// one. It fails with ECONFLICT unless the ticket is resolved, rated and has
// no comment yet, and with EINVALID for an empty comment, one that is not
// UTF-8 or one longer than MaxCSATComment bytes.
func (t *Ticket) Comment(comment string) error {
	if t.Status != StatusResolved || t.CSAT == 0 || t.CSATComment != "" {
		return chat.Errorf(chat.ECONFLICT, "ticket %d takes no comment now", t.ID)
	}
	comment = strings.TrimSpace(comment)
	switch {
	case comment == "":
		return chat.Errorf(chat.EINVALID, "empty comment")
	case len(comment) > MaxCSATComment:
		return chat.Errorf(chat.EINVALID, "comment is %d bytes, the limit is %d", len(comment), MaxCSATComment)
	case !utf8.ValidString(comment):
		return chat.Errorf(chat.EINVALID, "comment is not valid UTF-8")
	}
	t.CSATComment = comment
	return nil
}
