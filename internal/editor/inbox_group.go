package editor

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"

	"github.com/switchboard-support/switchboard/internal/store"
)

// Grouping by similarity. A message becomes a bag of features: the
// snowball stems of its words (stop words dropped unless nothing else is
// left) and the character trigrams of the stems (typos, word forms the
// stemmer misses), weighted TF-IDF over the distinct phrasings and
// L2-normalised. Messages with the same stems are one phrasing.
// Phrasings, most frequent first, are linked (union-find) to the
// clusters holding a phrasing at least SimilarityThreshold cosine-similar
// (the first simMaxIndexed phrasings of each cluster are compared), the dot
// products accumulated through an inverted index (clusterPhrasings).
// The representative is the first phrasing, so the most frequent one.

// SimilarityThreshold is the cosine at which two phrasings are one
// question: tuned so that rewordings of a question ("can I change my
// nickname", "change nickname please") meet and questions sharing a topic
// word only ("change my password") do not.
const SimilarityThreshold = 0.5

// trigramWeight is the norm of a word's trigrams (together) against its
// stem's weight of 1.
const trigramWeight = 0.7

// MaxExamples bounds the example messages of a group.
const MaxExamples = 5

// Group is one question the bot missed, asked Count times.
type Group struct {
	ID        int64  // the message id of its representative
	Text      string // the representative: the most frequent phrasing, newest message
	Count     int
	Reasons   map[string]int
	Locales   []string
	FirstSeen time.Time
	LastSeen  time.Time
	State     string         // new while any of its messages is new; else applied if any is, else dismissed
	States    map[string]int // messages per state
	// Examples are the most frequent phrasings, one message each.
	Examples   []Example
	MessageIDs []int64 // every message, newest first
	NewIDs     []int64 // the messages still new, newest first: what a group action changes
}

// Example is one message of a group and how many of the group's
// messages share its phrasing.
type Example struct {
	store.Miss
	Same int
}

type phrasing struct {
	key    string
	misses []store.Miss // newest first
	vec    []simFeature // sorted by id
}

type simFeature struct {
	id int32
	w  float64
}

// GroupMisses groups misses (newest first, as store.Misses returns
// them) by similarity; groups come biggest first.
func GroupMisses(misses []store.Miss) []Group {
	phrasings := phrasingsOf(misses)
	df := vectorizePhrasings(phrasings)
	slices.SortStableFunc(phrasings, func(a, b *phrasing) int {
		return cmp.Or(cmp.Compare(len(b.misses), len(a.misses)), b.misses[0].At.Compare(a.misses[0].At), strings.Compare(a.key, b.key))
	})
	clusters := clusterPhrasings(phrasings, len(df))
	groups := make([]Group, len(clusters))
	for i, c := range clusters {
		groups[i] = missGroupOf(c)
	}
	SortGroups(groups, "count")
	return groups
}

type simPosting struct {
	phrasing int32
	w        float64 // the phrasing's weight of the feature
}

// simMaxIndexed is how many phrasings of a cluster are compared with later
// ones: enough to bridge rewordings, bounded so a big cluster stays cheap.
const simMaxIndexed = 8

// simMaxScan bounds the postings scanned for one feature: a feature indexed
// by more phrasings is in nearly every cluster (its IDF is low).
const simMaxScan = 2000

