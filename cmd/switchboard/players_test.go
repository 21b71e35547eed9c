package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// eachDSN runs fn with the --db value of a fresh SQLite file and, when
// reachable, of a fresh schema of the test PostgreSQL (as storetest.Each,
// but for commands, which open the database themselves).
func eachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "switchboard.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresDSN(t)) })
}

// TestPlayersErase: the command erases a player, says what it did, records
// cli:$USER in the audit log, can run again, and refuses an unknown id and
// a missing one.
func TestPlayersErase(t *testing.T) {
	t.Setenv("USER", "tester")
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.UpsertPlayer(ctx, chat.Player{ID: "p1", Name: "Zelda Quux", Locale: "en"}); err != nil {
			t.Fatal(err)
		}
		conv, err := st.OpenConversation(ctx, "p1", chat.ChannelWebchat, "en")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer, SenderID: "p1",
			Channel: chat.ChannelWebchat, Text: "I am Zelda", ClientID: "c1"}); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCmd(t, "", "players", "erase", "--db", dsn, "p1")
		if code != 0 || !strings.Contains(stdout, "erased player p1: 1 conversations, 1 messages") {
			t.Fatalf("erase: %d %q %q", code, stdout, stderr)
		}
		if code, _, stderr := runCmd(t, "", "players", "erase", "--db", dsn, "p1"); code != 0 {
			t.Fatalf("erase again: %d %s", code, stderr)
		}
		if code, _, stderr := runCmd(t, "", "players", "erase", "--db", dsn, "nobody"); code != 1 ||
			!strings.Contains(stderr, `no player with id "nobody"`) {
			t.Fatalf("unknown player: %d %q", code, stderr)
		}
		if code, _, _ := runCmd(t, "", "players", "erase", "--db", dsn); code != 2 {
			t.Fatalf("no id: %d, want 2", code)
		}
		p, err := st.Player(ctx, "p1")
		if err != nil || p.Name != "" {
			t.Fatalf("player %+v %v", p, err)
		}
		msgs, err := st.Messages(ctx, conv.ID, store.Page{})
		if err != nil || len(msgs) != 1 || msgs[0].Text != store.ErasedText {
			t.Fatalf("messages %+v %v", msgs, err)
		}
		log, err := st.AuditLog(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].Action != store.AuditPlayerErase || log[0].Actor != "cli:tester" || log[0].Target != "player:p1" {
			t.Fatalf("audit %+v", log)
		}
	})
}
