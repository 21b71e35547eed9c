package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// mustOperator creates an online operator.
func mustOperator(t testing.TB, s *store.Store, login string, capacity int, skills ...string) handoff.Operator {
	t.Helper()
	op, err := s.CreateStaff(context.Background(), handoff.Operator{Login: login, Name: login, Role: handoff.RoleOperator,
		Skills: skills, Status: handoff.Online, Capacity: capacity}, []byte("hash"))
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// mustTicket hands a new player's conversation off with a ticket.
func mustTicket(t testing.TB, s *store.Store, player, skill string, p handoff.Priority, due time.Time) handoff.Ticket {
	t.Helper()
	ctx := context.Background()
	if _, err := s.UpsertPlayer(ctx, chat.Player{ID: player, Name: player, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	conv, err := s.OpenConversation(ctx, player, chat.ChannelWebchat, "en")
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID,
		Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelWebchat, Text: "human please", ClientID: "c-" + player},
		State:   flows.State{Flow: "kyc", Step: "ask_doc", Slots: map[string]string{"doc": "passport"}},
		Ticket: &handoff.Ticket{ConversationID: conv.ID, PlayerID: player, Skill: skill, Priority: p, Reason: "test",
			Channel: chat.ChannelWebchat, Status: handoff.StatusQueued, CreatedAt: t0, DueAt: due}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Ticket == nil || out.Ticket.ID == 0 {
		t.Fatalf("turn outcome has no ticket: %+v", out)
	}
	return *out.Ticket
}

// mustSupervisor creates an online supervisor.
func mustSupervisor(t testing.TB, s *store.Store, login string) handoff.Operator {
	t.Helper()
	op, err := s.CreateStaff(context.Background(), handoff.Operator{Login: login, Name: login, Role: handoff.RoleSupervisor,
		Status: handoff.Online, Capacity: 5}, []byte("hash"))
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func convState(t *testing.T, s *store.Store, id int64) chat.ConversationState {
	t.Helper()
	c, err := s.Conversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.State
}

func TestTicketStoredWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		due := t0.Add(3*time.Minute + 123456789)
		tk := mustTicket(t, s, "p1", "payments", handoff.PriorityHigh, due)
		got, err := s.Ticket(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := handoff.Ticket{ID: tk.ID, ConversationID: tk.ConversationID, PlayerID: "p1", Skill: "payments",
			Priority: handoff.PriorityHigh, Reason: "test", Channel: chat.ChannelWebchat, Status: handoff.StatusQueued,
			CreatedAt: t0, QueuedAt: t0, DueAt: due.Truncate(time.Microsecond)}
		if got != want {
			t.Fatalf("got  %+v\nwant %+v", got, want)
		}
		if open, err := s.OpenTicket(ctx, tk.ConversationID); err != nil || open.ID != tk.ID {
			t.Fatalf("OpenTicket = %+v, %v", open, err)
		}
		if _, err := s.Ticket(ctx, 999); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("missing ticket: %v", err)
		}
		if _, err := s.OpenTicket(ctx, 999); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("no open ticket: %v", err)
		}
		since, err := s.TicketsSince(ctx, t0.Add(-time.Hour))
		if err != nil || len(since) != 1 {
			t.Fatalf("TicketsSince = %+v, %v", since, err)
		}
		if since, _ := s.TicketsSince(ctx, time.Now().Add(time.Hour)); len(since) != 0 {
			t.Fatalf("TicketsSince(future) = %+v", since)
		}
	})
}

func TestConcurrentClaimOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 20
		ops := make([]handoff.Operator, n)
		for i := range ops {
			ops[i] = mustOperator(t, s, fmt.Sprintf("op%d", i), 10, "payments")
		}
		for round := range 5 {
			tk := mustTicket(t, s, fmt.Sprintf("p%d", round), "payments", handoff.PriorityNormal, t0)
			var (
				wg      sync.WaitGroup
				start   = make(chan struct{})
				winners = make(chan int64, n)
				errs    = make(chan error, n)
			)
			for _, op := range ops {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got, err := s.ClaimTicket(ctx, tk.ID, op.ID, time.Now(), nil)
					if err != nil {
						errs <- err
						return
					}
					if got.OperatorID != op.ID || got.Status != handoff.StatusAssigned {
						errs <- fmt.Errorf("claim returned %+v", got)
						return
					}
					winners <- op.ID
				}()
			}
			close(start)
			wg.Wait()
			close(winners)
			close(errs)
			var won []int64
			for id := range winners {
				won = append(won, id)
			}
			if len(won) != 1 {
				t.Fatalf("round %d: %d winners %v, want 1", round, len(won), won)
			}
			for err := range errs {
				if chat.ErrorCode(err) != chat.ECONFLICT {
					t.Fatalf("round %d: loser got %v, want conflict", round, err)
				}
			}
			got, err := s.Ticket(ctx, tk.ID)
			if err != nil || got.OperatorID != won[0] || got.Status != handoff.StatusAssigned {
				t.Fatalf("round %d: ticket %+v, %v; want assigned to %d", round, got, err, won[0])
			}
			if st := convState(t, s, tk.ConversationID); st != chat.StateWithOperator {
				t.Fatalf("round %d: conversation %s, want with_operator", round, st)
			}
		}
	})
}

func TestConcurrentClaimNextDistinct(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 10
		for i := range n {
			mustTicket(t, s, fmt.Sprintf("p%d", i), handoff.SkillGeneral, handoff.PriorityNormal, t0.Add(time.Duration(i)*time.Second))
		}
		ops := make([]handoff.Operator, n)
		for i := range ops {
			ops[i] = mustOperator(t, s, fmt.Sprintf("op%d", i), 3)
		}
		got := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, op := range ops {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				tk, ok, err := s.ClaimNext(ctx, op.ID, time.Now(), nil)
				if err == nil && !ok {
					err = fmt.Errorf("operator %d found the queue empty", op.ID)
				}
				if err == nil && tk.OperatorID != op.ID {
					err = fmt.Errorf("ticket %+v not assigned to %d", tk, op.ID)
				}
				got[i], errs[i] = tk.ID, err
			}()
		}
		close(start)
		wg.Wait()
		seen := map[int64]bool{}
		for i, id := range got {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if seen[id] {
				t.Fatalf("ticket %d claimed twice: %v", id, got)
			}
			seen[id] = true
		}
		q, err := s.QueuedTickets(ctx)
		if err != nil || len(q) != 0 {
			t.Fatalf("queue after: %+v, %v", q, err)
		}
		if _, ok, err := s.ClaimNext(ctx, ops[0].ID, time.Now(), nil); ok || err != nil {
			t.Fatalf("empty queue: ok %v, err %v", ok, err)
		}
	})
}

func TestCapacityUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		op := mustOperator(t, s, "solo", 2, "payments")
		const n = 5
		tickets := make([]handoff.Ticket, n)
		for i := range tickets {
			tickets[i] = mustTicket(t, s, fmt.Sprintf("p%d", i), "payments", handoff.PriorityNormal, t0)
		}
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			ok    int
			start = make(chan struct{})
		)
		for _, tk := range tickets {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := s.ClaimTicket(ctx, tk.ID, op.ID, time.Now(), nil)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case chat.ErrorCode(err) != chat.ECONFLICT:
					t.Errorf("claim %d: %v, want conflict", tk.ID, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if ok != 2 {
			t.Fatalf("%d claims succeeded, want 2 (capacity)", ok)
		}
		got, err := s.Staff(ctx, op.ID)
		if err != nil || got.Active != 2 {
			t.Fatalf("Staff = %+v, %v; want Active 2", got, err)
		}
		mine, err := s.OperatorTickets(ctx, op.ID)
		if err != nil || len(mine) != 2 {
			t.Fatalf("OperatorTickets = %+v, %v", mine, err)
		}
		// ClaimNext respects capacity too.
		if _, _, err := s.ClaimNext(ctx, op.ID, time.Now(), nil); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("ClaimNext at capacity: %v, want conflict", err)
		}
	})
}

