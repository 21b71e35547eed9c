package editor_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// playerTurn stores a player's message answered by the bot as rec says,
// in a conversation of its own; it returns the message id.
func playerTurn(t *testing.T, s *store.Store, player, locale, text string, rec store.TurnRecord) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := s.UpsertPlayer(ctx, chat.Player{ID: player, Name: player, Locale: locale}); err != nil {
		t.Fatal(err)
	}
	conv, err := s.OpenConversation(ctx, player, chat.ChannelWebchat, locale)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.FlowState(ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.CompleteTurn(ctx, store.TurnResult{ConversationID: conv.ID, State: st, Record: &rec,
		Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: player, Channel: chat.ChannelWebchat, Text: text,
			ClientID: player + "-" + text}, Replies: []chat.Message{{Text: "reply"}}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Inbound.ID
}

func TestInboxApplyArticleDismiss(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		oos := store.TurnRecord{Classified: true, OutOfScope: true, Confidence: 0.1}
		// In scope (the bundle's intents.threshold is 0.5) but below its
		// switch_threshold (0.6): the bot answered on a guess.
		low := store.TurnRecord{Classified: true, Intent: "deposit", Confidence: 0.55}
		var a, b []int64
		for i, text := range []string{"can I deposit with PayPal?", "Deposit via PayPal", "PayPal deposit possible?"} {
			rec := oos
			if i == 1 {
				rec = low
			}
			a = append(a, playerTurn(t, s, fmt.Sprintf("pa%d", i), "en", text, rec))
		}
		for i, text := range []string{"как вывести на киви?", "вывести на киви"} {
			b = append(b, playerTurn(t, s, fmt.Sprintf("pb%d", i), "ru", text, oos))
		}
		no := store.TurnRecord{Feedback: &flows.Feedback{Article: "deposit-methods", Helpful: false}}
		c := playerTurn(t, s, "pc", "en", "is there a casino in Oslo", no)
		playerTurn(t, s, "pd", "en", "how do i deposit", store.TurnRecord{Classified: true, Intent: "deposit", Confidence: 0.9})
		playerTurn(t, s, "pe", "en", "PayPal deposit please", oos)
		if _, err := s.ErasePlayer(ctx, "pe", store.AuditEntry{Actor: "cli:test"}); err != nil {
			t.Fatal(err)
		}

		settings, err := f.svc.LiveSettings(ctx)
		if err != nil || settings.SwitchThreshold != 0.6 {
			t.Fatalf("live settings: %v, %v", settings.SwitchThreshold, err)
		}
		week := editor.InboxQuery{Since: time.Now().Add(-7 * 24 * time.Hour), SwitchThreshold: settings.SwitchThreshold}
		in, err := f.svc.Inbox(ctx, week)
		if err != nil {
			t.Fatal(err)
		}
		counts := func(in editor.Inbox) []string {
			var out []string
			for _, g := range in.Groups {
				out = append(out, fmt.Sprintf("%d %s %s", g.Count, g.State, strings.Join(g.Locales, ",")))
				for _, e := range g.Examples {
					if e.Text == store.ErasedText {
						t.Errorf("erased message in group %q", g.Text)
					}
				}
			}
			return out
		}
		if got, want := counts(in), []string{"3 new en", "2 new ru", "1 new en"}; !slices.Equal(got, want) {
			t.Fatalf("groups = %q, want %q", got, want)
		}
		if in.Messages != 6 || in.SwitchThreshold != 0.6 || in.Groups[0].Reasons[store.MissLowConfidence] != 1 || in.Groups[2].Reasons[store.MissNotHelpful] != 1 {
			t.Errorf("inbox = %+v", in)
		}

		// An unknown intent is refused, and nothing changes.
		if _, err := f.svc.ApplyIntent(ctx, f.ann, a[:1], nil, "paypal"); chat.ErrorCode(err) != chat.EINVALID || !strings.Contains(err.Error(), "unknown intent") {
			t.Errorf("unknown intent: %v", err)
		}
		// So is an id that is not a message the bot answered: nothing written.
		if _, err := f.svc.ApplyIntent(ctx, f.ann, a[:1], []int64{99999}, "deposit"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("unknown also id: %v", err)
		}
		if d, err := f.svc.Draft(ctx, f.ann); err != nil || len(d.Changes) != 0 {
			t.Errorf("draft after refusals: %+v %v", d.Changes, err)
		}
		// Two phrasings added, the third only marked.
		got, err := f.svc.ApplyIntent(ctx, f.ann, a[:2], a[2:], "deposit")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Files, []string{"intents/en.yaml"}) || !slices.Equal(got.Added, []string{"can I deposit with PayPal?", "Deposit via PayPal"}) ||
			got.Marked != 3 {
			t.Errorf("applied = %+v", got)
		}
		files, _, err := f.svc.Files(ctx, f.ann)
		if err != nil {
			t.Fatal(err)
		}
		wantEN := strings.Replace(f.file(t, "intents/en.yaml"), "  - make a deposit with card\n",
			"  - make a deposit with card\n  - can I deposit with PayPal?\n  - Deposit via PayPal\n", 1)
		if string(files["intents/en.yaml"]) != wantEN {
			t.Errorf("draft intents/en.yaml:\n%s\nwant\n%s", files["intents/en.yaml"], wantEN)
		}
		if ch, err := f.svc.Validate(ctx, f.ann); err != nil || !ch.OK {
			t.Errorf("draft after apply: %+v %v", ch, err)
		}
		// Applying again adds nothing and marks nothing.
		if got, err := f.svc.ApplyIntent(ctx, f.ann, a[1:2], nil, "deposit"); err != nil || len(got.Added) != 0 || len(got.Files) != 0 || got.Marked != 0 {
			t.Errorf("apply again = %+v, %v", got, err)
		}
		if _, err := f.svc.ApplyIntent(ctx, f.ann, b[:1], nil, "withdrawal"); err != nil {
			t.Fatal(err)
		}
		files, _, _ = f.svc.Files(ctx, f.ann)
		if !strings.Contains(string(files["intents/ru.yaml"]), "  - как вывести на киви?\n  - выплата не пришла\n") &&
			!strings.Contains(string(files["intents/ru.yaml"]), "  - выплата не пришла\n  - как вывести на киви?\n") {
			t.Errorf("draft intents/ru.yaml:\n%s", files["intents/ru.yaml"])
		}

		art, err := f.svc.StartArticle(ctx, f.ann, c)
		if err != nil {
			t.Fatal(err)
		}
		files, _, _ = f.svc.Files(ctx, f.ann)
		wantArt := "---\nid: is-there-a-casino-in-oslo\nlocale: en\ntitle: is there a casino in Oslo\ntags: []\nintents: []\nreview_by: \n---\n"
		if art.Path != "kb/en/is-there-a-casino-in-oslo.md" || string(files[art.Path]) != wantArt {
			t.Errorf("article %s:\n%s", art.Path, files[art.Path])
		}
		if again, err := f.svc.StartArticle(ctx, f.ann, c); err != nil || again.Path != "kb/en/is-there-a-casino-in-oslo-2.md" {
			t.Errorf("second article = %+v, %v", again, err)
		}

		// The Russian group is half applied: still new. Dismiss the rest.
		in, _ = f.svc.Inbox(ctx, editor.InboxQuery{Since: week.Since, State: store.MissNew, SwitchThreshold: 0.6})
		if got := counts(in); !slices.Equal(got, []string{"2 new ru"}) {
			t.Errorf("new groups = %q", got)
		}
		if n, err := f.svc.Dismiss(ctx, f.ann, b); err != nil || n != 1 {
			t.Fatalf("dismiss a half applied group: %d, %v", n, err)
		}
		in, _ = f.svc.Inbox(ctx, editor.InboxQuery{Since: week.Since, State: store.MissApplied, Sort: "newest", SwitchThreshold: 0.6})
		if got := counts(in); !slices.Equal(got, []string{"1 applied en", "2 applied ru", "3 applied en"}) {
			t.Errorf("applied groups, newest first = %q", got)
		}
		if _, err := f.svc.Inbox(ctx, editor.InboxQuery{State: "done"}); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("bad state: %v", err)
		}
		if _, err := f.svc.ApplyIntent(ctx, f.ann, []int64{99999}, nil, "deposit"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("unknown message: %v", err)
		}
	})
}

