package telegram_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/connectors/telegram"
	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// The webhook checks the secret before anything else and stores an update
// once, however often Telegram sends it.
func TestWebhookSecretAndDuplicates(t *testing.T) {
	e := newTGEnv(t, storetest.Default(t), envOptions{})
	id := e.fake.PushText(100, "hello")
	for _, secret := range []string{"", "wrong", webhookSecret + "x"} {
		if status, err := e.fake.PostUpdate(e.ctx, e.srv.URL+telegram.WebhookPath, secret, id); err != nil || status != http.StatusUnauthorized {
			t.Fatalf("secret %q: %d %v, want 401", secret, status, err)
		}
	}
	if got, _ := e.st.PendingUpdates(e.ctx, chat.ChannelTelegram, 10); len(got) != 0 {
		t.Fatalf("a refused update was stored: %+v", got)
	}
	for range 3 {
		e.post(id)
	}
	// Updates of a chat are processed in order: once a later one is
	// answered, the duplicates have been handled.
	e.say(100, "sentinel")
	e.waitTexts(100, 2)
	if pending, _ := e.st.PendingUpdates(e.ctx, chat.ChannelTelegram, 10); len(pending) > 1 {
		t.Fatalf("updates left unprocessed: %+v", pending)
	}
	if n := len(e.fake.Messages(100)); n != 2 {
		t.Fatalf("an update sent 3 times and one more were answered with %d messages, want 2", n)
	}
}

// Unlinked accounts and group chats get instructions or a refusal, never
// anything of a player; codes work once, unexpired, on Telegram only.
func TestOnlyLinkedPlayersAreServed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTGEnv(t, st, envOptions{})
		e.say(100, "how do i withdraw")
		if got := e.waitTexts(100, 1); !strings.Contains(got[0], "Continue in Telegram") {
			t.Fatalf("unlinked account got %q", got[0])
		}
		e.post(e.fake.PushMessage(telegramtest.Msg{ChatID: -500, UserID: 100, ChatType: "group", Text: "hi bot"}))
		if got := e.waitTexts(-500, 1); !strings.Contains(got[0], "private chat") {
			t.Fatalf("group got %q", got[0])
		}
		if _, err := st.CurrentConversation(e.ctx, "100"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("an unlinked account got a conversation: %v", err)
		}
		// An expired code, a code for another channel, a made-up code.
		u := e.linkURL("p1", "ru")
		code := u[strings.Index(u, "start=")+6:]
		if len(code) > 64 || len(code) < 22 {
			t.Fatalf("link code %q: want 128+ bits within 64 characters", code)
		}
		if err := st.CreateLinkCode(e.ctx, "p1", chat.ChannelTelegram, telegram.HashLinkCode("expired-code"), time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateLinkCode(e.ctx, "p1", chat.ChannelWebchat, telegram.HashLinkCode("webchat-code"), time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		for i, bad := range []string{"expired-code", "webchat-code", "made-up-code"} {
			e.say(100, "/start "+bad)
			if got := e.waitTexts(100, 2+i); !strings.Contains(got[1+i], "expired") {
				t.Fatalf("code %q answered %q", bad, got[1+i])
			}
		}
		e.say(100, "/start "+code)
		if got := e.waitTexts(100, 5); !strings.Contains(got[4], "linked") {
			t.Fatalf("linking answered %q", got[4])
		}
		// The code is spent: another account cannot use it.
		e.say(200, "/start "+code)
		if got := e.waitTexts(200, 1); !strings.Contains(got[0], "expired") {
			t.Fatalf("reused code answered %q", got[0])
		}
		// Linked: the bot answers, in Russian (the player's language).
		e.say(100, "как вывести деньги на карту")
		if got := e.waitTexts(100, 6); !strings.ContainsAny(got[5], "абвгдеёжзийклмнопрстуфхцчшщыэюя") {
			t.Fatalf("linked player got %q", got[5])
		}
		// Every reply of that turn is there before /unlink is sent.
		conv := mustConv(t, e, "p1")
		msgs, _ := st.Messages(e.ctx, conv.ID, store.Page{Limit: 50})
		e.waitTexts(100, 4+len(msgs))
		// /unlink ends it.
		e.say(100, "/unlink")
		_, i := e.waitFor(100, "no longer linked")
		e.say(100, "how do i deposit")
		if got := e.waitTexts(100, i+2); !strings.Contains(got[i+1], "Continue in Telegram") {
			t.Fatalf("after /unlink: %q", got[i+1])
		}
	})
}

