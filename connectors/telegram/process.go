package telegram

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/store"
)

// pollStored is how often stored updates are looked for without a wake-up
// (another instance stored them, or a wake-up came while busy).
const pollStored = time.Second

// processLoop processes stored updates: a batch at a time, the chats of a
// batch in parallel, each chat's updates in update_id order. An update is
// marked done only after it is handled, and handling one twice stores
// nothing twice (client ids), so a crash at any point loses nothing.
func (c *Connector) processLoop(ctx context.Context) {
	tick := time.NewTicker(pollStored)
	defer tick.Stop()
	var pruned time.Time
	for ctx.Err() == nil {
		if time.Since(pruned) > pruneEvery {
			pruned = time.Now()
			if _, err := c.opt.Store.PruneChannelRecords(ctx, pruned.Add(-keepRecords)); err != nil && ctx.Err() == nil {
				c.log.Warn("prune telegram records", "err", err)
			}
		}
		n, err := c.processBatch(ctx)
		if err != nil && ctx.Err() == nil {
			c.log.Error("telegram updates", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-c.updates:
		case <-tick.C:
		}
	}
}

const updateBatch = 200

// Processed updates and finished deliveries are kept a week (Telegram
// resends an update for at most a day), pruned hourly.
const (
	keepRecords = 7 * 24 * time.Hour
	pruneEvery  = time.Hour
)

func (c *Connector) processBatch(ctx context.Context) (int, error) {
	pending, err := c.opt.Store.PendingUpdates(ctx, chat.ChannelTelegram, updateBatch)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	byChat := map[string][]store.InboundUpdate{}
	var chats []string
	for _, u := range pending {
		if byChat[u.ChatID] == nil {
			chats = append(chats, u.ChatID)
		}
		byChat[u.ChatID] = append(byChat[u.ChatID], u)
	}
	work := make(chan string)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(c.opt.Workers, len(chats)) {
		wg.Go(func() {
			for id := range work {
				for _, u := range byChat[id] {
					err := c.handle(ctx, u)
					if err == nil {
						err = c.opt.Store.UpdateDone(ctx, chat.ChannelTelegram, u.UpdateID, time.Now())
					}
					if err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						break // the chat's later updates wait: order per chat
					}
				}
			}
		})
	}
	for _, id := range chats {
		work <- id
	}
	close(work)
	wg.Wait()
	return len(pending), firstErr
}

// handle processes one stored update. Errors are returned only for what a
// retry may fix (the database); anything about the update itself is
// answered or ignored, and the update is done.
func (c *Connector) handle(ctx context.Context, su store.InboundUpdate) error {
	in, err := Decode(Update{ID: su.UpdateID, Raw: []byte(su.Payload)})
	if err != nil {
		c.log.Warn("undecodable telegram update", "update", su.UpdateID, "err", err)
		return nil
	}
	if in.Kind == Other {
		return nil
	}
	lang := textsFor(in.LanguageCode)
	if !in.Private {
		c.direct(ctx, in.ChatID, lang.groups)
		return nil
	}
	account := strconv.FormatInt(in.UserID, 10)
	if in.Kind == Text {
		if done, err := c.command(ctx, in, account, lang); done || err != nil {
			return err
		}
	}
	playerID, err := c.opt.Store.IdentityPlayer(ctx, chat.ChannelTelegram, account)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		// Nothing of any player, no flow, no article, no ticket.
		c.direct(ctx, in.ChatID, lang.linkFirst)
		return nil
	}
	if err != nil {
		return err
	}
	player, err := c.opt.Store.Player(ctx, playerID)
	if err != nil {
		return err
	}
	clientID := "tg:" + strconv.FormatInt(su.UpdateID, 10)
	switch in.Kind {
	case NonText:
		return c.nonText(ctx, player, clientID)
	case Callback:
		text, ok := c.buttonText(ctx, playerID, in.Text)
		if !ok {
			return nil // a button of a message that is not this player's, or gone
		}
		return c.send(ctx, player, clientID, text, in.ChatID, lang)
	default:
		return c.send(ctx, player, clientID, in.Text, in.ChatID, lang)
	}
}

