package kb

import (
	"slices"
	"testing"
)

// withQuestion returns the fixture articles with q added to the questions
// of article id (en).
func withQuestion(t *testing.T, id, q string) []Article {
	t.Helper()
	arts := fixtures(t)
	for i := range arts {
		if arts[i].ID == id && arts[i].Locale == LocaleEN {
			arts[i].Questions = append(arts[i].Questions, q)
		}
	}
	return arts
}

// TestSearchQuestions: an article's questions are searched, so a player's
// words the article never uses find it; OwnText judges the article's own
// text only.
func TestSearchQuestions(t *testing.T) {
	const text = "shove some dough into my wallet here"
	plain := openFixtures(t, Options{})
	if hits := mustSearch(t, plain, Query{Locale: LocaleEN, Text: text}); slices.Contains(ids(hits), "deposit-methods") {
		t.Fatalf("without the question the fixture already finds it: %v", ids(hits))
	}
	ix, err := Open("", "", withQuestion(t, "deposit-methods", "how do i shove dough into my wallet"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	// The question's words count toward the share of terms matched; no
	// title or tag word is among them, so it passes at the intent-scoped bar.
	hits := mustSearch(t, ix, Query{Locale: LocaleEN, Text: text, Intent: "deposit", IntentMinScore: 0.3})
	if len(hits) == 0 || hits[0].ArticleID != "deposit-methods" {
		t.Fatalf("with the question: %v", ids(hits))
	}
	own := mustSearch(t, ix, Query{Locale: LocaleEN, Text: text, Intent: "deposit", IntentMinScore: 0.3, OwnText: true})
	for _, h := range own {
		if h.ArticleID == "deposit-methods" && h.Score >= hits[0].Score {
			t.Errorf("OwnText scored the question's words: %+v", h)
		}
	}
}

// TestSearchPrefer: a preferred (problem) article goes first when it covers
// as much of the question, not when a hit above it covers clearly more.
func TestSearchPrefer(t *testing.T) {
	ix := openFixtures(t, Options{})
	prefer := []string{"deposit-not-credited"}
	if got := ids(mustSearch(t, ix, Query{Locale: LocaleEN, Text: "deposit card", Prefer: prefer})); len(got) < 2 || got[0] != "deposit-not-credited" {
		t.Errorf("as much of the question: %v", got)
	}
	hits := mustSearch(t, ix, Query{Locale: LocaleEN, Text: "deposit crypto", IntentMinScore: 0.3, Intent: "deposit", Prefer: prefer})
	if got := ids(hits); len(got) == 0 || got[0] != "deposit-methods" {
		t.Errorf("a hit above it covers clearly more: %v", got)
	}
}
