package editor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
)

// Try-it limits.
const (
	TryItIdle        = 30 * time.Minute // a session idle this long is gone
	TryItSessions    = 5                // per editor; a new one ends the least recently used
	TryItMaxTurns    = 100              // per session
	tryItRuntimes    = 4                // draft engines kept
	tryItPlayerName  = "Test Player"    // as in conversation tests, for replies that name the player
	tryItMaxAttempts = 2                // a turn retried once when its engine was evicted under it
)

var localeRE = regexp.MustCompile(`^[a-z]{2}$`)

// TryIt runs editors' drafts as a chat: each editor's sessions, in memory,
// over engines built from their draft bundles (not the live version).
// Nothing is stored: no player, conversation, message or ticket.
type TryIt struct {
	svc      *Service
	runtimes *runtimeCache
	now      func() time.Time

	mu       sync.Mutex
	sessions map[int64]map[string]*tryItSession // by editor id, then session id
}

type tryItSession struct {
	mu     sync.Mutex // one turn at a time
	id     string
	locale string
	state  flows.State
	queued bool // handed off: a human would hold the conversation now
	turns  []TryTurn
	last   atomic.Int64 // unix nanoseconds of the last use; read without mu
}

// TrySession is a try-it session as its editor sees it.
type TrySession struct {
	ID     string
	Locale string
	Turns  []TryTurn
}

// TryTurn is one message of a try-it session and what the draft's bot did.
type TryTurn struct {
	N        int    // 1-based, in its session
	Say      string // the typed text, or
	Press    string // the label of a button pressed
	Replies  []chat.Reply
	Handoff  *flows.HandoffRequest
	Priority string // the queue's priority after the draft's priority rules
	Silent   bool   // after a handoff: a human holds the conversation, the bot says nothing
	Trace    flows.Trace
}

// NewTryIt returns try-it sessions over svc's drafts.
func NewTryIt(svc *Service) *TryIt {
	return &TryIt{svc: svc, runtimes: newRuntimeCache(tryItRuntimes), now: time.Now,
		sessions: map[int64]map[string]*tryItSession{}}
}

// Close closes the draft engines.
func (t *TryIt) Close() { t.runtimes.close() }