func TestQueueOrderAndSkills(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		low := mustTicket(t, s, "p-low", "payments", handoff.PriorityLow, t0)
		normalLate := mustTicket(t, s, "p-nl", "payments", handoff.PriorityNormal, t0.Add(2*time.Minute))
		normalEarly := mustTicket(t, s, "p-ne", "verification", handoff.PriorityNormal, t0.Add(time.Minute))
		normalEarly2 := mustTicket(t, s, "p-ne2", "payments", handoff.PriorityNormal, t0.Add(time.Minute))
		critical := mustTicket(t, s, "p-crit", "responsible_gaming", handoff.PriorityCritical, t0.Add(time.Hour))
		general := mustTicket(t, s, "p-gen", handoff.SkillGeneral, handoff.PriorityHigh, t0.Add(time.Hour))
		q, err := s.QueuedTickets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{critical.ID, general.ID, normalEarly.ID, normalEarly2.ID, normalLate.ID, low.ID}
		var got []int64
		for _, tk := range q {
			got = append(got, tk.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("queue order %v, want %v", got, want)
		}
		sorted := append([]handoff.Ticket(nil), q...)
		handoff.Sort(sorted)
		for i := range q {
			if q[i].ID != sorted[i].ID {
				t.Fatalf("store order differs from handoff.Compare at %d", i)
			}
		}
		// A payments operator skips critical RG and verification tickets.
		op := mustOperator(t, s, "pay", 10, "payments")
		var claimed []int64
		for {
			tk, ok, err := s.ClaimNext(ctx, op.ID, t0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			claimed = append(claimed, tk.ID)
		}
		if want := []int64{general.ID, normalEarly2.ID, normalLate.ID, low.ID}; fmt.Sprint(claimed) != fmt.Sprint(want) {
			t.Fatalf("payments operator claimed %v, want %v", claimed, want)
		}
		// Claiming a ticket of a skill one lacks is forbidden.
		if _, err := s.ClaimTicket(ctx, critical.ID, op.ID, t0, nil); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("claim without skill: %v, want forbidden", err)
		}
		open, err := s.OpenTickets(ctx)
		if err != nil || len(open) != 6 {
			t.Fatalf("OpenTickets = %d, %v; want 6", len(open), err)
		}
		// Offline and unknown operators claim nothing.
		if err := s.SetPresence(ctx, op.ID, handoff.Offline, t0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ClaimNext(ctx, op.ID, t0, nil); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("offline ClaimNext: %v, want conflict", err)
		}
		if _, err := s.ClaimTicket(ctx, critical.ID, 999, t0, nil); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("unknown operator: %v, want not found", err)
		}
		if _, err := s.ClaimTicket(ctx, 999, op.ID, t0, nil); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("unknown ticket: %v, want not found", err)
		}
	})
}

func TestUpdateTicketSyncsConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		op := mustOperator(t, s, "ann", 5, "payments")
		op2 := mustOperator(t, s, "bob", 5, "payments", "verification")
		sup := mustSupervisor(t, s, "sue")
		tk := mustTicket(t, s, "p1", "payments", handoff.PriorityNormal, t0)
		if st := convState(t, s, tk.ConversationID); st != chat.StateQueued {
			t.Fatalf("after handoff %s, want queued", st)
		}
		if _, err := s.ClaimTicket(ctx, tk.ID, op.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		// Release: back to the queue.
		got, err := s.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { return t.Release() })
		if err != nil || got.Status != handoff.StatusQueued || got.OperatorID != 0 || !got.AssignedAt.IsZero() {
			t.Fatalf("release: %+v, %v", got, err)
		}
		if st := convState(t, s, tk.ConversationID); st != chat.StateQueued {
			t.Fatalf("after release %s, want queued", st)
		}
		// A failing transition changes nothing.
		if _, err := s.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { return t.Resolve(op.ID, t0) }); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("resolve queued: %v, want conflict", err)
		}
		// Transfer to a skill, then to an operator.
		if got, err = s.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { return t.TransferToSkill("verification") }); err != nil || got.Skill != "verification" || got.Transfers != 1 {
			t.Fatalf("transfer to skill: %+v, %v", got, err)
		}
		if _, err := s.TransferToOperator(ctx, sup.ID, tk.ID, op.ID, t0); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("transfer to an operator without the skill: %v, want forbidden", err)
		}
		if got, err = s.TransferToOperator(ctx, sup.ID, tk.ID, op2.ID, t0); err != nil || got.OperatorID != op2.ID || got.Transfers != 2 {
			t.Fatalf("transfer to operator: %+v, %v", got, err)
		}
		if st := convState(t, s, tk.ConversationID); st != chat.StateWithOperator {
			t.Fatalf("after transfer %s, want with_operator", st)
		}
		// Return to the bot: the flow starts afresh.
		if st, _ := s.FlowState(ctx, tk.ConversationID); st.Flow != "kyc" {
			t.Fatalf("flow before return: %+v", st)
		}
		if got, err = s.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { return t.ReturnToBot() }); err != nil || got.Status != handoff.StatusReturnedToBot {
			t.Fatalf("return to bot: %+v, %v", got, err)
		}
		if st := convState(t, s, tk.ConversationID); st != chat.StateBot {
			t.Fatalf("after return %s, want bot", st)
		}
		if st, _ := s.FlowState(ctx, tk.ConversationID); st.Flow != "" || st.Step != "" || len(st.Slots) != 0 {
			t.Fatalf("flow after return: %+v, want reset", st)
		}
		if _, err := s.OpenTicket(ctx, tk.ConversationID); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("open ticket after return: %v", err)
		}

		// Resolve, then rate.
		tk2 := mustTicket(t, s, "p2", "payments", handoff.PriorityNormal, t0)
		if _, err := s.ClaimTicket(ctx, tk2.ID, op.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		resolved := t0.Add(10 * time.Minute)
		if got, err = s.UpdateTicket(ctx, tk2.ID, func(t *handoff.Ticket) error { return t.Resolve(op.ID, resolved) }); err != nil || !got.ResolvedAt.Equal(resolved) {
			t.Fatalf("resolve: %+v, %v", got, err)
		}
		if st := convState(t, s, tk2.ConversationID); st != chat.StateBot {
			t.Fatalf("after resolve %s, want bot", st)
		}
		if got, err = s.UpdateTicket(ctx, tk2.ID, func(t *handoff.Ticket) error { return t.Rate(5, "great") }); err != nil || got.CSAT != 5 {
			t.Fatalf("rate: %+v, %v", got, err)
		}
		stored, _ := s.Ticket(ctx, tk2.ID)
		if stored.CSAT != 5 || stored.CSATComment != "great" || stored.Status != handoff.StatusResolved || stored.OperatorID != op.ID {
			t.Fatalf("stored %+v", stored)
		}
		if a, _ := s.Staff(ctx, op.ID); a.Active != 0 {
			t.Fatalf("operator still counts %d tickets", a.Active)
		}
		if _, err := s.UpdateTicket(ctx, 999, func(*handoff.Ticket) error { return nil }); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("missing ticket: %v", err)
		}
	})
}

