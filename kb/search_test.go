package kb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// mustSearch runs q and fails the test on an error.
func mustSearch(t testing.TB, ix *Index, q Query) []Hit {
	t.Helper()
	hits, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return hits
}

// ids returns the article ids of hits.
func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ArticleID
	}
	return out
}

func TestSearchFindsTheAnswer(t *testing.T) {
	ix := openFixtures(t, Options{})
	tests := []struct {
		name, locale, text, want string
	}{
		// Russian morphology: the article says "пополнение", "пополнения".
		{"ru verb finds noun", "ru", "как пополнить счёт", "deposit-methods"},
		{"ru past tense", "ru", "пополнил баланс", "deposit-methods"},
		{"ru noun", "ru", "пополнение", "deposit-methods"},
		{"ru е for ё", "ru", "как пополнить счет", "deposit-methods"},
		{"ru ё in query, е in text", "ru", "не пришёл депозит", "deposit-not-credited"},
		{"ru е in query, ё in text", "ru", "платеж не пришел", "deposit-not-credited"},
		{"ru withdraw", "ru", "как вывести деньги", "withdrawal-how-to"},
		{"ru deposit missing", "ru", "не пришел депозит", "deposit-not-credited"},
		{"ru forgot password", "ru", "забыл пароль", "password-reset"},
		{"ru promo", "ru", "промокод не принимается", "bonus-promo-code"},
		{"ru verification", "ru", "какие документы нужны для верификации", "verification-documents"},
		// English stemming.
		{"en plural", "en", "withdrawals", "withdrawal-how-to"},
		{"en gerund", "en", "withdrawing", "withdrawal-how-to"},
		{"en question", "en", "how do I withdraw", "withdrawal-how-to"},
		{"en promo", "en", "promo code not working", "bonus-promo-code"},
		{"en password", "en", "I forgot my password", "password-reset"},
		{"en deposit", "en", "deposit not credited", "deposit-not-credited"},
		{"en verify", "en", "verify my account", "verification-documents"},
		// One typo in a longer word.
		{"en typo", "en", "withdrawl", "withdrawal-how-to"},
		{"en typo and exact", "en", "pasword reset", "password-reset"},
		{"en typo verification", "en", "verifcation documents", "verification-documents"},
		{"ru typo", "ru", "пороль", "password-reset"},
		{"ru typo verification", "ru", "верефикация", "verification-documents"},
		// Chat filler is not a term the article must have.
		{"en filler", "en", "lol ok nice, promo code not working", "bonus-promo-code"},
		{"ru filler", "ru", "ладно, короче промокод не принимается", "bonus-promo-code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := mustSearch(t, ix, Query{Locale: tt.locale, Text: tt.text})
			if len(hits) == 0 || hits[0].ArticleID != tt.want {
				t.Fatalf("Search(%q) = %v, want %s first", tt.text, ids(hits), tt.want)
			}
			for _, h := range hits {
				if h.Locale != tt.locale {
					t.Errorf("hit %s has locale %s, want %s", h.ArticleID, h.Locale, tt.locale)
				}
				if h.Score < DefaultMinScore || h.Score > 1 {
					t.Errorf("hit %s has score %v, want within [%v, 1]", h.ArticleID, h.Score, DefaultMinScore)
				}
			}
		})
	}
}

func TestSearchExactBeatsTypo(t *testing.T) {
	ix := openFixtures(t, Options{})
	exact := mustSearch(t, ix, Query{Locale: "en", Text: "withdrawal"})
	typo := mustSearch(t, ix, Query{Locale: "en", Text: "withdrawl"})
	if len(exact) == 0 || len(typo) == 0 {
		t.Fatalf("exact %v, typo %v: want hits for both", ids(exact), ids(typo))
	}
	if exact[0].Score <= typo[0].Score || exact[0].Relevance <= typo[0].Relevance {
		t.Errorf("exact %+v, typo %+v: want the exact match to score and rank higher", exact[0], typo[0])
	}
}

