package conversation_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// defaultEngine runs the built-in content; it is built once for all tests.
var defaultEngine *flows.Engine

func TestMain(m *testing.M) {
	rt, err := live.Build(context.Background(), content.FS, flows.RuntimeOptions{Models: testModels})
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
		if got := tk.Skill + "/" + string(tk.Priority); got != e.handoff {
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

func TestSendIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc := conversation.New(st, defaultEngine, conversation.Options{})
		in := conversation.Inbound{Player: chat.Player{ID: "p1", Name: "Ann", Locale: "en"}, Channel: chat.ChannelWebchat,
			ClientID: "abc", Text: "how do i withdraw"}
		first, err := svc.Send(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		second, err := svc.Send(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if first.Duplicate || !second.Duplicate || second.Message.ID != first.Message.ID {
			t.Fatalf("first dup=%v id=%d, second dup=%v id=%d", first.Duplicate, first.Message.ID, second.Duplicate, second.Message.ID)
		}
		if len(second.Replies) != len(first.Replies) || second.Replies[0].ID != first.Replies[0].ID {
			t.Fatalf("retry returned other replies: %+v vs %+v", second.Replies, first.Replies)
		}
		history, err := svc.History(ctx, "p1", first.Conversation.ID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 1+len(first.Replies) {
			t.Fatalf("history has %d messages, want %d (the retry stored nothing)", len(history), 1+len(first.Replies))
		}
		st2, _ := st.FlowState(ctx, first.Conversation.ID)
		if st2.Version != 1 {
			t.Fatalf("flow state version %d, want 1: the retry must not run a second turn", st2.Version)
		}
	})
}

func TestBadInputIsRefusedAndNothingStored(t *testing.T) {
	st := storetest.Default(t)
	ctx := context.Background()
	svc := conversation.New(st, defaultEngine, conversation.Options{MaxMessageBytes: 64})
	p := chat.Player{ID: "p1", Name: "Ann", Locale: "en"}
	tests := []struct {
		name, text, client string
		code               string
	}{
		{"invalid utf-8", "hello \xff\xfe", "1", chat.EINVALID},
		{"empty", "   \n ", "2", chat.EINVALID},
		{"nul", "a\x00b", "3", chat.EINVALID},
		{"too large", strings.Repeat("я", 33), "4", chat.ETOOLARGE},
		{"client id too long", "hi", strings.Repeat("x", 129), chat.EINVALID},
	}
	for _, tt := range tests {
		_, err := svc.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelWebchat, ClientID: tt.client, Text: tt.text})
		if chat.ErrorCode(err) != tt.code {
			t.Errorf("%s: got %v, want %s", tt.name, err, tt.code)
		}
	}
	if _, err := st.Player(ctx, "p1"); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Errorf("refused messages left a trace: player %v", err)
	}
	// Exactly at the limit is fine.
	if _, err := svc.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelWebchat, ClientID: "ok", Text: strings.Repeat("я", 32)}); err != nil {
		t.Errorf("64-byte message: %v", err)
	}
}

func TestRestartMidFlowContinues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := chat.Player{ID: "p1", Name: "Ann", Locale: "en"}
		h := newHarness(t, st, p)
		h.check("i deposited but the money is not on my balance", expect{intent: "deposit", waiting: "deposit/problem_help"})
		h.check("No, pass it to payments", expect{waiting: "deposit/amount"})

		// A new process: new engine and service on the same database.
		engine := flows.NewEngine(nil)
		defer engine.Close()
		if err := live.New(st, engine, flows.RuntimeOptions{Models: testModels}, nil).Start(ctx, content.FS); err != nil {
			t.Fatal(err)
		}
		h.svc = conversation.New(st, engine, conversation.Options{})
		h.check("75", expect{say: "Which method did you use?", waiting: "deposit/method"})
	})
}

