package handoff

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestNewTicket(t *testing.T) {
	r := Request{ConversationID: 7, PlayerID: "p1", Skill: "payments", Reason: "withdrawal dispute", Channel: chat.ChannelTicket,
		Attributes: map[string]string{"vip_level": "3"}}
	got, err := NewTicket(r, DefaultRules(), DefaultSLA(), t0)
	if err != nil {
		t.Fatal(err)
	}
	want := Ticket{ConversationID: 7, PlayerID: "p1", Skill: "payments", Priority: PriorityCritical, Reason: "withdrawal dispute",
		Channel: chat.ChannelTicket, Status: StatusQueued, CreatedAt: t0, QueuedAt: t0, DueAt: t0.Add(6 * time.Hour)}
	if got != want {
		t.Errorf("NewTicket =\n %+v\nwant\n %+v", got, want)
	}
	bad := []struct {
		name string
		edit func(*Request)
	}{
		{"no conversation", func(r *Request) { r.ConversationID = 0 }},
		{"no player", func(r *Request) { r.PlayerID = " " }},
		{"no skill", func(r *Request) { r.Skill = "" }},
		{"bad priority", func(r *Request) { r.Priority = "urgent" }},
	}
	for _, tt := range bad {
		r2 := r
		tt.edit(&r2)
		if _, err := NewTicket(r2, DefaultRules(), DefaultSLA(), t0); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("%s: NewTicket error %v, want %s", tt.name, err, chat.EINVALID)
		}
	}
}

