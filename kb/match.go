package kb

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Matching of query terms (after analysis: lowercased, stop words removed,
// stemmed) against article terms. Exact matches count fully; terms of at
// least minFuzzyRunes also match longer words starting with them (Russian
// "пополн" → "пополнен") and words one edit away (a typo); terms of at
// least minTruncRunes also match words starting with the term less its
// last truncateRunes runes, at most maxTruncRunes of it ("пополнен" →
// "пополн…"). Weaker forms earn less credit towards Hit.Score and less
// relevance. Query terms shorter than minTermRunes are ignored; at most
// maxQueryTerms are used.
const (
	minTermRunes  = 3
	minFuzzyRunes = 5
	minTruncRunes = 7
	truncateRunes = 2
	maxTruncRunes = 6
	maxQueryTerms = 16

	creditExact  = 1.0
	creditPrefix = 0.9
	creditFuzzy  = 0.8
	creditTrunc  = 0.7

	boostTitle    = 3.0
	boostTags     = 2.5
	boostHeadings = 2.5
	boostBody     = 1.0
	boostQuestion = 1.0
	boostPrefix   = 0.5 // relative to an exact or one-typo match
	boostTrunc    = 0.3
)

// Chat filler: words players add to any request ("please help, I need…",
// "подскажите, пожалуйста…") that say nothing about its topic. They are
// dropped from queries like stop words (after the locale's analysis, so
// every form of them goes).
const (
	fillerEN = "hi hello hey hiya dear thanks thank thx ty please pls plz kindly help helping " +
		"can could would should will may might must need needs needed want wants wanted wanna gonna " +
		"tell know knows like get gets got getting let say says said saying ok okay yes yeah yep sure unsure " +
		"guys anyone someone somebody anybody something anything thing things really just still " +
		"also already way ever even actually exactly maybe hope question problem problems issue issues work works working happen happened " +
		"casino northwind lol lmao haha hehe hmm omg nice great alright bro mate dude btw"
	fillerRU = "привет приветик здравствуйте здраствуйте здрасьте здрасте здравствуй спасибо благодарю " +
		"пожалуйста плиз помогите помоги помощь подскажите подскажи скажите скажи объясните объясни " +
		"хочу хотел хотела хотим могу можем можете могли нужно нужен нужна пишет пишут написано " +
		"вообще просто очень почему сколько ребята ребят алло срочно вопрос проблема проблемы ок окей ага " +
		"казино northwind скока скоко скольк щас сейчас чё че пжл плз спс " +
		"лол ахах хаха хах ладно понятно ясно бро блин короче кстати"
)

// queryTerm is one meaningful term of a query.
type queryTerm struct {
	stem string // as the locale's analyzer left it
	// word is set when stemming cut a word of minFuzzyRunes or more to a
	// shorter stem: the word's first minFuzzyRunes runes, matched as a
	// prefix too, since the Russian stemmer takes "-ит" for a verb ending
	// ("лимит" → "лим", while "лимиты" → "лимит").
	word string
	// alts are the analyzed article words for a player's word
	// (Options.Synonyms); the term counts as matched by any of them.
	alts []string
}

// queryTerms analyzes text with the locale's analyzer: its distinct terms
// of at least minTermRunes runes that are not chat filler, at most
// maxQueryTerms of them.
func (ix *Index) queryTerms(locale, text string) []queryTerm {
	text = fold(locale, text)
	var terms []queryTerm
	have := func(stem string) bool {
		return slices.ContainsFunc(terms, func(t queryTerm) bool { return t.stem == stem })
	}
	for _, tok := range ix.analyzers[locale].Analyze([]byte(text)) {
		stem := string(tok.Term)
		n := utf8.RuneCountInString(stem)
		syn, isSyn := ix.synonyms[locale][stem]
		if n < minTermRunes && !isSyn || ix.filler[locale][stem] || have(stem) {
			continue
		}
		t := queryTerm{stem: stem}
		if word := []rune(strings.ToLower(text[tok.Start:tok.End])); n < minFuzzyRunes && len(word) >= minFuzzyRunes && strings.HasPrefix(string(word), stem) {
			t.word = string(word[:minFuzzyRunes])
		}
		if isSyn {
			// A player's word for what the articles call otherwise
			// ("кэшаут", "вывести" for "вывод"): the article's word counts.
			t.alts = syn.terms
		}
		terms = append(terms, t)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return terms
}

// Canonical returns text with the article words that Options.Synonyms
// gives for a player's word added after it ("кэшаут" → "кэшаут вывод"),
// for judges that read the text rather than search it (the engine's
// article classifier).
func (ix *Index) Canonical(locale, text string) string {
	syn := ix.synonyms[locale]
	if len(syn) == 0 {
		return text
	}
	text = fold(locale, text) // same length: ё and е are both two bytes
	var b strings.Builder
	last := 0
	for _, tok := range ix.analyzers[locale].Analyze([]byte(text)) {
		s, ok := syn[string(tok.Term)]
		if !ok {
			continue
		}
		b.WriteString(text[last:tok.End])
		b.WriteString(" " + s.words)
		last = tok.End
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// buildQuery matches any of terms in the locale's fields.
func buildQuery(locale string, terms []queryTerm) query.Query {
	fields := []struct {
		name  string
		boost float64
	}{
		{fieldTitle + "_" + locale, boostTitle},
		{fieldTags + "_" + locale, boostTags},
		{fieldHeadings + "_" + locale, boostHeadings},
		{fieldBody + "_" + locale, boostBody},
		{fieldQuestions + "_" + locale, boostQuestion},
	}
	perTerm := make([]query.Query, 0, len(terms))
	for _, t := range terms {
		perField := make([]query.Query, 0, len(fields))
		for _, f := range fields {
			perField = append(perField, termQuery(t, f.name, f.boost))
		}
		perTerm = append(perTerm, query.NewDisjunctionQuery(perField))
	}
	return query.NewDisjunctionQuery(perTerm)
}

// termQuery matches one query term in one field: exactly, and for long
// terms also with one typo, as a prefix and by a shortened stem; a
// player's word also by the article words it stands for.
func termQuery(t queryTerm, field string, boost float64) query.Query {
	if len(t.alts) > 0 {
		qs := []query.Query{termQuery(queryTerm{stem: t.stem, word: t.word}, field, boost)}
		for _, a := range t.alts {
			qs = append(qs, termQuery(queryTerm{stem: a}, field, boost))
		}
		return query.NewDisjunctionQuery(qs)
	}
	n := utf8.RuneCountInString(t.stem)
	if n < minFuzzyRunes {
		q := query.NewTermQuery(t.stem)
		q.SetField(field)
		q.SetBoost(boost)
		if t.word == "" {
			return q
		}
		word := query.NewPrefixQuery(t.word)
		word.SetField(field)
		word.SetBoost(boost * boostPrefix)
		return query.NewDisjunctionQuery([]query.Query{q, word})
	}
	fuzzy := query.NewFuzzyQuery(t.stem) // exact matches score fully, one typo half
	fuzzy.SetFuzziness(1)
	fuzzy.SetField(field)
	fuzzy.SetBoost(boost)
	prefix := query.NewPrefixQuery(t.stem)
	prefix.SetField(field)
	prefix.SetBoost(boost * boostPrefix)
	variants := []query.Query{fuzzy, prefix}
	if n >= minTruncRunes {
		trunc := query.NewPrefixQuery(truncate(t.stem))
		trunc.SetField(field)
		trunc.SetBoost(boost * boostTrunc)
		variants = append(variants, trunc)
	}
	return query.NewDisjunctionQuery(variants)
}

// termCredits returns, for each query term, the best credit it earns from
// the terms a hit matched in any field, in the article's own text (any
// field but its questions), and in its title or tags.
func termCredits(terms []queryTerm, locale string, locs search.FieldTermLocationMap) (all, own, title []float64) {
	all = make([]float64, len(terms))
	own = make([]float64, len(terms))
	title = make([]float64, len(terms))
	for field, byTerm := range locs {
		strong := field == fieldTitle+"_"+locale || field == fieldTags+"_"+locale
		question := field == fieldQuestions+"_"+locale
		for m := range byTerm {
			for j, t := range terms {
				c := credit(t, m)
				all[j] = max(all[j], c)
				if !question {
					own[j] = max(own[j], c)
				}
				if strong {
					title[j] = max(title[j], c)
				}
			}
		}
	}
	return all, own, title
}

// credit is how well query term q matches article term m (see the
// constants above); a player's word earns the best credit of itself and
// the article words it stands for.
func credit(q queryTerm, m string) float64 {
	if len(q.alts) > 0 {
		c := credit(queryTerm{stem: q.stem, word: q.word}, m)
		for _, a := range q.alts {
			c = max(c, credit(queryTerm{stem: a}, m))
		}
		return c
	}
	if q.stem == m {
		return creditExact
	}
	n := utf8.RuneCountInString(q.stem)
	switch {
	case q.word != "" && strings.HasPrefix(m, q.word):
		return creditPrefix
	case n < minFuzzyRunes:
		return 0
	case strings.HasPrefix(m, q.stem):
		return creditPrefix
	case oneEdit(q.stem, m):
		return creditFuzzy
	case n >= minTruncRunes && strings.HasPrefix(m, truncate(q.stem)):
		return creditTrunc
	}
	return 0
}

// truncate drops the last truncateRunes runes of a term, keeping at most
// maxTruncRunes.
func truncate(term string) string {
	r := []rune(term)
	return string(r[:min(len(r)-truncateRunes, maxTruncRunes)])
}

// oneEdit reports whether a and b are at most one rune insertion, deletion
// or substitution apart.
func oneEdit(a, b string) bool {
	if d := utf8.RuneCountInString(a) - utf8.RuneCountInString(b); d > 1 || d < -1 {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return slices.Equal(ra[i+min(1, len(ra)-i):], rb[i+min(1, len(rb)-i):])
	}
	return slices.Equal(ra[i:], rb[i+1:])
}
