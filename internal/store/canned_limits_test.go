package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestCannedLimitsSameOnBothDatabases: a title PostgreSQL's varchar(256)
// would refuse, or a NUL it cannot store, is EINVALID on both databases
// (it was a 500 on PostgreSQL only).
func TestCannedLimitsSameOnBothDatabases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ok, err := s.CreateCanned(ctx, store.CannedResponse{Title: strings.Repeat("я", 256), Text: "hello"})
		if err != nil {
			t.Fatalf("title of 256 characters: %v", err)
		}
		for _, c := range []store.CannedResponse{
			{Title: strings.Repeat("я", 257), Text: "hello"},
			{Title: "nul\x00", Text: "hello"},
			{Title: "t", Text: "nul\x00"},
			{Title: "t", Text: "hello", Locale: "much-too-long"},
		} {
			if _, err := s.CreateCanned(ctx, c); chat.ErrorCode(err) != chat.EINVALID {
				t.Errorf("create %.20q: %v, want EINVALID", c.Title, err)
			}
			c.ID = ok.ID
			if _, err := s.UpdateCanned(ctx, c); chat.ErrorCode(err) != chat.EINVALID {
				t.Errorf("update %.20q: %v, want EINVALID", c.Title, err)
			}
		}
	})
}