// TestInboxActionsAreAtomic: a save between an inbox action's read of the
// draft and its write is never overwritten: the action is refused
// (ECONFLICT) with nothing written, and succeeds when tried again.
func TestInboxActionsAreAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		oos := store.TurnRecord{Classified: true, OutOfScope: true}
		id := playerTurn(t, s, "pa", "en", "PayPal deposit possible?", oos)
		oslo := playerTurn(t, s, "pb", "en", "is there a casino in Oslo", oos)
		const p = "intents/en.yaml"
		edited := f.file(t, p) + "# edited in another tab\n"
		save := func(path, content string) func() {
			return func() {
				if err := f.svc.SaveFile(ctx, f.ann, path, []byte(content)); err != nil {
					t.Error(err)
				}
			}
		}
		_, err := f.svc.ApplyIntent(editor.WithInboxReadHook(ctx, save(p, edited)), f.ann, []int64{id}, nil, "deposit")
		if chat.ErrorCode(err) != chat.ECONFLICT || !strings.Contains(err.Error(), "try again") {
			t.Fatalf("apply with a save in between: %v, want a conflict", err)
		}
		files, _, _ := f.svc.Files(ctx, f.ann)
		misses, _ := s.MissesByID(ctx, []int64{id, oslo}, 0)
		if string(files[p]) != edited || misses[0].State != store.MissNew {
			t.Errorf("after the conflict: state %s, draft:\n%s", misses[0].State, files[p])
		}
		// Again, on the draft as it is now: the save is kept.
		got, err := f.svc.ApplyIntent(ctx, f.ann, []int64{id}, nil, "deposit")
		if err != nil || got.Marked != 1 {
			t.Fatalf("apply again: %+v, %v", got, err)
		}
		files, _, _ = f.svc.Files(ctx, f.ann)
		if !strings.Contains(string(files[p]), "  - PayPal deposit possible?\n") || !strings.HasSuffix(string(files[p]), "# edited in another tab\n") {
			t.Errorf("draft %s:\n%s", p, files[p])
		}

		// Start article: the same, for the new file.
		const art = "kb/en/is-there-a-casino-in-oslo.md"
		_, err = f.svc.StartArticle(editor.WithInboxReadHook(ctx, save(art, "---\nid: mine\n---\n")), f.ann, oslo)
		if chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("article with a save in between: %v, want a conflict", err)
		}
		files, _, _ = f.svc.Files(ctx, f.ann)
		misses, _ = s.MissesByID(ctx, []int64{oslo}, 0)
		if string(files[art]) != "---\nid: mine\n---\n" || misses[0].State != store.MissNew {
			t.Errorf("after the conflict: state %s, %s:\n%s", misses[0].State, art, files[art])
		}
		a, err := f.svc.StartArticle(ctx, f.ann, oslo)
		if err != nil || a.Path != "kb/en/is-there-a-casino-in-oslo-2.md" || a.Marked != 1 {
			t.Errorf("article again: %+v, %v", a, err)
		}
		log, err := s.AuditLog(ctx, 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, e := range log {
			if strings.HasPrefix(e.Action, "missed.") {
				acts = append(acts, e.Action)
			}
		}
		if !slices.Equal(acts, []string{store.AuditMissApply, store.AuditMissApply}) {
			t.Errorf("audit rows = %q, want one per action that went through", acts)
		}
	})
}

