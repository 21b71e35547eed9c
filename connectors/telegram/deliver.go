package telegram

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// deliverLoop drains the stored deliveries: each round leases the oldest
// pending delivery of every chat (store.LeaseDeliveries) and sends them,
// chats in parallel under the pacer. A chat's next message is leased only
// once the previous one is done, so order per chat holds across restarts
// and instances.
func (c *Connector) deliverLoop(ctx context.Context) {
	tick := time.NewTicker(pollStored)
	defer tick.Stop()
	for ctx.Err() == nil {
		n, err := c.deliverRound(ctx)
		if err != nil && ctx.Err() == nil {
			c.log.Error("telegram deliveries", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-c.deliver:
		case <-tick.C:
		}
	}
}

const deliveryBatch = 100

func (c *Connector) deliverRound(ctx context.Context) (int, error) {
	due, err := c.opt.Store.LeaseDeliveries(ctx, chat.ChannelTelegram, c.opt.Clock.Now(), c.opt.Lease, deliveryBatch)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	work := make(chan store.Delivery)
	var wg sync.WaitGroup
	for range min(c.opt.Workers, len(due)) {
		wg.Go(func() {
			for d := range work {
				if err := c.deliverOne(ctx, d); err != nil && ctx.Err() == nil {
					c.log.Error("telegram delivery", "delivery", d.ID, "err", err)
				}
			}
		})
	}
	for _, d := range due {
		work <- d
	}
	close(work)
	wg.Wait()
	return len(due), nil
}

// deliverOne sends one message (its remaining parts) and records the
// outcome. A part is recorded as sent right after Telegram accepts it; a
// crash between the two sends that part again on restart — the one window
// where a player may see a part twice (Telegram has no idempotency key).
func (c *Connector) deliverOne(ctx context.Context, d store.Delivery) error {
	chatID, ok := parseChatID(d.Target)
	if !ok {
		return c.opt.Store.DeliveryFailed(ctx, d.ID, time.Now(), "not a Telegram chat id: "+d.Target)
	}
	parts, kb := c.compose(ctx, d.Message)
	if len(parts) == 0 {
		return c.opt.Store.DeliveryDone(ctx, d.ID, time.Now())
	}
	for i := d.PartsSent; i < len(parts); i++ {
		var keys Keyboard
		if i == len(parts)-1 {
			keys = kb // buttons under the last part
		}
		_, o := c.sender.Send(ctx, chatID, parts[i], keys)
		c.opt.Observe(outcomeEvent[o.Kind])
		switch o.Kind {
		case Sent:
			if i == len(parts)-1 {
				return c.opt.Store.DeliveryDone(ctx, d.ID, time.Now())
			}
			if err := c.opt.Store.DeliveryProgress(ctx, d.ID, i+1); err != nil {
				return err
			}
		case Retry:
			if ctx.Err() != nil {
				// Shutting down: release it for the next start at once.
				return c.opt.Store.DeliveryRetry(context.WithoutCancel(ctx), d.ID, time.Now(), "interrupted by shutdown")
			}
			next := c.opt.Clock.Now().Add(o.Delay(c.opt.Backoff, d.Attempts-1))
			return c.opt.Store.DeliveryRetry(ctx, d.ID, next, errText(o))
		case Blocked:
			notes, convs, err := c.opt.Store.TargetBlocked(ctx, chat.ChannelTelegram, d.Target, time.Now(), blockedNote)
			if err != nil {
				return err
			}
			for i := range notes {
				if c.opt.Hub != nil {
					c.opt.Hub.NotifyStaff(chat.Event{Type: chat.EventMessage, PlayerID: convs[i].PlayerID,
						Conversation: convs[i], Message: &notes[i]})
				}
			}
			return nil
		default:
			return c.opt.Store.DeliveryFailed(ctx, d.ID, time.Now(), errText(o))
		}
	}
	return nil
}

// compose renders a stored message for Telegram: an operator's name first,
// the text as Telegram HTML cut into parts, its buttons as a keyboard.
func (c *Connector) compose(ctx context.Context, m chat.Message) ([]string, Keyboard) {
	html := Render(m.Text)
	if m.Sender == chat.SenderOperator {
		if name, err := c.opt.Service.StaffName(ctx, m.SenderID); err == nil && name != "" {
			html = "<b>" + Escape(name) + "</b>\n" + html
		}
	}
	buttons := make([]Button, len(m.Buttons))
	for i, b := range m.Buttons {
		buttons[i] = Button{Label: b.Label, Payload: b.Payload}
	}
	return Split(html), NewKeyboard(m.ID, buttons)
}

var outcomeEvent = map[Kind]string{Sent: "sent", Retry: "retry", Blocked: "blocked", Permanent: "failed"}

func blockedNote(n int) string {
	return fmt.Sprintf("The player blocked the bot in Telegram: %d message(s) were not delivered there. "+
		"They will see the conversation on the site; nothing more goes to Telegram until they write there again.", n)
}

func errText(o Outcome) string {
	if o.Err != nil {
		return o.Kind.String() + ": " + o.Err.Error()
	}
	return o.Kind.String()
}
