package kb

import (
	"context"
	"testing"
)

// TestSearchQueryOptions: the intent-scoped bar, preferred and excluded
// articles, intent-only search, another judge's affinity, and Related.
func TestSearchQueryOptions(t *testing.T) {
	arts := []Article{
		{ID: "withdraw-how", Locale: LocaleEN, Title: "How to withdraw", Tags: []string{"withdrawal", "cashout"},
			Intents: []string{"withdrawal"}, Body: "Open the cashier and choose a payout method."},
		{ID: "withdraw-pending", Locale: LocaleEN, Title: "Withdrawal pending", Tags: []string{"withdrawal", "pending"},
			Intents: []string{"withdrawal"}, Body: "A pending payout is reviewed within a day; the review checks documents."},
		{ID: "deposit-how", Locale: LocaleEN, Title: "How to deposit", Tags: []string{"deposit"},
			Intents: []string{"deposit"}, Body: "Choose a method in the cashier."},
	}
	ix, err := Open("", "v1", arts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	ids := func(q Query) []string {
		t.Helper()
		hits, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.ArticleID)
		}
		return out
	}
	// "review documents zebra quartz": one in four terms, below the global
	// rule; the intent-scoped bar lets the intent's article through.
	weak := Query{Locale: LocaleEN, Text: "review documents zebra quartz"}
	if got := ids(weak); len(got) != 0 {
		t.Fatalf("weak query passed the global rule: %v", got)
	}
	weak.Intent, weak.IntentMinScore = "withdrawal", 0.3
	hits, _ := ix.Search(ctx, weak)
	if len(hits) != 1 || hits[0].ArticleID != "withdraw-pending" || !hits[0].Scoped {
		t.Fatalf("intent-scoped hits = %+v", hits)
	}
	q := Query{Locale: LocaleEN, Text: "withdrawal payout"}
	if got := ids(q); len(got) < 2 || got[0] != "withdraw-how" {
		t.Fatalf("plain order %v", got)
	}
	q.Prefer, q.PreferFirst = []string{"withdraw-pending"}, true
	if got := ids(q); got[0] != "withdraw-pending" {
		t.Fatalf("preferred first: %v", got)
	}
	q.Prefer, q.PreferFirst = nil, false
	q.Affinity = map[string]float64{"withdraw-pending": 10}
	if got := ids(q); got[0] != "withdraw-pending" {
		t.Fatalf("affinity: %v", got)
	}
	q.Affinity, q.Exclude = nil, []string{"withdraw-how"}
	for _, id := range ids(q) {
		if id == "withdraw-how" {
			t.Fatal("excluded article returned")
		}
	}
	cashier := Query{Locale: LocaleEN, Text: "cashier method", Intent: "deposit", OnlyIntent: true}
	for _, id := range ids(cashier) {
		if id != "deposit-how" {
			t.Fatalf("OnlyIntent returned %s", id)
		}
	}
	if share, err := ix.Related(ctx, LocaleEN, "pending payout"); err != nil || share <= 0 {
		t.Fatalf("Related(pending payout) = %v, %v", share, err)
	}
	if share, _ := ix.Related(ctx, LocaleEN, "weather in paris"); share != 0 {
		t.Fatalf("Related(weather) = %v", share)
	}
}
