package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/store"
)

// telegramConfig configures the Telegram connector; it is on when
// SWITCHBOARD_TELEGRAM_TOKEN is set. Secrets come from the environment only
// (a flag shows in the process list), and the token is never logged.
type telegramConfig struct {
	token         string
	mode          string
	webhookURL    string
	webhookSecret string
	apiURL        string
	username      string
	linkAPIKey    string
	chatInterval  time.Duration
	globalRate    float64
	lease         time.Duration
}

func (c *telegramConfig) register(fs *flag.FlagSet) {
	stringFlag(fs, &c.mode, "telegram-mode", telegram.ModeWebhook, "how Telegram updates arrive: webhook or polling")
	stringFlag(fs, &c.webhookURL, "telegram-webhook-url", "", "public https URL Telegram posts updates to (this server's "+telegram.WebhookPath+")")
	stringFlag(fs, &c.webhookSecret, "telegram-webhook-secret", "", "secret Telegram sends with every webhook call (1-256 of A-Z a-z 0-9 _ -)")
	stringFlag(fs, &c.apiURL, "telegram-api-url", telegram.DefaultAPIURL, "Bot API server (Telegram's, or a self-hosted one)")
	stringFlag(fs, &c.username, "telegram-bot-username", "", "the bot's @username for link URLs (default: asked of Telegram)")
	durationFlag(fs, &c.chatInterval, "telegram-chat-interval", time.Second, "sustained interval between messages to one chat (Telegram's limit: 1 s)")
	floatFlag(fs, &c.globalRate, "telegram-rate", 25, "messages per second to all chats together (Telegram's limit: 30)")
	durationFlag(fs, &c.lease, "telegram-delivery-lease", 30*time.Second, "how long one attempt holds a delivery; after a crash another takes it over after this")
}

// load reads the secrets from the environment.
func (c *telegramConfig) load() {
	c.token = os.Getenv("SWITCHBOARD_TELEGRAM_TOKEN")
	c.linkAPIKey = os.Getenv("SWITCHBOARD_LINK_API_KEY")
}

func (c *telegramConfig) enabled() bool { return c.token != "" }

// pace turns the flags into the pacer's limits (zero values: its defaults).
func (c *telegramConfig) pace() telegram.PaceOptions {
	p := telegram.PaceOptions{PerChat: c.chatInterval}
	if c.globalRate > 0 {
		p.Global = time.Duration(float64(time.Second) / c.globalRate)
	}
	return p
}

// connector builds the Telegram connector, or nil when it is off.
func (c *telegramConfig) connector(st *store.Store, svc *conversation.Service, h *hub.Hub, v *auth.Verifier, maxBytes int, log *slog.Logger, observe func(string)) (*telegram.Connector, error) {
	if !c.enabled() {
		return nil, nil
	}
	client, err := telegram.New(telegram.Options{Token: c.token, APIURL: c.apiURL, Logger: log})
	if err != nil {
		return nil, err
	}
	conn, err := telegram.NewConnector(telegram.ConnectorOptions{Client: client, Store: st, Service: svc, Hub: h,
		Logger: log, Mode: c.mode, WebhookURL: c.webhookURL, WebhookSecret: c.webhookSecret, BotUsername: c.username,
		Verifier: v, APIKey: c.linkAPIKey, MaxBytes: maxBytes, Lease: c.lease, Pace: c.pace(), Observe: observe})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return conn, nil
}