func TestSearchOffTopicFindsNothing(t *testing.T) {
	ix := openFixtures(t, Options{})
	tests := []struct{ locale, text string }{
		{"en", "what's the weather in Paris"},
		{"en", "who won the football"},
		{"en", "tell me a joke"},
		{"en", "book a flight to London"},
		{"en", "what is the capital of France"},
		// Two of three words are in a body, but no article is about them.
		{"en", "football business days"},
		{"ru", "рецепт борща"},
		{"ru", "погода в москве"},
		{"ru", "кто выиграл чемпионат мира"},
		{"ru", "расскажи анекдот"},
		{"ru", "как приготовить плов"},
		// Locale isolation: the other locale's words find nothing.
		{"ru", "how do I withdraw money"},
		{"ru", "deposit not credited"},
		{"en", "как вывести деньги"},
		{"en", "забыл пароль"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.text, func(t *testing.T) {
			if hits := mustSearch(t, ix, Query{Locale: tt.locale, Text: tt.text}); len(hits) != 0 {
				t.Errorf("Search(%q) = %v, want no hits", tt.text, ids(hits))
			}
		})
	}
}

func TestSearchMinScore(t *testing.T) {
	// Half of the query's terms match: rejected by default, returned with
	// a lower MinScore, and with the rule off.
	q := Query{Locale: "en", Text: "withdraw football"}
	tests := []struct {
		minScore float64
		want     bool
	}{
		{0, false},
		{0.5, true},
		{-1, true},
		{0.99, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.minScore), func(t *testing.T) {
			ix := openFixtures(t, Options{MinScore: tt.minScore})
			hits := mustSearch(t, ix, q)
			if got := len(hits) > 0; got != tt.want {
				t.Fatalf("MinScore %v: hits %v, want hits: %v", tt.minScore, ids(hits), tt.want)
			}
			for _, h := range hits {
				if h.Score != 0.5 {
					t.Errorf("hit %s score %v, want 0.5", h.ArticleID, h.Score)
				}
			}
		})
	}
	// With the rule off, articles that merely mention a word are returned.
	ix := openFixtures(t, Options{MinScore: -1})
	if hits := mustSearch(t, ix, Query{Locale: "en", Text: "football business days"}); len(hits) == 0 {
		t.Errorf("rule off: no hits for a body-only match")
	}
}

func TestSearchNoMeaningfulTerms(t *testing.T) {
	ix := openFixtures(t, Options{})
	for _, q := range []Query{
		{Locale: "en", Text: ""},
		{Locale: "en", Text: "   \n\t"},
		{Locale: "en", Text: "the and of it"},
		{Locale: "en", Text: "?!… — ..."},
		{Locale: "en", Text: "hi, please help"},
		{Locale: "ru", Text: "и в на как"},
		{Locale: "ru", Text: "подскажите пожалуйста"},
	} {
		hits, err := ix.Search(context.Background(), q)
		if err != nil || hits == nil || len(hits) != 0 {
			t.Errorf("Search(%q) = %v, %v; want an empty list and no error", q.Text, hits, err)
		}
	}
}

func TestSearchLocaleIsolation(t *testing.T) {
	ix := openFixtures(t, Options{MinScore: -1})
	// Ids are the same in both locales: every hit must come from the
	// query's locale even with the rule off.
	for _, loc := range []string{"ru", "en"} {
		for _, text := range []string{"deposit withdrawal password Visa Skrill", "депозит вывод пароль Visa Skrill"} {
			for _, h := range mustSearch(t, ix, Query{Locale: loc, Text: text, Limit: 100}) {
				if h.Locale != loc {
					t.Errorf("Search(%s, %q): hit %s/%s from another locale", loc, text, h.Locale, h.ArticleID)
				}
				a, ok := ix.Article(loc, h.ArticleID)
				if !ok || a.Title != h.Title {
					t.Errorf("hit %+v does not match Article(%s, %s) = %+v", h, loc, h.ArticleID, a)
				}
			}
		}
	}
}

