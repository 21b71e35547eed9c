package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestPurgeConversations, on a fixed clock: conversations closed or idle
// past the retention go in bounded batches with their messages, flow
// states, tickets and deliveries; recent and active ones stay; each run
// leaves one audit row with its count.
func TestPurgeConversations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		var clock atomic.Int64
		clock.Store(start.UnixNano())
		at := func(d time.Duration) { clock.Store(start.Add(d).UnixNano()) }
		s.SetClockForTest(func() time.Time { return time.Unix(0, clock.Load()).UTC() })
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		day := 24 * time.Hour
		// turn writes one player message and a bot reply, optionally
		// handing off; a Telegram player gets a delivery for the reply.
		turn := func(player string, ch chat.Channel, text string, ticket bool) chat.Conversation {
			t.Helper()
			conv, err := s.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
			must(err)
			st, err := s.FlowState(ctx, conv.ID)
			must(err)
			st.Slots = map[string]string{"q": text}
			r := store.TurnResult{ConversationID: conv.ID, State: st,
				Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: ch, Text: text,
					ClientID: fmt.Sprintf("%s-%d", player, clock.Load())},
				Replies: []chat.Message{{Text: "re: " + text}}, Record: &store.TurnRecord{Intent: "oos", OutOfScope: true}}
			if ticket {
				r.Ticket = &handoff.Ticket{Skill: "general", Priority: handoff.PriorityNormal, Reason: text}
			}
			out, err := s.CompleteTurn(ctx, r)
			must(err)
			if strings.HasPrefix(text, "expired-text") {
				// An editor dismissed it in the inbox of misses.
				must(s.SetMissState(ctx, store.AuditEntry{Actor: "staff:1"}, []int64{out.Inbound.ID}, "dismissed", ""))
			}
			return conv
		}
		var expired []int64
		// Closed long ago: five players, one on Telegram, two with tickets.
		for i := range 5 {
			player := fmt.Sprintf("old%d", i)
			ch := chat.ChannelWebchat
			if i == 0 {
				must(s.CreateLinkCode(ctx, player, chat.ChannelTelegram, "code-"+player, start.Add(time.Hour)))
				_, err := s.RedeemLinkCode(ctx, chat.ChannelTelegram, "code-"+player, "9000", start)
				must(err)
				ch = chat.ChannelTelegram
			}
			c := turn(player, ch, fmt.Sprintf("expired-text-%d", i), i < 2)
			must(s.SetConversationState(ctx, c.ID, chat.StateClosed))
			expired = append(expired, c.ID)
		}
		// Open, with no message for long: idle.
		expired = append(expired, turn("idle", chat.ChannelWebchat, "expired-text-idle", true).ID)
		// Open since long ago but written to recently: active.
		active := turn("active", chat.ChannelWebchat, "kept-old-text", false)
		at(80 * day)
		turn("active", chat.ChannelWebchat, "kept-new-text", false)
		// Closed recently.
		recent := turn("recent", chat.ChannelWebchat, "kept-recent-text", true)
		must(s.SetConversationState(ctx, recent.ID, chat.StateClosed))

		at(100 * day)
		dump := func() string {
			t.Helper()
			text, err := s.TableTextForTest(ctx)
			must(err)
			return text
		}
		if d := dump(); !strings.Contains(d, "expired-text-0") || !strings.Contains(d, "deliveries") {
			t.Fatalf("seeding:\n%s", d)
		}
		now := start.Add(100 * day)
		p, err := s.PurgeConversations(ctx, now.Add(-90*day), 4, store.AuditEntry{Actor: "system:retention"})
		must(err)
		if p.Conversations != 6 || p.Messages != 12 || p.Tickets != 3 {
			t.Fatalf("purge %+v, want 6 conversations, 12 messages, 3 tickets", p)
		}
		for _, id := range expired {
			if _, err := s.Conversation(ctx, id); chat.ErrorCode(err) != chat.ENOTFOUND {
				t.Errorf("conversation %d: %v, want deleted", id, err)
			}
			if tk, err := s.Tickets(ctx, id); err != nil || len(tk) != 0 {
				t.Errorf("tickets of %d: %+v %v", id, tk, err)
			}
			if fs, err := s.FlowState(ctx, id); err != nil || fs.Version != 0 {
				t.Errorf("flow state of %d: %+v %v", id, fs, err)
			}
		}
		d := dump()
		turnRows := 0
		for _, line := range strings.Split(d, "\n") {
			if strings.Contains(line, "expired-text") {
				t.Errorf("left: %s", line)
			}
			if strings.HasPrefix(line, "deliveries ") || strings.HasPrefix(line, "missed_states ") {
				t.Errorf("left: %s", line)
			}
			if strings.HasPrefix(line, "bot_turns ") {
				turnRows++
			}
		}
		if turnRows != 3 {
			t.Errorf("%d bot_turns rows left, want the 3 of the kept conversations:\n%s", turnRows, d)
		}
		for _, kept := range []string{"kept-old-text", "kept-new-text", "kept-recent-text"} {
			if !strings.Contains(d, kept) {
				t.Errorf("%s was deleted", kept)
			}
		}
		for _, id := range []int64{active.ID, recent.ID} {
			if _, err := s.Conversation(ctx, id); err != nil {
				t.Errorf("conversation %d: %v", id, err)
			}
		}
		if fs, err := s.FlowState(ctx, active.ID); err != nil || fs.Slots["q"] != "kept-new-text" {
			t.Errorf("active flow state: %+v %v", fs, err)
		}
		// A second run finds nothing and says so.
		p, err = s.PurgeConversations(ctx, now.Add(-90*day), 4, store.AuditEntry{Actor: "system:retention"})
		if err != nil || p != (store.Purge{}) {
			t.Fatalf("second run: %+v %v", p, err)
		}
		log, err := s.AuditLog(ctx, 0, 10)
		must(err)
		var counts []float64
		for _, e := range log {
			if e.Action != store.AuditRetention {
				continue
			}
			var det map[string]any
			must(json.Unmarshal(e.Details, &det))
			if e.Actor != "system:retention" {
				t.Errorf("audit actor %q", e.Actor)
			}
			counts = append(counts, det["conversations"].(float64))
		}
		if len(counts) != 2 || counts[0] != 0 || counts[1] != 6 {
			t.Fatalf("retention audit rows (newest first): %v", counts)
		}
	})
}
