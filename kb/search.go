package kb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
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
	// IntentMinScore, when positive, is the intent-scoped bar: articles
	// listing Intent whose Score reaches it pass even below the
	// minimum-score rule (title/tag anchoring not required: the intent is
	// the anchor), and compete with those that pass it.
	IntentMinScore float64
	// Prefer ranks these articles first (among themselves by relevance)
	// unless a hit ranked above one covers clearly more of the question
	// (preferMargin more Score) or it barely matched (under preferShare
	// of the best hit's relevance),
	// and lets those that list Intent pass at IntentMinScore even when
	// other articles pass the minimum-score rule: the problem-specific
	// articles, when the message states a problem.
	Prefer []string
	// Affinity is another judge's confidence (0 to 1) that the question is
	// about an article (the engine's article classifier); when set, hits
	// are ordered by relevance (as a share of the best hit's) plus it.
	Affinity map[string]float64
	// PreferFirst puts the Prefer articles that pass first whatever their
	// Score (a stated wait makes the late-problem article the answer).
	PreferFirst bool
	// OnlyIntent returns only articles listing Intent (a follow-up on a
	// topic is answered from the topic's articles).
	OnlyIntent bool
	// Exclude never returns these articles (the one just shown).
	Exclude []string
	// OwnText scores articles on their own text only, not on their
	// questions (Article.Questions): to compare how well articles of
	// different topics cover a message, where the questions' everyday
	// verbs ("can I take…", "do you take…") would blur the difference.
	OwnText bool
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
	// Scoped marks a hit that passed only Query.IntentMinScore.
	Scoped bool `json:",omitempty"`
	// OfIntent marks an article that lists Query.Intent.
	OfIntent bool `json:",omitempty"`
}

