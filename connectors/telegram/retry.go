package telegram

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/go-telegram/bot"
)

// Kind is what a send attempt came to.
type Kind int

// The kinds of Outcome.
const (
	// Sent: Telegram accepted the message.
	Sent Kind = iota
	// Retry: try again later — after RetryAfter when it is set (a 429),
	// else after a Backoff delay (network error, timeout, 5xx, 401/404/409).
	Retry
	// Blocked: 403, the user blocked the bot (or deleted their account).
	// Permanent for this chat: stop its deliveries and tell the operator.
	Blocked
	// Permanent: 400 and other refusals that resending cannot fix.
	Permanent
)

func (k Kind) String() string {
	switch k {
	case Sent:
		return "sent"
	case Retry:
		return "retry"
	case Blocked:
		return "blocked"
	case Permanent:
		return "permanent"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Outcome classifies the result of one Bot API call.
type Outcome struct {
	Kind Kind
	// RetryAfter is the 429's retry_after: nothing may be sent to the chat
	// before it has passed. Zero for other kinds and other retries.
	RetryAfter time.Duration
	Err        error
}

// Delay is how long to wait before the next attempt of a Retry outcome:
// RetryAfter when Telegram named it, else b's delay for attempt (0-based).
func (o Outcome) Delay(b Backoff, attempt int) time.Duration {
	if o.RetryAfter > 0 {
		return o.RetryAfter
	}
	return b.Delay(attempt)
}

// Classify maps an error returned by Client (or by the library) to an
// Outcome. nil is Sent. A 429 is Retry with RetryAfter; a 403 is Blocked;
// a 400 is Permanent (SendText already retried a parse-entities 400 as plain
// text); 401, 404 and 409 are Retry (configuration or webhook/polling
// conflict: the messages must not be dropped while it is fixed); network
// errors, timeouts and 5xx are Retry. A timeout after Telegram took the
// message cannot be told from one before: the retry may then show the
// message twice (the Bot API has no idempotency key).
func Classify(err error) Outcome {
	if err == nil {
		return Outcome{Kind: Sent}
	}
	var tooMany *bot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		after := time.Duration(tooMany.RetryAfter) * time.Second
		if after <= 0 {
			after = time.Second
		}
		return Outcome{Kind: Retry, RetryAfter: after, Err: err}
	}
	var migrate *bot.MigrateError
	switch {
	case errors.Is(err, bot.ErrorForbidden):
		return Outcome{Kind: Blocked, Err: err}
	case errors.Is(err, bot.ErrorBadRequest), errors.As(err, &migrate):
		return Outcome{Kind: Permanent, Err: err}
	case errors.Is(err, context.Canceled):
		// Our own shutdown: not the message's fault.
		return Outcome{Kind: Retry, Err: err}
	}
	return Outcome{Kind: Retry, Err: err}
}

// isParseError reports a 400 about the HTML itself ("can't parse entities").
func isParseError(err error) bool {
	return errors.Is(err, bot.ErrorBadRequest) && strings.Contains(strings.ToLower(err.Error()), "can't parse entities")
}

// Backoff is capped exponential backoff with full jitter: attempt n waits a
// uniformly random time in [0, min(Max, Base·2ⁿ)).
type Backoff struct {
	Base time.Duration // default 500 ms
	Max  time.Duration // default 1 min
	// Rand returns a value in [0, n); default math/rand/v2.Int64N.
	Rand func(n int64) int64
}

// Delay is the wait before retry number attempt (0-based).
func (b Backoff) Delay(attempt int) time.Duration {
	base, ceil := b.Base, b.Max
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if ceil <= 0 {
		ceil = time.Minute
	}
	d := base
	for i := 0; i < attempt && d < ceil; i++ {
		d *= 2
	}
	d = min(d, ceil)
	rnd := b.Rand
	if rnd == nil {
		rnd = rand.Int64N
	}
	return time.Duration(rnd(int64(d)))
}
