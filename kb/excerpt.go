package kb

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// section is an article's intro (heading "") or one of its "## " parts.
type section struct {
	heading string
	body    string // Markdown
}

// sections splits an article body at its level-2 and level-3 headings.
func sections(markdown string) []section {
	var out []section
	cur := section{}
	var body []string
	inFence := false
	flush := func() {
		cur.body = strings.TrimSpace(strings.Join(body, "\n"))
		if cur.heading != "" || cur.body != "" {
			out = append(out, cur)
		}
		body = body[:0]
	}
	for _, line := range strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
		}
		if level, text, ok := atxHeading(line); ok && !inFence && (level == 2 || level == 3) {
			flush()
			cur = section{heading: strings.TrimSpace(text)}
			continue
		}
		body = append(body, line)
	}
	flush()
	return out
}

// Excerpt is the part of an article that answers a question.
type Excerpt struct {
	Text    string // plain text, cut at a paragraph or sentence and marked "…"
	Section string // heading of the section shown; "" for the article's top
	Whole   bool   // the text is the entire article
}

// Excerpt returns the part of an article that answers text, as plain text
// of at most max characters (runes): the section that has the most of
// text's meaningful terms, then the one whose heading and body match them
// best (the heading counts double),
// after the article's intro when both fit; the article from its top when
// no section matches better than the intro. skip names a section not to
// show again (the one the player already saw): then the next best matching
// section is shown, or else only the lines of the skipped section that
// match ("and for crypto?") — those first when the skipped section has
// every term the next best one has; ok is false when neither exists, and
// for an unknown article.
func (ix *Index) Excerpt(locale, id, text string, max int, skip string) (Excerpt, bool) {
	e, found := ix.articles[docID(locale, id)]
	if !found {
		return Excerpt{}, false
	}
	secs := e.sections
	terms := ix.queryTerms(locale, text)
	title := ix.analyze(locale, e.Title)
	if skip != "" {
		// A follow-up on the article just shown: the article is chosen,
		// so its title's words pick a section too ("and if I use a VPN?"
		// on "Restricted countries and VPNs").
		title = nil
	}
	weights := sectionWeights(terms, secs, title)
	best, bestCovered, bestScore := -1, 0, 0.0
	var skipCovers []bool
	for i, s := range secs {
		if s.heading == skip && skip != "" {
			skipCovers = covers(terms, weights, s)
			continue
		}
		score := weightedScore(terms, weights, s.headingTerms)*2 + weightedScore(terms, weights, s.bodyTerms)
		if s.heading == "" {
			if skip != "" {
				continue
			}
			score *= 2 // the intro sums the article up: it wins a tie
		}
		covered := coveredTerms(terms, weights, s)
		if covered > bestCovered || covered == bestCovered && score > bestScore+1e-9 {
			best, bestCovered, bestScore = i, covered, score
		}
	}
	if best >= 0 && secs[best].heading == "" {
		best = -1 // the article from its top
	}
	if skip != "" && slices.Contains(skipCovers, true) && (best < 0 || coversAll(skipCovers, covers(terms, weights, secs[best]))) {
		// "and min deposit for it?" on the steps that said "at least
		// €20": the lines of the section just shown answer it before
		// another section that has nothing of the question they lack.
		if ex, ok := ix.focus(e, locale, terms, skip, max); ok {
			return ex, true
		}
	}
	if best < 0 {
		if skip != "" {
			return ix.focus(e, locale, terms, skip, max)
		}
		if len([]rune(e.plain)) <= max {
			return Excerpt{Text: e.plain, Whole: true}, true
		}
		return Excerpt{Text: CutText(e.plain, max)}, true
	}
	if skip == "" && len([]rune(e.plain)) <= max {
		return Excerpt{Text: e.plain, Section: secs[best].heading, Whole: true}, true
	}
	part := secs[best].heading + "\n\n" + secs[best].plain
	if secs[0].heading == "" && best != 0 {
		intro := secs[0].plain
		if n := len([]rune(intro)); n > 0 && skip == "" && n+len([]rune(part))+2 <= max {
			part = intro + "\n\n" + part
		}
	}
	return Excerpt{Text: CutText(part, max), Section: secs[best].heading}, true
}

// focus answers a follow-up from the section already shown: only its
// lines (list items, table rows, sentences) that match the question ("and
// for crypto?" → the crypto row of the payout times), if any.
func (ix *Index) focus(e *entry, locale string, terms []queryTerm, heading string, max int) (Excerpt, bool) {
	for _, s := range e.sections {
		if s.heading != heading {
			continue
		}
		var lines []string
		for _, line := range strings.Split(s.plain, "\n") {
			if strings.TrimSpace(line) != "" && termScore(terms, ix.analyze(locale, line)) > 0 {
				lines = append(lines, line)
			}
		}
		if len(lines) == 0 || len(strings.Join(lines, "\n")) >= len(s.plain) {
			return Excerpt{}, false // nothing narrower than what was shown
		}
		return Excerpt{Text: CutText(heading+"\n\n"+strings.Join(lines, "\n"), max), Section: heading}, true
	}
	return Excerpt{}, false
}

