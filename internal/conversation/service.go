// Package conversation runs one player message through Switchboard: store
// it first, let the bot answer when the conversation is the bot's, store
// the answer. Connectors (CLI, web chat, Telegram) all call it.
package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/redact"
	"github.com/switchboard-support/switchboard/internal/store"
)

// DefaultMaxMessageBytes is the default limit on one message's text.
const DefaultMaxMessageBytes = 4096

// Notifier learns of every stored message and state change at once, to
// push them to connected clients. hub.Hub implements it.
type Notifier interface {
	Notify(chat.Event)
}

// Observer records what bot turns did, for metrics.
type Observer interface {
	ObserveTurn(d time.Duration, trace *flows.Trace, handoff bool, err error)
}

// Options configure a Service.
type Options struct {
	MaxMessageBytes int // 0 → DefaultMaxMessageBytes
	Logger          *slog.Logger
	Notifier        Notifier // nil: nobody is told
	Observer        Observer // nil: nothing is recorded
}

// Service is the conversation service.
type Service struct {
	store    *store.Store
	engine   *flows.Engine
	maxBytes int
	log      *slog.Logger
	notifier Notifier
	observer Observer
	locks    [256]sync.Mutex // turns of one conversation run one at a time

	players     sync.Map // player id → fingerprint of the profile last stored
	playerCount atomic.Int64
}

// New returns a Service.
func New(s *store.Store, e *flows.Engine, opts Options) *Service {
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: s, engine: e, maxBytes: opts.MaxMessageBytes, log: opts.Logger,
		notifier: opts.Notifier, observer: opts.Observer}
}

// Inbound is a message from a player.
type Inbound struct {
	Player   chat.Player
	Channel  chat.Channel
	ClientID string // the client's idempotency key; a retry with the same key is stored once
	Text     string
}

// Result is the outcome of Send.
type Result struct {
	Conversation chat.Conversation
	Message      chat.Message   // the stored inbound message
	Replies      []chat.Message // the bot's stored replies (none while a human holds the conversation)
	Duplicate    bool           // the message had been received before; Replies are the original ones
	Trace        *flows.Trace   // nil for duplicates and when the bot did not run
}

// ValidateText checks a message text: valid UTF-8, not empty, no NUL, at
// most maxBytes bytes.
func ValidateText(text string, maxBytes int) error {
	if !utf8.ValidString(text) {
		return chat.Errorf(chat.EINVALID, "message is not valid UTF-8")
	}
	if strings.TrimSpace(text) == "" {
		return chat.Errorf(chat.EINVALID, "message is empty")
	}
	if strings.ContainsRune(text, 0) {
		return chat.Errorf(chat.EINVALID, "message contains a NUL character")
	}
	if len(text) > maxBytes {
		return chat.Errorf(chat.ETOOLARGE, "message is %d bytes; the limit is %d", len(text), maxBytes)
	}
	return nil
}

// Send stores the player's message and, when the bot holds the
// conversation, the bot's answer — in one transaction, so a turn costs one
// write. The message is on disk before Send returns successfully. If the
// bot turn fails, the player gets the bundle's error message and the flow
// state is unchanged. A retry with the same client id returns the first
// result and stores nothing.
func (s *Service) Send(ctx context.Context, in Inbound) (Result, error) {
	if err := ValidateText(in.Text, s.maxBytes); err != nil {
		return Result{}, err
	}
	if len(in.ClientID) > 128 || strings.ContainsRune(in.ClientID, 0) || !utf8.ValidString(in.ClientID) {
		// Refused here so that both databases answer alike (PostgreSQL
		// cannot store a NUL).
		return Result{}, chat.Errorf(chat.EINVALID, "client message id must be at most 128 bytes of UTF-8 without NUL")
	}
	player, err := s.upsertPlayer(ctx, in.Player)
	if err != nil {
		return Result{}, err
	}
	conv, err := s.store.OpenConversation(ctx, player.ID, in.Channel, s.locale(player.Locale))
	if err != nil {
		return Result{}, err
	}
	// A card number is masked before anything reads or stores the text
	// (the bot, ticket reasons); the player is told once.
	text, card := redact.Cards(in.Text)
	msg := chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer, SenderID: player.ID, Channel: in.Channel,
		Text: text, ClientID: in.ClientID}

	lock := s.lock(conv.ID)
	lock.Lock()
	defer lock.Unlock()
	// Retries are rare: the turn runs optimistically, and storing it finds
	// the duplicate (ErrDuplicateMessage) without a lookup on every send.
	for attempt := 0; ; attempt++ {
		res, err := s.turn(ctx, player, conv, msg)
		switch {
		case err == nil:
			if card {
				err = s.warnCardData(ctx, player, &res)
			}
			return res, err
		case errors.Is(err, store.ErrDuplicateMessage):
			return s.duplicate(ctx, conv, msg)
		case chat.ErrorCode(err) == chat.ECONFLICT && attempt < 3:
			// Another instance advanced the flow: recompute from the new state.
			if conv, err = s.store.Conversation(ctx, conv.ID); err != nil {
				return Result{}, err
			}
			continue
		}
		return Result{}, err
	}
}

