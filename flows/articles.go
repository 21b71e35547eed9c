package flows

import (
	"context"
	"fmt"
	"slices"

	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/kb"
)

// articleModels learns, per locale, which article a question is about from
// the articles' own passages (title, tags, headings, sentences): the same
// classifier as intents, with articles as classes. It reorders search hits
// that the term match leaves close ("where do I enter the code" between
// the promo-code and bonus-missing articles).
func articleModels(ctx context.Context, b *Bundle) (map[string]*intents.Model, error) {
	models := map[string]*intents.Model{}
	for _, locale := range b.Settings.Locales {
		var examples []intents.Example
		for _, a := range b.Articles {
			if a.Locale != locale {
				continue
			}
			for _, p := range kb.Passages(a) {
				examples = append(examples, intents.Example{Text: p, Intent: a.ID})
			}
		}
		if len(examples) == 0 {
			continue
		}
		m, err := intents.TrainContext(ctx, examples, intents.Options{NoBackground: true, KeepText: true, Temperature: articleTemperature, MaxIter: 30})
		if err != nil {
			return nil, fmt.Errorf("flows: train article model (%s): %w", locale, err)
		}
		models[locale] = m
	}
	return models, nil
}

// articleTemperature is fixed rather than fitted: fitting trains the model
// again on held-out folds, which costs more than the model itself; 0.4 is
// what fitting chose on the default content (0.42 en, 0.36 ru).
const articleTemperature = 0.4

// articleWeight scales the article model's confidence against the search
// relevance (normalised to the best hit's): chosen on the development set
// kb/testdata/dev_*.jsonl (1 → 0.75, 2 → 0.76, 4 → 0.78, 10 → 0.76 Recall@1).
const articleWeight = 4.0

// offIntentWeight replaces articleWeight for an article that does not
// list the intent the message was classified as.
const offIntentWeight = 1.0

// affinity returns the article model's confidence, per article, that
// text is about it (its five best guesses), scaled by articleWeight.
func (t *turn) affinity(text string) map[string]float64 {
	m := t.rt.articles[t.locale]
	if m == nil {
		return nil
	}
	res := m.ClassifyWithThreshold(t.rt.Index.Canonical(t.locale, text), 0)
	conf := make(map[string]float64, len(res.Ranked))
	for _, p := range res.Ranked {
		w := articleWeight
		if a, ok := t.rt.Index.Article(t.locale, p.Intent); ok && t.state.Intent != "" && !slices.Contains(a.Intents, t.state.Intent) {
			w = offIntentWeight // the classifier read an intent the model of articles cannot see
		}
		conf[p.Intent] = w * p.Confidence
	}
	return conf
}