// sectionText is a section as Excerpt reads it.
type sectionText struct {
	heading                 string
	plain                   string   // the section's body as plain text
	headingTerms, bodyTerms []string // as the locale's analyzer leaves them
}

// analyzeSections prepares an article body for Excerpt, once per index.
func (ix *Index) analyzeSections(locale, body string) []sectionText {
	var out []sectionText
	for _, s := range sections(body) {
		st := sectionText{heading: renderInline(s.heading), plain: strings.TrimSpace(RenderPlain(s.body))}
		st.headingTerms = ix.analyze(locale, st.heading)
		st.bodyTerms = ix.analyze(locale, st.plain)
		out = append(out, st)
	}
	return out
}

func (ix *Index) analyze(locale, text string) []string {
	var words []string
	for _, tok := range ix.analyzers[locale].Analyze([]byte(fold(locale, text))) {
		words = append(words, string(tok.Term))
	}
	return words
}

// sectionWeights weighs each query term by how few of the article's
// sections use it: "вейджер" in one section says more than "бонус" in all.
// A term of title (the article's, on a first answer) chose the article,
// not a section: weight 0.
func sectionWeights(terms []queryTerm, secs []sectionText, title []string) []float64 {
	w := make([]float64, len(terms))
	for j, t := range terms {
		if termScore([]queryTerm{t}, title) > 0 {
			continue
		}
		df := 0
		for _, s := range secs {
			if termScore([]queryTerm{t}, s.headingTerms) > 0 || termScore([]queryTerm{t}, s.bodyTerms) > 0 {
				df++
			}
		}
		w[j] = math.Log(1 + float64(len(secs))/float64(1+df))
	}
	return w
}

// coveredTerms counts the query terms with a weight (on a first answer,
// those not in the article's title) that a section's heading or body
// matches, a prefix or typo match included: a section that answers every
// part of the question ("лимиты на вывод у випов") beats one whose heading
// shares two words. The heading's double count and the intro's tie
// advantage only decide between sections that cover as many.
func coveredTerms(terms []queryTerm, weights []float64, s sectionText) int {
	n := 0
	for _, c := range covers(terms, weights, s) {
		if c {
			n++
		}
	}
	return n
}

// covers reports, per query term, whether coveredTerms counts it.
func covers(terms []queryTerm, weights []float64, s sectionText) []bool {
	out := make([]bool, len(terms))
	for j, t := range terms {
		one := []queryTerm{t}
		out[j] = weights[j] > 0 && (termScore(one, s.headingTerms) > 0 || termScore(one, s.bodyTerms) > 0)
	}
	return out
}

// coversAll reports whether every term b covers, a covers too.
func coversAll(a, b []bool) bool {
	for j := range b {
		if b[j] && !a[j] {
			return false
		}
	}
	return true
}

// weightedScore is termScore with each term's credit times its weight.
func weightedScore(terms []queryTerm, weights []float64, words []string) float64 {
	sum := 0.0
	for j, t := range terms {
		sum += weights[j] * termScore([]queryTerm{t}, words)
	}
	return sum
}

// termScore is the summed best credit of each query term among words.
func termScore(terms []queryTerm, words []string) float64 {
	sum := 0.0
	for _, t := range terms {
		best := 0.0
		for _, w := range words {
			best = max(best, credit(t, w))
		}
		sum += best
	}
	return sum
}

// CutText shortens plain text to at most max characters (runes): at the
// last paragraph break or sentence end in its second half, else at a word
// boundary, and marks the cut with "…".
func CutText(s string, max int) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max-1])
	half := len(string(r[:max/2]))
	if i := strings.LastIndex(cut, "\n\n"); i > half {
		return strings.TrimSpace(cut[:i]) + "\n…"
	}
	if i := lastSentenceEnd(cut); i > half {
		return cut[:i] + " …"
	}
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:—-–") + " …"
}

// lastSentenceEnd returns the byte offset just after the last ".", "!",
// or "?" followed by a space or line break (or ending s), or -1.
func lastSentenceEnd(s string) int {
	for i := len(s) - 2; i >= 0; i-- {
		if strings.IndexByte(".!?", s[i]) >= 0 && (s[i+1] == ' ' || s[i+1] == '\n') {
			return i + 1
		}
	}
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return len(s)
	}
	return -1
}

// passageWords is how much of a sentence Passages keeps: its start says
// what it is about, and short passages keep training fast.
const passageWords = 12

// firstWords returns the first n words of s.
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) <= n {
		return s
	}
	return strings.Join(f[:n], " ")
}

// Passages returns the short texts an article is made of, to learn what
// questions it answers: its title, tags, the questions players ask it,
// section headings, and the sentences and list items of its body (their
// first passageWords words).
func Passages(a Article) []string {
	out := []string{a.Title}
	out = append(out, a.Tags...)
	out = append(out, a.Questions...)
	for _, s := range sections(a.Body) {
		if s.heading != "" {
			out = append(out, renderInline(s.heading))
		}
		for _, block := range strings.Split(RenderPlain(s.body), "\n") {
			for _, sent := range sentences(strings.TrimSpace(strings.TrimLeft(block, "•0123456789. "))) {
				if len([]rune(sent)) >= 12 {
					out = append(out, firstWords(sent, passageWords))
				}
			}
		}
	}
	return out
}