func TestSearchIntentBoost(t *testing.T) {
	ix := openFixtures(t, Options{})
	plain := mustSearch(t, ix, Query{Locale: "en", Text: "withdrawal"})
	if len(plain) < 2 || plain[0].ArticleID != "withdrawal-how-to" || plain[1].ArticleID != "withdrawal-times" {
		t.Fatalf("without intent: %v, want [withdrawal-how-to withdrawal-times]", ids(plain))
	}
	boosted := mustSearch(t, ix, Query{Locale: "en", Text: "withdrawal", Intent: "withdrawal_status"})
	if len(boosted) < 2 || boosted[0].ArticleID != "withdrawal-times" {
		t.Fatalf("with intent withdrawal_status: %v, want withdrawal-times first", ids(boosted))
	}
	if boosted[0].Score != plain[1].Score {
		t.Errorf("intent changed the score: %v, was %v", boosted[0].Score, plain[1].Score)
	}
	// An intent never turns a rejected hit into one.
	if hits := mustSearch(t, ix, Query{Locale: "en", Text: "who won the football", Intent: "withdrawal"}); len(hits) != 0 {
		t.Errorf("off-topic query with an intent: %v, want no hits", ids(hits))
	}
	// IntentBoost 1 turns the boost off.
	off := openFixtures(t, Options{IntentBoost: 1})
	if got := mustSearch(t, off, Query{Locale: "en", Text: "withdrawal", Intent: "withdrawal_status"}); ids(got)[0] != "withdrawal-how-to" {
		t.Errorf("IntentBoost 1: %v, want withdrawal-how-to first", ids(got))
	}
}

func TestSearchOrderAndLimit(t *testing.T) {
	ix := openFixtures(t, Options{MinScore: -1})
	for _, limit := range []int{0, 1, 2, 100} {
		hits := mustSearch(t, ix, Query{Locale: "en", Text: "deposit withdrawal bonus password verification", Limit: limit})
		want := limit
		if limit == 0 {
			want = DefaultLimit
		}
		if limit == 100 {
			want = len(ix.Articles("en"))
		}
		if len(hits) != want {
			t.Errorf("Limit %d: %d hits, want %d", limit, len(hits), want)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Relevance > hits[i-1].Relevance {
				t.Errorf("Limit %d: hit %d (%v) ranks above %d (%v)", limit, i, hits[i].Relevance, i-1, hits[i-1].Relevance)
			}
		}
	}
}

func TestSearchSnippets(t *testing.T) {
	ix := openFixtures(t, Options{MinScore: -1})
	for _, loc := range []string{"ru", "en"} {
		for _, h := range mustSearch(t, ix, Query{Locale: loc, Text: "deposit withdrawal bonus password verification депозит вывод бонус пароль верификация", Limit: 100}) {
			if n := utf8.RuneCountInString(h.Snippet); n == 0 || n > SnippetLength {
				t.Errorf("%s/%s: snippet of %d runes, want 1..%d", loc, h.ArticleID, n, SnippetLength)
			}
			if strings.ContainsAny(h.Snippet, "*#`<>\n") {
				t.Errorf("%s/%s: snippet %q has markup or line breaks", loc, h.ArticleID, h.Snippet)
			}
		}
	}
	tests := []struct{ locale, text, want string }{
		// The first sentences that fit; markup removed.
		{"en", "deposit methods", "You can top up your balance with Visa or Mastercard, e-wallets (Skrill, Neteller) and crypto. Cards and e-wallets are credited instantly."},
		// A first sentence longer than SnippetLength is cut on a word boundary.
		{"en", "verification documents", "To verify your account, upload in Profile → Verification a photo of your passport, national ID card or driving licence and a proof of address no older than 3 months, such as a utility bill or a bank…"},
		// Only sentences that fit whole.
		{"ru", "сроки вывода", "Мы проверяем заявку на вывод до 24 часов. Затем электронные кошельки получают деньги до 24 часов, криптовалюта — до часа, карты — 1–3 рабочих дня."},
	}
	for _, tt := range tests {
		hits := mustSearch(t, ix, Query{Locale: tt.locale, Text: tt.text})
		if len(hits) == 0 || hits[0].Snippet != tt.want {
			t.Errorf("Search(%q) snippet:\n got %q\nwant %q", tt.text, firstSnippet(hits), tt.want)
		}
	}
}

