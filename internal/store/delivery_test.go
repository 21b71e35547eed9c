package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// linkTelegram links player to Telegram account chatID through a code.
func linkTelegram(t *testing.T, s *store.Store, player, chatID string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.UpsertPlayer(ctx, chat.Player{ID: player, Name: player, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	code := "code-" + player + "-" + chatID
	if err := s.CreateLinkCode(ctx, player, chat.ChannelTelegram, code, time.Now().Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, code, chatID, time.Now()); err != nil || got != player {
		t.Fatalf("redeem: %q %v", got, err)
	}
}

func TestLinkCodesWorkOnceUnexpiredOnTheirChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.CreateLinkCode(ctx, "p1", chat.ChannelTelegram, "fresh", now.Add(10*time.Minute)))
		must(s.CreateLinkCode(ctx, "p1", chat.ChannelTelegram, "old", now.Add(-time.Second)))
		must(s.CreateLinkCode(ctx, "p1", chat.ChannelWebchat, "foreign", now.Add(10*time.Minute)))
		for _, code := range []string{"old", "foreign", "never-made"} {
			if _, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, code, "100", now); chat.ErrorCode(err) != chat.ENOTFOUND {
				t.Errorf("code %q: %v, want not found", code, err)
			}
		}
		if p, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, "fresh", "100", now); err != nil || p != "p1" {
			t.Fatalf("fresh code: %q %v", p, err)
		}
		if _, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, "fresh", "200", now); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("reused code: %v, want not found", err)
		}
		if p, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, "fresh", "100", now); err != nil || p != "p1" {
			t.Fatalf("the same account redeeming again: %q %v, want the same answer", p, err)
		}
		if p, err := s.IdentityPlayer(ctx, chat.ChannelTelegram, "100"); err != nil || p != "p1" {
			t.Fatalf("identity: %q %v", p, err)
		}
		if _, err := s.IdentityPlayer(ctx, chat.ChannelTelegram, "200"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("unlinked account: %v", err)
		}
		// Linking another account replaces the first; unlinking ends it.
		must(s.CreateLinkCode(ctx, "p1", chat.ChannelTelegram, "second", now.Add(10*time.Minute)))
		if _, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, "second", "300", now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IdentityPlayer(ctx, chat.ChannelTelegram, "100"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("replaced account still linked: %v", err)
		}
		if ok, err := s.Unlink(ctx, chat.ChannelTelegram, "", "p1"); err != nil || !ok {
			t.Fatalf("unlink: %v %v", ok, err)
		}
		if _, err := s.PlayerIdentity(ctx, chat.ChannelTelegram, "p1"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("after unlink: %v", err)
		}
	})
}

// Replies go to the channel of the player's latest message: only those
// bound for a linked push channel get a delivery, leased in order per chat.
func TestDeliveriesFollowTheLatestInboundChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		linkTelegram(t, s, "p1", "100")
		linkTelegram(t, s, "p2", "200")
		turn := func(player string, ch chat.Channel, client string, replies ...string) {
			t.Helper()
			conv, err := s.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.FlowState(ctx, conv.ID)
			if err != nil {
				t.Fatal(err)
			}
			res := store.TurnResult{ConversationID: conv.ID, State: st,
				Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: ch, Text: client, ClientID: client}}
			for _, r := range replies {
				res.Replies = append(res.Replies, chat.Message{Text: r})
			}
			if _, err := s.CompleteTurn(ctx, res); err != nil {
				t.Fatal(err)
			}
		}
		turn("p1", chat.ChannelWebchat, "w1", "web answer")
		turn("p1", chat.ChannelTelegram, "t1", "tg 1", "tg 2")
		turn("p2", chat.ChannelTelegram, "t2", "other chat")
		now := time.Now()
		got, err := s.LeaseDeliveries(ctx, chat.ChannelTelegram, now, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Message.Text != "tg 1" || got[0].Target != "100" || got[1].Message.Text != "other chat" || got[1].Target != "200" {
			t.Fatalf("first lease: %+v, want the head of each chat", got)
		}
		// Leased: nobody else gets them, and "tg 2" waits behind "tg 1".
		if again, err := s.LeaseDeliveries(ctx, chat.ChannelTelegram, now, time.Minute, 10); err != nil || len(again) != 0 {
			t.Fatalf("second lease: %+v %v, want none", again, err)
		}
		if err := s.DeliveryRetry(ctx, got[0].ID, now.Add(time.Minute), "HTTP 500"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeliveryDone(ctx, got[1].ID, now); err != nil {
			t.Fatal(err)
		}
		if early, _ := s.LeaseDeliveries(ctx, chat.ChannelTelegram, now, time.Minute, 10); len(early) != 0 {
			t.Fatalf("retried before its time: %+v", early)
		}
		later, err := s.LeaseDeliveries(ctx, chat.ChannelTelegram, now.Add(2*time.Minute), time.Minute, 10)
		if err != nil || len(later) != 1 || later[0].Message.Text != "tg 1" || later[0].Attempts != 2 {
			t.Fatalf("after the retry time: %+v %v", later, err)
		}
		if err := s.DeliveryDone(ctx, later[0].ID, now); err != nil {
			t.Fatal(err)
		}
		next, err := s.LeaseDeliveries(ctx, chat.ChannelTelegram, now.Add(2*time.Minute), time.Minute, 10)
		if err != nil || len(next) != 1 || next[0].Message.Text != "tg 2" {
			t.Fatalf("next in order: %+v %v", next, err)
		}
		// A lease that runs out (the deliverer died) is taken over.
		taken, err := s.LeaseDeliveries(ctx, chat.ChannelTelegram, now.Add(4*time.Minute), time.Minute, 10)
		if err != nil || len(taken) != 1 || taken[0].ID != next[0].ID {
			t.Fatalf("expired lease: %+v %v", taken, err)
		}
	})
}

