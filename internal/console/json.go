package console

import (
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/redact"
)

type operatorJSON struct {
	ID       int64    `json:"id"`
	Login    string   `json:"login"`
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Skills   []string `json:"skills"`
	Presence string   `json:"presence"`
	// Presence is what the desk acts on: online only while Connected (a
	// console of the operator answers heartbeats); Chosen is what the
	// operator set.
	Chosen    string `json:"chosen_presence"`
	Connected bool   `json:"connected"`
	Capacity  int    `json:"capacity"`
	Active    int    `json:"active"`
}

func toOperatorJSON(op handoff.Operator) operatorJSON {
	if op.Chosen == "" {
		op.Chosen = op.Status
	}
	skills := op.Skills
	if skills == nil {
		skills = []string{}
	}
	return operatorJSON{ID: op.ID, Login: op.Login, Name: op.Name, Role: string(op.Role), Skills: skills,
		Presence: string(op.Status), Chosen: string(op.Chosen), Connected: !op.Disconnected, Capacity: op.Capacity, Active: op.Active}
}

type playerRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type ticketJSON struct {
	ID              int64      `json:"id"`
	ConversationID  int64      `json:"conversation_id"`
	Player          playerRef  `json:"player"`
	Skill           string     `json:"skill"`
	Priority        string     `json:"priority"`
	Reason          string     `json:"reason"`
	Channel         string     `json:"channel"`
	Status          string     `json:"status"`
	OperatorID      int64      `json:"operator_id"`
	CreatedAt       time.Time  `json:"created_at"`
	DueAt           time.Time  `json:"due_at"`
	AssignedAt      *time.Time `json:"assigned_at"`
	FirstResponseAt *time.Time `json:"first_response_at"`
	ResolvedAt      *time.Time `json:"resolved_at"`
	Breached        bool       `json:"breached"`
	CSAT            int        `json:"csat"`
	CSATComment     string     `json:"csat_comment"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toTicketJSON(t handoff.Ticket, playerName string, now time.Time) ticketJSON {
	return ticketJSON{ID: t.ID, ConversationID: t.ConversationID, Player: playerRef{ID: t.PlayerID, Name: playerName},
		Skill: t.Skill, Priority: string(t.Priority), Reason: t.Reason, Channel: string(t.Channel), Status: string(t.Status),
		OperatorID: t.OperatorID, CreatedAt: t.CreatedAt, DueAt: t.DueAt, AssignedAt: optTime(t.AssignedAt),
		FirstResponseAt: optTime(t.FirstResponseAt), ResolvedAt: optTime(t.ResolvedAt), Breached: t.Breached(now), CSAT: t.CSAT,
		CSATComment: t.CSATComment}
}

type messageJSON struct {
	ID             int64             `json:"id"`
	ConversationID int64             `json:"conversation_id"`
	Sender         chat.Sender       `json:"sender"`
	SenderID       string            `json:"sender_id"`
	SenderName     string            `json:"sender_name"`
	Channel        chat.Channel      `json:"channel"`
	Text           string            `json:"text"`
	Buttons        []chat.Button     `json:"buttons"`
	Articles       []chat.ArticleRef `json:"articles"`
	CreatedAt      time.Time         `json:"created_at"`
}

func toMessageJSON(m chat.Message, names map[string]string) messageJSON {
	j := messageJSON{ID: m.ID, ConversationID: m.ConversationID, Sender: m.Sender, SenderID: m.SenderID,
		SenderName: names[m.SenderID], Channel: m.Channel, Text: m.Text, Buttons: m.Buttons, Articles: m.Articles, CreatedAt: m.CreatedAt}
	if j.Buttons == nil {
		j.Buttons = []chat.Button{}
	}
	if j.Articles == nil {
		j.Articles = []chat.ArticleRef{}
	}
	return j
}

// private masks a player's contact details when MaskContacts is set.
func (s *Server) private(text string) string {
	if s.opts.MaskContacts {
		text, _ = redact.Contacts(text)
	}
	return text
}

// ticketJSON is toTicketJSON with the reason (which quotes the player)
// under the console's privacy options.
func (s *Server) ticketJSON(t handoff.Ticket, playerName string, now time.Time) ticketJSON {
	t.Reason = s.private(t.Reason)
	return toTicketJSON(t, playerName, now)
}

// messageJSON is toMessageJSON with the console's privacy options applied:
// a player's contact details masked when MaskContacts is set.
func (s *Server) messageJSON(m chat.Message, names map[string]string) messageJSON {
	if m.Sender == chat.SenderPlayer {
		m.Text = s.private(m.Text)
	}
	return toMessageJSON(m, names)
}
