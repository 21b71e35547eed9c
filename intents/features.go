package intents

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// Feature kinds, mixed into the hash so that a word and a character n-gram
// with the same spelling are different features.
const (
	kindWord   = 'w'
	kindStem   = 's'
	kindBigram = 'b'
	kindChar   = 'c'
	kindNumber = 'n'
	kindUnk    = 'u'
	kindPrefix = 'p'
)

// prefixLen is the length of the word-prefix feature: a crude stem that
// ties "пополнение" to "пополнить" and "depost" to "deposit".
const prefixLen = 5

// Feature blocks: each is L2-normalised on its own, then weighted.
const (
	blockWord = 0
	blockChar = 1
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// featureConfig are the knobs of feature extraction.
type featureConfig struct {
	minN, maxN int     // character n-gram lengths, word boundaries marked with < >
	wordWeight float64 // share of the squared norm given to the word block
	dilute     float64 // weight of unseen features in the norm, in unseen idfs
}

// token is one normalized word and its stem. unk marks a word unknown to
// the training set (in training: a word only one training text uses), so
// that the model learns what unfamiliar words say about an utterance.
type token struct {
	word, stem string
	unk        bool
}

// rawFeatures appends the hashed features of tokens to s.hs (with their
// block in s.bs), and where each token's features end to s.ends.
func (c featureConfig) rawFeatures(toks []token, s *scratch) {
	hs, bs := s.hs[:0], s.bs[:0]
	s.ends = s.ends[:0]
	prev := "\x02" // sentence start
	for _, t := range toks {
		hs = append(hs, fnvString(fnvByte(fnvOffset, kindWord), t.word))
		bs = append(bs, blockWord)
		if t.stem != t.word {
			hs = append(hs, fnvString(fnvByte(fnvOffset, kindStem), t.stem))
			bs = append(bs, blockWord)
		}
		if p, ok := prefix(t.word); ok {
			hs = append(hs, fnvString(fnvByte(fnvOffset, kindPrefix), p))
			bs = append(bs, blockWord)
		}
		if t.unk {
			hs = append(hs, fnvByte(fnvOffset, kindUnk))
			bs = append(bs, blockWord)
		}
		if isNumber(t.word) {
			hs = append(hs, fnvByte(fnvOffset, kindNumber))
			bs = append(bs, blockWord)
		}
		hs = append(hs, bigramHash(prev, t.stem))
		bs = append(bs, blockWord)
		prev = t.stem
		if c.maxN > 0 {
			hs, bs = c.charNgrams(t.word, hs, bs, s)
		}
		s.ends = append(s.ends, len(hs))
	}
	if len(toks) > 0 {
		hs = append(hs, bigramHash(prev, "\x03")) // sentence end
		bs = append(bs, blockWord)
		s.ends[len(s.ends)-1] = len(hs)
	}
	s.hs, s.bs = hs, bs
}

func bigramHash(a, b string) uint64 {
	h := fnvString(fnvByte(fnvOffset, kindBigram), a)
	return fnvString(fnvByte(h, 0), b)
}

// charNgrams appends the hashes of the character n-grams of "<word>".
func (c featureConfig) charNgrams(w string, hs []uint64, bs []uint8, s *scratch) ([]uint64, []uint8) {
	buf := append(s.buf[:0], '<')
	buf = append(buf, w...)
	buf = append(buf, '>')
	offs := s.offs[:0]
	for i := range string(buf) {
		offs = append(offs, i)
	}
	nr := len(offs)
	offs = append(offs, len(buf))
	s.buf, s.offs = buf, offs
	for i := 0; i < nr; i++ {
		h := fnvByte(fnvOffset, kindChar)
		for j := i; j < nr && j-i < c.maxN; j++ {
			for k := offs[j]; k < offs[j+1]; k++ {
				h = fnvByte(h, buf[k])
			}
			if n := j - i + 1; n >= c.minN {
				hs = append(hs, h)
				bs = append(bs, blockChar)
			}
		}
	}
	return hs, bs
}

// vocabulary maps hashed features seen in training to dense indices and
// holds their inverse document frequencies.
type vocabulary struct {
	cfg   featureConfig
	index map[uint64]int32
	idf   []float32
	block []uint8
	// unseenIDF is the idf a feature seen in no training text would have
	unseenIDF float64
}

// sparse is a sparse feature vector with increasing indices.
type sparse struct {
	idx []int32
	val []float32
}

// buildVocabulary collects the features of docs that occur in at least
// minDF documents (character n-grams) or at least once (word features).
func buildVocabulary(cfg featureConfig, docs [][]token, minDF int) *vocabulary {
	df := make(map[uint64]int32)
	blk := make(map[uint64]uint8)
	var s scratch
	for _, d := range docs {
		cfg.rawFeatures(d, &s)
		seen := uniqueHashes(s.hs, s.bs)
		for _, p := range seen {
			df[p.h]++
			blk[p.h] = p.b
		}
	}
	keys := make([]uint64, 0, len(df))
	for h, n := range df {
		if blk[h] == blockChar && int(n) < minDF {
			continue
		}
		keys = append(keys, h)
	}
	// Frequent features first: the solver then finds them in fewer cache
	// lines. Ties in hash order, for determinism.
	slices.SortFunc(keys, func(a, b uint64) int {
		if df[a] != df[b] {
			return int(df[b] - df[a])
		}
		return cmp.Compare(a, b)
	})
	v := &vocabulary{
		cfg:   cfg,
		index: make(map[uint64]int32, len(keys)),
		idf:   make([]float32, len(keys)),
		block: make([]uint8, len(keys)),
	}
	n := float64(len(docs))
	v.unseenIDF = math.Log(1+n) + 1
	for i, h := range keys {
		v.index[h] = int32(i)
		v.idf[i] = float32(math.Log((1+n)/(1+float64(df[h]))) + 1)
		v.block[i] = blk[h]
	}
	return v
}

type hashBlock struct {
	h uint64
	b uint8
}

func uniqueHashes(hs []uint64, bs []uint8) []hashBlock {
	out := make([]hashBlock, len(hs))
	for i := range hs {
		out[i] = hashBlock{hs[i], bs[i]}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].h < out[j].h })
	return slices.CompactFunc(out, func(a, b hashBlock) bool { return a.h == b.h })
}

