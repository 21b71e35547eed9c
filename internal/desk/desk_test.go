package desk_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// events records what the desk pushes.
type events struct {
	mu    sync.Mutex
	staff int
}

func (e *events) Notify(chat.Event) {}
func (e *events) NotifyStaff(chat.Event) {
	e.mu.Lock()
	e.staff++
	e.mu.Unlock()
}

func operator(t *testing.T, st *store.Store, login string, skills ...string) handoff.Operator {
	t.Helper()
	op, err := st.CreateStaff(context.Background(), handoff.Operator{Login: login, Name: strings.ToUpper(login[:1]) + login[1:],
		Role: handoff.RoleOperator, Skills: skills, Status: handoff.Online, Capacity: 5}, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// handoffTicket queues a ticket for a new player's conversation.
func handoffTicket(t *testing.T, st *store.Store, player, skill string) handoff.Ticket {
	t.Helper()
	ctx := context.Background()
	if _, err := st.UpsertPlayer(ctx, chat.Player{ID: player, Name: player, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	conv, err := st.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	out, err := st.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID,
		Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelWebchat, Text: "a person please", ClientID: player},
		Ticket: &handoff.Ticket{Skill: skill, Priority: handoff.PriorityNormal, Reason: "test", CreatedAt: now,
			DueAt: now.Add(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Ticket
}

// joined returns who the player was told joined the conversation.
func joined(t *testing.T, st *store.Store, conversationID int64) []string {
	t.Helper()
	msgs, err := st.Messages(context.Background(), conversationID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range msgs {
		if name, ok := strings.CutSuffix(m.Text, " from the support team has joined the conversation."); ok && m.Sender == chat.SenderSystem {
			names = append(names, name)
		}
	}
	return names
}

// TestGhostOperatorGetsNothing: an operator whose console stopped answering
// heartbeats is not assigned new conversations and nobody announces them;
// their unanswered conversations go back to the queue and to someone
// connected; answered ones stay until they are offline.
func TestGhostOperatorGetsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		st.SetLiveness(handoff.Liveness{Grace: 30 * time.Second, OfflineAfter: 5 * time.Minute})
		ev := &events{}
		d := desk.New(st, ev, flows.NewEngine(nil), desk.Options{AnswerTimeout: time.Hour})
		anna := operator(t, st, "anna", "payments")
		bob := operator(t, st, "bob", "payments")
		beat := func(op handoff.Operator, ago time.Duration) {
			t.Helper()
			if err := st.Heartbeat(ctx, op.ID, time.Now().Add(-ago)); err != nil {
				t.Fatal(err)
			}
		}
		// Anna is connected and takes two conversations; she answers one.
		beat(anna, 0)
		unanswered := handoffTicket(t, st, "p1", "payments")
		answered := handoffTicket(t, st, "p2", "payments")
		for _, tk := range []handoff.Ticket{unanswered, answered} {
			if _, err := d.Claim(ctx, mustStaff(t, st, anna.ID), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Reply(ctx, anna, answered.ConversationID, "r1", "Hello"); err != nil {
			t.Fatal(err)
		}
		// Anna closes her last tab; a minute later a new conversation comes.
		beat(anna, time.Minute)
		fresh := handoffTicket(t, st, "p3", "payments")
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tk := range []handoff.Ticket{unanswered, fresh} {
			got, _ := st.Ticket(ctx, tk.ID)
			if got.Status != handoff.StatusQueued {
				t.Fatalf("ticket %d is %s with operator %d; want queued: nobody is connected", tk.ID, got.Status, got.OperatorID)
			}
		}
		if got, _ := st.Ticket(ctx, answered.ID); got.OperatorID != anna.ID {
			t.Fatalf("an answered conversation left an away operator: %+v", got)
		}
		if _, err := d.Claim(ctx, mustStaff(t, st, anna.ID), fresh.ID); chat.ErrorCode(err) != chat.ECONFLICT ||
			!strings.Contains(err.Error(), "no console connected") {
			t.Fatalf("claim by a disconnected operator: %v", err)
		}
		// Bob connects: the next round gives him both, and only he is announced.
		beat(bob, 0)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tk := range []handoff.Ticket{unanswered, fresh} {
			if got, _ := st.Ticket(ctx, tk.ID); got.OperatorID != bob.ID {
				t.Fatalf("ticket %d with %d, want bob", tk.ID, got.OperatorID)
			}
		}
		if got := joined(t, st, unanswered.ConversationID); strings.Join(got, ",") != "Anna,Bob" {
			t.Fatalf("player of the released ticket was told %v joined", got)
		}
		if got := joined(t, st, fresh.ConversationID); strings.Join(got, ",") != "Bob" {
			t.Fatalf("new player was told %v joined, want only Bob", got)
		}
		// Anna is gone for good: her answered conversation goes back too.
		beat(anna, 10*time.Minute)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Ticket(ctx, answered.ID); got.OperatorID != bob.ID {
			t.Fatalf("offline operator's answered ticket: %+v, want it with bob", got)
		}
		list, _ := st.ListStaff(ctx)
		for _, op := range list {
			want := map[int64]handoff.Presence{anna.ID: handoff.Offline, bob.ID: handoff.Online}[op.ID]
			if op.Status != want {
				t.Errorf("%s is %s, want %s", op.Login, op.Status, want)
			}
		}
		ev.mu.Lock()
		defer ev.mu.Unlock()
		if ev.staff == 0 {
			t.Error("staff were never told of a change")
		}
	})
}

func mustStaff(t *testing.T, st *store.Store, id int64) handoff.Operator {
	t.Helper()
	op, err := st.Staff(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// TestUncoveredCriticalWidensToGeneral: a critical ticket whose skill
// nobody available serves goes to a generalist once the configured time
// (the default: 1 minute for critical) has passed, not before.
func TestUncoveredCriticalWidensToGeneral(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Now()
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		d := desk.New(st, &events{}, flows.NewEngine(nil), desk.Options{AnswerTimeout: time.Hour, Now: clock})
		gina := operator(t, st, "gina", "payments", "general")
		tk := handoffTicket(t, st, "p1", "responsible_gaming")
		tk, err := st.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { t.Priority = handoff.PriorityCritical; return nil })
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		now = tk.QueuedAt
		mu.Unlock()
		advance(59 * time.Second)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Ticket(ctx, tk.ID); got.Status != handoff.StatusQueued {
			t.Fatalf("assigned before the widening time: %+v", got)
		}
		advance(time.Second)
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Ticket(ctx, tk.ID); got.OperatorID != gina.ID {
			t.Fatalf("after a minute the ticket is %+v, want it with the generalist", got)
		}
	})
}

// TestTransferDoesNotReannounce: a conversation that comes back to the
// operator who had it is not announced again; one handed to someone else
// is.
func TestTransferDoesNotReannounce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		d := desk.New(st, &events{}, flows.NewEngine(nil), desk.Options{AnswerTimeout: time.Hour})
		anna := operator(t, st, "anna", "payments")
		bob := operator(t, st, "bob", "payments")
		sue, err := st.CreateStaff(ctx, handoff.Operator{Login: "sue", Name: "Sue", Role: handoff.RoleSupervisor,
			Status: handoff.Online, Capacity: 5}, []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		tk := handoffTicket(t, st, "p1", "payments")
		if _, err := d.Claim(ctx, anna, tk.ID); err != nil {
			t.Fatal(err)
		}
		// Released (as the loop does for a late answer) and claimed back by Anna.
		if _, err := st.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { return t.Release() }); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Claim(ctx, anna, tk.ID); err != nil {
			t.Fatal(err)
		}
		if got := joined(t, st, tk.ConversationID); strings.Join(got, ",") != "Anna" {
			t.Fatalf("after Anna got it back the player was told %v joined", got)
		}
		if _, err := d.Transfer(ctx, sue, tk.ID, "", bob.ID); err != nil {
			t.Fatal(err)
		}
		if got := joined(t, st, tk.ConversationID); strings.Join(got, ",") != "Anna,Bob" {
			t.Fatalf("after the transfer to Bob the player was told %v joined", got)
		}
	})
}

// TestQualityFiguresOnASchedule: the 30-day figures are computed at most
// every MetricsInterval, not on every loop.
func TestQualityFiguresOnASchedule(t *testing.T) {
	st := storetest.Default(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	calls := 0
	d := desk.New(st, &events{}, flows.NewEngine(nil), desk.Options{Now: clock, MetricsInterval: time.Minute,
		OnMetrics: func([]handoff.OperatorStats, map[int64]string) { calls++ }})
	ctx := context.Background()
	for range 3 {
		if err := d.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 1 {
		t.Fatalf("three loops within a minute computed the figures %d times, want 1", calls)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	if err := d.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Fatalf("after the interval: %d computations, want 2", calls)
	}
}
