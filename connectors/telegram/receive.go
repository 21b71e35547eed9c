package telegram

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// WebhookPath is where Telegram posts updates.
const WebhookPath = "/telegram/webhook"

// maxUpdateBytes bounds one webhook body; real updates are a few KB.
const maxUpdateBytes = 1 << 20

// handleWebhook is our own webhook endpoint (not the library's, which
// acknowledges before anything is stored and accepts a wrong secret): the
// secret is checked in constant time (401, nothing stored), the update is
// stored once by update_id, and only then is it acknowledged. A failure to
// store answers 500, so Telegram delivers it again.
func (c *Connector) handleWebhook(e echo.Context) error {
	if !SecretOK(e.Request().Header.Get("X-Telegram-Bot-Api-Secret-Token"), c.opt.WebhookSecret) {
		return e.NoContent(http.StatusUnauthorized)
	}
	body, err := io.ReadAll(http.MaxBytesReader(e.Response(), e.Request().Body, maxUpdateBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return e.NoContent(http.StatusRequestEntityTooLarge)
		}
		return e.NoContent(http.StatusBadRequest)
	}
	u, err := ParseUpdate(body)
	if err != nil {
		return e.String(http.StatusBadRequest, "not a Telegram update\n")
	}
	if err := c.store(e.Request().Context(), u); err != nil {
		c.log.Error("store telegram update", "update", u.ID, "err", err)
		return e.NoContent(http.StatusInternalServerError)
	}
	return e.NoContent(http.StatusOK)
}

// store saves u (once) and wakes the worker.
func (c *Connector) store(ctx context.Context, u Update) error {
	in, err := Decode(u)
	if err != nil {
		return err
	}
	created, err := c.opt.Store.SaveUpdate(ctx, store.InboundUpdate{Channel: chat.ChannelTelegram, UpdateID: u.ID,
		ChatID: strconv.FormatInt(in.ChatID, 10), Payload: string(u.Raw)})
	if err != nil {
		return err
	}
	if created {
		c.opt.Observe("update_stored")
	} else {
		c.opt.Observe("update_duplicate")
	}
	if created && in.Kind == Callback {
		// Telegram shows a spinner on the button until the press is
		// answered: answer now (within a second), not when the worker gets
		// to the update.
		c.answering.Go(func() { _ = c.opt.Client.AnswerCallback(context.WithoutCancel(ctx), in.CallbackID, "") })
	}
	wake(c.updates)
	return nil
}

// Register mounts the webhook (in webhook mode) and the linking endpoints.
func (c *Connector) Register(e *echo.Echo) {
	if c.opt.Mode == ModeWebhook {
		e.POST(WebhookPath, c.handleWebhook)
	}
	c.registerLinks(e)
}

// registerWebhook calls setWebhook until it succeeds (the client retries
// 429s itself); until then /readyz reports the failure, the server runs.
func (c *Connector) registerWebhook(ctx context.Context) {
	backoff := c.opt.Backoff
	for attempt := 0; ; attempt++ {
		err := c.opt.Client.SetWebhook(ctx, c.opt.WebhookURL, c.opt.WebhookSecret)
		if err == nil {
			c.setReady(nil)
			c.log.Info("telegram webhook registered")
			return
		}
		if ctx.Err() != nil {
			return
		}
		c.setReady(err)
		c.log.Warn("telegram setWebhook failed; retrying", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-c.opt.Clock.After(backoff.Delay(min(attempt, 10))):
		}
	}
}

// pollTimeout is getUpdates' long-poll wait.
const pollTimeout = 25 * time.Second

// poll long-polls getUpdates. The offset only ever moves past updates that
// are stored: a failure to store one stops the batch there, and the next
// poll asks Telegram for it again.
func (c *Connector) poll(ctx context.Context) {
	if err := c.opt.Client.DeleteWebhook(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("telegram deleteWebhook before polling", "err", err)
	}
	backoff := c.opt.Backoff
	failures := 0
	for ctx.Err() == nil {
		last, err := c.opt.Store.LastUpdateID(ctx, chat.ChannelTelegram)
		var updates []Update
		if err == nil {
			updates, err = c.opt.Client.GetUpdates(ctx, last+1, pollTimeout)
		}
		for _, u := range updates {
			if err = c.store(ctx, u); err != nil {
				break
			}
		}
		if err == nil {
			failures = 0
			c.setReady(nil)
			continue
		}
		if ctx.Err() != nil {
			return
		}
		c.setReady(err)
		c.log.Warn("telegram polling", "err", err)
		delay := Classify(err).Delay(backoff, failures)
		failures++
		select {
		case <-ctx.Done():
			return
		case <-c.opt.Clock.After(delay):
		}
	}
}