// Search returns the articles of q.Locale that answer q.Text, best first,
// at most q.Limit of them. A query without meaningful terms (empty, only
// stop words, chat filler or punctuation) has no hits and no error.
//
// Minimum-score rule. bleve's relevance is unnormalized, so whether a hit
// is good enough is decided on its own measure. The query's meaningful
// terms are those its locale's analyzer keeps (lowercased, stop words
// removed, stemmed), of three or more letters, minus chat filler ("please", "lol",
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
// decides the order; then preferred articles go first (q.Prefer), or else
// the best article of q.Intent when it covers clearly more of the question
// than the other intents' articles above it (intentFirst). A negative
// Options.MinScore turns the rule off.
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
	if q.OwnText {
		own := make([]candidate, len(cands))
		for i, c := range cands {
			own[i], own[i].score = c, c.ownScore
		}
		cands = own
	}
	// An article passes the minimum-score rule, or lists the query's intent
	// and reaches the intent-scoped bar (then the hit is Scoped).
	hits := ix.rank(cands, q, func(c candidate) (pass, scoped bool) {
		if q.OnlyIntent && !slices.Contains(c.Intents, q.Intent) {
			return false, false
		}
		if ix.minScore < 0 || c.score >= ix.minScore-1e-9 && c.anchored {
			return true, false
		}
		ok := q.IntentMinScore > 0 && q.Intent != "" && slices.Contains(c.Intents, q.Intent) && c.score >= q.IntentMinScore-1e-9
		return ok, ok
	})
	if q.Affinity != nil {
		best := 0.0
		for _, h := range hits {
			best = max(best, h.Relevance)
		}
		for i := range hits {
			if best > 0 {
				hits[i].Relevance /= best
			}
			hits[i].Relevance += q.Affinity[hits[i].ArticleID]
		}
	}
	// A preferred article goes first unless one ranked above it answers
	// clearly more of the question.
	preferredIDs := map[string]bool{}
	bestRel := 0.0
	for _, h := range hits {
		bestRel = max(bestRel, h.Relevance)
	}
	for _, h := range hits {
		if !slices.Contains(q.Prefer, h.ArticleID) {
			continue
		}
		// Nor does one that barely matched go first.
		beaten := h.Relevance < preferShare*bestRel
		for _, o := range hits {
			beaten = beaten || o.Relevance > h.Relevance && o.Score > h.Score+preferMargin+1e-9
		}
		preferredIDs[h.ArticleID] = q.PreferFirst || !beaten
	}
	preferred := func(h Hit) int {
		if preferredIDs[h.ArticleID] {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(preferred(b), preferred(a)), cmp.Compare(b.Relevance, a.Relevance),
			cmp.Compare(b.Score, a.Score), strings.Compare(a.ArticleID, b.ArticleID))
	})
	if len(hits) > 0 && !preferredIDs[hits[0].ArticleID] {
		hits = intentFirst(hits)
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// intentFirst puts first the best article of the query's intent when it
// covers clearly more of the question (preferMargin) than every article
// of other intents ranked above it: "can I cap how much I lose per week"
// in the responsible-gaming flow is the loss limits article, though "cap"
// is a word of the bonus caps title and "lose" not of the limits one.
// The article may have passed only the intent-scoped bar (Hit.Scoped), as
// the limits article there does.
func intentFirst(hits []Hit) []Hit {
	above := 0.0
	for i, h := range hits {
		if !h.OfIntent {
			above = max(above, h.Score)
			continue
		}
		if i > 0 && h.Score > above+preferMargin+1e-9 {
			out := append([]Hit{h}, hits[:i]...)
			return append(out, hits[i+1:]...)
		}
		break
	}
	return hits
}

// preferMargin is how much less of the question a preferred article may
// answer than a hit ranked above it and still go first; preferShare, how
// much of the best hit's relevance it needs.
const (
	preferMargin = 0.2
	preferShare  = 0.25
)

// rank turns the candidates that pass into hits, with their relevance.
func (ix *Index) rank(cands []candidate, q Query, pass func(candidate) (pass, scoped bool)) []Hit {
	hits := []Hit{}
	for _, c := range cands {
		ok, scoped := pass(c)
		if !ok || slices.Contains(q.Exclude, c.ID) {
			continue
		}
		rel := c.relevance * c.weighted * (1 + 2*c.strong)
		ofIntent := q.Intent != "" && slices.Contains(c.Intents, q.Intent)
		if ofIntent {
			rel *= ix.intentBoost
		}
		hits = append(hits, Hit{
			ArticleID: c.ID,
			Locale:    c.Locale,
			Title:     c.Title,
			Snippet:   c.snippet,
			Score:     c.score,
			Relevance: rel,
			Scoped:    scoped,
			OfIntent:  ofIntent,
		})
	}
	return hits
}

// candidate is an article that matches at least one query term, with what
// the minimum-score rule needs.
type candidate struct {
	*entry
	relevance float64 // bleve's
	score     float64 // Hit.Score
	ownScore  float64 // the same on the article's own text (Query.OwnText)
	anchored  bool    // a query term matches the title or tags
	weighted  float64 // score with each term weighted by its rarity among the articles (idf)
	strong    float64 // the same share for the title and tags alone
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
	credits := make([][3][]float64, 0, len(res.Hits))
	entries := make([]*entry, 0, len(res.Hits))
	scores := make([]float64, 0, len(res.Hits))
	df := make([]float64, len(terms))
	for _, h := range res.Hits {
		e, ok := ix.articles[h.ID]
		if !ok {
			continue
		}
		all, own, title := termCredits(terms, locale, h.Locations)
		for j := range terms {
			if all[j] > 0 {
				df[j]++
			}
		}
		credits = append(credits, [3][]float64{all, own, title})
		entries = append(entries, e)
		scores = append(scores, h.Score)
	}
	// A term few articles share says more about which one is meant.
	idf := make([]float64, len(terms))
	idfSum := 0.0
	for j := range terms {
		idf[j] = math.Log(1 + float64(n)/(1+df[j]))
		idfSum += idf[j]
	}
	out := make([]candidate, 0, len(entries))
	for i, e := range entries {
		all, own, title := credits[i][0], credits[i][1], credits[i][2]
		c := candidate{entry: e, relevance: scores[i]}
		for j := range terms {
			c.score += all[j]
			c.ownScore += own[j]
			c.weighted += all[j] * idf[j]
			c.strong += title[j] * idf[j]
			c.anchored = c.anchored || title[j] > 0
		}
		c.score /= float64(len(terms))
		c.ownScore /= float64(len(terms))
		c.weighted /= idfSum
		c.strong /= idfSum
		out = append(out, c)
	}
	return out, nil
}

// Related returns how much of text (its meaningful terms, rare ones
// weighing more) the title and tags of the best-matching article of the
// locale cover, from 0 to 1: whether a message the knowledge base cannot
// answer is still about the service ("can I change my nickname?") or small
// talk ("what's the weather?"; "казино" alone, in many titles, covers
// little of "tell me a casino joke").
func (ix *Index) Related(ctx context.Context, locale, text string) (float64, error) {
	if !IsLocale(locale) {
		return 0, chat.Errorf(chat.EINVALID, "unsupported locale %q", locale)
	}
	key := locale + "\x00" + text
	cands, ok := ix.cache.get(key)
	if !ok {
		var err error
		if cands, err = ix.candidates(ctx, locale, text); err != nil {
			return 0, err
		}
		ix.cache.put(key, cands)
	}
	best := 0.0
	for _, c := range cands {
		if c.anchored {
			best = max(best, c.strong)
		}
	}
	return best, nil
}