// An operator reply and a system notice reach Telegram too, and a blocked
// account stops deliveries and tells the operator in a note.
func TestBlockedAccountStopsDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		linkTelegram(t, s, "p1", "100")
		conv, err := s.OpenConversation(ctx, "p1", chat.ChannelTelegram, "en")
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if _, _, err := s.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem,
				SenderID: "desk", Text: fmt.Sprintf("notice %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		notes, convs, err := s.TargetBlocked(ctx, chat.ChannelTelegram, "100", time.Now(), func(n int) string {
			return fmt.Sprintf("%d not delivered", n)
		})
		if err != nil || len(notes) != 1 || notes[0].Text != "3 not delivered" || notes[0].Sender != chat.SenderNote || convs[0].ID != conv.ID {
			t.Fatalf("blocked: %+v %+v %v", notes, convs, err)
		}
		if got, _ := s.LeaseDeliveries(ctx, chat.ChannelTelegram, time.Now(), time.Minute, 10); len(got) != 0 {
			t.Fatalf("deliveries after a block: %+v", got)
		}
		// While blocked nothing is queued; a message from the account unblocks.
		if _, _, err := s.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem, SenderID: "desk", Text: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer, SenderID: "p1",
			Channel: chat.ChannelTelegram, Text: "back", ClientID: "c1"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderSystem, SenderID: "desk", Text: "after"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.LeaseDeliveries(ctx, chat.ChannelTelegram, time.Now(), time.Minute, 10)
		if err != nil || len(got) != 1 || !strings.Contains(got[0].Message.Text, "after") {
			t.Fatalf("after unblocking: %+v %v", got, err)
		}
	})
}

func TestUpdatesStoredOnceInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, id := range []int64{7, 5, 7, 6, 5} {
			if _, err := s.SaveUpdate(ctx, store.InboundUpdate{Channel: chat.ChannelTelegram, UpdateID: id, ChatID: "1", Payload: "{}"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.PendingUpdates(ctx, chat.ChannelTelegram, 10)
		if err != nil || len(got) != 3 || got[0].UpdateID != 5 || got[2].UpdateID != 7 {
			t.Fatalf("pending: %+v %v", got, err)
		}
		if err := s.UpdateDone(ctx, chat.ChannelTelegram, 5, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.PendingUpdates(ctx, chat.ChannelTelegram, 10); len(got) != 2 {
			t.Fatalf("after done: %+v", got)
		}
		if last, err := s.LastUpdateID(ctx, chat.ChannelTelegram); err != nil || last != 7 {
			t.Fatalf("last: %d %v", last, err)
		}
	})
}

func TestPruneChannelRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for id := int64(1); id <= 3; id++ {
			if _, err := s.SaveUpdate(ctx, store.InboundUpdate{Channel: chat.ChannelTelegram, UpdateID: id, ChatID: "1", Payload: "{}"}); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-10 * 24 * time.Hour)
		for _, id := range []int64{1, 2} {
			if err := s.UpdateDone(ctx, chat.ChannelTelegram, id, old); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.UpdateDone(ctx, chat.ChannelTelegram, 3, time.Now()); err != nil {
			t.Fatal(err)
		}
		n, err := s.PruneChannelRecords(ctx, time.Now().Add(-7*24*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("pruned %d %v, want the 2 old ones", n, err)
		}
		if last, _ := s.LastUpdateID(ctx, chat.ChannelTelegram); last != 3 {
			t.Fatalf("last update %d after pruning", last)
		}
	})
}
