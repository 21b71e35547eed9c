package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestCloseDuringTurns: turns racing a Close either commit or fail with
// EUNAVAILABLE; none hangs (the test would time out) and none is lost
// after reporting success.
func TestCloseDuringTurns(t *testing.T) {
	for round := range 10 {
		s := storetest.SQLite(t)
		ctx := context.Background()
		var convs []chat.Conversation
		for i := range 20 {
			convs = append(convs, mustConversation(t, s, fmt.Sprintf("r%d-p%d", round, i)))
		}
		var wg sync.WaitGroup
		for i, conv := range convs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID,
					Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: fmt.Sprint("p", i), Channel: chat.ChannelWebchat, Text: "hi", ClientID: "c"}})
				if err != nil && chat.ErrorCode(err) != chat.EUNAVAILABLE {
					t.Errorf("turn during close: %v", err)
				}
			}()
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
	}
}