// scratch holds reusable buffers for vectorizing one text.
type scratch struct {
	hs    []uint64
	bs    []uint8
	buf   []byte
	offs  []int
	ends  []int // end of each token's features in hs
	ids   []int32
	toks  []token
	acc   []float32
	out   []float64
	vec   sparse
	empty bool // the last vectorized text had no known feature
}

// vectorize returns the TF-IDF vector of toks: sublinear term frequency
// times idf, each block L2-normalised and weighted, the whole of unit norm.
// Features unknown to the vocabulary are dropped, but those of a word the
// vocabulary does not explain (neither it, its stem nor its prefix is
// known) still count in the norm, with cfg.dilute times the idf of an
// unseen feature. The result lives in s until the next call.
func (v *vocabulary) vectorize(toks []token, s *scratch) sparse {
	v.cfg.rawFeatures(toks, s)
	ids := s.ids[:0]
	var norm [2]float64
	unseen := v.cfg.dilute * v.unseenIDF
	start := 0
	for t, end := range s.ends {
		explained := v.explains(toks[t])
		for k := start; k < end; k++ {
			if i, ok := v.index[s.hs[k]]; ok {
				ids = append(ids, i)
			} else if !explained {
				norm[s.bs[k]] += unseen * unseen
			}
		}
		start = end
	}
	slices.Sort(ids)
	s.ids = ids
	out := sparse{idx: s.vec.idx[:0], val: s.vec.val[:0]}
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		x := (1 + math.Log(float64(j-i))) * float64(v.idf[ids[i]])
		norm[v.block[ids[i]]] += x * x
		out.idx = append(out.idx, ids[i])
		out.val = append(out.val, float32(x))
		i = j
	}
	var scale [2]float64
	ww := v.cfg.wordWeight
	if v.cfg.maxN == 0 {
		ww = 1
	}
	weights := [2]float64{ww, 1 - ww}
	total := 0.0
	for b := range scale {
		if norm[b] > 0 {
			scale[b] = math.Sqrt(weights[b] / norm[b])
			total += weights[b]
		}
	}
	if total > 0 {
		for b := range scale {
			scale[b] /= math.Sqrt(total)
		}
	}
	for k, i := range out.idx {
		out.val[k] = float32(float64(out.val[k]) * scale[v.block[i]])
	}
	s.vec = out
	return out
}

// prefix returns the first prefixLen runes of w when w is longer.
func prefix(w string) (string, bool) {
	n := 0
	for i := range w {
		if n == prefixLen {
			return w[:i], true
		}
		n++
	}
	return "", false
}

// explains reports whether the vocabulary knows t's word, stem or prefix.
func (v *vocabulary) explains(t token) bool {
	if _, ok := v.index[fnvString(fnvByte(fnvOffset, kindWord), t.word)]; ok {
		return true
	}
	if _, ok := v.index[fnvString(fnvByte(fnvOffset, kindStem), t.stem)]; ok && t.stem != t.word {
		return true
	}
	if p, ok := prefix(t.word); ok {
		if _, ok := v.index[fnvString(fnvByte(fnvOffset, kindPrefix), p)]; ok {
			return true
		}
	}
	return false
}