// clusterPhrasings links each phrasing to every cluster that has an indexed
// phrasing SimilarityThreshold-similar to it (union-find: a phrasing
// similar to two clusters joins them), or starts a cluster. Dot products
// with the indexed phrasings accumulate over the features' postings; a
// feature with more than simMaxScan postings is not scanned and adds at
// most the norm of its part of the vector (Cauchy-Schwarz), so only
// phrasings within that bound of the threshold get an exact cosine.
// Clusters come in the order of their first phrasing.
func clusterPhrasings(phrasings []*phrasing, features int) [][]*phrasing {
	parent := make([]int32, len(phrasings))
	indexed := make([]int, len(phrasings)) // per root
	root := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	postings := make([][]simPosting, features)
	acc := make([]float64, len(phrasings))
	var touched, roots []int32
	for i, v := range phrasings {
		parent[i] = int32(i)
		touched, roots = touched[:0], roots[:0]
		var rest float64
		for _, f := range v.vec {
			if len(postings[f.id]) > simMaxScan {
				rest += f.w * f.w
				continue
			}
			for _, p := range postings[f.id] {
				if acc[p.phrasing] == 0 {
					touched = append(touched, p.phrasing)
				}
				acc[p.phrasing] += f.w * p.w
			}
		}
		bound := SimilarityThreshold - math.Sqrt(rest)
		for _, p := range touched {
			if acc[p] >= bound && (rest == 0 || simCosine(v.vec, phrasings[p].vec) >= SimilarityThreshold) {
				if r := root(p); !slices.Contains(roots, r) {
					roots = append(roots, r)
				}
			}
			acc[p] = 0
		}
		r := int32(i)
		if len(roots) > 0 {
			r = slices.Min(roots) // the earliest (biggest) cluster stays the root
			for _, o := range roots {
				if o != r {
					parent[o] = r
					indexed[r] += indexed[o]
				}
			}
			parent[i] = r
		}
		if indexed[r] < simMaxIndexed {
			indexed[r]++
			for _, f := range v.vec {
				postings[f.id] = append(postings[f.id], simPosting{int32(i), f.w})
			}
		}
	}
	byRoot := map[int32]int{}
	var clusters [][]*phrasing
	for i, v := range phrasings {
		r := root(int32(i))
		n, ok := byRoot[r]
		if !ok {
			n = len(clusters)
			byRoot[r] = n
			clusters = append(clusters, nil)
		}
		clusters[n] = append(clusters[n], v)
	}
	return clusters
}

// SortGroups orders groups by "count" (biggest first) or "newest" (last
// seen first); ties go to the other key, then the representative's id.
func SortGroups(groups []Group, by string) {
	slices.SortStableFunc(groups, func(a, b Group) int {
		c1, c2 := cmp.Compare(b.Count, a.Count), b.LastSeen.Compare(a.LastSeen)
		if by == "newest" {
			c1, c2 = c2, c1
		}
		return cmp.Or(c1, c2, cmp.Compare(b.ID, a.ID))
	})
}

func missGroupOf(c []*phrasing) Group {
	lead := c[0].misses[0]
	g := Group{ID: lead.MessageID, Text: lead.Text, Reasons: map[string]int{}, States: map[string]int{},
		FirstSeen: lead.At, LastSeen: lead.At}
	var all []store.Miss
	for _, v := range c {
		all = append(all, v.misses...)
		if len(g.Examples) < MaxExamples {
			g.Examples = append(g.Examples, Example{Miss: v.misses[0], Same: len(v.misses)})
		}
	}
	slices.SortStableFunc(all, func(a, b store.Miss) int { return cmp.Or(b.At.Compare(a.At), cmp.Compare(b.MessageID, a.MessageID)) })
	locales := map[string]bool{}
	for _, m := range all {
		g.Count++
		g.MessageIDs = append(g.MessageIDs, m.MessageID)
		if m.State == store.MissNew {
			g.NewIDs = append(g.NewIDs, m.MessageID)
		}
		for _, r := range m.Reasons {
			g.Reasons[r]++
		}
		g.States[m.State]++
		if !locales[m.Locale] {
			locales[m.Locale] = true
			g.Locales = append(g.Locales, m.Locale)
		}
		if m.At.Before(g.FirstSeen) {
			g.FirstSeen = m.At
		}
		if m.At.After(g.LastSeen) {
			g.LastSeen = m.At
		}
	}
	slices.Sort(g.Locales)
	switch {
	case g.States[store.MissNew] > 0:
		g.State = store.MissNew
	case g.States[store.MissApplied] > 0:
		g.State = store.MissApplied
	default:
		g.State = store.MissDismissed
	}
	return g
}

// phrasingsOf puts misses with the same stems together, keeping their
// order; a message with no word at all is a phrasing of its own text.
func phrasingsOf(misses []store.Miss) []*phrasing {
	byKey := map[string]*phrasing{}
	cache := map[string]string{} // word → stem ("" for a stop word)
	var out []*phrasing
	for _, m := range misses {
		stems := inboxStems(m.Text, cache)
		key := strings.Join(stems, " ")
		if key == "" {
			key = "\x00" + strings.ToLower(strings.TrimSpace(m.Text))
		}
		v := byKey[key]
		if v == nil {
			v = &phrasing{key: key}
			byKey[key] = v
			out = append(out, v)
		}
		v.misses = append(v.misses, m)
	}
	return out
}

