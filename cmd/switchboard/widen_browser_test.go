package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/live"
)

// TestUncoveredCriticalWidensInBrowser: a critical ticket of a skill nobody
// on duty serves waits for its configured time (here 3 s, from the
// published settings), then goes to the operator who serves general, and
// the player is told who joined.
func TestUncoveredCriticalWidensInBrowser(t *testing.T) {
	playerCtx := browser(t)
	a, engine := presenceAppEngine(t, 30*time.Second)
	srv := serveApp(t, a)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Publish the default content with fast widening for critical tickets.
	files, err := flows.ReadFS(content.FS)
	must(err)
	settings := string(files["settings.yaml"])
	if strings.Contains(settings, "\n  widen:\n") {
		files["settings.yaml"] = []byte(replaceWiden(settings))
	} else {
		files["settings.yaml"] = []byte(strings.Replace(settings, "\nhandoff:\n",
			"\nhandoff:\n  widen:\n    critical: {general: 3s, anyone: 1h}\n", 1))
	}
	_, err = live.New(a.store, engine, flows.RuntimeOptions{Models: testModels}, nil).Publish(ctx, files, "fast widening", "test")
	must(err)

	hash, err := auth.HashPassword("gina-password-1")
	must(err)
	gina, err := a.store.CreateStaff(ctx, handoff.Operator{Login: "gina", Name: "Gina", Role: handoff.RoleOperator,
		Skills: []string{"payments", "general"}, Capacity: 3, Status: handoff.Online}, hash)
	must(err)
	must(a.store.Heartbeat(ctx, gina.ID, time.Now()))

	must(chromedp.Do(playerCtx, chromedp.Navigate(srv.URL+"/demo")))
	must(waitFor(playerCtx, widgetReady))
	must(ask(playerCtx, "I want to talk to a real person"))
	var tk handoff.Ticket
	deadline := time.Now().Add(20 * time.Second)
	for {
		open, err := a.store.OpenTickets(ctx)
		must(err)
		if len(open) == 1 {
			tk = open[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ticket")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Make it a critical responsible-gaming ticket, which Gina does not serve.
	tk, err = a.store.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error {
		t.Skill, t.Priority = "responsible_gaming", handoff.PriorityCritical
		return nil
	})
	must(err)
	must(a.desk.Tick(ctx))
	if got, _ := a.store.Ticket(ctx, tk.ID); got.Status != handoff.StatusQueued && time.Since(tk.QueuedAt) < 3*time.Second {
		t.Fatalf("assigned before the widening time: %+v", got)
	}
	for {
		must(a.store.Heartbeat(ctx, gina.ID, time.Now()))
		must(a.desk.Tick(ctx))
		got, err := a.store.Ticket(ctx, tk.ID)
		must(err)
		if got.OperatorID == gina.ID {
			if waited := got.AssignedAt.Sub(tk.QueuedAt); waited < 3*time.Second {
				t.Fatalf("widened after %s, before the configured 3s", waited)
			}
			break
		}
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("never widened to the generalist: %+v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	must(waitFor(playerCtx, `Array.from(`+shadow+`.querySelectorAll('[data-sb-sender="system"] .sb-text')).some(e => e.textContent.includes('Gina'))`))
}

// replaceWiden swaps the settings' handoff.widen block for one with fast
// critical widening.
func replaceWiden(settings string) string {
	lines := strings.Split(settings, "\n")
	var out []string
	skipping := false
	for _, l := range lines {
		if l == "  widen:" {
			out = append(out, "  widen:", "    critical: {general: 3s, anyone: 1h}")
			skipping = true
			continue
		}
		if skipping && strings.HasPrefix(l, "    ") {
			continue
		}
		skipping = false
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
