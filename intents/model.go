package intents

import (
	"math"
	"slices"
	"sync"
)

// OutOfScope is the intent of an utterance the bot should not answer with a
// flow: in training data it marks out-of-scope examples, in a Result it is
// the decision that no intent applies.
const OutOfScope = "oos"

// maxRanked is how many intents a Result lists.
const maxRanked = 5

// Prediction is one intent with its confidence.
type Prediction struct {
	Intent     string
	Confidence float64
}

// Result is the outcome of classifying one text.
//
// Ranked never lists OutOfScope: the probability of the "oos" training class
// (when the model has one) and of the implicit "none of these" class is left
// out, so the in-scope confidences sum to at most one and the remainder is
// the probability that the text is out of scope.
type Result struct {
	Intent     string       // top intent, or OutOfScope
	Confidence float64      // confidence of the top in-scope intent
	OutOfScope bool         // no intent applies: the oos class won, Confidence < threshold, or nothing in the text is known
	Ranked     []Prediction // up to 5 in-scope intents, best first
	Text       string       // the text actually classified, after keyboard-layout repair
}

// Model is a trained intent classifier. It is immutable after Train and
// safe for concurrent use.
//
// A text becomes a TF-IDF vector (words, stems, prefixes, stem bigrams,
// character n-grams), one-vs-rest linear SVMs score it, and the confidences
// are softmax(scores/T) over the intents (and the "oos" class when trained
// with out-of-scope examples) plus an implicit "none of these" class of
// fixed score. T and that score are fitted on held-out training examples,
// so a confidence of 0.8 is right about 80% of the time on data like the
// training data.
type Model struct {
	vocab       *vocabulary
	classes     []string // sorted; includes OutOfScope when trained with it
	oos         int      // index of OutOfScope in classes, or -1
	weights     []float32
	bias        []float32
	temperature float64
	background  float64 // decision value of the implicit none class; NaN if off
	threshold   float64
	lex         *lexicon
	keepText    bool      // Options.KeepText
	pool        sync.Pool // of *scratch
}

// Intents returns the in-scope intents the model knows, sorted.
func (m *Model) Intents() []string {
	out := make([]string, 0, len(m.classes))
	for i, c := range m.classes {
		if i != m.oos {
			out = append(out, c)
		}
	}
	return out
}

// Threshold returns the confidence under which Classify answers OutOfScope.
func (m *Model) Threshold() float64 { return m.threshold }

// Temperature returns the softmax temperature fitted at training.
func (m *Model) Temperature() float64 { return m.temperature }

// Classify classifies text with the model's threshold.
func (m *Model) Classify(text string) Result {
	return m.ClassifyWithThreshold(text, m.threshold)
}

// ClassifyWithThreshold classifies text: the result is OutOfScope when the
// out-of-scope class wins or the best in-scope confidence is below
// threshold. Text with no known feature is out of scope.
func (m *Model) ClassifyWithThreshold(text string, threshold float64) Result {
	s := m.getScratch()
	defer m.pool.Put(s)
	fixed := text
	if !m.keepText {
		fixed = m.lex.repairLayout(text)
	}
	probs := m.probabilities(fixed, s)
	res := Result{Text: fixed}
	best := 0
	for c, p := range probs {
		if p > probs[best] {
			best = c
		}
	}
	// Top in-scope intents by selection: there are few of them to pick.
	n := min(maxRanked, len(probs)-btoi(m.oos >= 0))
	res.Ranked = make([]Prediction, 0, n)
	for len(res.Ranked) < n {
		pick := -1
		for c, p := range probs {
			if c == m.oos || p < 0 {
				continue
			}
			if pick < 0 || p > probs[pick] {
				pick = c
			}
		}
		res.Ranked = append(res.Ranked, Prediction{Intent: m.classes[pick], Confidence: probs[pick]})
		probs[pick] = -1 // taken
	}
	res.Confidence = res.Ranked[0].Confidence
	res.Intent = res.Ranked[0].Intent
	if best == m.oos || res.Confidence < threshold || s.empty {
		res.Intent = OutOfScope
		res.OutOfScope = true
	}
	return res
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{}
}

// scores returns the decision value of every class for text (in a buffer
// of s), and notes in s whether the text had no known feature.
func (m *Model) scores(text string, s *scratch) []float64 {
	s.toks = m.lex.tokens(text, s.toks[:0])
	vec := m.vocab.vectorize(s.toks, s)
	s.empty = len(vec.idx) == 0
	nc := len(m.classes)
	acc := append(s.acc[:0], m.bias...)
	acc = acc[:nc]
	for k, f := range vec.idx {
		v := vec.val[k]
		row := m.weights[int(f)*nc : int(f)*nc+nc]
		row = row[:len(acc)]
		for c, w := range row {
			acc[c] += v * w
		}
	}
	s.acc = acc
	out := s.out[:0]
	for _, a := range acc {
		out = append(out, float64(a))
	}
	s.out = out
	return out
}

// probabilities returns the calibrated class probabilities for text.
func (m *Model) probabilities(text string, s *scratch) []float64 {
	sc := m.scores(text, s)
	softmax(sc, m.temperature, m.background)
	return sc
}

// softmax replaces x by softmax(x/t) in place, with one more implicit
// logit bg/t in the normaliser unless bg is NaN.
func softmax(x []float64, t, bg float64) {
	mx := slices.Max(x)
	hasBG := !math.IsNaN(bg)
	if hasBG {
		mx = math.Max(mx, bg)
	}
	sum := 0.0
	for i, v := range x {
		x[i] = math.Exp((v - mx) / t)
		sum += x[i]
	}
	if hasBG {
		sum += math.Exp((bg - mx) / t)
	}
	for i := range x {
		x[i] /= sum
	}
}
