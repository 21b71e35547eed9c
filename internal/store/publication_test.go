package store_test

import (
	"context"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestLiveContentVersionIDFollowsThePublicationHead: what instances poll
// moves with every publication, rollbacks included.
func TestLiveContentVersionIDFollowsThePublicationHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.LiveContentVersionID(ctx); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("nothing published: %v", err)
		}
		v1, err := s.SaveContentVersion(ctx, map[string][]byte{"a": []byte("1")}, "one", "t")
		if err != nil {
			t.Fatal(err)
		}
		v2, err := s.SaveContentVersion(ctx, map[string][]byte{"a": []byte("2")}, "two", "t")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{v1.ID, v2.ID, v1.ID} {
			if err := s.PublishContentVersion(ctx, id, "t"); err != nil {
				t.Fatal(err)
			}
			if got, err := s.LiveContentVersionID(ctx); err != nil || got != id {
				t.Fatalf("after publishing %d: %d, %v", id, got, err)
			}
		}
	})
}
