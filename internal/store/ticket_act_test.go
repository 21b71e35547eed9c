package store_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// reply is a staff reply from op in the ticket's conversation.
func reply(tk handoff.Ticket, op handoff.Operator, client string) chat.Message {
	return chat.Message{ConversationID: tk.ConversationID, SenderID: strconv.FormatInt(op.ID, 10), Text: "answer from " + op.Login, ClientID: client}
}

func TestActionsAfterReassignmentRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		anna := mustOperator(t, s, "anna", 5, "payments")
		bob := mustOperator(t, s, "bob", 5, "payments")
		sue := mustSupervisor(t, s, "sue")
		tk := mustTicket(t, s, "p1", "payments", handoff.PriorityNormal, t0)
		if _, err := s.ClaimTicket(ctx, tk.ID, anna.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TransferToOperator(ctx, anna.ID, tk.ID, bob.ID, t0); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("an operator transferring to a named operator: %v, want forbidden", err)
		}
		if _, err := s.TransferToOperator(ctx, sue.ID, tk.ID, bob.ID, t0); err != nil {
			t.Fatal(err)
		}
		// Anna lost the ticket: her reply, resolve, return and transfer are refused.
		if _, _, err := s.AppendStaffMessage(ctx, reply(tk, anna, "late"), false); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("reply after reassignment: %v, want conflict", err)
		}
		if msgs, _ := s.Messages(ctx, tk.ConversationID, store.Page{}); len(msgs) != 1 {
			t.Fatalf("the refused reply was stored: %+v", msgs)
		}
		acts := map[string]func(handoff.Operator, *handoff.Ticket) error{
			"resolve":  func(a handoff.Operator, t *handoff.Ticket) error { return t.Resolve(a.ID, t0) },
			"return":   func(_ handoff.Operator, t *handoff.Ticket) error { return t.ReturnToBot() },
			"transfer": func(_ handoff.Operator, t *handoff.Ticket) error { return t.TransferToSkill("verification") },
		}
		for name, fn := range acts {
			if _, err := s.ActOnTicket(ctx, anna.ID, tk.ID, fn); chat.ErrorCode(err) != chat.ECONFLICT {
				t.Fatalf("%s after reassignment: %v, want conflict", name, err)
			}
		}
		if got, _ := s.Ticket(ctx, tk.ID); got.Status != handoff.StatusAssigned || got.OperatorID != bob.ID {
			t.Fatalf("ticket changed by refused actions: %+v", got)
		}
		// The supervisor steps in and answers first: the first response is hers.
		_, got, err := s.AppendStaffMessage(ctx, reply(tk, sue, "sue1"), false)
		if err != nil || got.FirstResponseBy != sue.ID {
			t.Fatalf("supervisor reply: %+v, %v; want first response by %d", got, err, sue.ID)
		}
		if _, got, err = s.AppendStaffMessage(ctx, reply(tk, bob, "bob1"), false); err != nil || got.FirstResponseBy != sue.ID {
			t.Fatalf("holder's later reply: %+v, %v", got, err)
		}
		got, err = s.ActOnTicket(ctx, bob.ID, tk.ID, acts["resolve"])
		if err != nil || got.ResolvedBy != bob.ID || got.Status != handoff.StatusResolved {
			t.Fatalf("holder resolves: %+v, %v", got, err)
		}
		// A disabled holder can do nothing.
		tk2 := mustTicket(t, s, "p2", "payments", handoff.PriorityNormal, t0)
		if _, err := s.ClaimTicket(ctx, tk2.ID, anna.ID, t0, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStaffDisabled(ctx, anna.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AppendStaffMessage(ctx, reply(tk2, anna, "x"), false); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("disabled reply: %v, want forbidden", err)
		}
		if _, err := s.ActOnTicket(ctx, anna.ID, tk2.ID, acts["resolve"]); chat.ErrorCode(err) != chat.EFORBIDDEN {
			t.Fatalf("disabled resolve: %v, want forbidden", err)
		}
	})
}

// TestRacingReassignment races the holder's reply, resolve or return to
// the bot against a supervisor moving the ticket to another operator: what
// the holder does either happens while it still holds the ticket or is
// refused, never stored for or credited to the operator who lost it.
func TestRacingReassignment(t *testing.T) {
	const rounds = 200
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		anna := mustOperator(t, s, "anna", rounds*3, "payments")
		bob := mustOperator(t, s, "bob", rounds*3, "payments")
		sue := mustSupervisor(t, s, "sue")
		race := func(round int, act func(tk handoff.Ticket) error) (handoff.Ticket, error, error) {
			tk := mustTicket(t, s, fmt.Sprintf("p%d", round), "payments", handoff.PriorityNormal, t0)
			if _, err := s.ClaimTicket(ctx, tk.ID, anna.ID, t0, nil); err != nil {
				t.Fatal(err)
			}
			var (
				wg            sync.WaitGroup
				start         = make(chan struct{})
				actErr, trErr error
			)
			wg.Add(2)
			go func() { defer wg.Done(); <-start; actErr = act(tk) }()
			go func() {
				defer wg.Done()
				<-start
				_, trErr = s.TransferToOperator(ctx, sue.ID, tk.ID, bob.ID, t0)
			}()
			close(start)
			wg.Wait()
			got, err := s.Ticket(ctx, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got, actErr, trErr
		}
		for i := range rounds {
			switch i % 3 {
			case 0: // reply
				var tk handoff.Ticket
				got, actErr, trErr := race(i, func(x handoff.Ticket) error {
					tk = x
					_, _, err := s.AppendStaffMessage(ctx, reply(x, anna, fmt.Sprint("r", i)), false)
					return err
				})
				if trErr != nil {
					t.Fatalf("round %d: transfer: %v", i, trErr)
				}
				msgs, _ := s.Messages(ctx, tk.ConversationID, store.Page{})
				stored := len(msgs) == 2
				switch {
				case actErr == nil && (!stored || got.FirstResponseBy != anna.ID):
					t.Fatalf("round %d: reply accepted but stored %v, first response by %d", i, stored, got.FirstResponseBy)
				case actErr != nil && (chat.ErrorCode(actErr) != chat.ECONFLICT || stored || got.FirstResponseBy != 0):
					t.Fatalf("round %d: refused reply (%v) left stored=%v, first response by %d", i, actErr, stored, got.FirstResponseBy)
				}
			default: // resolve or return to the bot: exactly one of the two wins
				got, actErr, trErr := race(i, func(x handoff.Ticket) error {
					_, err := s.ActOnTicket(ctx, anna.ID, x.ID, func(a handoff.Operator, t *handoff.Ticket) error {
						if i%3 == 1 {
							return t.Resolve(a.ID, t0)
						}
						return t.ReturnToBot()
					})
					return err
				})
				if (actErr == nil) == (trErr == nil) {
					t.Fatalf("round %d: holder's action %v, transfer %v: want exactly one to succeed", i, actErr, trErr)
				}
				if actErr == nil && got.Status.Open() || trErr == nil && got.OperatorID != bob.ID {
					t.Fatalf("round %d: ticket %+v after action %v, transfer %v", i, got, actErr, trErr)
				}
			}
		}
	})
}
