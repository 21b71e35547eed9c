package intents

import "strings"

// lexicon knows the words of the training set: their stems, how often they
// occur, and their one-edit neighbours for spelling correction.
type lexicon struct {
	stems   map[string]string   // known word → stem
	known   map[string]struct{} // known stems
	freq    map[string]int      // known word → number of training texts using it
	deletes map[string][]string // word with one letter deleted → known words
	// spell makes tokens replace unknown words by their correction; the
	// corrections also always serve to judge keyboard layouts.
	spell bool
	// scripts seen in training: a layout is repaired only into a script the
	// model knows.
	latin, cyrillic bool
	// vocabulary: words known from other texts than the training examples
	// (Options.Vocabulary); they count as known when repairing a layout.
	vocabulary map[string]struct{}
}

// addVocabulary records the words of texts as known for layout and
// transliteration repair.
func (l *lexicon) addVocabulary(texts []string) {
	if len(texts) == 0 {
		return
	}
	l.vocabulary = make(map[string]struct{})
	for _, t := range texts {
		for _, w := range normalizeWords(t) {
			if !isNumber(w) {
				l.vocabulary[w] = struct{}{}
			}
		}
	}
}

// minSpellLen is the shortest word that spelling correction touches.
const minSpellLen = 4

func newLexicon(texts []string, spell bool) *lexicon {
	l := &lexicon{
		stems: make(map[string]string),
		known: make(map[string]struct{}),
		freq:  make(map[string]int),
		spell: spell,
	}
	for _, t := range texts {
		seen := map[string]bool{}
		for _, w := range normalizeWords(t) {
			if _, ok := l.stems[w]; !ok {
				switch wordScript(w) {
				case scriptLatin:
					l.latin = true
				case scriptCyrillic:
					l.cyrillic = true
				}
				st := stemWord(w)
				l.stems[w] = st
				l.known[st] = struct{}{}
			}
			if !seen[w] {
				seen[w] = true
				l.freq[w]++
			}
		}
	}
	l.deletes = make(map[string][]string)
	for w := range l.stems {
		r := []rune(w)
		if len(r) < minSpellLen || isNumber(w) {
			continue
		}
		for _, d := range deletions(r) {
			l.deletes[d] = append(l.deletes[d], w)
		}
	}
	return l
}

// deletions returns the distinct strings made by deleting one rune of r.
func deletions(r []rune) []string {
	out := make([]string, 0, len(r))
	var b strings.Builder
	for i := range r {
		if i > 0 && r[i] == r[i-1] {
			continue
		}
		b.Reset()
		for j, c := range r {
			if j != i {
				b.WriteRune(c)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// knownWord reports whether w or its stem occurred in training.
func (l *lexicon) knownWord(w string) bool {
	if _, ok := l.stems[w]; ok {
		return true
	}
	_, ok := l.known[stemWord(w)]
	return ok
}

// correct returns the most frequent known word one edit (insertion,
// deletion, substitution or adjacent transposition) away from w, if any.
func (l *lexicon) correct(w string) (string, bool) {
	r := []rune(w)
	if len(r) < minSpellLen || isNumber(w) {
		return "", false
	}
	best, bestFreq := "", 0
	consider := func(c string) {
		if f := l.freq[c]; f > bestFreq || (f == bestFreq && c < best) {
			if editDistance1(r, []rune(c)) {
				best, bestFreq = c, f
			}
		}
	}
	for _, c := range l.deletes[w] { // w lacks a letter
		consider(c)
	}
	for _, d := range deletions(r) {
		if _, ok := l.stems[d]; ok { // w has an extra letter
			consider(d)
		}
		for _, c := range l.deletes[d] { // substitution or transposition
			consider(c)
		}
	}
	return best, best != ""
}

// editDistance1 reports whether a and b are at most one insertion,
// deletion, substitution or adjacent transposition apart.
func editDistance1(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(b) {
		return true
	}
	if len(a) != len(b) {
		return string(a[i+1:]) == string(b[i:])
	}
	if string(a[i+1:]) == string(b[i+1:]) {
		return true
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == string(b[i+2:])
}

// trainingTokens normalizes a training text, marking as unknown the words
// that no other training text uses.
func (l *lexicon) trainingTokens(text string) []token {
	toks := l.tokens(text, nil)
	for i := range toks {
		toks[i].unk = l.freq[toks[i].word] <= 1
	}
	return toks
}

// tokens normalizes text into tokens, marking words unknown to the training
// set, or replacing them by a known word one typo away when spelling
// correction is on.
func (l *lexicon) tokens(text string, toks []token) []token {
	for _, w := range normalizeWords(text) {
		if st, ok := l.stems[w]; ok {
			toks = append(toks, token{w, st, false})
			continue
		}
		st := stemWord(w)
		if _, ok := l.known[st]; !ok && l.spell {
			if c, ok := l.correct(w); ok {
				toks = append(toks, token{c, l.stems[c], false})
				continue
			}
		}
		toks = append(toks, token{w, st, true})
	}
	return toks
}