// duplicate answers a retried message (same client id) with what the first
// send stored: the message and its replies. Nothing is stored again.
func (s *Service) duplicate(ctx context.Context, conv chat.Conversation, msg chat.Message) (Result, error) {
	stored, ok, err := s.store.MessageByClientID(ctx, msg.Sender, msg.SenderID, msg.ClientID)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, fmt.Errorf("conversation: message %q conflicted but cannot be found", msg.ClientID)
	}
	replies, err := s.store.Replies(ctx, stored)
	if err != nil {
		return Result{}, err
	}
	if stored.ConversationID != conv.ID {
		if conv, err = s.store.Conversation(ctx, stored.ConversationID); err != nil {
			return Result{}, err
		}
	}
	return Result{Conversation: conv, Message: stored, Replies: replies, Duplicate: true}, nil
}

// turn runs the engine on the stored state (unless a human holds the
// conversation) and stores the message with what the bot decided.
func (s *Service) turn(ctx context.Context, player chat.Player, conv chat.Conversation, msg chat.Message) (Result, error) {
	botTurn := conv.State == chat.StateBot
	var (
		out    flows.Output
		rating *store.Rating
		record *store.TurnRecord
	)
	if botTurn {
		state, err := s.store.FlowState(ctx, conv.ID)
		if err != nil {
			return Result{}, err
		}
		if c, ok, err := s.csat(ctx, conv, msg.Text, &state); err != nil {
			return Result{}, err
		} else if ok {
			out, rating = c.out, c.rating
		} else if out, err = s.runEngine(ctx, player, conv, msg, state); err != nil {
			return Result{}, err
		} else if out.Trace.Version != "" {
			r := store.NewTurnRecord(out)
			record = &r
		}
	}
	var stored store.TurnOutcome
	var err error
	if botTurn {
		result := store.TurnResult{ConversationID: conv.ID, Inbound: msg, State: out.State, Rating: rating,
			Locale: s.replyLocale(conv, out.State), Record: record}
		if out.Handoff != nil {
			t, err := s.newTicket(player, conv, msg.Channel, out.Handoff)
			if err != nil {
				return Result{}, err
			}
			result.Ticket = &t
			locale := result.Locale
			result.WaitText = func(w handoff.Wait) string { return handoff.WaitNotice(w, locale, s.engine.WaitText(locale)) }
		}
		for _, r := range out.Replies {
			result.Replies = append(result.Replies, chat.Message{Channel: msg.Channel, Text: r.Text,
				Buttons: r.Buttons, Articles: r.Articles})
		}
		stored, err = s.store.CompleteTurn(ctx, result)
	} else {
		stored, err = s.storeForHuman(ctx, conv, msg)
	}
	if err != nil {
		return Result{}, err
	}
	res := Result{Conversation: conv, Message: stored.Inbound, Replies: stored.Replies}
	res.Conversation.State = stored.State
	res.Conversation.Channel = msg.Channel // the store made it where replies go
	if botTurn && !stored.BotSilent {
		res.Conversation.Locale = s.replyLocale(conv, out.State)
	}
	if botTurn && !stored.BotSilent {
		res.Trace = &out.Trace
	}
	s.notify(chat.Event{Type: chat.EventMessage, PlayerID: player.ID, Conversation: res.Conversation, Message: &res.Message})
	for i := range res.Replies {
		s.notify(chat.Event{Type: chat.EventMessage, PlayerID: player.ID, Conversation: res.Conversation, Message: &res.Replies[i]})
	}
	if res.Conversation.State != conv.State {
		s.notify(chat.Event{Type: chat.EventStatus, PlayerID: player.ID, Conversation: res.Conversation})
	}
	return res, nil
}

// runEngine computes the bot's turn; an engine failure becomes the bundle's
// error text with the flow state unchanged.
func (s *Service) runEngine(ctx context.Context, player chat.Player, conv chat.Conversation, msg chat.Message, state flows.State) (flows.Output, error) {
	s.notify(chat.Event{Type: chat.EventTyping, PlayerID: player.ID, Conversation: conv, Sender: chat.SenderBot})
	started := time.Now()
	out, err := s.engine.Turn(ctx, flows.Input{Player: player, Channel: msg.Channel, Locale: conv.Locale,
		Text: msg.Text, State: state})
	if s.observer != nil {
		s.observer.ObserveTurn(time.Since(started), &out.Trace, out.Handoff != nil, err)
	}
	if err != nil {
		if ctx.Err() != nil {
			return flows.Output{}, ctx.Err()
		}
		s.log.Error("bot turn failed", "conversation", conv.ID, "err", err)
		out = flows.Output{State: state, Replies: []chat.Reply{{Text: s.errorText(conv.Locale)}}}
	}
	return out, nil
}