// send runs a player's message through the conversation service, which
// stores it with the answer and its deliveries.
func (c *Connector) send(ctx context.Context, p chat.Player, clientID, text string, chatID int64, lang texts) error {
	_, err := c.opt.Service.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelTelegram, ClientID: clientID, Text: text})
	switch chat.ErrorCode(err) {
	case "":
		wake(c.deliver)
		return nil
	case chat.ETOOLARGE:
		c.direct(ctx, chatID, lang.tooLong)
		return nil
	case chat.EINVALID:
		c.direct(ctx, chatID, lang.unreadable)
		return nil
	}
	return err
}

// nonText records a photo, sticker or voice note and says, in the
// conversation (so an operator sees both), that only text is read.
func (c *Connector) nonText(ctx context.Context, p chat.Player, clientID string) error {
	conv, err := c.opt.Store.OpenConversation(ctx, p.ID, chat.ChannelTelegram, p.Locale)
	if err != nil {
		return err
	}
	if _, _, err := c.opt.Store.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer,
		SenderID: p.ID, Channel: chat.ChannelTelegram, ClientID: clientID, Text: "[non-text message]"}); err != nil {
		return err
	}
	lang := textsFor(conv.Locale)
	if _, _, err := c.opt.Store.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem,
		SenderID: "telegram", ClientID: clientID, Text: lang.textOnly}); err != nil {
		return err
	}
	wake(c.deliver)
	return nil
}

// buttonText is what a pressed button sends: its payload as it travelled,
// or, for a long one, the payload stored with the player's message.
func (c *Connector) buttonText(ctx context.Context, playerID, data string) (string, bool) {
	msgID, index, keyed := ButtonKey(data)
	if !keyed {
		return data, strings.TrimSpace(data) != ""
	}
	m, err := c.opt.Store.PlayerMessage(ctx, playerID, msgID)
	if err != nil || index < 0 || index >= len(m.Buttons) {
		return "", false
	}
	b := m.Buttons[index]
	if b.Payload != "" {
		return b.Payload, true
	}
	return b.Label, true
}

// command handles /start [code] and /unlink; done is false for any other
// text.
func (c *Connector) command(ctx context.Context, in Inbound, account string, lang texts) (bool, error) {
	cmd, arg, _ := strings.Cut(strings.TrimSpace(in.Text), " ")
	cmd, _, _ = strings.Cut(cmd, "@") // "/start@SwitchboardBot"
	switch cmd {
	case "/start":
		arg = strings.TrimSpace(arg)
		if arg == "" {
			if _, err := c.opt.Store.IdentityPlayer(ctx, chat.ChannelTelegram, account); err == nil {
				c.direct(ctx, in.ChatID, lang.welcome)
				return true, nil
			}
			c.direct(ctx, in.ChatID, lang.linkFirst)
			return true, nil
		}
		_, err := c.opt.Store.RedeemLinkCode(ctx, chat.ChannelTelegram, HashLinkCode(arg), account, time.Now())
		switch chat.ErrorCode(err) {
		case "":
			c.direct(ctx, in.ChatID, lang.linked)
		case chat.ENOTFOUND:
			c.direct(ctx, in.ChatID, lang.badCode)
		default:
			return true, err
		}
		return true, nil
	case "/unlink":
		ok, err := c.opt.Store.Unlink(ctx, chat.ChannelTelegram, account, "")
		if err != nil {
			return true, err
		}
		if ok {
			c.direct(ctx, in.ChatID, lang.unlinked)
		} else {
			c.direct(ctx, in.ChatID, lang.linkFirst)
		}
		return true, nil
	}
	return false, nil
}

// direct sends a connector's own text (linking, refusals) to a chat; these
// belong to no conversation, so they are paced but not stored.
func (c *Connector) direct(ctx context.Context, chatID int64, text string) {
	if _, o := c.sender.Send(ctx, chatID, Escape(text), nil); o.Kind != Sent && ctx.Err() == nil {
		c.log.Warn("telegram direct message not sent", "outcome", o.Kind.String(), "err", o.Err)
	}
}

func parseChatID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id != 0
}
