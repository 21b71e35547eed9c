package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestErasePlayer: a player with web and Telegram messages, a ticket whose
// reason quotes them, a CSAT comment, a Telegram link, a spare link code, a
// pending delivery and a stored update is erased in one go: none of the
// identifying strings is left in any table, the other player is untouched,
// the audit log has the erasure, erasing again succeeds, and an unknown
// player is ENOTFOUND.
func TestErasePlayer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		const player, chatID = "p-erase", "778899001"
		secrets := []string{"Zelda", "Quux", "zelda@quux.example", "ZQSECRET1", "ZQSECRET2", "ZQSECRET3", "ZQSLOT", chatID}
		_, err := s.UpsertPlayer(ctx, chat.Player{ID: player, Name: "Zelda Quux", Locale: "en",
			Attributes: map[string]string{"email": "zelda@quux.example"}})
		must(err)
		_, err = s.UpsertPlayer(ctx, chat.Player{ID: "p-keep", Name: "Keeper", Locale: "en"})
		must(err)
		now := time.Now()
		must(s.CreateLinkCode(ctx, player, chat.ChannelTelegram, "zq-code-1", now.Add(10*time.Minute)))
		if _, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, "zq-code-1", chatID, now); err != nil {
			t.Fatal(err)
		}
		must(s.CreateLinkCode(ctx, player, chat.ChannelTelegram, "zq-code-2", now.Add(10*time.Minute)))

		// Web: a turn that hands off, quoting the player in the reason.
		conv, err := s.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
		must(err)
		out, err := s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID,
			Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelWebchat,
				Text: "my code is ZQSECRET1", ClientID: "w1"},
			Replies: []chat.Message{{Text: "Hello Zelda Quux", Buttons: []chat.Button{{Label: "ZQSECRET1?", Payload: "yes"}}}},
			State:   flows.State{Flow: "kyc", Step: "ask", Slots: map[string]string{"email": "ZQSLOT zelda@quux.example"}},
			Ticket: &handoff.Ticket{Skill: "payments", Priority: handoff.PriorityNormal, Reason: "Player wrote: ZQSECRET1",
				CreatedAt: now}})
		must(err)
		anna := mustOperator(t, s, "anna", 3, "payments")
		_, err = s.ClaimTicket(ctx, out.Ticket.ID, anna.ID, now, nil)
		must(err)
		_, err = s.ActOnTicket(ctx, anna.ID, out.Ticket.ID, func(a handoff.Operator, tk *handoff.Ticket) error {
			return tk.Resolve(a.ID, now)
		})
		must(err)
		_, err = s.UpdateTicket(ctx, out.Ticket.ID, func(tk *handoff.Ticket) error { return tk.Rate(2, "ZQSECRET3 was slow") })
		must(err)
		must(s.SetConversationState(ctx, conv.ID, chat.StateBot))

		// Telegram: a stored update, the message it became, a reply on its
		// way (pending delivery).
		if _, err := s.SaveUpdate(ctx, store.InboundUpdate{Channel: chat.ChannelTelegram, UpdateID: 5001, ChatID: chatID,
			Payload: `{"update_id":5001,"message":{"chat":{"id":778899001},"text":"ZQSECRET2 here"}}`}); err != nil {
			t.Fatal(err)
		}
		st, err := s.FlowState(ctx, conv.ID)
		must(err)
		_, err = s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, State: st,
			Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelTelegram,
				Text: "ZQSECRET2 here", ClientID: "tg:5001"},
			Replies: []chat.Message{{Text: "Noted, ZQSECRET2", Articles: []chat.ArticleRef{{ID: "zq", Title: "ZQSECRET2 help"}}}}})
		must(err)

		// Another player's conversation stays as it is.
		other, err := s.OpenConversation(ctx, "p-keep", chat.ChannelWebchat, "en")
		must(err)
		_, err = s.CompleteTurn(ctx, store.TurnResult{ConversationID: other.ID,
			Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: "p-keep", Channel: chat.ChannelWebchat, Text: "keep me", ClientID: "k1"},
			Replies: []chat.Message{{Text: "kept"}}})
		must(err)

		dump := func() string {
			t.Helper()
			text, err := s.TableTextForTest(ctx)
			must(err)
			return text
		}
		before := dump()
		for _, sec := range secrets {
			if !strings.Contains(before, sec) {
				t.Fatalf("seeding left out %q:\n%s", sec, before)
			}
		}
		if !strings.Contains(before, "state=pending") {
			t.Fatalf("no pending delivery seeded:\n%s", before)
		}

		got, err := s.ErasePlayer(ctx, player, store.AuditEntry{Actor: "cli:tester"})
		must(err)
		if got.Conversations != 1 || got.Messages != 4 || got.Tickets != 1 || got.Identities != 1 || got.LinkCodes < 1 ||
			got.Deliveries < 1 || got.Updates != 1 {
			t.Fatalf("erasure %+v", got)
		}
		after := dump()
		for _, sec := range secrets {
			for _, line := range strings.Split(after, "\n") {
				if strings.Contains(line, sec) {
					t.Errorf("%q left after erasure: %s", sec, line)
				}
			}
		}
		if strings.Contains(after, "state=pending") {
			t.Errorf("a delivery is still pending:\n%s", after)
		}
		if !strings.Contains(after, "keep me") || !strings.Contains(after, "Keeper") {
			t.Errorf("the other player was touched:\n%s", after)
		}

		p, err := s.Player(ctx, player)
		must(err)
		if p.ID != player || p.Name != "" || len(p.Attributes) != 0 {
			t.Errorf("player after erasure: %+v", p)
		}
		msgs, err := s.Messages(ctx, conv.ID, store.Page{})
		must(err)
		if len(msgs) != 4 {
			t.Fatalf("messages after erasure: %+v", msgs)
		}
		for _, m := range msgs {
			if m.Text != store.ErasedText || len(m.Buttons) != 0 || len(m.Articles) != 0 {
				t.Errorf("message after erasure: %+v", m)
			}
			if m.Sender == chat.SenderPlayer && m.SenderID != player {
				t.Errorf("sender id changed: %+v", m)
			}
		}
		// A redelivered update is still recognised by its client id.
		if _, ok, err := s.MessageByClientID(ctx, chat.SenderPlayer, player, "tg:5001"); err != nil || !ok {
			t.Errorf("client id lost: %v %v", ok, err)
		}
		if last, err := s.LastUpdateID(ctx, chat.ChannelTelegram); err != nil || last != 5001 {
			t.Errorf("last update id after erasure: %d %v, want 5001 (polling resumes after it)", last, err)
		}
		if pending, err := s.PendingUpdates(ctx, chat.ChannelTelegram, 10); err != nil || len(pending) != 0 {
			t.Errorf("pending updates after erasure: %+v %v", pending, err)
		}
		tk, err := s.Ticket(ctx, out.Ticket.ID)
		must(err)
		if tk.Reason != "" || tk.CSATComment != "" || tk.CSAT != 2 {
			t.Errorf("ticket after erasure: %+v", tk)
		}
		fs, err := s.FlowState(ctx, conv.ID)
		must(err)
		if len(fs.Slots) != 0 || fs.Flow != "" {
			t.Errorf("flow state after erasure: %+v", fs)
		}
		if _, err := s.PlayerIdentity(ctx, chat.ChannelTelegram, player); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("identity after erasure: %v", err)
		}
		if _, err := s.CurrentConversation(ctx, player); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("the conversation is still open: %v", err)
		}
		if d, err := s.LeaseDeliveries(ctx, chat.ChannelTelegram, now.Add(time.Hour), time.Minute, 10); err != nil || len(d) != 0 {
			t.Errorf("deliveries still leased after erasure: %+v %v", d, err)
		}
		log, err := s.AuditLog(ctx, 0, 5)
		must(err)
		if len(log) == 0 || log[0].Action != store.AuditPlayerErase || log[0].Actor != "cli:tester" || log[0].Target != "player:"+player {
			t.Fatalf("audit: %+v", log)
		}
		var details map[string]any
		if err := json.Unmarshal(log[0].Details, &details); err != nil || details["messages"] == nil {
			t.Errorf("audit details %s: %v", log[0].Details, err)
		}

		// Idempotent: again succeeds (and is recorded); unknown is ENOTFOUND.
		if _, err := s.ErasePlayer(ctx, player, store.AuditEntry{Actor: "cli:tester"}); err != nil {
			t.Fatalf("erase again: %v", err)
		}
		if again := dump(); strings.Count(again, "player.erase") != 2 {
			t.Errorf("second erasure not audited:\n%s", again)
		}
		if _, err := s.ErasePlayer(ctx, "nobody", store.AuditEntry{Actor: "cli:tester"}); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("unknown player: %v, want ENOTFOUND", err)
		}
	})
}
