package console_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// miss stores a player message the bot found out of scope; it returns the
// message id.
func (e *env) miss(player, locale, text string) int64 {
	e.t.Helper()
	return e.turn(player, locale, text, store.TurnRecord{Classified: true, OutOfScope: true})
}

// turn stores a player message the bot answered as rec says; it returns
// the message id.
func (e *env) turn(player, locale, text string, rec store.TurnRecord) int64 {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.st.UpsertPlayer(ctx, chat.Player{ID: player, Name: player, Locale: locale}); err != nil {
		e.t.Fatal(err)
	}
	conv, err := e.st.OpenConversation(ctx, player, chat.ChannelWebchat, locale)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := e.st.FlowState(ctx, conv.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	out, err := e.st.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, State: st,
		Record:  &rec,
		Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelWebchat, Text: text, ClientID: text},
		Replies: []chat.Message{{Text: "Sorry?"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Inbound.ID
}

func TestEditorInboxOverHTTP(t *testing.T) {
	e := newEditorEnv(t)
	e.staff("eddie", handoff.RoleEditor)
	e.staff("olga", handoff.RoleOperator, "general")
	ed, op := e.login("eddie"), e.login("olga")
	a1 := e.miss("p1", "en", "can I deposit with PayPal?")
	a2 := e.miss("p2", "en", "PayPal deposit possible?")
	b1 := e.miss("p3", "ru", "где казино в Осло")

	for _, call := range [][2]string{{"GET", "/console/api/editor/inbox"}, {"POST", "/console/api/editor/inbox/apply"},
		{"POST", "/console/api/editor/inbox/article"}, {"POST", "/console/api/editor/inbox/dismiss"}} {
		if code, _ := op.call(call[0], call[1], map[string]any{"message_ids": []int64{a1}, "intent": "deposit"}); code != 403 {
			t.Errorf("%s %s as an operator: %d, want 403", call[0], call[1], code)
		}
	}

	var in struct {
		Groups []struct {
			ID       int64            `json:"id"`
			Text     string           `json:"text"`
			Count    int              `json:"count"`
			State    string           `json:"state"`
			Reasons  map[string]int   `json:"reasons"`
			IDs      []int64          `json:"message_ids"`
			Examples []map[string]any `json:"examples"`
		} `json:"groups"`
		Messages  int     `json:"messages"`
		Threshold float64 `json:"switch_threshold"`
	}
	if code := ed.do("GET", "/console/api/editor/inbox?days=7&sort=count", nil, &in); code != 200 {
		t.Fatalf("inbox: %d", code)
	}
	if len(in.Groups) != 2 || in.Groups[0].Count != 2 || in.Groups[0].Reasons["out_of_scope"] != 2 || in.Messages != 3 || in.Threshold != 0.6 {
		t.Fatalf("inbox = %+v", in)
	}
	if ex := in.Groups[0].Examples[0]; ex["conversation_id"] == nil || ex["text"] == "" {
		t.Errorf("example = %v", ex)
	}

	for _, c := range []struct {
		method, path string
		body         any
		want         string
	}{
		{"GET", "/console/api/editor/inbox?days=0", nil, "days must be"},
		{"GET", "/console/api/editor/inbox?days=x", nil, "days must be"},
		{"GET", "/console/api/editor/inbox?state=done", nil, "state must be"},
		{"GET", "/console/api/editor/inbox?sort=size", nil, "sort must be"},
		{"POST", "/console/api/editor/inbox/apply", map[string]any{"intent": "deposit"}, "message_ids required"},
		{"POST", "/console/api/editor/inbox/dismiss", map[string]any{"message_ids": make([]int64, 20001)}, "at most 20000"},
		{"POST", "/console/api/editor/inbox/apply", map[string]any{"message_ids": []int64{a1}}, "intent required"},
		{"POST", "/console/api/editor/inbox/apply", map[string]any{"message_ids": []int64{-1}, "intent": "deposit"}, "not a message id"},
		{"POST", "/console/api/editor/inbox/apply", map[string]any{"message_ids": []int64{a1}, "intent": "paypal"}, "unknown intent"},
		{"POST", "/console/api/editor/inbox/apply", map[string]any{"message_ids": "1", "intent": "deposit"}, ""},
		{"POST", "/console/api/editor/inbox/article", map[string]any{}, "message_id required"},
		{"POST", "/console/api/editor/inbox/dismiss", map[string]any{"message_ids": []int64{}}, "message_ids required"},
	} {
		code, body := ed.call(c.method, c.path, c.body)
		msg := fmt.Sprint(body["error"])
		if code != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("%s %s %v: %d %s, want 400 %q", c.method, c.path, c.body, code, msg, c.want)
		}
	}
	if code, _ := ed.call("POST", "/console/api/editor/inbox/dismiss", map[string]any{"message_ids": []int64{999999}}); code != 404 {
		t.Errorf("dismiss an unknown message: %d, want 404", code)
	}

	var applied struct {
		Files []string `json:"files"`
		Added []string `json:"added"`
	}
	if code := ed.do("POST", "/console/api/editor/inbox/apply", map[string]any{"message_ids": []int64{a1}, "also_ids": []int64{a2},
		"intent": "deposit"}, &applied); code != 200 || len(applied.Files) != 1 || applied.Added[0] != "can I deposit with PayPal?" {
		t.Fatalf("apply: %d %+v", code, applied)
	}
	var file struct {
		Content string `json:"content"`
	}
	ed.do("GET", "/console/api/editor/draft/files/intents/en.yaml", nil, &file)
	if !strings.Contains(file.Content, "  - make a deposit with card\n  - can I deposit with PayPal?\n") {
		t.Errorf("draft intents/en.yaml:\n%s", file.Content)
	}
	var art struct {
		Path string `json:"path"`
	}
	if code := ed.do("POST", "/console/api/editor/inbox/article", map[string]any{"message_id": b1}, &art); code != 200 || art.Path != "kb/ru/gde-kazino-v-oslo.md" {
		t.Errorf("article: %d %+v", code, art)
	}
	b2 := e.miss("p4", "en", "what is the weather on Mars")
	ed.do("GET", "/console/api/editor/inbox", nil, &in)
	if len(in.Groups) != 1 || in.Groups[0].ID != b2 {
		t.Errorf("new groups after applying all but one: %+v", in.Groups)
	}
	ed.do("GET", "/console/api/editor/inbox?state=applied", nil, &in)
	if len(in.Groups) != 2 || in.Groups[0].State != "applied" {
		t.Errorf("applied groups: %+v", in.Groups)
	}
	// Applied and dismissed are final: only the new message changes.
	var dismissed map[string]int
	if code := ed.do("POST", "/console/api/editor/inbox/dismiss", map[string]any{"message_ids": []int64{b1, b2}}, &dismissed); code != 200 || dismissed["dismissed"] != 1 {
		t.Errorf("dismiss: %d %v", code, dismissed)
	}
	ed.do("GET", "/console/api/editor/inbox?state=dismissed", nil, &in)
	if len(in.Groups) != 1 || in.Groups[0].ID != b2 {
		t.Errorf("dismissed groups: %+v", in.Groups)
	}
	ed.do("GET", "/console/api/editor/inbox?state=applied", nil, &in)
	if len(in.Groups) != 2 {
		t.Errorf("applied groups after dismissing one of them: %+v", in.Groups)
	}
}

// TestEditorInboxMisses: what the editor API says a miss is and shows of
// it: an in-scope answer below the live switch_threshold is a guess
// (low_confidence); contacts are masked without --mask-contacts; an
// erased message cannot be dismissed; a group lists its new messages.
func TestEditorInboxMisses(t *testing.T) {
	e := newEditorEnv(t)
	e.staff("eddie", handoff.RoleEditor)
	ed := e.login("eddie")
	// The bundle: intents.threshold 0.5, switch_threshold 0.6.
	guess := e.turn("p1", "en", "PayPal deposit fees?", store.TurnRecord{Classified: true, Intent: "deposit", Confidence: 0.55})
	e.turn("p2", "en", "how do I deposit", store.TurnRecord{Classified: true, Intent: "deposit", Confidence: 0.65})
	mail := e.miss("p3", "en", "write me at anna.k@example.com or +44 7700 900123")
	mail2 := e.miss("p4", "en", "write me at anna.k@example.com or +44 7700 900123")
	erased := e.miss("p5", "en", "erase me")
	if _, err := e.st.ErasePlayer(context.Background(), "p5", store.AuditEntry{Actor: "cli:test"}); err != nil {
		t.Fatal(err)
	}
	var dismissed map[string]int
	if code := ed.do("POST", "/console/api/editor/inbox/dismiss", map[string]any{"message_ids": []int64{mail2}}, &dismissed); code != 200 || dismissed["dismissed"] != 1 {
		t.Fatalf("dismiss: %d %v", code, dismissed)
	}

	var in struct {
		Groups []struct {
			ID       int64          `json:"id"`
			Text     string         `json:"text"`
			Reasons  map[string]int `json:"reasons"`
			IDs      []int64        `json:"message_ids"`
			NewIDs   []int64        `json:"new_ids"`
			Examples []struct {
				Text string `json:"text"`
			} `json:"examples"`
		} `json:"groups"`
		Messages int `json:"messages"`
	}
	if code := ed.do("GET", "/console/api/editor/inbox?state=all", nil, &in); code != 200 || in.Messages != 3 || len(in.Groups) != 2 {
		t.Fatalf("inbox: %d %+v", code, in)
	}
	for _, g := range in.Groups {
		switch g.ID {
		case guess:
			if g.Reasons["low_confidence"] != 1 || len(g.Reasons) != 1 {
				t.Errorf("the guess: %+v", g)
			}
		case mail, mail2:
			var texts []string
			for _, x := range g.Examples {
				texts = append(texts, x.Text)
			}
			all := g.Text + " " + strings.Join(texts, " ")
			if strings.Contains(all, "anna.k@") || strings.Contains(all, "7700") || !strings.Contains(all, "a***@example.com") {
				t.Errorf("contacts shown: %q", all)
			}
			if len(g.IDs) != 2 || len(g.NewIDs) != 1 || g.NewIDs[0] != mail || !slices.Contains(g.IDs, mail2) {
				t.Errorf("ids %v, new %v", g.IDs, g.NewIDs)
			}
		default:
			t.Errorf("group %+v", g)
		}
	}
	// 404 for an erased message, and nothing is dismissed.
	if code, body := ed.call("POST", "/console/api/editor/inbox/dismiss", map[string]any{"message_ids": []int64{mail, erased}}); code != 404 {
		t.Errorf("dismiss an erased message: %d %v", code, body)
	}
	// A group's remaining messages, without the texts of its examples.
	var applied struct {
		Added  []string `json:"added"`
		Marked int      `json:"marked"`
	}
	if code := ed.do("POST", "/console/api/editor/inbox/apply", map[string]any{"also_ids": []int64{mail}, "intent": "deposit"}, &applied); code != 200 ||
		applied.Marked != 1 || len(applied.Added) != 0 {
		t.Errorf("apply the rest of a group: %d %+v", code, applied)
	}
}