func firstSnippet(hits []Hit) string {
	if len(hits) == 0 {
		return ""
	}
	return hits[0].Snippet
}

func TestSearchErrors(t *testing.T) {
	ix, err := Open("", "", fixtures(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []string{"", "de", "RU"} {
		if _, err := ix.Search(context.Background(), Query{Locale: loc, Text: "deposit"}); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("locale %q: err %v, want %s", loc, err, chat.EINVALID)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Query{Locale: "en", Text: "deposit"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err %v, want context.Canceled", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := ix.Search(context.Background(), Query{Locale: "en", Text: "deposit"}); chat.ErrorCode(err) != chat.EUNAVAILABLE {
		t.Errorf("closed index: err %v, want %s", err, chat.EUNAVAILABLE)
	}
}

func TestSearchConcurrent(t *testing.T) {
	ix := openFixtures(t, Options{})
	queries := []Query{
		{Locale: "en", Text: "how do I withdraw"},
		{Locale: "ru", Text: "как пополнить счёт"},
		{Locale: "en", Text: "promo code not working", Intent: "bonus_activation"},
		{Locale: "ru", Text: "забыл пароль"},
	}
	want := make([][]string, len(queries))
	for i, q := range queries {
		want[i] = ids(mustSearch(t, ix, q))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(queries))
	for range 8 {
		for i, q := range queries {
			wg.Go(func() {
				hits, err := ix.Search(context.Background(), q)
				if err != nil {
					errs <- err
					return
				}
				if got := ids(hits); strings.Join(got, ",") != strings.Join(want[i], ",") {
					errs <- fmt.Errorf("Search(%q) = %v, want %v", q.Text, got, want[i])
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// BenchmarkSearch measures uncached searches (the work a new question
// costs); BenchmarkSearchCached the same queries answered from the cache.
func BenchmarkSearch(b *testing.B)       { benchmarkSearch(b, -1) }
func BenchmarkSearchCached(b *testing.B) { benchmarkSearch(b, 0) }

func benchmarkSearch(b *testing.B, cacheSize int) {
	ix, err := Open("", "", manyFixtures(b, 10), Options{CacheSize: cacheSize})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	queries := []Query{
		{Locale: "en", Text: "how do I withdraw my winnings"},
		{Locale: "ru", Text: "как пополнить счёт картой"},
		{Locale: "en", Text: "promo code not working", Intent: "bonus_activation"},
		{Locale: "ru", Text: "не пришел депозит"},
		{Locale: "en", Text: "what's the weather in Paris"},
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := ix.Search(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestIntentFirst: the flow's article goes first when it covers clearly
// more of the question than the other intents' articles ranked above it.
func TestIntentFirst(t *testing.T) {
	h := func(id string, score float64, of bool) Hit { return Hit{ArticleID: id, Score: score, OfIntent: of} }
	for _, tc := range []struct {
		name string
		hits []Hit
		want []string
	}{
		{"covers clearly more", []Hit{h("bonus-caps", 0.6, false), h("loss-limits", 1, true)}, []string{"loss-limits", "bonus-caps"}},
		{"covers about as much", []Hit{h("bonus-caps", 0.9, false), h("loss-limits", 1, true)}, []string{"bonus-caps", "loss-limits"}},
		{"already first", []Hit{h("loss-limits", 0.6, true), h("bonus-caps", 1, false)}, []string{"loss-limits", "bonus-caps"}},
		{"only the best of the intent", []Hit{h("a", 0.5, false), h("b", 0.6, true), h("c", 1, true)}, []string{"a", "b", "c"}},
	} {
		if got := ids(intentFirst(tc.hits)); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
