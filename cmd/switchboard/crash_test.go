package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestWebCrash is the web path's crash test: the real binary serves 50
// players (some ask for a person) and an operator answers the handed-off
// ones, while the server is killed with SIGKILL at random moments and
// restarted on the same database. Every message the server acknowledged
// (HTTP 200) must exist exactly once, every player message the bot held
// must have the bot's answer, and conversations and tickets must agree —
// on SQLite and PostgreSQL.
func TestWebCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test builds the binary and runs for minutes; skipped in -short mode")
	}
	bin := buildSwitchboard(t)
	t.Run("sqlite", func(t *testing.T) { runWebCrash(t, bin, filepath.Join(t.TempDir(), "switchboard.db")) })
	t.Run("postgres", func(t *testing.T) { runWebCrash(t, bin, storetest.PostgresDSN(t)) })
}

const (
	crashPlayers   = 50
	crashPerPlayer = 12
	crashMinKills  = 5
	crashSecret    = "crash-test-token-secret-0123456789abcdef"
)

var crashTexts = []string{"how do i deposit", "как вывести деньги на карту", "thanks", "what is the wagering requirement",
	"сколько идёт вывод", "hello", "how do i verify my account", "спасибо"}

func runWebCrash(t *testing.T, bin, dsn string) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	logs, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	addr := freeAddr(t)
	srv := &restartServer{t: t, bin: bin, logs: logs, base: "http://" + addr,
		args: []string{"serve", "--db", dsn, "--data-dir", filepath.Join(dir, "data"), "--listen", addr,
			"--token-secret", crashSecret, "--rate", "1000000", "--burst", "1000000", "--max-conns-per-ip", "0",
			"--metrics-listen", "", "--desk-interval", "1s", "--log-level", "warn", "--log-format", "text"},
		env: append(os.Environ(), "SWITCHBOARD_CONTENT_DIR="),
	}
	if err := srv.start(ctx); err != nil {
		t.Fatal(err)
	}
	running := true
	defer func() {
		if running {
			srv.stop()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logs.Name())
			t.Logf("server log (tail):\n%s", b[max(0, len(b)-6000):])
		}
	}()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	op, err := st.CreateStaff(ctx, handoff.Operator{Login: "anna", Name: "Anna", Role: handoff.RoleSupervisor,
		Status: handoff.Online, Capacity: 100}, []byte("unused"))
	if err != nil {
		t.Fatal(err)
	}

	signer := auth.NewHS256Signer([]byte(crashSecret), "switchboard")
	var (
		mu          sync.Mutex
		acked       = map[string]int64{} // "player/client id" → stored message id
		refused     atomic.Int64
		opReplies   = map[string]int64{}
		playersDone sync.WaitGroup
	)
	send := func(player, tok, client, text string) error {
		body, _ := json.Marshal(map[string]string{"client_id": client, "text": text})
		for {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.base+"/api/v1/messages", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				var out struct {
					Message struct{ ID int64 } `json:"message"`
				}
				decodeErr := json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && decodeErr == nil {
					mu.Lock()
					acked[player+"/"+client] = out.Message.ID
					mu.Unlock()
					return nil
				}
			}
			refused.Add(1) // the server is down or restarting: retry the same client id
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s/%s never acknowledged", player, client)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	errs := make(chan error, crashPlayers+1)
	for i := range crashPlayers {
		player := fmt.Sprintf("crash-%d", i)
		tok, err := signer.Sign(chat.Player{ID: player, Name: "Player " + strconv.Itoa(i), Locale: []string{"en", "ru"}[i%2]}, time.Hour, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		playersDone.Add(1)
		go func() {
			defer playersDone.Done()
			for k := range crashPerPlayer {
				text := crashTexts[(i+k)%len(crashTexts)]
				if i%5 == 0 && k == 3 {
					text = "I want to talk to a real person"
				}
				if err := send(player, tok, "m"+strconv.Itoa(k), text); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	// The operator takes what is queued and answers, through the store as
	// the console does; an acknowledged reply is one the call returned.
	stopOperator := make(chan struct{})
	operatorDone := make(chan struct{})
	go func() {
		defer close(operatorDone)
		n := 0
		for {
			select {
			case <-stopOperator:
				return
			case <-time.After(50 * time.Millisecond):
			}
			queued, err := st.QueuedTickets(ctx)
			if err != nil {
				continue
			}
			for _, tk := range queued {
				if _, err := st.ClaimTicket(ctx, tk.ID, op.ID, time.Now(), nil); err != nil {
					continue
				}
				n++
				client := "r" + strconv.Itoa(n)
				m, _, err := st.AppendStaffMessage(ctx, chat.Message{ConversationID: tk.ConversationID,
					SenderID: strconv.FormatInt(op.ID, 10), Text: "Anna here, looking into it", ClientID: client}, false)
				if err == nil {
					mu.Lock()
					opReplies[client] = m.ID
					mu.Unlock()
				}
			}
		}
	}()

	// Kill at random moments while the players write.
	playersFinished := make(chan struct{})
	go func() {
		playersDone.Wait()
		close(playersFinished)
	}()
	kills := 0
	for kills < crashMinKills {
		wait := time.Duration(200+rng.IntN(1300)) * time.Millisecond
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			t.Fatal("timed out before enough kills")
		}
		srv.kill()
		kills++
		if err := srv.start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-playersFinished:
	case <-ctx.Done():
		t.Fatal("players never finished")
	}
	close(stopOperator)
	<-operatorDone
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	srv.stop()
	running = false

	// Every acknowledged player message exists exactly once, where it was
	// acknowledged; the bot answered those it held.
	for key, id := range acked {
		i := strings.LastIndex(key, "/")
		player, client := key[:i], key[i+1:]
		m, ok, err := st.MessageByClientID(ctx, chat.SenderPlayer, player, client)
		if err != nil || !ok || m.ID != id {
			t.Fatalf("acknowledged %s (id %d) stored as %+v %v %v", key, id, m, ok, err)
		}
	}
	for client, id := range opReplies {
		m, ok, err := st.MessageByClientID(ctx, chat.SenderOperator, strconv.FormatInt(op.ID, 10), client)
		if err != nil || !ok || m.ID != id {
			t.Fatalf("acknowledged operator reply %s (id %d) stored as %+v %v %v", client, id, m, ok, err)
		}
	}
	if len(acked) != crashPlayers*crashPerPlayer {
		t.Fatalf("%d acknowledged messages, want %d", len(acked), crashPlayers*crashPerPlayer)
	}
	unanswered := 0
	for i := range crashPlayers {
		player := fmt.Sprintf("crash-%d", i)
		conv, err := st.CurrentConversation(ctx, player)
		if err != nil {
			t.Fatal(err)
		}
		checkConversation(t, ctx, st, conv, &unanswered)
	}
	if unanswered > 0 {
		t.Fatalf("%d player messages the bot held have no answer", unanswered)
	}
	t.Logf("%d players × %d messages and %d operator replies acknowledged; %d kills; %d requests refused while down",
		crashPlayers, crashPerPlayer, len(opReplies), kills, refused.Load())
}

// checkConversation checks that the conversation's state agrees with its
// tickets (at most one open; queued ⇔ a queued ticket, with_operator ⇔ an
// assigned one) and counts player messages sent while the bot held it
// without a bot answer.
func checkConversation(t *testing.T, ctx context.Context, st *store.Store, conv chat.Conversation, unanswered *int) {
	t.Helper()
	tickets, err := st.Tickets(ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var open []handoff.Ticket
	for _, tk := range tickets {
		if tk.Status == handoff.StatusQueued || tk.Status == handoff.StatusAssigned {
			open = append(open, tk)
		}
	}
	if len(open) > 1 {
		t.Fatalf("conversation %d has %d open tickets", conv.ID, len(open))
	}
	want := chat.StateBot
	if len(open) == 1 {
		want = map[handoff.TicketStatus]chat.ConversationState{handoff.StatusQueued: chat.StateQueued, handoff.StatusAssigned: chat.StateWithOperator}[open[0].Status]
	}
	if conv.State != want {
		t.Fatalf("conversation %d is %s with tickets %+v", conv.ID, conv.State, open)
	}
	msgs, err := st.Messages(ctx, conv.ID, store.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	answered := map[int64]bool{}
	for _, m := range msgs {
		if m.Sender != chat.SenderPlayer {
			continue
		}
		replies, err := st.Replies(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		answered[m.ID] = len(replies) > 0
	}
	// A player message after the handoff is the human's to answer; before
	// it, the bot's. The handoff request itself is answered by the bot.
	handedOff := false
	for _, m := range msgs {
		if m.Sender == chat.SenderPlayer && !handedOff && !answered[m.ID] {
			*unanswered++
		}
		if m.Sender == chat.SenderPlayer && m.Text == "I want to talk to a real person" {
			handedOff = true
		}
	}
}
