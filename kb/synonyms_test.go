package kb

import (
	"strings"
	"testing"
)

// TestSearchSynonyms: a player's word (any form of it) finds the article
// that uses the article word, the article's own words still count, and
// Canonical adds the article word for judges that read the text.
func TestSearchSynonyms(t *testing.T) {
	syn := map[string]map[string]string{
		LocaleRU: {"бабки": "деньги", "кэшаут": "вывод", "промик": "промокод", "и": "союз"},
		LocaleEN: {"moolah": "winnings"},
	}
	plain := openFixtures(t, Options{})
	with := openFixtures(t, Options{Synonyms: syn})
	for _, tc := range []struct {
		locale, text, want string
	}{
		{LocaleRU, "активировать промик", "bonus-promo-code"},
		{LocaleRU, "хочу кэшаут, где мои бабки", "withdrawal-how-to"},
		{LocaleEN, "withdraw my moolah", "withdrawal-how-to"},
	} {
		if got := mustSearch(t, plain, Query{Locale: tc.locale, Text: tc.text}); scoreOf(got, tc.want) == 1 {
			t.Errorf("without synonyms, %q matched %s fully", tc.text, tc.want)
		}
		if got := mustSearch(t, with, Query{Locale: tc.locale, Text: tc.text}); scoreOf(got, tc.want) != 1 {
			t.Errorf("with synonyms, %q: %+v, want %s with score 1", tc.text, got, tc.want)
		}
	}
	// The player's word still matches itself: a query of the article word
	// finds the same article as before.
	if hits := mustSearch(t, with, Query{Locale: LocaleRU, Text: "вывести выигрыш"}); len(hits) == 0 || hits[0].ArticleID != "withdrawal-how-to" {
		t.Errorf("article words with synonyms: %v", ids(hits))
	}
	if got := with.Canonical(LocaleRU, "где мои бабки, хочу кэшаут"); got != "где мои бабки деньги, хочу кэшаут вывод" {
		t.Errorf("Canonical = %q", got)
	}
	if got := with.Canonical(LocaleRU, "ёлки"); got != "елки" && got != "ёлки" {
		t.Errorf("Canonical without synonyms changed the text: %q", got)
	}
	if got := plain.Canonical(LocaleRU, "бабки"); got != "бабки" {
		t.Errorf("Canonical without synonyms = %q", got)
	}
	if _, err := Open("", "", fixtures(t), Options{Synonyms: map[string]map[string]string{"de": {"a": "b"}}}); err == nil || !strings.Contains(err.Error(), "de") {
		t.Errorf("synonyms for an unsupported locale: %v", err)
	}
}

func scoreOf(hits []Hit, id string) float64 {
	for _, h := range hits {
		if h.ArticleID == id {
			return h.Score
		}
	}
	return 0
}