// newTicket builds the queued ticket for a handoff: the flow's skill and
// priority through the priority rules, the due time from the channel's SLA.
func (s *Service) newTicket(p chat.Player, conv chat.Conversation, ch chat.Channel, req *flows.HandoffRequest) (handoff.Ticket, error) {
	sla, rules := handoff.DefaultSLA(), handoff.DefaultRules()
	if rt := s.engine.Runtime(); rt != nil {
		rules = rt.Bundle.Settings.PriorityRules
		if len(rt.Bundle.Settings.SLA) > 0 {
			sla = handoff.SLA{}
			for c, t := range rt.Bundle.Settings.SLA {
				sla[c] = handoff.Target{FirstResponse: t.FirstResponse, Resolution: t.Resolution}
			}
		}
	}
	return handoff.NewTicket(handoff.Request{ConversationID: conv.ID, PlayerID: p.ID, Skill: req.Skill,
		Priority: handoff.Priority(req.Priority), Reason: req.Reason, Channel: ch, Attributes: p.Attributes},
		rules, sla, time.Now())
}

// storeForHuman stores a message for a conversation a human holds.
func (s *Service) storeForHuman(ctx context.Context, conv chat.Conversation, msg chat.Message) (store.TurnOutcome, error) {
	stored, created, err := s.store.AppendInbound(ctx, msg)
	if err != nil {
		return store.TurnOutcome{}, err
	}
	if !created {
		return store.TurnOutcome{}, store.ErrDuplicateMessage
	}
	return store.TurnOutcome{Inbound: stored, State: conv.State, BotSilent: true}, nil
}

// upsertPlayer stores the player's profile from the token, skipping the
// write when it is the same as the last one this instance stored.
func (s *Service) upsertPlayer(ctx context.Context, p chat.Player) (chat.Player, error) {
	key := playerFingerprint(p)
	if v, ok := s.players.Load(p.ID); ok && v.(string) == key {
		return p, nil
	}
	stored, err := s.store.UpsertPlayer(ctx, p)
	if err != nil {
		return chat.Player{}, err
	}
	if s.playerCount.Add(1) > maxCachedPlayers {
		s.players.Clear()
		s.playerCount.Store(0)
	}
	s.players.Store(p.ID, key)
	return stored, nil
}

// maxCachedPlayers bounds the profile cache; it is simply emptied when full.
const maxCachedPlayers = 100_000

func playerFingerprint(p chat.Player) string {
	keys := make([]string, 0, len(p.Attributes))
	for k := range p.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(p.Name + "\x00" + p.Locale)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + p.Attributes[k])
	}
	return b.String()
}

func (s *Service) notify(ev chat.Event) {
	if s.notifier != nil {
		s.notifier.Notify(ev)
	}
}

func (s *Service) errorText(locale string) string {
	return s.engine.SystemText(flows.MsgError, locale, nil)
}

func (s *Service) locale(l string) string {
	if rt := s.engine.Runtime(); rt != nil {
		return rt.Bundle.Settings.Locale(l)
	}
	if chat.SupportedLocale(l) {
		return l
	}
	return chat.DefaultLocale
}

// replyLocale is the language the bot answered in: the flow state's (the
// engine detects it from the player's messages), else the conversation's.
func (s *Service) replyLocale(conv chat.Conversation, st flows.State) string {
	if st.Locale != "" {
		return s.locale(st.Locale)
	}
	return conv.Locale
}

func (s *Service) lock(conversationID int64) *sync.Mutex {
	return &s.locks[uint64(conversationID)%uint64(len(s.locks))]
}

// Open starts or resumes the player's conversation on channel and returns
// it with its latest messages (at most limit, oldest first) and whether
// older ones exist.
func (s *Service) Open(ctx context.Context, p chat.Player, channel chat.Channel, limit int) (chat.Conversation, []chat.Message, bool, error) {
	player, err := s.upsertPlayer(ctx, p)
	if err != nil {
		return chat.Conversation{}, nil, false, err
	}
	conv, err := s.store.OpenConversation(ctx, player.ID, channel, s.locale(player.Locale))
	if err != nil {
		return chat.Conversation{}, nil, false, err
	}
	msgs, err := s.store.Messages(ctx, conv.ID, store.Page{Before: math.MaxInt64, Limit: limit + 1})
	if err != nil {
		return chat.Conversation{}, nil, false, err
	}
	more := len(msgs) > limit
	if more {
		msgs = msgs[1:]
	}
	return conv, msgs, more, nil
}

// Current returns the player's open conversation without creating one
// (ENOTFOUND when there is none).
func (s *Service) Current(ctx context.Context, playerID string) (chat.Conversation, error) {
	return s.store.CurrentConversation(ctx, playerID)
}

// History returns a page of one of the player's conversations. Another
// player's conversation is ENOTFOUND.
func (s *Service) History(ctx context.Context, playerID string, conversationID int64, page store.Page) ([]chat.Message, error) {
	if _, err := s.store.PlayerConversation(ctx, playerID, conversationID); err != nil {
		return nil, err
	}
	return s.store.Messages(ctx, conversationID, page)
}
