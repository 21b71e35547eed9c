package editor

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

func misses(texts ...string) []store.Miss {
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	out := make([]store.Miss, len(texts))
	for i, text := range texts {
		locale := "en"
		if isCyrillic(strings.ToLower(text)) {
			locale = "ru"
		}
		// newest first, as store.Misses returns them
		out[i] = store.Miss{MessageID: int64(100 - i), ConversationID: int64(10 + i), Locale: locale, Text: text,
			At: base.Add(-time.Duration(i) * time.Minute), State: store.MissNew, Reasons: []string{store.MissOutOfScope}}
	}
	return out
}

// TestGroupMisses: three phrasings of one unknown question, two of
// another (Russian), a different question sharing a word, and singletons
// group as counted by hand.
func TestGroupMisses(t *testing.T) {
	ms := misses(
		"Can I change my nickname?",   // A
		"Как поменять ник?",           // B
		"is there a casino in Oslo",   // C
		"how do i change my nickname", // A
		"change my password",          // D: shares "change" with A only
		"как поменять ник в профиле",  // B
		"Change nickname please!!",    // A
		"what is the meaning of life", // E
		"Is there a casino in Oslo?",  // C: same stems as the first C
		"?!",                          // F: no words
		"поменять пароль",             // G: shares "поменять" with B only
	)
	ms[3].Reasons = []string{store.MissLowConfidence}
	ms[6].State = store.MissDismissed
	groups := GroupMisses(ms)
	type want struct {
		text    string
		count   int
		members []int64
	}
	id := func(i int) int64 { return int64(100 - i) }
	// Biggest first, then the most recently seen.
	wants := []want{
		{"Can I change my nickname?", 3, []int64{id(0), id(3), id(6)}},
		{"Как поменять ник?", 2, []int64{id(1), id(5)}},
		{"is there a casino in Oslo", 2, []int64{id(2), id(8)}},
		{"change my password", 1, []int64{id(4)}},
		{"what is the meaning of life", 1, []int64{id(7)}},
		{"?!", 1, []int64{id(9)}},
		{"поменять пароль", 1, []int64{id(10)}},
	}
	if len(groups) != len(wants) {
		for _, g := range groups {
			t.Logf("%d %q %v", g.Count, g.Text, g.MessageIDs)
		}
		t.Fatalf("%d groups, want %d", len(groups), len(wants))
	}
	for i, w := range wants {
		g := groups[i]
		got := slices.Clone(g.MessageIDs)
		slices.Sort(got)
		slices.Sort(w.members)
		if g.Text != w.text || g.Count != w.count || !slices.Equal(got, w.members) {
			t.Errorf("group %d = %q %d %v, want %q %d %v", i, g.Text, g.Count, got, w.text, w.count, w.members)
		}
	}
	a := groups[0]
	if a.Reasons[store.MissOutOfScope] != 2 || a.Reasons[store.MissLowConfidence] != 1 {
		t.Errorf("reasons = %v", a.Reasons)
	}
	if a.State != store.MissNew || a.States[store.MissNew] != 2 || a.States[store.MissDismissed] != 1 {
		t.Errorf("state = %s %v", a.State, a.States)
	}
	if !a.FirstSeen.Equal(ms[6].At) || !a.LastSeen.Equal(ms[0].At) || len(a.Examples) != 2 || a.Examples[0].Same != 2 || a.Examples[0].ConversationID != 10 {
		t.Errorf("group A = %+v", a)
	}
	// "How do I change my nickname" and Oslo: one phrasing each (same
	// stems); the newest message represents it.
	c := groups[2]
	if len(c.Examples) != 1 || c.Examples[0].Same != 2 || c.ID != id(2) || !slices.Equal(c.Locales, []string{"en"}) {
		t.Errorf("group C = %+v", c)
	}
	if !slices.Equal(groups[1].Locales, []string{"ru"}) {
		t.Errorf("ru group locales = %v", groups[1].Locales)
	}
	// A group is new while any message is; newest-first order.
	ms[0].State, ms[3].State = store.MissApplied, store.MissApplied
	groups = GroupMisses(ms)
	if groups[0].State != store.MissApplied {
		t.Errorf("state with no new message = %s", groups[0].State)
	}
	for _, g := range groups {
		if slices.Contains(g.NewIDs, ms[0].MessageID) || slices.Contains(g.NewIDs, ms[3].MessageID) || len(g.NewIDs) != g.States[store.MissNew] {
			t.Errorf("group %q: new ids %v, states %v", g.Text, g.NewIDs, g.States)
		}
	}
	SortGroups(groups, "newest")
	if groups[0].Text != "Can I change my nickname?" || groups[1].Text != "Как поменять ник?" {
		t.Errorf("newest first: %q, %q", groups[0].Text, groups[1].Text)
	}
}