// vectorizePhrasings sets every phrasing's TF-IDF vector, L2-normalised,
// and returns the document frequency of each feature id.
func vectorizePhrasings(phrasings []*phrasing) []int {
	ids := map[string]int32{}
	wordFeatures := map[string][]int32{} // stem → its feature ids: the stem, then its trigrams
	raw := make([]map[int32]float64, len(phrasings))
	var df []int
	for i, v := range phrasings {
		tf := map[int32]float64{}
		if !strings.HasPrefix(v.key, "\x00") {
			for _, word := range strings.Fields(v.key) {
				fs, ok := wordFeatures[word]
				if !ok {
					fs = []int32{simFeatureID(ids, "w"+word)}
					rs := []rune("^" + word + "$")
					for j := 0; j+3 <= len(rs); j++ {
						fs = append(fs, simFeatureID(ids, "c"+string(rs[j:j+3])))
					}
					wordFeatures[word] = fs
				}
				tf[fs[0]]++
				tw := trigramWeight / math.Sqrt(float64(len(fs)-1)) // every word's trigrams weigh alike
				for _, f := range fs[1:] {
					tf[f] += tw
				}
			}
		}
		for id := range tf {
			for int(id) >= len(df) {
				df = append(df, 0)
			}
			df[id]++
		}
		raw[i] = tf
	}
	n := float64(len(phrasings))
	for i, v := range phrasings {
		vec := make([]simFeature, 0, len(raw[i]))
		var norm float64
		for id, tf := range raw[i] {
			w := tf * math.Log(1+n/float64(df[id]))
			vec = append(vec, simFeature{id, w})
			norm += w * w
		}
		norm = math.Sqrt(norm)
		for j := range vec {
			vec[j].w /= norm
		}
		slices.SortFunc(vec, func(a, b simFeature) int { return cmp.Compare(a.id, b.id) })
		v.vec = vec
	}
	return df
}

func simFeatureID(ids map[string]int32, f string) int32 {
	id, ok := ids[f]
	if !ok {
		id = int32(len(ids))
		ids[f] = id
	}
	return id
}

// simCosine is the cosine of two normalised vectors sorted by feature id.
func simCosine(a, b []simFeature) float64 {
	var dot float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].id < b[j].id:
			i++
		case a[i].id > b[j].id:
			j++
		default:
			dot += a[i].w * b[j].w
			i++
			j++
		}
	}
	return dot
}

// inboxStems normalises text (lowercase, ё → е, apostrophes inside words
// dropped, split on anything but letters and digits, as the intents
// classifier does), drops stop words unless only they are left, stems
// each word (Russian or English by its script; cache keeps them) and
// returns the distinct stems sorted, so word order does not matter.
func inboxStems(text string, cache map[string]string) []string {
	words := inboxWords(text)
	var stems []string
	for _, w := range words {
		st, ok := cache[w]
		if !ok {
			if !inboxStopWord(w) {
				st = inboxStem(w)
			}
			cache[w] = st
		}
		if st != "" {
			stems = append(stems, st)
		}
	}
	if len(stems) == 0 {
		for _, w := range words {
			stems = append(stems, inboxStem(w))
		}
	}
	slices.Sort(stems)
	return slices.Compact(stems)
}

func inboxWords(text string) []string {
	var words []string
	var b strings.Builder
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			b.WriteRune(r)
		case strings.ContainsRune("'’`ʼ", r) && b.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
		default:
			if b.Len() > 0 {
				words = append(words, b.String())
				b.Reset()
			}
		}
	}
	if b.Len() > 0 {
		words = append(words, b.String())
	}
	return words
}

func isCyrillic(w string) bool {
	for _, r := range w {
		if r >= 'а' && r <= 'я' {
			return true
		}
	}
	return false
}

func inboxStopWord(w string) bool {
	if isCyrillic(w) {
		return russian.IsStopWord(w)
	}
	return english.IsStopWord(w)
}

func inboxStem(w string) string {
	if isCyrillic(w) {
		return russian.Stem(w, true)
	}
	for _, r := range w {
		if r >= 'a' && r <= 'z' {
			return english.Stem(w, true)
		}
	}
	return w
}
