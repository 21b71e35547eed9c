package flows

import (
	"maps"
	"slices"
)

// State is where one conversation stands in its flow. It is persisted after
// every turn, so a restart mid-flow continues at the same step.
type State struct {
	Flow     string            `json:"flow,omitempty"`     // current flow; empty when idle
	Step     string            `json:"step,omitempty"`     // step waiting for input (ask/choice)
	Slots    map[string]string `json:"slots,omitempty"`    // values filled by ask steps
	Attempts int               `json:"attempts,omitempty"` // failed answers at the waiting step
	Intent   string            `json:"intent,omitempty"`   // intent that started the flow
	Question string            `json:"question,omitempty"` // the message that started the flow
	Locale   string            `json:"locale,omitempty"`   // language the player writes in, once detected
	// The conversation's topic outlives its flow, so that follow-ups ("and
	// the fees?", "still nothing", "уже 3 дня") are read against it.
	Topic     string   `json:"topic,omitempty"`      // intent of the current topic ("" for the fallback flow's)
	TopicFlow string   `json:"topic_flow,omitempty"` // the flow that answers its follow-ups
	Shown     []string `json:"shown,omitempty"`      // articles shown on the topic, oldest first
	Section   string   `json:"section,omitempty"`    // heading of the section of the last article shown
	// Sections holds, for the articles shown on the topic, the heading of
	// the section shown last (none: from the top), so that an article
	// comes back only with another part of it.
	Sections map[string]string `json:"sections,omitempty"`
	Asked    string            `json:"asked,omitempty"`   // the last follow-up answered on the topic, as read
	Offered  []string          `json:"offered,omitempty"` // the other articles the last answer linked to
	Issue    string            `json:"issue,omitempty"`   // the stated problem of the topic (settings problems)
	Waited   int64             `json:"waited,omitempty"`  // how long the player says they have waited, in minutes
	Stated   string            `json:"stated,omitempty"`  // the message that stated the problem (a handoff's reason quotes it)
	// Awaiting marks a question the conversation service (not a flow) asked,
	// e.g. "csat_comment:12": the next message answers it.
	Awaiting string `json:"awaiting,omitempty"`
	Version  int64  `json:"-"` // optimistic-concurrency counter, kept by the store
}

// Waiting reports whether the conversation waits for an answer to an ask or
// choice step.
func (s State) Waiting() bool { return s.Flow != "" && s.Step != "" }

// clone returns a deep copy, so a turn never mutates its input.
func (s State) clone() State {
	c := s
	c.Shown = slices.Clone(s.Shown)
	c.Offered = slices.Clone(s.Offered)
	c.Sections = maps.Clone(s.Sections)
	if s.Slots != nil {
		c.Slots = make(map[string]string, len(s.Slots))
		for k, v := range s.Slots {
			c.Slots[k] = v
		}
	}
	return c
}

// noteSection records the section of article shown last and forgets the
// sections of articles no longer in Shown.
func (s *State) noteSection(article, section string) {
	if s.Sections == nil {
		s.Sections = map[string]string{}
	}
	if section == "" {
		delete(s.Sections, article)
	} else {
		s.Sections[article] = section
	}
	maps.DeleteFunc(s.Sections, func(id, _ string) bool { return !slices.Contains(s.Shown, id) })
	if len(s.Sections) == 0 {
		s.Sections = nil
	}
}
