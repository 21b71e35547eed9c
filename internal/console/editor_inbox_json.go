package console

import (
	"time"

	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/redact"
)

// JSON shapes of the inbox of misses (API.md, "Inbox of misses").

type inboxJSON struct {
	Groups      []groupJSON `json:"groups"`
	TotalGroups int         `json:"total_groups"` // before the limit
	Messages    int         `json:"messages"`     // misses in the window, every state
	Truncated   bool        `json:"truncated"`
	// SwitchThreshold is the live intents.switch_threshold: an in-scope
	// answer below it is low_confidence.
	SwitchThreshold float64 `json:"switch_threshold"`
	Days            int     `json:"days"`
}

type groupJSON struct {
	ID         int64          `json:"id"`
	Text       string         `json:"text"`
	Count      int            `json:"count"`
	State      string         `json:"state"`
	States     map[string]int `json:"states"`
	Reasons    map[string]int `json:"reasons"`
	Locales    []string       `json:"locales"`
	FirstSeen  time.Time      `json:"first_seen"`
	LastSeen   time.Time      `json:"last_seen"`
	Examples   []exampleJSON  `json:"examples"`
	MessageIDs []int64        `json:"message_ids"`
	NewIDs     []int64        `json:"new_ids"` // the messages still new: what the group's buttons send
}

type exampleJSON struct {
	MessageID      int64     `json:"message_id"`
	ConversationID int64     `json:"conversation_id"`
	Text           string    `json:"text"`
	Locale         string    `json:"locale"`
	At             time.Time `json:"at"`
	Same           int       `json:"same"` // messages of the group with this phrasing
	Reasons        []string  `json:"reasons"`
	State          string    `json:"state"`
	Applied        string    `json:"applied,omitempty"`
}

// groupJSON is a group with the players' e-mail addresses and phone
// numbers masked whatever --mask-contacts says: editors never need them.
func (s *Server) groupJSON(g editor.Group) groupJSON {
	out := groupJSON{ID: g.ID, Text: maskContacts(g.Text), Count: g.Count, State: g.State, States: g.States,
		Reasons: g.Reasons, Locales: g.Locales, FirstSeen: g.FirstSeen, LastSeen: g.LastSeen,
		Examples: make([]exampleJSON, 0, len(g.Examples)), MessageIDs: g.MessageIDs, NewIDs: g.NewIDs}
	if out.NewIDs == nil {
		out.NewIDs = []int64{}
	}
	for _, e := range g.Examples {
		out.Examples = append(out.Examples, exampleJSON{MessageID: e.MessageID, ConversationID: e.ConversationID,
			Text: maskContacts(e.Text), Locale: e.Locale, At: e.At, Same: e.Same, Reasons: e.Reasons, State: e.State,
			Applied: e.Applied})
	}
	return out
}

func maskContacts(text string) string {
	text, _ = redact.Contacts(text)
	return text
}

type appliedJSON struct {
	Files  []string `json:"files"`
	Added  []string `json:"added"`
	Path   string   `json:"path,omitempty"`
	Marked int      `json:"marked"` // messages marked applied (the others were not new)
}

func toAppliedJSON(a editor.Applied) appliedJSON {
	out := appliedJSON{Files: a.Files, Added: a.Added, Path: a.Path, Marked: a.Marked}
	if out.Files == nil {
		out.Files = []string{}
	}
	if out.Added == nil {
		out.Added = []string{}
	}
	return out
}
