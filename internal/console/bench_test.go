package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/console"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
	"github.com/switchboard-support/switchboard/internal/web"
)

// BenchmarkQueue is GET /console/api/queue with 2,000 queued tickets and
// 50 operators (BENCHMARKS.md).
func BenchmarkQueue(b *testing.B) {
	st := storetest.SQLite(b)
	ctx := context.Background()
	hash, err := auth.HashPassword("bench-password-1")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		if _, err := st.CreateStaff(ctx, handoff.Operator{Login: fmt.Sprint("op", i), Name: fmt.Sprint("Op ", i),
			Role: handoff.RoleOperator, Skills: []string{"payments"}, Status: handoff.Online, Capacity: 3}, hash); err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now()
	for i := range 2000 {
		player := fmt.Sprint("p", i)
		if _, err := st.UpsertPlayer(ctx, chat.Player{ID: player, Name: "Player " + player, Locale: "en"}); err != nil {
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
	h := hub.New()
	ec := echo.New()
	ec.HTTPErrorHandler = web.ErrorHandler(nil)
	console.New(console.Options{Store: st, Desk: desk.New(st, h, engine, desk.Options{}), Hub: h}).Register(ec)
	srv := httptest.NewServer(ec)
	b.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"login": "op0", "password": "bench-password-1"})
	resp, err := client.Post(srv.URL+"/console/login", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Get(srv.URL + "/console/api/queue")
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("queue: %v %v", resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
