package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// seedDesk fills st with a busy desk: queued tickets of a skill nobody
// serves (so they stay queued) and online operators.
func seedDesk(b *testing.B, st *store.Store, tickets, operators int) {
	b.Helper()
	ctx := context.Background()
	for i := range operators {
		if _, err := st.CreateStaff(ctx, handoff.Operator{Login: fmt.Sprint("op", i), Name: fmt.Sprint("Op ", i),
			Role: handoff.RoleOperator, Skills: []string{"payments"}, Status: handoff.Online, Capacity: 3}, []byte("x")); err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now()
	for i := range tickets {
		player := fmt.Sprint("p", i)
		if _, err := st.UpsertPlayer(ctx, chat.Player{ID: player, Name: player, Locale: "en"}); err != nil {
			b.Fatal(err)
		}
		conv, err := st.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID,
			Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelWebchat, Text: "a person", ClientID: player},
			Ticket: &handoff.Ticket{Skill: "verification", Priority: handoff.PriorityNormal, Reason: "bench", CreatedAt: now,
				DueAt: now.Add(time.Hour)}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTick is one desk loop over 2,000 queued tickets and 50
// operators (BENCHMARKS.md), quality figures wired as serve wires them.
func BenchmarkTick(b *testing.B) {
	st := storetest.SQLite(b)
	seedDesk(b, st, 2000, 50)
	d := desk.New(st, &events{}, flows.NewEngine(nil), desk.Options{
		OnMetrics: func([]handoff.OperatorStats, map[int64]string) {}})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if err := d.Tick(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
