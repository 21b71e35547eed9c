package kb

import (
	"cmp"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru" // registers the "ru" analyzer
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// Defaults of Options.
const (
	DefaultMinScore    = 0.55
	DefaultIntentBoost = 1.5
	DefaultLimit       = 3
)

// Fields of an indexed article: each text field exists once per locale
// ("title_ru", "body_en", …) so that it is analyzed with its locale's
// analyzer, and a search in one locale never sees the other.
const (
	fieldTitle     = "title"
	fieldTags      = "tags"
	fieldHeadings  = "headings"
	fieldBody      = "body"
	fieldQuestions = "questions"
)

// Options configure an Index.
type Options struct {
	// MinScore is the least confidence (Hit.Score, 0..1) a hit needs to be
	// returned; see Index.Search for the rule. Zero means DefaultMinScore;
	// a negative value turns the rule off (for evaluation tools).
	MinScore float64
	// IntentBoost multiplies the relevance of articles that list
	// Query.Intent. Zero means DefaultIntentBoost; 1 turns it off.
	IntentBoost float64
	// Synonyms, per locale, map the words players use to the words the
	// articles use ("бабки" → "деньги", "кэшаут" → "вывод"): a query term
	// that is the analyzed form of a player word is searched as the
	// analyzed terms of its article words instead, so every form of the
	// word ("бабок", "бабками") is covered. Player words are single words;
	// article words may be several ("верифнуться" → "верификация").
	Synonyms map[string]map[string]string
	// OnBuild, when set, is called each time Open builds an index rather
	// than reusing one, with the directory it built (or "" in memory).
	OnBuild func(dir string)
	// CacheSize bounds how many recent queries' candidates are kept; zero
	// means 4096, a negative value turns the cache off.
	CacheSize int
	// Logger, when set, receives what Open did on disk (built, reused,
	// removed old versions) and cleanup failures that do not fail Open.
	Logger *slog.Logger
}

// Index is a searchable set of articles. It is safe for concurrent use by
// multiple goroutines.
type Index struct {
	bleve       bleve.Index
	minScore    float64
	intentBoost float64
	analyzers   map[string]analysis.Analyzer
	filler      map[string]map[string]bool    // analyzed chat filler by locale
	synonyms    map[string]map[string]synonym // by locale, by the analyzed player word
	articles    map[string]*entry             // by docID
	byLocale    map[string][]*entry           // sorted by id
	cache       *candidateCache
	closeOnce   sync.Once
	closeErr    error
}

// synonym is what a player's word stands for in the articles.
type synonym struct {
	terms []string // the article words, analyzed
	words string   // as written
}

// entry is an article with what Search shows of it.
type entry struct {
	Article
	snippet  string
	plain    string        // the body as plain text
	sections []sectionText // the body's intro and "##" sections, analyzed for Excerpt
}

// Open returns an index of articles. With dir == "" the index lives in
// memory. Otherwise it lives in dir/<version> (the version, an opaque string
// such as a content hash, sanitized for the file system): an index there is
// reused when it is complete (its marker file, written only after a
// successful build, matches these articles) and rebuilt otherwise; once the
// index is ready, the index directories of other versions under dir are
// removed (only directories that look like ours: with our marker file or a
// bleve index inside).
//
// Errors: chat.EINVALID for an article without an id, with an unsupported
// locale, or a duplicate (locale, id) — the message names both paths — and
// for an empty version with a dir; any other error means the index could not
// be built or opened.
func Open(dir, version string, articles []Article, opts Options) (*Index, error) {
	ix := &Index{
		minScore:    cmp.Or(opts.MinScore, DefaultMinScore),
		intentBoost: cmp.Or(opts.IntentBoost, DefaultIntentBoost),
		articles:    map[string]*entry{},
		byLocale:    map[string][]*entry{},
		cache:       newCandidateCache(cmp.Or(opts.CacheSize, defaultCacheSize)),
	}
	if err := ix.load(articles); err != nil {
		return nil, err
	}
	var err error
	if dir == "" {
		ix.bleve, err = bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("kb: create index in memory: %w", err)
		}
		if err := indexArticles(ix.bleve, articles); err != nil {
			_ = ix.bleve.Close()
			return nil, err
		}
		if opts.OnBuild != nil {
			opts.OnBuild("")
		}
	} else {
		ix.bleve, err = openVersion(dir, version, articles, opts)
		if err != nil {
			return nil, err
		}
	}
	ix.analyzers = map[string]analysis.Analyzer{}
	ix.filler = map[string]map[string]bool{}
	for loc, words := range map[string]string{LocaleRU: fillerRU, LocaleEN: fillerEN} {
		a := ix.bleve.Mapping().AnalyzerNamed(loc)
		if a == nil {
			_ = ix.bleve.Close()
			return nil, fmt.Errorf("kb: analyzer %q is not registered", loc)
		}
		ix.analyzers[loc] = a
		ix.filler[loc] = map[string]bool{}
		for _, tok := range a.Analyze([]byte(fold(loc, words))) {
			ix.filler[loc][string(tok.Term)] = true
		}
	}
	ix.synonyms = map[string]map[string]synonym{}
	for loc, words := range opts.Synonyms {
		a := ix.analyzers[loc]
		if a == nil {
			_ = ix.bleve.Close()
			return nil, chat.Errorf(chat.EINVALID, "kb: synonyms for unsupported locale %q", loc)
		}
		ix.synonyms[loc] = map[string]synonym{}
		for player, article := range words {
			from := a.Analyze([]byte(fold(loc, player)))
			if len(from) != 1 {
				continue // a stop word, or more than one word: nothing to replace
			}
			var to []string
			for _, tok := range a.Analyze([]byte(fold(loc, article))) {
				to = append(to, string(tok.Term))
			}
			if len(to) > 0 && string(from[0].Term) != to[0] {
				ix.synonyms[loc][string(from[0].Term)] = synonym{terms: to, words: article}
			}
		}
	}
	for _, e := range ix.articles {
		e.plain = strings.TrimSpace(RenderPlain(e.Body))
		e.sections = ix.analyzeSections(e.Locale, e.Body)
	}
	return ix, nil
}

