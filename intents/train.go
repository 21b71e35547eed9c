package intents

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Example is one training or evaluation utterance with its intent;
// the intent OutOfScope marks an out-of-scope utterance.
type Example struct {
	Text   string `json:"text"`
	Intent string `json:"intent"`
}

// Options tune training. The zero value gives the defaults.
type Options struct {
	// Threshold: Classify answers OutOfScope when the best in-scope
	// confidence is below it. 0 means DefaultThreshold.
	Threshold float64
	// C is the SVM cost of a margin violation (default 2).
	C float64
	// PositiveWeight multiplies C for a class's own examples (default 3):
	// each one-vs-rest problem has far fewer positives than negatives.
	PositiveWeight float64
	// OOSWeight further multiplies C for the out-of-scope examples in the
	// out-of-scope class's own SVM (default 3): out-of-scope examples are
	// few and varied.
	OOSWeight float64
	// Temperature of the softmax over decision values; 0 fits it on
	// leave-one-out decision values of the training set.
	Temperature float64
	// Background is the decision value of an implicit "none of these"
	// class that competes in the softmax, so that a text no intent claims
	// gets low confidences. It is fitted on held-out examples (with the
	// temperature; see fitCalibration) unless FixedBackground is set, when
	// it is this value. NoBackground leaves the implicit class out.
	Background      float64
	FixedBackground bool
	NoBackground    bool
	// CharMin and CharMax bound the character n-gram lengths (default 2
	// and 4); CharMax < 0 turns character n-grams off.
	CharMin, CharMax int
	// WordWeight is the share of word features against character n-grams
	// (default 0.5).
	WordWeight float64
	// MinDF drops character n-grams seen in fewer training texts (default 2).
	MinDF int
	// Dilution: a feature of the text that training never saw still counts
	// in the vector's norm, as if it had this many times the idf of an
	// unseen feature (default 1; negative: not at all). Words the model
	// cannot explain then weaken the ones it can, so "how are my cannabis
	// stocks doing" is no longer just "how are my doing", a greeting.
	Dilution float64
	// SpellCorrect replaces a word unknown to the training set by the most
	// frequent known word one typo away. Off by default: character n-grams
	// already match most typos, and on CLINC150 val it cost out-of-scope
	// recall (unfamiliar words are a sign of an out-of-scope question).
	SpellCorrect bool
	// KeepText skips keyboard-layout and transliteration repair in
	// Classify: for a model whose input another model already repaired.
	KeepText bool
	// Vocabulary holds texts (knowledge-base articles) whose words the
	// keyboard-layout and transliteration repair also counts as known, so
	// an English word the intent examples lack ("programme") is not read
	// as transliterated Russian. The model does not train on them.
	Vocabulary []string
	// MaxIter caps the SVM solver's passes over the data (default 200);
	// Tolerance is its stopping tolerance (default 0.1).
	MaxIter   int
	Tolerance float64
	// Seed makes training deterministic (default 1).
	Seed uint64
	// Workers is how many classes train in parallel (default GOMAXPROCS).
	Workers int
}

// DefaultThreshold is the out-of-scope threshold when Options leave it 0.
const DefaultThreshold = 0.5

