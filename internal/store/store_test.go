package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func TestPlayerUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.UpsertPlayer(ctx, chat.Player{ID: "p1", Name: "Ann", Locale: "en",
			Attributes: map[string]string{"vip_level": "2"}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.UpsertPlayer(ctx, chat.Player{ID: "p1", Name: "Anna", Locale: "ru",
			Attributes: map[string]string{"vip_level": "3", "verified": "true"}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Anna" || got.Locale != "ru" || got.Attributes["vip_level"] != "3" || got.Attributes["verified"] != "true" {
			t.Errorf("got %+v, want refreshed name, locale and attributes", got)
		}
		if _, err := s.Player(ctx, "nobody"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("missing player: got %v, want not_found", err)
		}
		if _, err := s.UpsertPlayer(ctx, chat.Player{}); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("empty id: got %v, want invalid", err)
		}
	})
}

func TestOpenConversationConcurrentIsOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		mustPlayer(t, s, "p1")
		const n = 8
		ids := make([]int64, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := s.OpenConversation(ctx, "p1", chat.ChannelWebchat, "en")
				if err != nil {
					errs <- err
					return
				}
				ids[i] = c.ID
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("concurrent opens returned different conversations: %v", ids)
			}
		}
		// The same player on another channel continues the same conversation;
		// opening it there changes nothing (neither where replies go nor,
		// the token's locale being only the starting default, its language).
		c, err := s.OpenConversation(ctx, "p1", chat.ChannelTelegram, "ru")
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != ids[0] || c.Channel != chat.ChannelWebchat || c.Locale != "en" {
			t.Errorf("cross-channel: got %+v, want conversation %d still on webchat, still en", c, ids[0])
		}
		// A turn answered in Russian makes the conversation Russian.
		if _, err := s.CompleteTurn(ctx, store.TurnResult{ConversationID: c.ID, Locale: "ru",
			Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: "p1", Channel: chat.ChannelTelegram, Text: "привет", ClientID: "ru1"}}); err != nil {
			t.Fatal(err)
		}
		if c, _ = s.Conversation(ctx, c.ID); c.Locale != "ru" {
			t.Errorf("after a Russian turn the conversation is %q, want ru", c.Locale)
		}
		if c.Channel != chat.ChannelTelegram {
			t.Errorf("after a message from telegram replies go to %q, want telegram", c.Channel)
		}
		// A closed conversation is not reopened.
		if err := s.SetConversationState(ctx, c.ID, chat.StateClosed); err != nil {
			t.Fatal(err)
		}
		c2, err := s.OpenConversation(ctx, "p1", chat.ChannelWebchat, "en")
		if err != nil {
			t.Fatal(err)
		}
		if c2.ID == c.ID || c2.State != chat.StateBot {
			t.Errorf("after close: got %+v, want a new bot conversation", c2)
		}
	})
}

func TestAppendInboundIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conv := mustConversation(t, s, "p1")
		msg := chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer, SenderID: "p1",
			Channel: chat.ChannelWebchat, Text: "hello", ClientID: "c-1"}
		const n = 6
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		ids := map[int64]bool{}
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, ok, err := s.AppendInbound(ctx, msg)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				ids[m.ID] = true
				if ok {
					created++
				}
			}()
		}
		wg.Wait()
		if created != 1 || len(ids) != 1 {
			t.Fatalf("created %d times with ids %v, want once with one id", created, ids)
		}
		history, err := s.Messages(ctx, conv.ID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 1 || history[0].Text != "hello" {
			t.Fatalf("history = %+v, want the one message", history)
		}
		// Another player may use the same client id.
		other := mustConversation(t, s, "p2")
		_, ok, err := s.AppendInbound(ctx, chat.Message{ConversationID: other.ID, Sender: chat.SenderPlayer,
			SenderID: "p2", Channel: chat.ChannelWebchat, Text: "hi", ClientID: "c-1"})
		if err != nil || !ok {
			t.Fatalf("other player's same client id: created=%v err=%v, want stored", ok, err)
		}
	})
}