func TestTicketLifecycle(t *testing.T) {
	tk := Ticket{ID: 1, Skill: "payments", Status: StatusQueued, Priority: PriorityHigh, CreatedAt: t0, DueAt: at(3)}
	anna, boris := op(1, 0, 2, "payments"), op(2, 0, 2, "verification")
	steps := []struct {
		name string
		do   func() error
	}{
		{"assign", func() error { return tk.Assign(anna, at(1)) }},
		{"first response", func() error { return tk.RecordFirstResponse(tk.OperatorID, at(2)) }},
		{"second response keeps the first", func() error { return tk.RecordFirstResponse(tk.OperatorID, at(4)) }},
		{"to verification", func() error { return tk.TransferToSkill("verification") }},
		{"to boris", func() error { return tk.TransferToOperator(boris, at(5)) }},
		{"resolve", func() error { return tk.Resolve(tk.OperatorID, at(9)) }},
		{"rate", func() error { return tk.Rate(4, "  quick, thanks ") }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	want := Ticket{ID: 1, Skill: "verification", Status: StatusResolved, Priority: PriorityHigh, CreatedAt: t0, DueAt: at(3),
		OperatorID: 2, PreviousOperatorID: 1, AssignedAt: at(5), FirstResponseAt: at(2), FirstResponseBy: 1, ResolvedAt: at(9), ResolvedBy: 2,
		CSAT: 4, CSATComment: "quick, thanks", Transfers: 2}
	if tk != want {
		t.Errorf("after the lifecycle\n got %+v\nwant %+v", tk, want)
	}
}

func TestTicketReleaseAndReturnToBot(t *testing.T) {
	tk := Ticket{ID: 1, Skill: "general", Status: StatusAssigned, OperatorID: 3, AssignedAt: at(1)}
	if err := tk.Release(); err != nil {
		t.Fatal(err)
	}
	if want := (Ticket{ID: 1, Skill: "general", Status: StatusQueued, PreviousOperatorID: 3}); tk != want {
		t.Errorf("after Release %+v, want %+v", tk, want)
	}
	if err := tk.ReturnToBot(); err != nil {
		t.Fatal(err)
	}
	if tk.Status != StatusReturnedToBot {
		t.Errorf("status = %s, want %s", tk.Status, StatusReturnedToBot)
	}
}

func TestTicketIllegalTransitions(t *testing.T) {
	online := op(1, 0, 2, "payments")
	other := op(2, 0, 2, "payments")
	tickets := map[TicketStatus]Ticket{
		StatusQueued:        {ID: 1, Skill: "payments", Status: StatusQueued},
		StatusAssigned:      {ID: 1, Skill: "payments", Status: StatusAssigned, OperatorID: 1, AssignedAt: at(1)},
		StatusResolved:      {ID: 1, Skill: "payments", Status: StatusResolved, OperatorID: 1, ResolvedAt: at(2)},
		StatusReturnedToBot: {ID: 1, Skill: "payments", Status: StatusReturnedToBot},
	}
	rated := tickets[StatusResolved]
	rated.CSAT = 5
	tests := []struct {
		name     string
		from     Ticket
		do       func(*Ticket) error
		wantCode string
	}{
		{"assign assigned", tickets[StatusAssigned], func(t *Ticket) error { return t.Assign(other, at(3)) }, chat.ECONFLICT},
		{"assign resolved", tickets[StatusResolved], func(t *Ticket) error { return t.Assign(online, at(3)) }, chat.ECONFLICT},
		{"assign returned", tickets[StatusReturnedToBot], func(t *Ticket) error { return t.Assign(online, at(3)) }, chat.ECONFLICT},
		{"assign to skill-less", tickets[StatusQueued], func(t *Ticket) error { return t.Assign(op(3, 0, 2, "bonuses"), at(3)) }, chat.EFORBIDDEN},
		{"first response queued", tickets[StatusQueued], func(t *Ticket) error { return t.RecordFirstResponse(1, at(3)) }, chat.ECONFLICT},
		{"first response resolved", tickets[StatusResolved], func(t *Ticket) error { return t.RecordFirstResponse(1, at(3)) }, chat.ECONFLICT},
		{"transfer resolved to skill", tickets[StatusResolved], func(t *Ticket) error { return t.TransferToSkill("bonuses") }, chat.ECONFLICT},
		{"transfer returned to skill", tickets[StatusReturnedToBot], func(t *Ticket) error { return t.TransferToSkill("bonuses") }, chat.ECONFLICT},
		{"transfer to empty skill", tickets[StatusAssigned], func(t *Ticket) error { return t.TransferToSkill(" ") }, chat.EINVALID},
		{"transfer queued to its own skill", tickets[StatusQueued], func(t *Ticket) error { return t.TransferToSkill("payments") }, chat.EINVALID},
		{"transfer resolved to operator", tickets[StatusResolved], func(t *Ticket) error { return t.TransferToOperator(other, at(3)) }, chat.ECONFLICT},
		{"transfer to the holder", tickets[StatusAssigned], func(t *Ticket) error { return t.TransferToOperator(online, at(3)) }, chat.EINVALID},
		{"transfer to full operator", tickets[StatusAssigned], func(t *Ticket) error { return t.TransferToOperator(op(2, 2, 2, "payments"), at(3)) }, chat.ECONFLICT},
		{"transfer to skill-less operator", tickets[StatusAssigned], func(t *Ticket) error { return t.TransferToOperator(op(2, 0, 2), at(3)) }, chat.EFORBIDDEN},
		{"release queued", tickets[StatusQueued], func(t *Ticket) error { return t.Release() }, chat.ECONFLICT},
		{"release resolved", tickets[StatusResolved], func(t *Ticket) error { return t.Release() }, chat.ECONFLICT},
		{"resolve queued", tickets[StatusQueued], func(t *Ticket) error { return t.Resolve(1, at(3)) }, chat.ECONFLICT},
		{"resolve resolved", tickets[StatusResolved], func(t *Ticket) error { return t.Resolve(1, at(3)) }, chat.ECONFLICT},
		{"resolve returned", tickets[StatusReturnedToBot], func(t *Ticket) error { return t.Resolve(1, at(3)) }, chat.ECONFLICT},
		{"return resolved to bot", tickets[StatusResolved], func(t *Ticket) error { return t.ReturnToBot() }, chat.ECONFLICT},
		{"return returned to bot", tickets[StatusReturnedToBot], func(t *Ticket) error { return t.ReturnToBot() }, chat.ECONFLICT},
		{"rate queued", tickets[StatusQueued], func(t *Ticket) error { return t.Rate(5, "") }, chat.ECONFLICT},
		{"rate assigned", tickets[StatusAssigned], func(t *Ticket) error { return t.Rate(5, "") }, chat.ECONFLICT},
		{"rate returned", tickets[StatusReturnedToBot], func(t *Ticket) error { return t.Rate(5, "") }, chat.ECONFLICT},
		{"rate twice", rated, func(t *Ticket) error { return t.Rate(4, "") }, chat.ECONFLICT},
		{"rate 0", tickets[StatusResolved], func(t *Ticket) error { return t.Rate(0, "") }, chat.EINVALID},
		{"rate 6", tickets[StatusResolved], func(t *Ticket) error { return t.Rate(6, "") }, chat.EINVALID},
		{"comment too long", tickets[StatusResolved], func(t *Ticket) error { return t.Rate(3, strings.Repeat("я", 501)) }, chat.EINVALID},
		{"comment not utf-8", tickets[StatusResolved], func(t *Ticket) error { return t.Rate(3, "bad \xff") }, chat.EINVALID},
	}
	for _, tt := range tests {
		tk := tt.from
		err := tt.do(&tk)
		if got := chat.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: code = %q (%v), want %q", tt.name, got, err, tt.wantCode)
		}
		if tk != tt.from {
			t.Errorf("%s: an illegal transition changed the ticket to %+v", tt.name, tk)
		}
	}
}

func TestRateCommentLimit(t *testing.T) {
	tk := Ticket{Status: StatusResolved}
	if err := tk.Rate(1, strings.Repeat("a", MaxCSATComment)); err != nil {
		t.Errorf("a %d-byte comment: %v", MaxCSATComment, err)
	}
}

func TestTicketComment(t *testing.T) {
	rated := Ticket{ID: 1, Status: StatusResolved, CSAT: 4}
	tests := []struct {
		name string
		t    Ticket
		text string
		want string
	}{
		{"rated without comment", rated, "  quick  ", ""},
		{"not rated", Ticket{ID: 1, Status: StatusResolved}, "x", chat.ECONFLICT},
		{"already commented", Ticket{ID: 1, Status: StatusResolved, CSAT: 4, CSATComment: "x"}, "y", chat.ECONFLICT},
		{"open", Ticket{ID: 1, Status: StatusAssigned, CSAT: 4}, "y", chat.ECONFLICT},
		{"blank", rated, "  ", chat.EINVALID},
		{"too long", rated, strings.Repeat("a", MaxCSATComment+1), chat.EINVALID},
	}
	for _, tt := range tests {
		tk := tt.t
		if got := chat.ErrorCode(tk.Comment(tt.text)); got != tt.want {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.want)
		}
	}
	tk := rated
	if err := tk.Comment("  quick  "); err != nil || tk.CSATComment != "quick" {
		t.Fatalf("comment %q, %v", tk.CSATComment, err)
	}
}

func TestTicketRejoins(t *testing.T) {
	anna, boris := op(1, 0, 2, "payments", "verification"), op(2, 0, 2, "verification")
	tk := Ticket{ID: 1, Skill: "payments", Status: StatusQueued}
	if err := tk.Assign(anna, at(1)); err != nil || tk.Rejoins(anna) {
		t.Fatalf("first assignment: %v, rejoins %v", err, tk.Rejoins(anna))
	}
	if err := tk.TransferToSkill("verification"); err != nil {
		t.Fatal(err)
	}
	if !tk.Rejoins(anna) || tk.Rejoins(boris) {
		t.Fatalf("after a transfer anna rejoins %v, boris %v; want true, false", tk.Rejoins(anna), tk.Rejoins(boris))
	}
	if err := tk.Assign(boris, at(2)); err != nil {
		t.Fatal(err)
	}
	if err := tk.Release(); err != nil || tk.Rejoins(anna) || !tk.Rejoins(boris) {
		t.Fatalf("after boris released it: %v; anna rejoins %v, boris %v", err, tk.Rejoins(anna), tk.Rejoins(boris))
	}
}
