package conversation_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// defaultEngine runs the built-in content; it is built once for all tests.
var defaultEngine *flows.Engine

func TestMain(m *testing.M) {
	files, err := flows.ReadFS(content.FS)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	b, err := live.Validate(files)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rt, err := flows.NewRuntime(context.Background(), b, flows.RuntimeOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defaultEngine = flows.NewEngine(rt)
	os.Exit(m.Run())
}

type harness struct {
	t      *testing.T
	st     *store.Store
	svc    *conversation.Service
	player chat.Player
	seq    int
}

func newHarness(t *testing.T, st *store.Store, p chat.Player) *harness {
	return &harness{t: t, st: st, svc: conversation.New(st, defaultEngine, conversation.Options{}), player: p}
}

func (h *harness) send(text string) conversation.Result {
	h.t.Helper()
	h.seq++
	res, err := h.svc.Send(context.Background(), conversation.Inbound{Player: h.player, Channel: chat.ChannelWebchat,
		ClientID: fmt.Sprint("m", h.seq), Text: text})
	if err != nil {
		h.t.Fatalf("send %q: %v", text, err)
	}
	return res
}

// expect is what one turn must produce.
type expect struct {
	say      string // text that some reply contains
	article  string // an article id some reply links (or the first line of the answer)
	intent   string // the classified intent ("" = not checked)
	buttons  []string
	waiting  string // flow/step the conversation waits at; "-" for idle
	handoff  string // "skill/priority" of the ticket the turn queued
	silent   bool   // no replies at all
	anyOfArt []string
}

type scenario struct {
	name   string
	locale string
	turns  []struct {
		msg string
		exp expect
	}
}

func turn(msg string, e expect) struct {
	msg string
	exp expect
} {
	return struct {
		msg string
		exp expect
	}{msg, e}
}

// TestDefaultFlows runs every default flow end to end in both languages,
// through the conversation service and a real database.
func TestDefaultFlows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for i, sc := range defaultScenarios() {
			t.Run(sc.name+"_"+sc.locale, func(t *testing.T) {
				p := chat.Player{ID: fmt.Sprintf("player-%d", i), Name: "Ann", Locale: sc.locale,
					Attributes: map[string]string{"verified": "false"}}
				if sc.locale == "ru" {
					p.Name = "Анна"
				}
				h := newHarness(t, st, p)
				for _, tr := range sc.turns {
					h.check(tr.msg, tr.exp)
				}
			})
		}
	})
}

func (h *harness) check(msg string, e expect) {
	t := h.t
	t.Helper()
	before, _ := h.st.Tickets(context.Background(), h.conversationID())
	res := h.send(msg)
	var all []string
	var articles []string
	var buttons []string
	for _, r := range res.Replies {
		all = append(all, r.Text)
		for _, a := range r.Articles {
			articles = append(articles, a.ID)
		}
		for _, b := range r.Buttons {
			buttons = append(buttons, b.Label)
		}
	}
	joined := strings.Join(all, "\n---\n")
	ctx := fmt.Sprintf("%q → intent %v, replies:\n%s\narticles %v buttons %v", msg, traceIntent(res), joined, articles, buttons)
	if e.silent {
		if len(res.Replies) != 0 {
			t.Fatalf("%s\nwant silence", ctx)
		}
	} else if len(res.Replies) == 0 {
		t.Fatalf("%s\nwant replies", ctx)
	}
	if e.intent != "" && (res.Trace == nil || res.Trace.Intent != e.intent) {
		t.Errorf("%s\nwant intent %s", ctx, e.intent)
	}
	if e.say != "" && !strings.Contains(joined, e.say) {
		t.Errorf("%s\nwant a reply containing %q", ctx, e.say)
	}
	if e.article != "" && !contains(articles, e.article) {
		t.Errorf("%s\nwant article %s", ctx, e.article)
	}
	if len(e.anyOfArt) > 0 {
		found := false
		for _, a := range e.anyOfArt {
			found = found || contains(articles, a)
		}
		if !found {
			t.Errorf("%s\nwant one of the articles %v", ctx, e.anyOfArt)
		}
	}
	if e.buttons != nil && strings.Join(buttons, "|") != strings.Join(e.buttons, "|") {
		t.Errorf("%s\nwant buttons %v", ctx, e.buttons)
	}
	state, err := h.st.FlowState(context.Background(), res.Conversation.ID)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case e.waiting == "-":
		if state.Waiting() {
			t.Errorf("%s\nstored state %+v, want idle", ctx, state)
		}
	case e.waiting != "":
		if got := state.Flow + "/" + state.Step; got != e.waiting {
			t.Errorf("%s\nstored state waits at %s, want %s", ctx, got, e.waiting)
		}
	}
	after, _ := h.st.Tickets(context.Background(), res.Conversation.ID)
	if e.handoff != "" {
		if len(after) != len(before)+1 {
			t.Fatalf("%s\nwant a new ticket %s, tickets %+v", ctx, e.handoff, after)
		}
		tk := after[len(after)-1]
		if got := tk.Skill + "/" + tk.Priority; got != e.handoff {
			t.Errorf("%s\nticket %s, want %s", ctx, got, e.handoff)
		}
		if res.Conversation.State != chat.StateQueued {
			t.Errorf("%s\nconversation %s, want queued", ctx, res.Conversation.State)
		}
	} else if len(after) != len(before) {
		t.Errorf("%s\nunexpected ticket %+v", ctx, after[len(after)-1])
	}
	if t.Failed() {
		t.FailNow() // later turns depend on this one
	}
}

func (h *harness) conversationID() int64 {
	c, err := h.st.OpenConversation(context.Background(), h.player.ID, chat.ChannelWebchat, h.player.Locale)
	if err != nil {
		h.t.Fatal(err)
	}
	return c.ID
}

func traceIntent(r conversation.Result) string {
	if r.Trace == nil || !r.Trace.Classified {
		return "-"
	}
	return fmt.Sprintf("%s %.2f oos=%v", r.Trace.Intent, r.Trace.Confidence, r.Trace.OutOfScope)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
