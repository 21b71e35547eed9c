package kb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// Query is a knowledge-base search.
type Query struct {
	Locale string // "ru" or "en"; only articles of this locale are searched
	Text   string // the player's words
	Intent string // optional: articles listing this intent rank higher
	Limit  int    // most hits returned; 0 means DefaultLimit
}

// Hit is an article that answers a query.
type Hit struct {
	ArticleID string
	Locale    string
	Title     string
	Snippet   string // the article's first sentences as plain text, at most SnippetLength runes
	// Score is the confidence that the article answers the query, from 0
	// to 1: the share of the query's meaningful terms the article matches
	// (see Index.Search).
	Score float64
	// Relevance orders the hits: bleve's relevance times Score, times
	// Options.IntentBoost for an article listing Query.Intent. It is
	// comparable only within one result.
	Relevance float64
}

// Search returns the articles of q.Locale that answer q.Text, best first,
// at most q.Limit of them. A query without meaningful terms (empty, only
// stop words, chat filler or punctuation) has no hits and no error.
//
// Minimum-score rule. bleve's relevance is unnormalized, so whether a hit
// is good enough is decided on its own measure. The query's meaningful
// terms are those its locale's analyzer keeps (lowercased, stop words
// removed, stemmed), of three or more letters, minus chat filler ("please",
// "help", "подскажите", …). For each term the article earns a credit: 1 if
// it contains the term, 0.9 if a word starting with it (Russian
// "пополн|ить" finds "пополнен|ие"; a stem the stemmer cut short, like
// "лимит" → "лим", is also tried as the word's first five letters), 0.8 if
// a word one typo away, 0.7 if a word starting with the term less its last
// two letters (at most six kept: "верифицирова|ться" finds
// "верифи|кация"), else 0; the last three need a term of five letters or
// more (seven for the last). The hit's Score is the mean credit over the
// query's terms, and the hit is returned only if
//
//   - Score ≥ Options.MinScore (DefaultMinScore, 0.55: more than half of
//     what the player wrote must be in the article; a query of two terms
//     needs both, one of them possibly misspelt), and
//   - at least one term matches the article's title or tags: an article
//     that merely mentions a word in passing is not about it.
//
// So "who won the football" finds nothing, even if an article mentions
// what a player "won", and "не пришёл депозит" finds the article about
// deposits not credited. Among the hits that pass, bleve's relevance (title
// and tags weigh more than the body, exact matches more than fuzzy ones)
// times Score, times Options.IntentBoost for articles listing q.Intent,
// decides the order. A negative Options.MinScore turns the rule off.
//
// Errors: chat.EINVALID for an unsupported locale, chat.EUNAVAILABLE once
// the index is closed, and the context's error when ctx is done.
func (ix *Index) Search(ctx context.Context, q Query) ([]Hit, error) {
	if !IsLocale(q.Locale) {
		return nil, chat.Errorf(chat.EINVALID, "unsupported locale %q (want %s or %s)", q.Locale, LocaleRU, LocaleEN)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	key := q.Locale + "\x00" + q.Text
	cands, ok := ix.cache.get(key)
	if !ok {
		var err error
		if cands, err = ix.candidates(ctx, q.Locale, q.Text); err != nil {
			return nil, err
		}
		ix.cache.put(key, cands)
	}
	hits := make([]Hit, 0, min(limit, len(cands)))
	for _, c := range cands {
		if ix.minScore >= 0 && (c.score < ix.minScore-1e-9 || !c.anchored) {
			continue
		}
		rel := c.relevance * c.score
		if q.Intent != "" && slices.Contains(c.Intents, q.Intent) {
			rel *= ix.intentBoost
		}
		hits = append(hits, Hit{
			ArticleID: c.ID,
			Locale:    c.Locale,
			Title:     c.Title,
			Snippet:   c.snippet,
			Score:     c.score,
			Relevance: rel,
		})
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(b.Relevance, a.Relevance), cmp.Compare(b.Score, a.Score), strings.Compare(a.ArticleID, b.ArticleID))
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// candidate is an article that matches at least one query term, with what
// the minimum-score rule needs.
type candidate struct {
	*entry
	relevance float64 // bleve's
	score     float64 // Hit.Score
	anchored  bool    // a query term matches the title or tags
}

// candidates returns every article of the locale that matches a term of
// text, in bleve's relevance order.
func (ix *Index) candidates(ctx context.Context, locale, text string) ([]candidate, error) {
	terms := ix.queryTerms(locale, text)
	n := len(ix.byLocale[locale])
	if len(terms) == 0 || n == 0 {
		return nil, nil
	}
	// Every article the query touches, not just the top few: a hit that
	// fails the rule must not push out one that passes.
	req := bleve.NewSearchRequestOptions(buildQuery(locale, terms), n, 0, false)
	req.IncludeLocations = true
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, bleve.ErrorIndexClosed) {
			return nil, chat.Errorf(chat.EUNAVAILABLE, "knowledge base is closed")
		}
		return nil, fmt.Errorf("kb: search: %w", err)
	}
	out := make([]candidate, 0, len(res.Hits))
	for _, h := range res.Hits {
		e, ok := ix.articles[h.ID]
		if !ok {
			continue
		}
		all, title := termCredits(terms, locale, h.Locations)
		c := candidate{entry: e, relevance: h.Score}
		for j := range terms {
			c.score += all[j]
			c.anchored = c.anchored || title[j] > 0
		}
		c.score /= float64(len(terms))
		out = append(out, c)
	}
	return out, nil
}
