package store_test

import (
	"context"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func TestSearchConversations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		say := func(player, name, text string) int64 {
			t.Helper()
			if _, err := s.UpsertPlayer(ctx, chat.Player{ID: player, Name: name, Locale: "en"}); err != nil {
				t.Fatal(err)
			}
			conv, err := s.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.AppendInbound(ctx, chat.Message{ConversationID: conv.ID, Sender: chat.SenderPlayer, SenderID: player,
				Channel: chat.ChannelWebchat, Text: text, ClientID: player + text}); err != nil {
				t.Fatal(err)
			}
			return conv.ID
		}
		ivan := say("p-42", "Ivan Petrov", "my deposit of 100% bonus is missing")
		anna := say("p-7", "Anna", "Вывод завис")
		ids := func(q string) []int64 {
			t.Helper()
			hits, err := s.SearchConversations(ctx, q, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, h := range hits {
				out = append(out, h.ConversationID)
			}
			return out
		}
		for q, want := range map[string][]int64{
			"p-42": {ivan}, "petrov": {ivan}, "DEPOSIT": {ivan}, "завис": {anna}, "100%": {ivan}, "_": nil, "nobody": nil,
		} {
			got := ids(q)
			if len(got) != len(want) || (len(want) == 1 && got[0] != want[0]) {
				t.Errorf("search %q = %v, want %v", q, got, want)
			}
		}
		hits, _ := s.SearchConversations(ctx, "deposit", 0)
		if len(hits) != 1 || hits[0].PlayerName != "Ivan Petrov" || hits[0].Text != "my deposit of 100% bonus is missing" {
			t.Fatalf("hit %+v", hits)
		}
		if _, err := s.SearchConversations(ctx, "  ", 0); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("empty search: %v", err)
		}
	})
}
