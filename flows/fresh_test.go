package flows

import (
	"slices"
	"testing"

	"github.com/switchboard-support/switchboard/kb"
)

func TestFreshFirst(t *testing.T) {
	hit := func(id string, score, rel float64, scoped bool) kb.Hit {
		return kb.Hit{ArticleID: id, Score: score, Relevance: rel, Scoped: scoped}
	}
	order := func(hs []kb.Hit) (ids []string) {
		for _, h := range hs {
			ids = append(ids, h.ArticleID)
		}
		return ids
	}
	for _, tc := range []struct {
		name string
		hits []kb.Hit
		last string
		want []string
	}{
		{"close call: the new article", []kb.Hit{hit("methods", 1, 1.43, false), hit("crypto", 1, 1.12, false), hit("x", 1, 0.1, false)}, "methods", []string{"crypto", "methods", "x"}},
		{"the shown article clearly best", []kb.Hit{hit("times", 1, 1.96, true), hit("same", 1, 1.09, false)}, "times", []string{"times", "same"}},
		{"the other answers less", []kb.Hit{hit("methods", 1, 1.4, false), hit("crypto", 0.5, 1.3, false)}, "methods", []string{"methods", "crypto"}},
		{"the other only scoped", []kb.Hit{hit("methods", 1, 1.4, false), hit("crypto", 1, 1.3, true)}, "methods", []string{"methods", "crypto"}},
		{"first is not the shown one", []kb.Hit{hit("a", 1, 1, false), hit("b", 1, 1, false)}, "b", []string{"a", "b"}},
	} {
		if got := order(freshFirst(tc.hits, []string{tc.last}, nil)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNamesArticle(t *testing.T) {
	a := kb.Article{Title: "Как вывести деньги", Tags: []string{"вывод", "выплата"}}
	for word, want := range map[string]bool{"вывод": true, "выводы": true, "вывести": true, "вейджер": false, "де": false} {
		if got := namesArticle(a, word); got != want {
			t.Errorf("namesArticle(%q) = %v, want %v", word, got, want)
		}
	}
}

// TestLastFirst: a short elliptical follow-up stays with the article just
// shown when it has the best hit's terms and the article model leans to it.
func TestLastFirst(t *testing.T) {
	hit := func(id string, score float64) kb.Hit { return kb.Hit{ArticleID: id, Score: score} }
	order := func(hs []kb.Hit) (ids []string) {
		for _, h := range hs {
			ids = append(ids, h.ArticleID)
		}
		return ids
	}
	hits := []kb.Hit{hit("same-method", 1), hit("times", 1), hit("how-to", 1)}
	for _, tc := range []struct {
		name     string
		hits     []kb.Hit
		affinity map[string]float64
		want     []string
	}{
		{"model leans to the shown one", hits, map[string]float64{"times": 0.55, "same-method": 0.06}, []string{"times", "same-method", "how-to"}},
		{"model unsure", hits, map[string]float64{"times": 0.4, "same-method": 0.3}, []string{"same-method", "times", "how-to"}},
		{"shown one has fewer terms", []kb.Hit{hit("same-method", 1), hit("times", 0.5)}, map[string]float64{"times": 1}, []string{"same-method", "times"}},
	} {
		if got := order(lastFirst(tc.hits, "times", tc.affinity)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