// Start opens a session for ed in locale (the player's language until the
// bot detects one), ending ed's least recently used one past TryItSessions.
func (t *TryIt) Start(ed handoff.Operator, locale string) (TrySession, error) {
	if !localeRE.MatchString(locale) {
		return TrySession{}, chat.Errorf(chat.EINVALID, "locale must be a language code such as en or ru")
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	s := &tryItSession{id: hex.EncodeToString(b[:]), locale: locale}
	s.last.Store(t.now().UnixNano())
	t.mu.Lock()
	defer t.mu.Unlock()
	mine := t.mine(ed)
	for len(mine) >= TryItSessions {
		var oldest *tryItSession
		for _, o := range mine {
			if oldest == nil || o.last.Load() < oldest.last.Load() {
				oldest = o
			}
		}
		delete(mine, oldest.id)
	}
	mine[s.id] = s
	return TrySession{ID: s.id, Locale: locale, Turns: []TryTurn{}}, nil
}

// mine returns ed's sessions after dropping the idle ones; t.mu is held.
func (t *TryIt) mine(ed handoff.Operator) map[string]*tryItSession {
	now := t.now()
	for edID, m := range t.sessions {
		for id, s := range m {
			if now.Sub(time.Unix(0, s.last.Load())) > TryItIdle {
				delete(m, id)
			}
		}
		if len(m) == 0 {
			delete(t.sessions, edID)
		}
	}
	m := t.sessions[ed.ID]
	if m == nil {
		m = map[string]*tryItSession{}
		t.sessions[ed.ID] = m
	}
	return m
}

// session returns ed's session id; ENOTFOUND for another editor's, an
// ended or an expired one.
func (t *TryIt) session(ed handoff.Operator, id string) (*tryItSession, error) {
	t.mu.Lock()
	s := t.mine(ed)[id]
	t.mu.Unlock()
	if s == nil {
		return nil, chat.Errorf(chat.ENOTFOUND, "no try-it session %q (sessions end after %s idle)", id, TryItIdle)
	}
	s.last.Store(t.now().UnixNano())
	return s, nil
}

// Session returns ed's session id with its transcript.
func (t *TryIt) Session(ed handoff.Operator, id string) (TrySession, error) {
	s, err := t.session(ed, id)
	if err != nil {
		return TrySession{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return TrySession{ID: s.id, Locale: s.locale, Turns: slices.Clone(s.turns)}, nil
}

// End ends ed's session id.
func (t *TryIt) End(ed handoff.Operator, id string) error {
	if _, err := t.session(ed, id); err != nil {
		return err
	}
	t.mu.Lock()
	delete(t.sessions[ed.ID], id)
	t.mu.Unlock()
	return nil
}

// TryInput is one player message of a try-it session: typed text, or the
// label of a button of the bot's previous turn.
type TryInput struct {
	Text  string
	Press string
}

// Turn runs one message through ed's draft as it is now, continuing the
// session's conversation. A draft with problems fails with a
// *flows.ValidationError; bad text with EINVALID or ETOOLARGE.
func (t *TryIt) Turn(ctx context.Context, ed handoff.Operator, id string, in TryInput) (TryTurn, error) {
	if (in.Text == "") == (in.Press == "") {
		return TryTurn{}, chat.Errorf(chat.EINVALID, "send either text or a button label to press")
	}
	if err := conversation.ValidateText(in.Text+in.Press, conversation.DefaultMaxMessageBytes); err != nil {
		return TryTurn{}, err
	}
	s, err := t.session(ed, id)
	if err != nil {
		return TryTurn{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.turns) >= TryItMaxTurns {
		return TryTurn{}, chat.Errorf(chat.ETOOLARGE, "a try-it session has at most %d turns; reset it", TryItMaxTurns)
	}
	turn := TryTurn{N: len(s.turns) + 1, Say: in.Text, Press: in.Press}
	text := in.Text
	if in.Press != "" {
		if text = pressed(s.turns, in.Press); text == "" {
			return TryTurn{}, chat.Errorf(chat.EINVALID, "no button %q on the bot's last turn", in.Press)
		}
	}
	if s.queued {
		turn.Silent = true
	} else if err := t.run(ctx, ed, s, text, &turn); err != nil {
		return TryTurn{}, err
	}
	s.turns = append(s.turns, turn)
	s.last.Store(t.now().UnixNano())
	return turn, nil
}

// run plays text on ed's draft engine as the session's next message.
func (t *TryIt) run(ctx context.Context, ed handoff.Operator, s *tryItSession, text string, turn *TryTurn) error {
	locale := s.locale
	if s.state.Locale != "" {
		locale = s.state.Locale
	}
	player := chat.Player{ID: "tryit", Name: tryItPlayerName, Locale: s.locale}
	for attempt := 1; ; attempt++ {
		engine, err := t.engine(ctx, ed)
		if err != nil {
			return err
		}
		rt := engine.Runtime()
		out, err := engine.Turn(ctx, flows.Input{Player: player, Channel: chat.ChannelWebchat, Locale: locale, Text: text, State: s.state})
		if chat.ErrorCode(err) == chat.EUNAVAILABLE && attempt < tryItMaxAttempts {
			continue // evicted between getting the engine and the turn
		}
		if err != nil {
			return err
		}
		s.state = out.State
		turn.Replies, turn.Handoff, turn.Trace = out.Replies, out.Handoff, out.Trace
		if out.Handoff != nil && rt != nil {
			s.queued = true
			base := handoff.Priority(out.Handoff.Priority)
			if base == "" {
				base = handoff.PriorityNormal
			}
			turn.Priority = string(rt.Bundle.Settings.PriorityRules.Apply(base, out.Handoff.Skill, out.Handoff.Reason, nil))
		}
		return nil
	}
}

// engine returns the engine over ed's draft as it is now.
func (t *TryIt) engine(ctx context.Context, ed handoff.Operator) (*flows.Engine, error) {
	files, _, err := t.svc.Files(ctx, ed)
	if err != nil {
		return nil, err
	}
	return t.runtimes.engine(ctx, files)
}

// pressed returns the payload of the button labelled label on the last
// turn's replies ("" when there is none).
func pressed(turns []TryTurn, label string) string {
	if len(turns) == 0 {
		return ""
	}
	for _, r := range turns[len(turns)-1].Replies {
		for _, b := range r.Buttons {
			if b.Label == label {
				if b.Payload == "" {
					return b.Label
				}
				return b.Payload
			}
		}
	}
	return ""
}

// Classification is what the draft's intent model makes of one phrase.
type Classification struct {
	intents.Result
	Threshold float64
}

// Classify classifies text with the intent model of ed's draft. The model
// reads every language at once; locale is checked only for its form.
func (t *TryIt) Classify(ctx context.Context, ed handoff.Operator, text, locale string) (Classification, error) {
	if locale != "" && !localeRE.MatchString(locale) {
		return Classification{}, chat.Errorf(chat.EINVALID, "locale must be a language code such as en or ru")
	}
	if err := conversation.ValidateText(text, conversation.DefaultMaxMessageBytes); err != nil {
		return Classification{}, err
	}
	engine, err := t.engine(ctx, ed)
	if err != nil {
		return Classification{}, err
	}
	rt := engine.Runtime()
	if rt == nil { // evicted meanwhile: its model is gone with it
		return Classification{}, chat.Errorf(chat.EUNAVAILABLE, "the draft's model was just replaced; try again")
	}
	res := rt.Model.Classify(strings.TrimSpace(text))
	return Classification{Result: res, Threshold: rt.Model.Threshold()}, nil
}
