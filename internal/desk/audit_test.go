package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// TestActsAudited: the desk's transfer, resolve and return to the bot are
// in the audit log, by whoever acted; refused ones are not.
func TestActsAudited(t *testing.T) {
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
		tk1 := handoffTicket(t, st, "p1", "payments")
		tk2 := handoffTicket(t, st, "p2", "payments")
		for _, tk := range []handoff.Ticket{tk1, tk2} {
			if _, err := d.Claim(ctx, anna, tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Transfer(ctx, anna, tk1.ID, "", bob.ID); err == nil {
			t.Fatal("an operator transferred to a named operator")
		}
		if _, err := d.Transfer(ctx, anna, tk1.ID, "astrology", 0); err == nil {
			t.Fatal("transferred to an unknown skill")
		}
		if _, err := d.Transfer(ctx, sue, tk1.ID, "", bob.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Resolve(ctx, bob, tk1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ReturnToBot(ctx, anna, tk2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Resolve(ctx, anna, tk2.ID); err == nil {
			t.Fatal("resolved a ticket back with the bot")
		}
		log, err := st.AuditLog(ctx, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := len(log) - 1; i >= 0; i-- {
			got = append(got, fmt.Sprintf("%s %s %s", log[i].Actor, log[i].Action, log[i].Target))
		}
		want := []string{
			fmt.Sprintf("sue %s ticket:%d", store.AuditTicketTransfer, tk1.ID),
			fmt.Sprintf("bob %s ticket:%d", store.AuditTicketResolve, tk1.ID),
			fmt.Sprintf("anna %s ticket:%d", store.AuditTicketReturn, tk2.ID),
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