func TestStaffMessagesAndFirstResponse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		op := mustOperator(t, s, "ann", 5, "payments")
		sid := fmt.Sprint(op.ID)
		tk := mustTicket(t, s, "p1", "payments", handoff.PriorityNormal, t0)
		msg := func(text, client string) chat.Message {
			return chat.Message{ConversationID: tk.ConversationID, SenderID: sid, Text: text, ClientID: client}
		}
		if _, _, err := s.AppendStaffMessage(ctx, msg("hi", "r0"), false); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("reply to a queued ticket: %v, want conflict", err)
		}
		note, nt, err := s.AppendStaffMessage(ctx, msg("VIP, careful", "n1"), true)
		if err != nil || note.Sender != chat.SenderNote || nt.ID != tk.ID || note.Channel != chat.ChannelWebchat {
			t.Fatalf("note: %+v %+v, %v", note, nt, err)
		}
		if _, err := s.ClaimTicket(ctx, tk.ID, op.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		if _, nt, err = s.AppendStaffMessage(ctx, msg("second note", "n2"), true); err != nil || !nt.FirstResponseAt.IsZero() {
			t.Fatalf("a note recorded a first response: %+v, %v", nt, err)
		}
		reply, rt, err := s.AppendStaffMessage(ctx, msg("Hello, I am Ann", "r1"), false)
		if err != nil || reply.Sender != chat.SenderOperator || rt.FirstResponseAt.IsZero() || rt.FirstResponseBy != op.ID {
			t.Fatalf("reply: %+v %+v, %v", reply, rt, err)
		}
		first := rt.FirstResponseAt
		// A retry returns the stored reply; a later reply keeps the first time.
		again, _, err := s.AppendStaffMessage(ctx, msg("Hello, I am Ann", "r1"), false)
		if err != nil || again.ID != reply.ID {
			t.Fatalf("retry: %+v, %v; want message %d", again, err, reply.ID)
		}
		if _, rt, err = s.AppendStaffMessage(ctx, msg("more", "r2"), false); err != nil || !rt.FirstResponseAt.Equal(first) {
			t.Fatalf("second reply: %+v, %v", rt, err)
		}
		if stored, _ := s.Ticket(ctx, tk.ID); !stored.FirstResponseAt.Equal(first) || stored.FirstResponseBy != op.ID {
			t.Fatalf("stored ticket %+v", stored)
		}
		texts := func(ms []chat.Message) (out []string) {
			for _, m := range ms {
				out = append(out, m.Text)
			}
			return out
		}
		player, err := s.Messages(ctx, tk.ConversationID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(texts(player)), "[human please Hello, I am Ann more]"; got != want {
			t.Fatalf("player history %s, want %s", got, want)
		}
		staff, _ := s.PlayerMessages(ctx, tk.PlayerID, store.Page{})
		if got, want := fmt.Sprint(texts(staff)), "[human please VIP, careful second note Hello, I am Ann more]"; got != want {
			t.Fatalf("staff history %s, want %s", got, want)
		}
		// The player's history across conversations.
		if _, err := s.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { return t.Resolve(op.ID, t0) }); err != nil {
			t.Fatal(err)
		}
		if err := s.SetConversationState(ctx, tk.ConversationID, chat.StateClosed); err != nil {
			t.Fatal(err)
		}
		conv2, err := s.OpenConversation(ctx, "p1", chat.ChannelTelegram, "en")
		if err != nil || conv2.ID == tk.ConversationID {
			t.Fatalf("second conversation %+v, %v", conv2, err)
		}
		if _, _, err := s.AppendInbound(ctx, chat.Message{ConversationID: conv2.ID, Sender: chat.SenderPlayer, SenderID: "p1",
			Channel: chat.ChannelTelegram, Text: "from telegram", ClientID: "tg1"}); err != nil {
			t.Fatal(err)
		}
		all, err := s.PlayerMessages(ctx, "p1", store.Page{})
		if err != nil || len(all) != 6 || all[5].Text != "from telegram" || all[5].Channel != chat.ChannelTelegram {
			t.Fatalf("player messages %v, %v", texts(all), err)
		}
		if tail, _ := s.PlayerMessages(ctx, "p1", store.Page{Before: all[5].ID, Limit: 2}); fmt.Sprint(texts(tail)) != "[Hello, I am Ann more]" {
			t.Fatalf("page before: %v", texts(tail))
		}
	})
}
