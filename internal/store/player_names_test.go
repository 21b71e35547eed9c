package store_test

import (
	"context"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func TestPlayerNamesInOneQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for id, name := range map[string]string{"p1": "Ivan", "p2": "Anna"} {
			if _, err := s.UpsertPlayer(ctx, chat.Player{ID: id, Name: name, Locale: "en"}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.PlayerNames(ctx, []string{"p1", "p2", "nobody"})
		if err != nil || len(got) != 2 || got["p1"] != "Ivan" || got["p2"] != "Anna" {
			t.Fatalf("PlayerNames = %v, %v", got, err)
		}
		if got, err := s.PlayerNames(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no ids: %v, %v", got, err)
		}
	})
}
