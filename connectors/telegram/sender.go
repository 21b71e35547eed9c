package telegram

import "context"

// Sender sends message parts in HTML under a Pacer: it waits for the chat's
// slot, sends, and turns a 429 into a pause of the chat (or of everything,
// on a flood) so that nothing is sent before retry_after.
type Sender struct {
	Client *Client
	Pacer  *Pacer
}

// Send sends one part to chatID (see Client.SendText) and classifies the
// result; it returns Telegram's message id when Sent. When ctx ends while
// waiting for a slot, nothing was sent and the outcome is Retry.
func (s *Sender) Send(ctx context.Context, chatID int64, html string, kb Keyboard) (int, Outcome) {
	if err := s.Pacer.Wait(ctx, chatID); err != nil {
		return 0, Outcome{Kind: Retry, Err: err}
	}
	id, err := s.Client.SendText(ctx, chatID, html, kb)
	o := Classify(err)
	if o.RetryAfter > 0 {
		s.Pacer.Throttled(chatID, o.RetryAfter)
	}
	return id, o
}
