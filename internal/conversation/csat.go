package conversation

import (
	"context"
	"strconv"
	"strings"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Payloads of the CSAT buttons sent after an operator resolves a
// conversation: "csat:1" … "csat:5" rate, "csat:comment" asks to leave a
// comment, "csat:skip" declines. The flow state's Awaiting is
// "csat_comment:<ticket id>" between "csat:comment" and the comment.
const (
	csatPrefix  = "csat:"
	csatSkip    = "csat:skip"
	csatComment = "csat:comment"
	csatAwaitOn = "csat_comment:"
)

// csatTurn is the bot's answer to a CSAT message and the rating the turn
// records (in its own transaction: store.TurnResult.Rating).
type csatTurn struct {
	out    flows.Output
	rating *store.Rating
}

// csat handles the rating after a human resolved the conversation. Only a
// 1–5 press rates the latest resolved ticket, and only the one free-text
// message right after the "add a comment" press is its comment; anything
// else ("thanks, bye" after a rating) goes to the bot as usual. ok is false
// for a message that is not about the rating; state may then have lost a
// stale comment prompt. Ticket reads are a snapshot: the store decides again
// on the locked ticket when the turn is written, and a race (a second press
// on another tab) makes that turn ECONFLICT and Send recompute it.
func (s *Service) csat(ctx context.Context, conv chat.Conversation, text string, state *flows.State) (csatTurn, bool, error) {
	text = strings.TrimSpace(text)
	sys := func(key string) string { return s.engine.SystemText(key, conv.Locale, nil) }
	say := func(key string, buttons ...chat.Button) []chat.Reply {
		return []chat.Reply{{Text: sys(key), Buttons: buttons}}
	}
	awaited, awaiting := strings.CutPrefix(state.Awaiting, csatAwaitOn)
	if awaiting {
		state.Awaiting = "" // one answer only, whatever it is
	}
	already := func() (csatTurn, bool, error) {
		return csatTurn{out: flows.Output{State: *state, Replies: say(flows.MsgCSATAlready)}}, true, nil
	}
	switch {
	case text == csatSkip:
		return csatTurn{out: flows.Output{State: *state, Replies: say(flows.MsgCSATDeclined)}}, true, nil
	case text == csatComment:
		t, ok, err := s.latestResolved(ctx, conv.ID)
		if err != nil || !ok {
			return csatTurn{}, false, err
		}
		if t.CSAT == 0 || t.CSATComment != "" {
			return already()
		}
		state.Awaiting = csatAwaitOn + strconv.FormatInt(t.ID, 10)
		return csatTurn{out: flows.Output{State: *state, Replies: say(flows.MsgCSATCommentPrompt)}}, true, nil
	case strings.HasPrefix(text, csatPrefix):
		score, err := strconv.Atoi(strings.TrimPrefix(text, csatPrefix))
		if err != nil || score < 1 || score > 5 {
			return csatTurn{}, false, nil
		}
		t, ok, err := s.latestResolved(ctx, conv.ID)
		if err != nil || !ok {
			return csatTurn{}, false, err
		}
		if t.CSAT != 0 {
			return already()
		}
		add := chat.Button{Label: sys(flows.MsgCSATAddComment), Payload: csatComment}
		skip := chat.Button{Label: sys(flows.MsgCSATNoThanks), Payload: csatSkip}
		return csatTurn{rating: &store.Rating{TicketID: t.ID, Score: score},
			out: flows.Output{State: *state, Replies: say(flows.MsgCSATThanks, add, skip)}}, true, nil
	case awaiting:
		id, _ := strconv.ParseInt(awaited, 10, 64)
		t, err := s.store.Ticket(ctx, id)
		if err != nil || t.ConversationID != conv.ID || t.CSAT == 0 || t.CSATComment != "" {
			return csatTurn{}, false, nil // a stale prompt: the bot answers
		}
		comment := text
		if len(comment) > handoff.MaxCSATComment {
			comment = strings.ToValidUTF8(comment[:handoff.MaxCSATComment], "")
		}
		return csatTurn{rating: &store.Rating{TicketID: id, Comment: comment},
			out: flows.Output{State: *state, Replies: say(flows.MsgCSATCommentThanks)}}, true, nil
	}
	return csatTurn{}, false, nil
}

// latestResolved returns the conversation's latest resolved ticket.
func (s *Service) latestResolved(ctx context.Context, conversationID int64) (handoff.Ticket, bool, error) {
	tickets, err := s.store.Tickets(ctx, conversationID)
	if err != nil {
		return handoff.Ticket{}, false, err
	}
	for i := len(tickets) - 1; i >= 0; i-- {
		if tickets[i].Status == handoff.StatusResolved {
			return tickets[i], true, nil
		}
	}
	return handoff.Ticket{}, false, nil
}
