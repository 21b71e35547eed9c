package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// TestRetentionJob: serve's --retention (flag or SWITCHBOARD_RETENTION)
// feeds a job that, at a given time, deletes what ended before now minus
// the retention and records the run as system:retention; 0 keeps all.
func TestRetentionJob(t *testing.T) {
	t.Setenv("SWITCHBOARD_RETENTION", "2160h")
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs)
	if err := parseFlags(fs, nil); err != nil || c.retention != 90*24*time.Hour {
		t.Fatalf("--retention from the environment: %v %v", c.retention, err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		conv, err := st.OpenConversation(ctx, "p1", chat.ChannelWebchat, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer, SenderID: "p1",
			Channel: chat.ChannelWebchat, Text: "hello", ClientID: "c1"}); err != nil {
			t.Fatal(err)
		}
		// Off: the worker returns at once and nothing goes.
		retentionWorker(st, 0, log)(ctx)
		now := time.Now()
		if p := runRetention(ctx, st, c.retention, now.Add(89*24*time.Hour), log); p.Conversations != 0 {
			t.Fatalf("purged too early: %+v", p)
		}
		if p := runRetention(ctx, st, c.retention, now.Add(91*24*time.Hour), log); p.Conversations != 1 || p.Messages != 1 {
			t.Fatalf("purge: %+v", p)
		}
		if _, err := st.Conversation(ctx, conv.ID); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("conversation after retention: %v", err)
		}
		entries, err := st.AuditLog(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != store.AuditRetention || entries[0].Actor != retentionActor {
			t.Fatalf("audit: %+v", entries)
		}
		var det struct{ Conversations int }
		if err := json.Unmarshal(entries[0].Details, &det); err != nil || det.Conversations != 1 {
			t.Fatalf("audit details %s: %v", entries[0].Details, err)
		}
	})
}
