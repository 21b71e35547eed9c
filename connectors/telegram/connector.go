package telegram

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Modes of receiving updates.
const (
	ModeWebhook = "webhook"
	ModePolling = "polling"
)

// ConnectorOptions wire a Connector.
type ConnectorOptions struct {
	Client  *Client
	Store   *store.Store
	Service *conversation.Service
	Hub     *hub.Hub // operator typing, and a wake-up for deliveries
	Logger  *slog.Logger

	Mode          string // ModeWebhook (default) or ModePolling
	WebhookURL    string // public https URL of WebhookPath, for setWebhook
	WebhookSecret string // X-Telegram-Bot-Api-Secret-Token; required in webhook mode
	BotUsername   string // for link URLs; asked of Telegram (getMe) when empty

	Verifier *auth.Verifier // players asking for a link from the widget
	APIKey   string         // the casino site's key for the server-to-server link endpoint; off when empty

	LinkTTL  time.Duration // how long a link code works (default 10 min)
	Lease    time.Duration // how long a delivery is held by one attempt (default 30 s)
	Workers  int           // chats handled at once, by the update worker and by the deliverer (default 8)
	Pace     PaceOptions
	Backoff  Backoff
	Clock    Clock
	MaxBytes int // the largest message text accepted (default conversation.DefaultMaxMessageBytes)
	// Observe counts events for metrics: update_stored, update_duplicate,
	// sent, retry, blocked, failed. Nil: nothing is counted.
	Observe func(event string)
}

// Connector is Telegram for linked players: updates are stored before they
// are acknowledged and processed once, in order per chat, by the same
// conversation service as the web chat; replies leave through stored
// deliveries (store.LeaseDeliveries), in order per chat, paced.
type Connector struct {
	opt    ConnectorOptions
	sender *Sender
	log    *slog.Logger

	updates   chan struct{}  // wakes the update worker
	deliver   chan struct{}  // wakes the deliverer
	answering sync.WaitGroup // callback answers in flight

	mu       sync.Mutex
	username string
	notReady error // why /readyz should fail (webhook registration), nil when ready
}

// NewConnector returns a Connector; Run starts it.
func NewConnector(opt ConnectorOptions) (*Connector, error) {
	if opt.Client == nil || opt.Store == nil || opt.Service == nil {
		return nil, errors.New("telegram: connector needs a client, a store and the conversation service")
	}
	if opt.Mode == "" {
		opt.Mode = ModeWebhook
	}
	if opt.Mode != ModeWebhook && opt.Mode != ModePolling {
		return nil, errors.New("telegram: mode must be webhook or polling")
	}
	if opt.Mode == ModeWebhook && (opt.WebhookURL == "" || opt.WebhookSecret == "") {
		return nil, errors.New("telegram: webhook mode needs a webhook URL and a secret")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.LinkTTL <= 0 {
		opt.LinkTTL = 10 * time.Minute
	}
	if opt.Lease <= 0 {
		opt.Lease = 30 * time.Second
	}
	if opt.Workers <= 0 {
		opt.Workers = 8
	}
	if opt.Clock == nil {
		opt.Clock = SystemClock{}
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = conversation.DefaultMaxMessageBytes
	}
	if opt.Observe == nil {
		opt.Observe = func(string) {}
	}
	c := &Connector{opt: opt, log: opt.Logger, username: opt.BotUsername,
		sender:  &Sender{Client: opt.Client, Pacer: NewPacer(opt.Clock, opt.Pace)},
		updates: make(chan struct{}, 1), deliver: make(chan struct{}, 1)}
	if opt.Mode == ModeWebhook {
		c.notReady = errors.New("telegram webhook not registered yet")
	}
	return c, nil
}

// Ready reports why the connector cannot receive updates (nil when it can).
func (c *Connector) Ready() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.notReady
}

func (c *Connector) setReady(err error) {
	c.mu.Lock()
	c.notReady = err
	c.mu.Unlock()
}

// Run receives, processes and delivers until ctx ends, then returns once
// everything it started has stopped.
func (c *Connector) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { c.processLoop(ctx) })
	wg.Go(func() { c.deliverLoop(ctx) })
	if c.opt.Hub != nil {
		wg.Go(func() { c.watchEvents(ctx) })
	}
	switch c.opt.Mode {
	case ModePolling:
		wg.Go(func() { c.poll(ctx) })
	default:
		wg.Go(func() { c.registerWebhook(ctx) })
	}
	wg.Wait()
	c.answering.Wait()
}

func wake(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// watchEvents turns operator typing into "typing…" in Telegram and wakes
// the deliverer when a message is stored for a Telegram conversation.
func (c *Connector) watchEvents(ctx context.Context) {
	for ctx.Err() == nil {
		sub := c.opt.Hub.SubscribeStaff()
		if sub == nil {
			return // the hub shut down
		}
		c.drainEvents(ctx, sub)
		sub.Close()
	}
}

func (c *Connector) drainEvents(ctx context.Context, sub *hub.Subscription) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-sub.C:
			if !ok {
				return
			}
			if ev.Conversation.Channel != chat.ChannelTelegram {
				continue
			}
			switch {
			case ev.Type == chat.EventMessage:
				wake(c.deliver)
			case ev.Type == chat.EventTyping && ev.Sender == chat.SenderOperator:
				go c.typing(ctx, ev.PlayerID)
			}
		}
	}
}

func (c *Connector) typing(ctx context.Context, playerID string) {
	target, err := c.opt.Store.PlayerIdentity(ctx, chat.ChannelTelegram, playerID)
	if err != nil {
		return
	}
	if chatID, ok := parseChatID(target); ok {
		_ = c.opt.Client.Typing(ctx, chatID)
	}
}