func TestRetryOfMessageToAHumanIsNotBotAnswered(t *testing.T) {
	st := storetest.Default(t)
	ctx := context.Background()
	svc := conversation.New(st, defaultEngine, conversation.Options{})
	p := chat.Player{ID: "p1", Name: "Ann", Locale: "en"}
	send := func(client, text string) conversation.Result {
		t.Helper()
		res, err := svc.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelWebchat, ClientID: client, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := send("c1", "i want to talk to a human")
	if res.Conversation.State != chat.StateQueued {
		t.Fatalf("state %s, want queued", res.Conversation.State)
	}
	first := send("c2", "my deposit is missing")
	if len(first.Replies) != 0 {
		t.Fatalf("bot answered while queued: %+v", first.Replies)
	}
	tk, err := st.OpenTicket(ctx, res.Conversation.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateTicket(ctx, tk.ID, func(t *handoff.Ticket) error { return t.ReturnToBot() }); err != nil {
		t.Fatal(err)
	}
	// The client retries the message it sent to the human: stored once,
	// and the bot does not answer it now.
	again := send("c2", "my deposit is missing")
	if !again.Duplicate || again.Message.ID != first.Message.ID || len(again.Replies) != 0 {
		t.Fatalf("retry after return to bot: %+v", again)
	}
}

func TestEngineFailureStillAnswersAndKeepsMessage(t *testing.T) {
	st := storetest.Default(t)
	ctx := context.Background()
	svc := conversation.New(st, flows.NewEngine(nil), conversation.Options{}) // no content loaded
	res, err := svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "p1", Locale: "ru"}, Channel: chat.ChannelWebchat,
		ClientID: "c1", Text: "привет"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Replies) != 1 || !strings.Contains(res.Replies[0].Text, "Извините") {
		t.Fatalf("replies %+v, want the apology", res.Replies)
	}
	history, _ := st.Messages(ctx, res.Conversation.ID, store.Page{})
	if len(history) != 2 || history[0].Text != "привет" {
		t.Fatalf("history %+v, want the message and the apology", history)
	}
}

func TestHistoryIsPlayersOwn(t *testing.T) {
	st := storetest.Default(t)
	ctx := context.Background()
	svc := conversation.New(st, defaultEngine, conversation.Options{})
	a, err := svc.Send(ctx, conversation.Inbound{Player: chat.Player{ID: "a", Locale: "en"}, Channel: chat.ChannelWebchat, ClientID: "1", Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.History(ctx, "b", a.Conversation.ID, store.Page{}); chat.ErrorCode(err) != chat.ENOTFOUND {
		t.Fatalf("b reads a's history: %v, want not_found", err)
	}
}

func TestOneHistoryAcrossChannels(t *testing.T) {
	st := storetest.Default(t)
	ctx := context.Background()
	svc := conversation.New(st, defaultEngine, conversation.Options{})
	p := chat.Player{ID: "p1", Name: "Ann", Locale: "en"}
	web, err := svc.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelWebchat, ClientID: "w1", Text: "how do i deposit"})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := svc.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelTelegram, ClientID: "t1", Text: "Yes, thanks"})
	if err != nil {
		t.Fatal(err)
	}
	if tg.Conversation.ID != web.Conversation.ID || tg.Conversation.Channel != chat.ChannelTelegram {
		t.Fatalf("telegram continued conversation %d (%s), want %d", tg.Conversation.ID, tg.Conversation.Channel, web.Conversation.ID)
	}
	if len(tg.Replies) == 0 || !strings.Contains(tg.Replies[0].Text, "Enjoy") {
		t.Fatalf("the flow started on the web did not continue in telegram: %+v", tg.Replies)
	}
}

func TestPriorityRulesFromSettings(t *testing.T) {
	st := storetest.Default(t)
	ctx := context.Background()
	svc := conversation.New(st, defaultEngine, conversation.Options{})
	for _, tt := range []struct {
		vip  string
		want handoff.Priority
	}{{"1", handoff.PriorityHigh}, {"3", handoff.PriorityCritical}} {
		p := chat.Player{ID: "vip-" + tt.vip, Locale: "en", Attributes: map[string]string{"vip_level": tt.vip}}
		res, err := svc.Send(ctx, conversation.Inbound{Player: p, Channel: chat.ChannelWebchat, ClientID: "1", Text: "can i speak to a real person please"})
		if err != nil {
			t.Fatal(err)
		}
		tk, err := st.OpenTicket(ctx, res.Conversation.ID)
		if err != nil || tk.Priority != tt.want || tk.DueAt.Sub(tk.CreatedAt) != 3*time.Minute {
			t.Errorf("vip %s: ticket %+v %v, want %s due in the chat SLA of 3m", tt.vip, tk, err, tt.want)
		}
	}
}

// testModels shares trained models between the tests' runtimes: training
// under the race detector takes tens of seconds.
var testModels = flows.NewModelCache(4)
