package flows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/kb"
)

// Models are the classifiers a runtime trains from a bundle: the intent
// model and, per locale, the article model.
type Models struct {
	Intents  *intents.Model
	Articles map[string]*intents.Model
}

// ModelCache keeps the trained models of the last few bundles by what they
// are trained from (intent examples, articles, threshold), so that a version published again (a rollback, a reload of the same
// version, another store in the same process) is not trained again. Models
// are immutable, so runtimes share them. One cache serves one set of
// RuntimeOptions.Intents. Safe for concurrent use.
type ModelCache struct {
	mu    sync.Mutex
	max   int
	order []string // oldest first
	byKey map[string]*cacheEntry
}

type cacheEntry struct {
	once   sync.Once
	models Models
	err    error
}

// NewModelCache returns a cache of at most max bundles' models.
func NewModelCache(max int) *ModelCache {
	return &ModelCache{max: max, byKey: map[string]*cacheEntry{}}
}

// get returns the models for b, training them once per hash; concurrent
// callers for the same hash wait for one training. A failed training is
// not kept.
func (c *ModelCache) get(ctx context.Context, b *Bundle, opts intents.Options) (Models, error) {
	key := trainingKey(b)
	c.mu.Lock()
	e, ok := c.byKey[key]
	if !ok {
		e = &cacheEntry{}
		c.byKey[key] = e
		c.order = append(c.order, key)
		if len(c.order) > c.max {
			delete(c.byKey, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	e.once.Do(func() { e.models, e.err = trainModels(ctx, b, opts) })
	if e.err != nil {
		c.mu.Lock()
		if c.byKey[key] == e {
			delete(c.byKey, key)
			c.order = slices.DeleteFunc(c.order, func(k string) bool { return k == key })
		}
		c.mu.Unlock()
	}
	return e.models, e.err
}

// trainingKey identifies what the models of b are trained from: its intent
// examples, its articles and its threshold (not its flows or tests).
func trainingKey(b *Bundle) string {
	paths := make([]string, 0, len(b.Files))
	for p := range b.Files {
		if strings.HasPrefix(p, intentsDir) || strings.HasPrefix(p, kbDir) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	h := sha256.New()
	fmt.Fprintf(h, "threshold %v\n", b.Settings.IntentThreshold)
	for _, p := range paths {
		fmt.Fprintf(h, "%s %d\n", p, len(b.Files[p]))
		h.Write(b.Files[p])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Vocabulary returns the texts whose words the intent model's layout and
// transliteration repair counts as known besides its examples: the
// bundle's article titles and bodies (intents.Options.Vocabulary).
func Vocabulary(b *Bundle) []string {
	out := make([]string, 0, 2*len(b.Articles))
	for _, a := range b.Articles {
		out = append(out, a.Title, kb.RenderPlain(a.Body))
	}
	return out
}

// trainModels trains the intent model (knowing the articles' words for
// layout and transliteration repair) and the article models of b.
func trainModels(ctx context.Context, b *Bundle, opts intents.Options) (Models, error) {
	if opts.Threshold == 0 {
		opts.Threshold = b.Settings.IntentThreshold
	}
	if opts.Vocabulary == nil {
		opts.Vocabulary = Vocabulary(b)
	}
	model, err := intents.TrainContext(ctx, b.AllExamples(), opts)
	if err != nil {
		return Models{}, fmt.Errorf("flows: train intents: %w", err)
	}
	articles, err := articleModels(ctx, b)
	if err != nil {
		return Models{}, err
	}
	return Models{Intents: model, Articles: articles}, nil
}