func TestAppendExample(t *testing.T) {
	quoted := "# comment\n\ngreeting:\n  - \"hi\"\n  - \"hello\"\n\ndeposit:\n  - \"top up\"\n  # trailing comment\n"
	plain := "deposit:\n  - how do i deposit\n  - top up\nwithdrawal:\n  - cash out"
	crlf := strings.ReplaceAll(plain, "\n", "\r\n")
	for _, c := range []struct {
		name, src, intent, text, want string
	}{
		{"quoted", quoted, "greeting", `say "hey": now`, "# comment\n\ngreeting:\n  - \"hi\"\n  - \"hello\"\n  - \"say \\\"hey\\\": now\"\n\ndeposit:\n  - \"top up\"\n  # trailing comment\n"},
		{"quoted last", quoted, "deposit", "пополнить", "# comment\n\ngreeting:\n  - \"hi\"\n  - \"hello\"\n\ndeposit:\n  - \"top up\"\n  - \"пополнить\"\n  # trailing comment\n"},
		{"plain", plain, "deposit", "add money", "deposit:\n  - how do i deposit\n  - top up\n  - add money\nwithdrawal:\n  - cash out"},
		{"plain needs quotes", plain, "withdrawal", "yes: now", "deposit:\n  - how do i deposit\n  - top up\nwithdrawal:\n  - cash out\n  - 'yes: now'\n"},
		{"duplicate", plain, "deposit", "Top Up", plain},
		// A CRLF file keeps its line endings, a last line without one too.
		{"crlf", crlf, "deposit", "add money", "deposit:\r\n  - how do i deposit\r\n  - top up\r\n  - add money\r\nwithdrawal:\r\n  - cash out"},
		{"crlf last line", crlf, "withdrawal", "payout", "deposit:\r\n  - how do i deposit\r\n  - top up\r\nwithdrawal:\r\n  - cash out\r\n  - payout\r\n"},
	} {
		out, _, err := appendIntentExample([]byte(c.src), "intents/en.yaml", c.intent, c.text)
		if err != nil || string(out) != c.want {
			t.Errorf("%s: %v\n%s\nwant\n%s", c.name, err, out, c.want)
		}
	}
	if _, _, err := appendIntentExample([]byte(plain), "intents/en.yaml", "nope", "x"); err == nil || !strings.Contains(err.Error(), "unknown intent") {
		t.Errorf("unknown intent: %v", err)
	}
	if _, _, err := appendIntentExample([]byte("deposit: [a, b]\n"), "intents/en.yaml", "deposit", "x"); err == nil {
		t.Error("flow list accepted")
	}
	for in, want := range map[string]string{"Can I change my nickname?": "can-i-change-my-nickname", "Как поменять ник?": "kak-pomenyat-nik",
		"?!": "article", strings.Repeat("word ", 30): "word-word-word-word-word-word-word-word-word-word-word-word"} {
		if got := articleSlug(in); got != want {
			t.Errorf("articleSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkInboxGrouping groups 10,000 misses: 300 questions asked in
// several phrasings each plus 2,000 one-off messages.
func BenchmarkInboxGrouping(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("deposit withdraw bonus casino account password nickname verify card crypto limit spin game " +
		"slot jackpot payout balance email phone country license refund cashback level vip tournament roulette poker " +
		"пополнить вывести бонус казино аккаунт пароль ник карта крипта лимит игра слот выплата баланс почта турнир")
	fill := strings.Fields("how can i my the is where when why please help need want to do you")
	sentence := func(n int) string {
		var parts []string
		for range n {
			if rng.IntN(3) == 0 {
				parts = append(parts, fill[rng.IntN(len(fill))])
			}
			parts = append(parts, words[rng.IntN(len(words))])
		}
		return strings.Join(parts, " ")
	}
	var texts []string
	for range 300 {
		q := sentence(4)
		for range 27 {
			texts = append(texts, q+" "+fill[rng.IntN(len(fill))]+"?")
		}
	}
	for i := range 10000 - len(texts) {
		texts = append(texts, fmt.Sprintf("%s %d", sentence(6), i))
	}
	ms := misses(texts...)
	b.ResetTimer()
	var groups []Group
	for b.Loop() {
		groups = GroupMisses(ms)
	}
	b.ReportMetric(float64(len(groups)), "groups")
}

func TestAppendArticleQuestion(t *testing.T) {
	none := "---\nid: deposit-methods\nlocale: en\ntitle: Deposit methods\ntags: [deposit]\n---\nBody.\n"
	some := "---\r\nid: deposit-methods\r\nlocale: en\r\ntitle: Deposit methods\r\nquestions:\r\n  - \"can i pay by card\"\r\nreview_by: 2027-01-01\r\n---\r\nBody.\r\n"
	for _, c := range []struct {
		name, src, text, want string
		added                 bool
	}{
		{"first question", none, "can I pay: with PayPal?", "---\nid: deposit-methods\nlocale: en\ntitle: Deposit methods\ntags: [deposit]\nquestions:\n  - 'can I pay: with PayPal?'\n---\nBody.\n", true},
		{"after the last, quoted like it, CRLF kept", some, "пополнить через киви", "---\r\nid: deposit-methods\r\nlocale: en\r\ntitle: Deposit methods\r\nquestions:\r\n  - \"can i pay by card\"\r\n  - \"пополнить через киви\"\r\nreview_by: 2027-01-01\r\n---\r\nBody.\r\n", true},
		{"already there", some, "Can I pay by card", some, false},
	} {
		out, added, err := appendArticleQuestion([]byte(c.src), "kb/en/deposit-methods.md", c.text)
		if err != nil || string(out) != c.want || added != c.added {
			t.Errorf("%s: added %v, %v\n%q\nwant\n%q", c.name, added, err, out, c.want)
		}
	}
	for name, src := range map[string]string{
		"no front matter": "Body only\n",
		"flow list":       "---\nid: deposit-methods\nlocale: en\ntitle: T\nquestions: [a, b]\n---\nBody.\n",
		"not a list":      "---\nid: deposit-methods\nlocale: en\ntitle: T\nquestions: a\n---\nBody.\n",
	} {
		if _, _, err := appendArticleQuestion([]byte(src), "kb/en/deposit-methods.md", "x y"); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}
