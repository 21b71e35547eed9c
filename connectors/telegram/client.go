package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// DefaultAPIURL is Telegram's Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// Options configures a Client. Token is required; zero fields take defaults.
type Options struct {
	Token  string // the bot token; never logged, never in an error string
	APIURL string // DefaultAPIURL, or a self-hosted Bot API server
	// HTTPClient carries every call (default: a client without its own
	// timeout: each call has a context deadline instead).
	HTTPClient    *http.Client
	Clock         Clock         // for SetWebhook's retries (default SystemClock)
	Logger        *slog.Logger  // the library's own errors, redacted (default slog.Default())
	Backoff       Backoff       // SetWebhook's retries on network errors and 5xx
	SendTimeout   time.Duration // per call of SendText, Typing, webhook calls (default 15 s)
	AnswerTimeout time.Duration // per AnswerCallback (default 1 s)
	// WebhookAttempts bounds SetWebhook's tries (default 5).
	WebhookAttempts int
}

// Client is the Bot API as Switchboard uses it, on go-telegram/bot. Safe for
// concurrent use. Its errors never contain the token; Classify reads them.
type Client struct {
	bot    *bot.Bot
	opt    Options
	redact *strings.Replacer
}

// New returns a Client; it makes no call (no getMe).
func New(opt Options) (*Client, error) {
	if strings.TrimSpace(opt.Token) == "" {
		return nil, errors.New("telegram: empty token")
	}
	if opt.APIURL == "" {
		opt.APIURL = DefaultAPIURL
	}
	opt.APIURL = strings.TrimRight(opt.APIURL, "/")
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{}
	}
	if opt.Clock == nil {
		opt.Clock = SystemClock{}
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.SendTimeout <= 0 {
		opt.SendTimeout = 15 * time.Second
	}
	if opt.AnswerTimeout <= 0 {
		opt.AnswerTimeout = time.Second
	}
	if opt.WebhookAttempts <= 0 {
		opt.WebhookAttempts = 5
	}
	c := &Client{opt: opt, redact: strings.NewReplacer(opt.Token, "***", url.PathEscape(opt.Token), "***")}
	b, err := bot.New(opt.Token,
		bot.WithServerURL(opt.APIURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, opt.HTTPClient),
		bot.WithNotAsyncHandlers(),
		bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}),
		bot.WithDebugHandler(func(string, ...any) {}),
		bot.WithErrorsHandler(func(err error) {
			c.opt.Logger.Warn("telegram: library error", "err", c.redact.Replace(err.Error()))
		}),
	)
	if err != nil {
		return nil, c.wrap("new bot", err)
	}
	c.bot = b
	return c, nil
}

// Me is the bot's own account.
type Me struct {
	ID       int64
	Username string // for links: https://t.me/<Username>?start=<code>
}

// GetMe returns the bot's account; it fails when the token is wrong.
func (c *Client) GetMe(ctx context.Context) (Me, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opt.SendTimeout)
	defer cancel()
	u, err := c.bot.GetMe(ctx)
	if err != nil {
		return Me{}, c.wrap("getMe", err)
	}
	return Me{ID: u.ID, Username: u.Username}, nil
}

// SendText sends one part of a message (at most MaxMessageUnits visible: see
// Split) in HTML parse mode with kb under it, without link previews, and
// returns Telegram's message id. When Telegram cannot parse the HTML (a 400
// "can't parse entities") it sends the part once more as plain text. Classify
// the error to decide what to do with the delivery.
func (c *Client) SendText(ctx context.Context, chatID int64, html string, kb Keyboard) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opt.SendTimeout)
	defer cancel()
	params := &bot.SendMessageParams{
		ChatID:             chatID,
		Text:               html,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
		ReplyMarkup:        kb.markup(),
	}
	m, err := c.bot.SendMessage(ctx, params)
	if err != nil && isParseError(err) {
		params.Text, params.ParseMode = PlainText(html), ""
		m, err = c.bot.SendMessage(ctx, params)
	}
	if err != nil {
		return 0, c.wrap("sendMessage", err)
	}
	return m.ID, nil
}

// AnswerCallback answers a button press (text: an optional toast); Telegram
// shows a spinner until it does. Bounded by AnswerTimeout.
func (c *Client) AnswerCallback(ctx context.Context, callbackID, text string) error {
	ctx, cancel := context.WithTimeout(ctx, c.opt.AnswerTimeout)
	defer cancel()
	_, err := c.bot.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: callbackID, Text: text})
	if err != nil {
		return c.wrap("answerCallbackQuery", err)
	}
	return nil
}

// Typing shows "typing…" in chatID for about 5 s (sendChatAction).
func (c *Client) Typing(ctx context.Context, chatID int64) error {
	ctx, cancel := context.WithTimeout(ctx, c.opt.SendTimeout)
	defer cancel()
	_, err := c.bot.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: chatID, Action: models.ChatActionTyping})
	if err != nil {
		return c.wrap("sendChatAction", err)
	}
	return nil
}

// SetWebhook registers webhookURL with the secret Telegram will send in
// X-Telegram-Bot-Api-Secret-Token, for messages and callback queries. It
// retries a 429 after its retry_after (never earlier) and network errors and
// 5xx with Backoff, at most WebhookAttempts tries; the error left is the last
// one (for readiness).
func (c *Client) SetWebhook(ctx context.Context, webhookURL, secret string) error {
	var err error
	for attempt := range c.opt.WebhookAttempts {
		if attempt > 0 {
			if werr := c.wait(ctx, Classify(err).Delay(c.opt.Backoff, attempt-1)); werr != nil {
				return fmt.Errorf("telegram: setWebhook: %w (last: %w)", werr, err)
			}
		}
		err = c.setWebhook(ctx, webhookURL, secret)
		if o := Classify(err); o.Kind != Retry {
			return err
		}
	}
	return err
}

func (c *Client) setWebhook(ctx context.Context, webhookURL, secret string) error {
	ctx, cancel := context.WithTimeout(ctx, c.opt.SendTimeout)
	defer cancel()
	_, err := c.bot.SetWebhook(ctx, &bot.SetWebhookParams{
		URL:            webhookURL,
		SecretToken:    secret,
		AllowedUpdates: []string{"message", "callback_query"},
	})
	if err != nil {
		return c.wrap("setWebhook", err)
	}
	return nil
}

// DeleteWebhook removes the webhook (before polling), keeping pending
// updates.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.opt.SendTimeout)
	defer cancel()
	if _, err := c.bot.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		return c.wrap("deleteWebhook", err)
	}
	return nil
}

func (c *Client) wait(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.opt.Clock.After(d):
		return nil
	}
}

// wrap names the call and removes the token from err's text. The result
// unwraps to what Classify needs (the library's sentinel errors, a 429, the
// context's errors), never to an error whose text has the token.
func (c *Client) wrap(op string, err error) error {
	return &apiError{msg: "telegram: " + op + ": " + c.redact.Replace(err.Error()), cause: cause(err)}
}

type apiError struct {
	msg   string
	cause error
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.cause }

func cause(err error) error {
	var tooMany *bot.TooManyRequestsError
	var migrate *bot.MigrateError
	switch {
	case errors.As(err, &tooMany):
		return tooMany
	case errors.As(err, &migrate):
		return migrate
	}
	for _, s := range []error{bot.ErrorForbidden, bot.ErrorBadRequest, bot.ErrorUnauthorized,
		bot.ErrorNotFound, bot.ErrorConflict, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}