func TestCompleteTurn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conv := mustConversation(t, s, "p1")
		player := func(text, client string) chat.Message {
			return chat.Message{Sender: chat.SenderPlayer, SenderID: "p1", Channel: chat.ChannelWebchat, Text: text, ClientID: client}
		}
		st, err := s.FlowState(ctx, conv.ID)
		if err != nil || st.Version != 0 {
			t.Fatalf("initial state %+v, %v; want version 0", st, err)
		}
		st.Flow, st.Step, st.Slots = "deposit", "ask_amount", map[string]string{"method": "card"}
		// The inbound message and the answer are stored together.
		out, err := s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, Inbound: player("deposit", "c-1"), State: st,
			Replies: []chat.Message{{Text: "How much?", Channel: chat.ChannelWebchat,
				Buttons: []chat.Button{{Label: "€10"}}, Articles: []chat.ArticleRef{{ID: "deposit-methods", Title: "Deposit methods"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		in := out.Inbound
		if in.ID == 0 || in.Text != "deposit" || out.State != chat.StateBot || out.BotSilent {
			t.Fatalf("outcome = %+v", out)
		}
		replies := out.Replies
		if len(replies) != 1 || replies[0].Sender != chat.SenderBot || replies[0].Buttons[0].Label != "€10" ||
			replies[0].Articles[0].ID != "deposit-methods" {
			t.Fatalf("replies = %+v", replies)
		}
		got, err := s.Replies(ctx, in)
		if err != nil || len(got) != 1 || got[0].ID != replies[0].ID {
			t.Fatalf("Replies(%d) = %+v, %v; want the stored reply", in.ID, got, err)
		}
		if m, ok, err := s.MessageByClientID(ctx, chat.SenderPlayer, "p1", "c-1"); err != nil || !ok || m.ID != in.ID {
			t.Fatalf("by client id: %+v %v %v", m, ok, err)
		}
		st2, err := s.FlowState(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st2.Version != 1 || st2.Flow != "deposit" || st2.Step != "ask_amount" || st2.Slots["method"] != "card" {
			t.Fatalf("stored state = %+v", st2)
		}
		// The same client id again is refused whole.
		_, err = s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, Inbound: player("deposit", "c-1"), State: st2})
		if !errors.Is(err, store.ErrDuplicateMessage) {
			t.Fatalf("duplicate: got %v, want ErrDuplicateMessage", err)
		}
		// A turn computed from the stale version loses and writes nothing.
		_, err = s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, Inbound: player("again", "c-2"), State: st,
			Replies: []chat.Message{{Text: "stale", Channel: chat.ChannelWebchat}}})
		if chat.ErrorCode(err) != chat.ECONFLICT || errors.Is(err, store.ErrDuplicateMessage) {
			t.Fatalf("stale turn: got %v, want a flow-state conflict", err)
		}
		if _, ok, _ := s.MessageByClientID(ctx, chat.SenderPlayer, "p1", "c-2"); ok {
			t.Fatal("the losing turn stored its message")
		}
		// A handoff queues a ticket and takes the conversation from the bot.
		out, err = s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, Inbound: player("person please", "c-3"), State: st2,
			Ticket: &handoff.Ticket{Skill: "payments", Priority: handoff.PriorityHigh, Reason: "deposit not credited"}})
		if err != nil || out.State != chat.StateQueued {
			t.Fatalf("handoff turn: %+v, %v; want queued", out, err)
		}
		c, err := s.Conversation(ctx, conv.ID)
		if err != nil || c.State != chat.StateQueued {
			t.Fatalf("conversation after handoff = %+v, %v; want queued", c, err)
		}
		tickets, err := s.Tickets(ctx, conv.ID)
		if err != nil || len(tickets) != 1 || tickets[0].Skill != "payments" || tickets[0].Priority != "high" ||
			tickets[0].Status != handoff.StatusQueued || tickets[0].Channel != chat.ChannelWebchat {
			t.Fatalf("tickets = %+v, %v", tickets, err)
		}
		// Once a human holds it, a late bot turn stores only the message.
		st3, _ := s.FlowState(ctx, conv.ID)
		out, err = s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, Inbound: player("hello?", "c-4"), State: st3,
			Replies: []chat.Message{{Text: "bot talking over the human", Channel: chat.ChannelWebchat}}})
		if err != nil || !out.BotSilent || len(out.Replies) != 0 || out.Inbound.ID == 0 {
			t.Fatalf("late bot turn: %+v, %v; want the message stored and the bot silent", out, err)
		}
	})
}

func TestMessagesPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		conv := mustConversation(t, s, "p1")
		var ids []int64
		for i := range 7 {
			m, _, err := s.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer,
				SenderID: "p1", Channel: chat.ChannelWebchat, Text: fmt.Sprint(i), ClientID: fmt.Sprint("c", i)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, m.ID)
		}
		tests := []struct {
			name string
			page store.Page
			want []string
		}{
			{"first page", store.Page{Limit: 3}, []string{"0", "1", "2"}},
			{"after", store.Page{After: ids[2], Limit: 3}, []string{"3", "4", "5"}},
			{"tail", store.Page{After: ids[5], Limit: 3}, []string{"6"}},
			{"before", store.Page{Before: ids[6], Limit: 2}, []string{"4", "5"}},
			{"before start", store.Page{Before: ids[1], Limit: 5}, []string{"0"}},
		}
		for _, tt := range tests {
			got, err := s.Messages(ctx, conv.ID, tt.page)
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, m := range got {
				texts = append(texts, m.Text)
			}
			if fmt.Sprint(texts) != fmt.Sprint(tt.want) {
				t.Errorf("%s: got %v, want %v", tt.name, texts, tt.want)
			}
		}
	})
}

func TestPlayerConversationIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := mustConversation(t, s, "a")
		mustConversation(t, s, "b")
		if _, err := s.PlayerConversation(ctx, "b", a.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("b reading a's conversation: got %v, want not_found", err)
		}
		if c, err := s.PlayerConversation(ctx, "a", a.ID); err != nil || c.ID != a.ID {
			t.Errorf("a reading own conversation: %+v, %v", c, err)
		}
	})
}

func TestContentVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.LiveContentVersion(ctx); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("no publication yet: got %v, want not_found", err)
		}
		v1, err := s.SaveContentVersion(ctx, map[string][]byte{"settings.yaml": []byte("a: 1\n"), "kb/en/x.md": {0xff, 0}}, "first", "ed")
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.SaveContentVersion(ctx, map[string][]byte{"kb/en/x.md": {0xff, 0}, "settings.yaml": []byte("a: 1\n")}, "dup", "ed")
		if err != nil || again.ID != v1.ID {
			t.Fatalf("same bytes saved as %d (%v), want existing %d", again.ID, err, v1.ID)
		}
		v2, err := s.SaveContentVersion(ctx, map[string][]byte{"settings.yaml": []byte("a: 2\n")}, "second", "ed")
		if err != nil || v2.ID == v1.ID {
			t.Fatalf("v2 = %+v, %v", v2, err)
		}
		for _, step := range []struct {
			publish int64
			want    string
		}{{v1.ID, "a: 1\n"}, {v2.ID, "a: 2\n"}, {v1.ID, "a: 1\n"}} {
			if err := s.PublishContentVersion(ctx, step.publish, "ed"); err != nil {
				t.Fatal(err)
			}
			live, err := s.LiveContentVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if live.ID != step.publish || string(live.Files["settings.yaml"]) != step.want {
				t.Fatalf("live = %d %q, want %d %q", live.ID, live.Files["settings.yaml"], step.publish, step.want)
			}
		}
		live, _ := s.LiveContentVersion(ctx)
		if b := live.Files["kb/en/x.md"]; len(b) != 2 || b[0] != 0xff {
			t.Errorf("binary file not round-tripped byte for byte: %v", b)
		}
		if err := s.PublishContentVersion(ctx, 9999, "ed"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("publish missing: got %v, want not_found", err)
		}
		list, err := s.ContentVersions(ctx)
		if err != nil || len(list) != 2 || list[0].ID != v2.ID {
			t.Errorf("versions = %+v, %v", list, err)
		}
	})
}

func mustPlayer(t *testing.T, s *store.Store, id string) {
	t.Helper()
	if _, err := s.UpsertPlayer(context.Background(), chat.Player{ID: id, Name: id, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
}

func mustConversation(t *testing.T, s *store.Store, playerID string) chat.Conversation {
	t.Helper()
	mustPlayer(t, s, playerID)
	c, err := s.OpenConversation(context.Background(), playerID, chat.ChannelWebchat, "en")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// --sqlite-synchronous full syncs every commit; anything else is refused.
func TestSQLiteSynchronous(t *testing.T) {
	ctx := context.Background()
	for want, opt := range map[int]string{1: "", 2: "full"} {
		s, err := store.OpenWith(ctx, filepath.Join(t.TempDir(), "s.db"), store.Options{SQLiteSynchronous: opt})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.SQLitePragma(ctx, "synchronous"); got != want {
			t.Errorf("synchronous %q: PRAGMA says %d, want %d", opt, got, want)
		}
		s.Close()
	}
	if _, err := store.OpenWith(ctx, filepath.Join(t.TempDir(), "s.db"), store.Options{SQLiteSynchronous: "off"}); chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("synchronous off: %v, want refused", err)
	}
}