// TestInboxApplyQuestion: messages added to an article's questions land in
// the draft's article of each one's locale, and are marked applied.
func TestInboxApplyQuestion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		oos := store.TurnRecord{Classified: true, OutOfScope: true, Confidence: 0.1}
		en := playerTurn(t, s, "qa", "en", "can i top up with skrill", oos)
		ru := playerTurn(t, s, "qb", "ru", "можно закинуть через скрилл", oos)
		again := playerTurn(t, s, "qc", "en", "Can I top up with Skrill", oos)

		if _, err := f.svc.ApplyQuestion(ctx, f.ann, []int64{en}, nil, "no-such-article"); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("unknown article: %v", err)
		}
		if _, err := f.svc.ApplyQuestion(ctx, f.ann, []int64{en}, nil, "../settings"); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("a path for an article: %v", err)
		}
		got, err := f.svc.ApplyQuestion(ctx, f.ann, []int64{en, ru, again}, nil, "deposit-methods")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Files, []string{"kb/en/deposit-methods.md", "kb/ru/deposit-methods.md"}) || got.Marked != 3 ||
			!slices.Equal(got.Added, []string{"can i top up with skrill", "можно закинуть через скрилл"}) {
			t.Errorf("applied = %+v", got)
		}
		files, _, err := f.svc.Files(ctx, f.ann)
		if err != nil {
			t.Fatal(err)
		}
		if want := "intents: [deposit]\nreview_by: 2027-05-31\nquestions:\n  - can i top up with skrill\n---\n"; !strings.Contains(string(files["kb/en/deposit-methods.md"]), want) {
			t.Errorf("draft article:\n%s", files["kb/en/deposit-methods.md"])
		}
		if ch, err := f.svc.Validate(ctx, f.ann); err != nil || !ch.OK {
			t.Errorf("draft after adding questions: %+v %v", ch, err)
		}
		in, err := f.svc.Inbox(ctx, editor.InboxQuery{Since: time.Now().Add(-time.Hour), State: store.MissApplied})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range in.Groups {
			for _, e := range g.Examples {
				if e.Applied != "question:deposit-methods" {
					t.Errorf("%q applied as %q", e.Text, e.Applied)
				}
			}
		}
	})
}