// Buttons become an inline keyboard; a press is answered at once and
// continues the flow.
func TestButtonsAndCallbacks(t *testing.T) {
	e := newTGEnv(t, storetest.Default(t), envOptions{})
	e.link("p1", "en", 100)
	e.say(100, "how do i deposit")
	var withKeys telegramtest.Message
	if err := e.fake.Await(e.ctx, func() bool {
		for _, m := range e.fake.Messages(100) {
			if len(m.Keyboard) > 0 {
				withKeys = m
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("no keyboard: %v\n%s", err, strings.Join(e.texts(100), "\n---\n"))
	}
	yes := withKeys.Keyboard[0][0]
	n := len(e.fake.Messages(100))
	id, cb := e.fake.PushCallback(100, withKeys.ID, yes.Data)
	e.post(id)
	if err := e.fake.Await(e.ctx, func() bool { _, ok := e.fake.Answered(cb); return ok }); err != nil {
		t.Fatal("callback query never answered")
	}
	got := e.waitTexts(100, n+1)
	conv, err := e.st.CurrentConversation(e.ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := e.st.Messages(e.ctx, conv.ID, store.Page{Limit: 50})
	var pressed bool
	for _, m := range msgs {
		pressed = pressed || (m.Sender == chat.SenderPlayer && (m.Text == yes.Data || m.Text == yes.Text))
	}
	if !pressed || len(got) <= n {
		t.Fatalf("the press %q did not reach the conversation: %+v", yes.Text, msgs)
	}
}

// A handoff over Telegram reaches the same queue; the operator's typing and
// reply reach Telegram, named; a photo gets a polite text-only answer.
func TestHandoffOverTelegram(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newTGEnv(t, st, envOptions{})
		e.link("p1", "en", 100)
		e.say(100, "I want to talk to a real person")
		e.waitTexts(100, 2)
		tk, err := st.OpenTicket(e.ctx, mustConv(t, e, "p1").ID)
		if err != nil || tk.Channel != chat.ChannelTelegram {
			t.Fatalf("ticket %+v %v, want one from telegram", tk, err)
		}
		op, err := st.CreateStaff(e.ctx, handoff.Operator{Login: "anna", Name: "Anna", Role: handoff.RoleSupervisor,
			Status: handoff.Online, Capacity: 5}, []byte("hash"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimTicket(e.ctx, tk.ID, op.ID, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		conv := mustConv(t, e, "p1")
		e.hub.Notify(chat.Event{Type: chat.EventTyping, PlayerID: "p1", Conversation: conv, Sender: chat.SenderOperator})
		if err := e.fake.Await(e.ctx, func() bool { return len(e.fake.Requests("sendChatAction")) > 0 }); err != nil {
			t.Fatal("operator typing never reached Telegram")
		}
		m, _, err := st.AppendStaffMessage(e.ctx, chat.Message{ConversationID: conv.ID, SenderID: strconv.FormatInt(op.ID, 10),
			Text: "Hello, this is Anna. <b>Let me check</b> your deposit.", ClientID: "r1"}, false)
		if err != nil {
			t.Fatal(err)
		}
		e.hub.Notify(chat.Event{Type: chat.EventMessage, PlayerID: "p1", Conversation: conv, Message: &m})
		got, i := e.waitFor(100, "Hello, this is Anna")
		if got[i] != "Anna\nHello, this is Anna. <b>Let me check</b> your deposit." {
			t.Fatalf("operator reply arrived as %q (name first, markup as text)", got[i])
		}
		// The bot stays silent under a human; a photo is recorded and answered.
		e.post(e.fake.PushMessage(telegramtest.Msg{ChatID: 100, Photo: true}))
		e.waitFor(100, "only read text")
		msgs, _ := st.Messages(e.ctx, conv.ID, store.Page{Limit: 100})
		if last := msgs[len(msgs)-2]; last.Sender != chat.SenderPlayer || last.Channel != chat.ChannelTelegram {
			t.Fatalf("the photo was not recorded: %+v", last)
		}
	})
}

func mustConv(t *testing.T, e *tgEnv, player string) chat.Conversation {
	t.Helper()
	c, err := e.st.CurrentConversation(e.ctx, player)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// One history across channels: what the player wrote on the site is in the
// conversation Telegram continues, and replies go where the player last
// wrote.
func TestCrossChannelHistory(t *testing.T) {
	e := newTGEnv(t, storetest.Default(t), envOptions{})
	e.link("p1", "en", 100)
	p := chat.Player{ID: "p1", Name: "Player p1", Locale: "en"}
	web, err := e.svc.Send(e.ctx, conversation.Inbound{Player: p, Channel: chat.ChannelWebchat, ClientID: "w1", Text: "how do i deposit"})
	if err != nil {
		t.Fatal(err)
	}
	before := len(e.fake.Messages(100))
	e.say(100, "and how long does a withdrawal take?")
	e.waitTexts(100, before+1)
	msgs, err := e.st.Messages(e.ctx, web.Conversation.ID, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var channels []string
	for _, m := range msgs {
		channels = append(channels, string(m.Sender)+"@"+string(m.Channel))
	}
	if msgs[0].Text != "how do i deposit" || msgs[0].Channel != chat.ChannelWebchat {
		t.Fatalf("history does not start with the site's message: %v", channels)
	}
	var tgPlayer bool
	for _, m := range msgs {
		tgPlayer = tgPlayer || (m.Sender == chat.SenderPlayer && m.Channel == chat.ChannelTelegram)
	}
	if !tgPlayer {
		t.Fatalf("no Telegram message in the one history: %v", channels)
	}
	// The site's replies never went to Telegram (a misrouted one would have
	// been delivered before the reply just awaited: order per chat).
	for _, txt := range e.texts(100) {
		if strings.Contains(txt, web.Replies[0].Text[:20]) {
			t.Fatalf("a reply to the site went to Telegram: %q", txt)
		}
	}
}

// A 10,000-character Russian text arrives whole, in parts within Telegram's
// limit, in order.
func TestLongRussianTextIsSplit(t *testing.T) {
	e := newTGEnv(t, storetest.Default(t), envOptions{})
	e.link("p1", "ru", 100)
	if _, err := e.st.OpenConversation(e.ctx, "p1", chat.ChannelTelegram, "ru"); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 0; b.Len() < 20000; i++ {
		b.WriteString("Вывод средств на карту занимает от 15 минут до 3 рабочих дней — это зависит от банка. ")
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
	}
	long := strings.TrimSpace(b.String())
	if len([]rune(long)) < 10000 {
		t.Fatalf("text is %d characters", len([]rune(long)))
	}
	conv := mustConv(t, e, "p1")
	m, _, err := e.st.AppendInbound(e.ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem, SenderID: "test", Text: long})
	if err != nil {
		t.Fatal(err)
	}
	e.hub.Notify(chat.Event{Type: chat.EventMessage, PlayerID: "p1", Conversation: conv, Message: &m})
	parts := (len([]rune(long)) + telegram.SplitUnits - 1) / telegram.SplitUnits
	_, first := e.waitFor(100, "Вывод средств")
	got := e.waitTexts(100, first+parts)
	if len(got) != first+parts {
		t.Fatalf("%d parts, want %d", len(got)-first, parts)
	}
	var joined []string
	for _, p := range got[first:] {
		if telegramtest.UTF16Len(p) > telegram.MaxMessageUnits {
			t.Fatalf("a part has %d UTF-16 units", telegramtest.UTF16Len(p))
		}
		joined = append(joined, p)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if norm(strings.Join(joined, " ")) != norm(long) {
		t.Fatal("the parts do not make up the text, in order")
	}
}

// A 429 pauses the chat for retry_after; a 403 stops its deliveries and
// tells the operator in a note.
func TestThrottledAndBlocked(t *testing.T) {
	e := newTGEnv(t, storetest.Default(t), envOptions{})
	e.link("p1", "en", 100)
	e.fake.Inject(telegramtest.Fault{Method: "sendMessage", ChatID: 100, Status: 429, RetryAfter: 1})
	e.say(100, "how do i deposit")
	e.waitTexts(100, 2)
	var refused, next time.Time
	for _, r := range e.fake.Requests("sendMessage") {
		if r.ChatID == 100 && r.Status == 429 {
			refused = r.Time
		} else if r.ChatID == 100 && !refused.IsZero() && next.IsZero() {
			next = r.Time
		}
	}
	if refused.IsZero() || next.Sub(refused) < time.Second {
		t.Fatalf("resent %v after a 429 with retry_after 1 s", next.Sub(refused))
	}

	e.fake.Block(100)
	staff := e.hub.SubscribeStaff()
	defer staff.Close()
	e.say(100, "how do i withdraw")
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	for {
		select {
		case ev := <-staff.C:
			if ev.Type == chat.EventMessage && ev.Message != nil && ev.Message.Sender == chat.SenderNote {
				if !strings.Contains(ev.Message.Text, "blocked the bot") {
					t.Fatalf("note %q", ev.Message.Text)
				}
				return
			}
		case <-ctx.Done():
			t.Fatal("the operator was never told the player blocked the bot")
		}
	}
}

// Deliveries to one chat keep their order and pace.
func TestPacingPerChat(t *testing.T) {
	const interval = 100 * time.Millisecond
	e := newTGEnv(t, storetest.Default(t), envOptions{pace: telegram.PaceOptions{PerChat: interval, ChatBurst: 1, Global: time.Millisecond}})
	e.link("p1", "en", 100)
	conv, err := e.st.OpenConversation(e.ctx, "p1", chat.ChannelTelegram, "en")
	if err != nil {
		t.Fatal(err)
	}
	base := len(e.fake.Messages(100))
	for i := range 8 {
		m, _, err := e.st.AppendInbound(e.ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem,
			SenderID: "test", Text: "notice " + strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		e.hub.Notify(chat.Event{Type: chat.EventMessage, PlayerID: "p1", Conversation: conv, Message: &m})
	}
	e.waitTexts(100, base+8)
	msgs := e.fake.Messages(100)[base:]
	for i, m := range msgs {
		if v, _ := telegramtest.Visible(m.Text); v != "notice "+strconv.Itoa(i) {
			t.Fatalf("message %d is %q: out of order", i, v)
		}
		if i > 0 && m.Time.Sub(msgs[i-1].Time) < interval-5*time.Millisecond {
			t.Fatalf("messages %d and %d %v apart, pace is %v", i-1, i, m.Time.Sub(msgs[i-1].Time), interval)
		}
	}
}

// Polling mode: updates are stored before the offset confirms them.
func TestPollingStoresBeforeConfirming(t *testing.T) {
	e := newTGEnv(t, storetest.Default(t), envOptions{mode: telegram.ModePolling})
	e.fake.PushText(100, "hello")
	e.fake.PushText(100, "hello again")
	got := e.waitTexts(100, 2)
	if !strings.Contains(got[0], "Continue in Telegram") {
		t.Fatalf("polled update answered %q", got[0])
	}
	if last, _ := e.st.LastUpdateID(e.ctx, chat.ChannelTelegram); last < 2 {
		t.Fatalf("stored up to %d", last)
	}
}

// Every default flow over Telegram: for each flow's first example, in both
// languages, a linked player in Telegram gets what a player on the site
// gets for the same message, rendered for Telegram.
func TestEveryDefaultFlowOverTelegram(t *testing.T) {
	e := newTGEnv(t, storetest.Default(t), envOptions{})
	bundle := engine.Runtime().Bundle
	// The site's players live in a database of their own, so queue
	// positions compare.
	site := conversation.New(storetest.Default(t), engine, conversation.Options{})
	chatID := int64(1000)
	checked := 0
	for name, flow := range bundle.Flows {
		if len(flow.Intents) == 0 {
			continue
		}
		for _, locale := range []string{"en", "ru"} {
			text := ""
			for _, ex := range bundle.Examples[locale] {
				if ex.Intent == flow.Intents[0] {
					text = ex.Text
					break
				}
			}
			if text == "" {
				continue
			}
			chatID++
			player := "tg-" + name + "-" + locale
			web, err := site.Send(e.ctx, conversation.Inbound{Player: chat.Player{ID: player, Name: "Player " + player, Locale: locale},
				Channel: chat.ChannelWebchat, ClientID: "w", Text: text})
			if err != nil {
				t.Fatal(err)
			}
			e.link(player, locale, chatID)
			before := len(e.fake.Messages(chatID))
			e.say(chatID, text)
			var want []string
			for _, r := range web.Replies {
				for _, part := range telegram.Split(telegram.Render(r.Text)) {
					v, err := telegramtest.Visible(part)
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, v)
				}
			}
			got := e.waitTexts(chatID, before+len(want))[before:]
			if len(got) != len(want) {
				t.Fatalf("flow %s (%s) %q: %d messages in Telegram, want %d", name, locale, text, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("flow %s (%s) %q: message %d is\n%q\nwant (as on the site)\n%q", name, locale, text, i, got[i], want[i])
				}
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d flow openings checked", checked)
	}
}