func (o Options) withDefaults() Options {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.C == 0 {
		o.C = 2
	}
	if o.PositiveWeight == 0 {
		o.PositiveWeight = 3
	}
	if o.OOSWeight == 0 {
		o.OOSWeight = 3
	}
	if o.CharMin == 0 {
		o.CharMin = 2
	}
	if o.CharMax == 0 {
		o.CharMax = 4
	}
	if o.CharMax < 0 {
		o.CharMax = 0
	}
	if o.WordWeight == 0 {
		o.WordWeight = 0.5
	}
	if o.MinDF == 0 {
		o.MinDF = 2
	}
	if o.Dilution == 0 {
		o.Dilution = 1
	}
	if o.Dilution < 0 {
		o.Dilution = 0
	}
	if o.MaxIter == 0 {
		o.MaxIter = 200
	}
	if o.Tolerance == 0 {
		o.Tolerance = 0.1
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Train trains a model on examples. It fails with chat.EINVALID when there
// are no examples, an example has an empty text or intent, or fewer than
// two classes (out of scope counting as one) with at least one in scope.
func Train(examples []Example, opts Options) (*Model, error) {
	return TrainContext(context.Background(), examples, opts)
}

// TrainContext is Train that gives up with ctx's error when ctx is done.
func TrainContext(ctx context.Context, examples []Example, opts Options) (*Model, error) {
	o := opts.withDefaults()
	if len(examples) == 0 {
		return nil, chat.Errorf(chat.EINVALID, "intents: no training examples")
	}
	if o.Threshold < 0 || o.Threshold > 1 {
		return nil, chat.Errorf(chat.EINVALID, "intents: threshold %g not in [0, 1]", o.Threshold)
	}
	if o.C < 0 || o.PositiveWeight < 0 || o.OOSWeight < 0 || o.Temperature < 0 || o.Tolerance < 0 || o.MaxIter < 0 {
		return nil, chat.Errorf(chat.EINVALID, "intents: negative training option")
	}
	if o.WordWeight <= 0 || o.WordWeight > 1 {
		return nil, chat.Errorf(chat.EINVALID, "intents: word weight %g not in (0, 1]", o.WordWeight)
	}
	if o.CharMax > 0 && (o.CharMin < 1 || o.CharMin > o.CharMax) {
		return nil, chat.Errorf(chat.EINVALID, "intents: character n-gram lengths %d..%d", o.CharMin, o.CharMax)
	}
	seen := map[string]bool{}
	texts := make([]string, len(examples))
	for i, e := range examples {
		if strings.TrimSpace(e.Intent) == "" {
			return nil, chat.Errorf(chat.EINVALID, "intents: example %d (%q) has no intent", i+1, e.Text)
		}
		if strings.TrimSpace(e.Text) == "" {
			return nil, chat.Errorf(chat.EINVALID, "intents: example %d of intent %q has no text", i+1, e.Intent)
		}
		seen[e.Intent] = true
		texts[i] = e.Text
	}
	classes := make([]string, 0, len(seen))
	for c := range seen {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	oos := slices.Index(classes, OutOfScope)
	if len(classes) < 2 {
		return nil, chat.Errorf(chat.EINVALID, "intents: need at least two intents, got %d", len(classes))
	}
	labels := make([]int, len(examples))
	for i, e := range examples {
		labels[i], _ = slices.BinarySearch(classes, e.Intent)
	}

	lex := newLexicon(texts, o.SpellCorrect)
	lex.addVocabulary(o.Vocabulary)
	docs := make([][]token, len(examples))
	for i, t := range texts {
		docs[i] = lex.trainingTokens(t)
	}
	cfg := featureConfig{minN: o.CharMin, maxN: o.CharMax, wordWeight: o.WordWeight, dilute: o.Dilution}
	vocab := buildVocabulary(cfg, docs, o.MinDF)
	rows := make([]sparse, len(docs))
	var s scratch
	for i, d := range docs {
		v := vocab.vectorize(d, &s)
		rows[i] = sparse{idx: slices.Clone(v.idx), val: slices.Clone(v.val)}
	}
	const biasFeature = 1
	x := newMatrix(len(vocab.idf), rows, biasFeature)
	p := svmParams{
		c: o.C, posCost: o.PositiveWeight, oosCost: o.OOSWeight, oos: oos, bias: biasFeature,
		eps: o.Tolerance, maxIter: o.MaxIter, seed: o.Seed, workers: o.Workers,
	}
	var held []int
	if o.Temperature <= 0 || (!o.NoBackground && !o.FixedBackground) {
		held = heldOutRows(labels, len(classes), o.Seed)
	}
	heldX := heldOutMatrix(docs, held, vocab, o.MinDF, biasFeature)
	ovr, err := trainOVR(ctx, x, labels, len(classes), held, heldX, p)
	if err != nil {
		return nil, err
	}
	heldLabels := make([]int, len(held))
	for j, i := range held {
		heldLabels[j] = labels[i]
	}
	cal := fitCalibration(ovr.held, heldLabels, len(classes), oos, o)
	return &Model{
		vocab:       vocab,
		classes:     classes,
		oos:         oos,
		weights:     ovr.weights,
		bias:        ovr.bias,
		temperature: cal.temperature,
		background:  cal.background,
		threshold:   o.Threshold,
		lex:         lex,
		keepText:    o.KeepText,
	}, nil
}

// calibrationShare is the share of each class's examples held out of the
// first training round to fit the calibration on.
const calibrationShare = 0.2

// heldOutRows picks, per class and at random (seeded), calibrationShare of
// the rows (rounded down) and returns them in increasing order.
func heldOutRows(labels []int, classes int, seed uint64) []int {
	byClass := make([][]int, classes)
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var held []int
	for _, rows := range byClass {
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		held = append(held, rows[:int(float64(len(rows))*calibrationShare)]...)
	}
	slices.Sort(held)
	return held
}

// heldOutMatrix vectorizes the held-out docs as a model trained on the
// other docs would see them: features and words only the held-out docs use
// are unknown to it, as a player's new words will be to the final model.
func heldOutMatrix(docs [][]token, held []int, vocab *vocabulary, minDF int, bias float64) *matrix {
	isHeld := make(map[int]bool, len(held))
	for _, i := range held {
		isHeld[i] = true
	}
	df := make(map[uint64]int)
	words := make(map[string]bool)
	var s scratch
	for i, d := range docs {
		if isHeld[i] {
			continue
		}
		for _, t := range d {
			words[t.word] = true
		}
		vocab.cfg.rawFeatures(d, &s)
		for _, p := range uniqueHashes(s.hs, s.bs) {
			df[p.h]++
		}
	}
	first := &vocabulary{
		cfg:       vocab.cfg,
		index:     make(map[uint64]int32, len(vocab.index)),
		idf:       vocab.idf,
		block:     vocab.block,
		unseenIDF: vocab.unseenIDF,
	}
	for h, i := range vocab.index {
		if n := df[h]; n >= minDF || n > 0 && vocab.block[i] != blockChar {
			first.index[h] = i
		}
	}
	rows := make([]sparse, len(held))
	for j, i := range held {
		toks := slices.Clone(docs[i])
		for k := range toks {
			toks[k].unk = !words[toks[k].word]
		}
		v := first.vectorize(toks, &s)
		rows[j] = sparse{idx: slices.Clone(v.idx), val: slices.Clone(v.val)}
	}
	return newMatrix(len(vocab.idf), rows, bias)
}