// load validates articles and keeps them with their snippets.
func (ix *Index) load(articles []Article) error {
	for _, a := range articles {
		if a.ID == "" || !IsLocale(a.Locale) {
			return chat.Errorf(chat.EINVALID, "%s: article %q has locale %q: want an id and locale %s or %s", a.Path, a.ID, a.Locale, LocaleRU, LocaleEN)
		}
		key := docID(a.Locale, a.ID)
		if prev, ok := ix.articles[key]; ok {
			return chat.Errorf(chat.EINVALID, "duplicate article %s in %s and %s", key, prev.Path, a.Path)
		}
		e := &entry{Article: cloneArticle(a), snippet: snippet(a.Body, SnippetLength)}
		ix.articles[key] = e
		ix.byLocale[a.Locale] = append(ix.byLocale[a.Locale], e)
	}
	for _, list := range ix.byLocale {
		slices.SortFunc(list, func(a, b *entry) int { return strings.Compare(a.ID, b.ID) })
	}
	return nil
}

// Article returns the article with the given locale and id.
func (ix *Index) Article(locale, id string) (Article, bool) {
	e, ok := ix.articles[docID(locale, id)]
	if !ok {
		return Article{}, false
	}
	return cloneArticle(e.Article), true
}

// Articles returns the articles of a locale sorted by id (none for an
// unknown locale).
func (ix *Index) Articles(locale string) []Article {
	list := ix.byLocale[locale]
	out := make([]Article, len(list))
	for i, e := range list {
		out[i] = cloneArticle(e.Article)
	}
	return out
}

// Close releases the index. Searching a closed index fails with
// chat.EUNAVAILABLE; closing it again returns the first Close's error.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() { ix.closeErr = ix.bleve.Close() })
	return ix.closeErr
}

// cloneArticle copies a so that callers cannot change the index's slices.
func cloneArticle(a Article) Article {
	a.Tags = slices.Clone(a.Tags)
	a.Intents = slices.Clone(a.Intents)
	a.Questions = slices.Clone(a.Questions)
	return a
}

// docID is an article's bleve document id.
func docID(locale, id string) string {
	return locale + "/" + id
}

// newMapping returns the index mapping: per-locale title, tags, section
// headings and body
// fields analyzed with the "ru" or "en" analyzer; nothing else is indexed
// and nothing is stored (articles are kept in memory).
func newMapping() mapping.IndexMapping {
	doc := bleve.NewDocumentStaticMapping()
	for _, loc := range []string{LocaleRU, LocaleEN} {
		for _, f := range []string{fieldTitle, fieldTags, fieldHeadings, fieldBody, fieldQuestions} {
			fm := bleve.NewTextFieldMapping()
			fm.Analyzer = loc
			fm.Store = false
			fm.IncludeInAll = false
			fm.IncludeTermVectors = true // Search reads which terms matched
			fm.DocValues = false
			doc.AddFieldMappingsAt(f+"_"+loc, fm)
		}
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// indexArticles adds articles to idx in one batch.
func indexArticles(idx bleve.Index, articles []Article) error {
	b := idx.NewBatch()
	for _, a := range articles {
		if err := b.Index(docID(a.Locale, a.ID), document(a)); err != nil {
			return fmt.Errorf("kb: index %s: %w", a.Path, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("kb: index articles: %w", err)
	}
	return nil
}

// document is the indexed form of an article: its title, tags and
// plain-text body in its locale's fields.
func document(a Article) map[string]any {
	tags := make([]string, len(a.Tags))
	for i, t := range a.Tags {
		tags[i] = fold(a.Locale, t)
	}
	var headings []string
	for _, s := range sections(a.Body) {
		if s.heading != "" {
			headings = append(headings, fold(a.Locale, renderInline(s.heading)))
		}
	}
	questions := make([]string, len(a.Questions))
	for i, q := range a.Questions {
		questions[i] = fold(a.Locale, q)
	}
	return map[string]any{
		fieldTitle + "_" + a.Locale:     fold(a.Locale, a.Title),
		fieldTags + "_" + a.Locale:      tags,
		fieldHeadings + "_" + a.Locale:  headings,
		fieldBody + "_" + a.Locale:      fold(a.Locale, RenderPlain(a.Body)),
		fieldQuestions + "_" + a.Locale: questions,
	}
}

// fold normalizes text before analysis: Russian "ё" is written as "е" as
// often as not, so both are indexed and searched as "е".
func fold(locale, text string) string {
	if locale != LocaleRU {
		return text
	}
	return strings.NewReplacer("ё", "е", "Ё", "Е").Replace(text)
}
