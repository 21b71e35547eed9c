package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// A player and an operator writing at the same moment: the live socket
// shows every stored message exactly once, in the conversation's order,
// without a reload — on both databases.
func TestSocketShowsEveryMessageWhenBothSidesWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, envOptions{st: st, rate: 1e6, burst: 1e6})
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		tok := e.token("p1", "en")
		first := e.send(tok, "c0", "I want to talk to a real person")
		if first.Conversation.State != string(chat.StateQueued) {
			t.Fatalf("handoff did not queue: %+v", first.Conversation)
		}
		op, err := st.CreateStaff(ctx, handoff.Operator{Login: "anna", Name: "Anna", Role: handoff.RoleSupervisor,
			Status: handoff.Online, Capacity: 5}, []byte("hash"))
		if err != nil {
			t.Fatal(err)
		}
		tk, err := st.OpenTicket(ctx, first.Conversation.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimTicket(ctx, tk.ID, op.ID, time.Now(), nil); err != nil {
			t.Fatal(err)
		}

		conn := e.dial(ctx)
		if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok}); err != nil {
			t.Fatal(err)
		}
		if f := readFrame(t, ctx, conn); f.Type != "ready" {
			t.Fatalf("first frame %+v", f)
		}
		const each = 150
		errs := make(chan error, 2)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { // the player, over HTTP
			defer wg.Done()
			for i := range each {
				resp := e.do("POST", "/api/v1/messages", tok, sendBody(fmt.Sprintf("p%d", i), fmt.Sprintf("player %d", i)), nil)
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("player message %d: status %d", i, resp.StatusCode)
					return
				}
			}
		}()
		go func() { // the operator, as the desk writes and announces
			defer wg.Done()
			for i := range each {
				m, _, err := st.AppendStaffMessage(ctx, chat.Message{ConversationID: first.Conversation.ID,
					SenderID: strconv.FormatInt(op.ID, 10), Text: fmt.Sprintf("operator %d", i), ClientID: fmt.Sprintf("o%d", i)}, false)
				if err != nil {
					errs <- err
					return
				}
				conv, err := st.Conversation(ctx, m.ConversationID)
				if err != nil {
					errs <- err
					return
				}
				e.hub.Notify(chat.Event{Type: chat.EventMessage, PlayerID: "p1", Conversation: conv, Message: &m})
			}
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}

		stored, err := st.Messages(ctx, first.Conversation.ID, store.Page{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for len(stored) > 0 {
			more, err := st.Messages(ctx, first.Conversation.ID, store.Page{After: stored[len(stored)-1].ID, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			if len(more) == 0 {
				break
			}
			stored = append(stored, more...)
		}
		// Read as the widget does: a socket the server drops as too slow
		// says "reconnect", and the client resumes after the last id it has.
		want := stored[len(stored)-1].ID
		var got []int64
		reconnects := 0
		for len(got) == 0 || got[len(got)-1] != want {
			var f frame
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				if websocket.CloseStatus(err) != websocket.StatusTryAgainLater || reconnects > 20 {
					t.Fatalf("read: %v", err)
				}
				reconnects++
				conn = e.dial(ctx)
				after := int64(0)
				if len(got) > 0 {
					after = got[len(got)-1]
				}
				if err := wsjson.Write(ctx, conn, map[string]any{"type": "auth", "token": tok, "after": after}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if f.Type == "message" {
				got = append(got, f.Message.ID)
			}
		}
		t.Logf("%d reconnects", reconnects)
		if len(got) != len(stored) {
			t.Fatalf("the socket showed %d messages, %d are stored", len(got), len(stored))
		}
		for i, m := range stored {
			if got[i] != m.ID {
				t.Fatalf("message %d on the socket is %d, stored order says %d", i, got[i], m.ID)
			}
		}
		if len(stored) < 2*each {
			t.Fatalf("only %d messages stored", len(stored))
		}
	})
}
