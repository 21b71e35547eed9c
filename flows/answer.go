package flows

import (
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/kb"
)

// kbAnswer presents the step's articles, or the best search hits for its
// query. found reports whether anything was presented; done, that the
// conversation was handed over instead (a stated problem past its time).
func (t *turn) kbAnswer(st *Step) (found, done bool, err error) {
	if len(st.Articles) == 0 {
		return t.searchAnswer(st, "")
	}
	limit := st.Limit
	if limit == 0 {
		limit = t.b.Settings.KBLimit
	}
	var articles []kb.Article
	for _, id := range st.Articles {
		if slices.Contains(t.shown(), id) {
			continue // never the same article twice in a row
		}
		if a, ok := t.rt.Index.Article(t.locale, id); ok && len(articles) < limit {
			articles = append(articles, a)
		}
	}
	if len(articles) == 0 {
		return false, false, nil
	}
	// "roulette froze an hour ago and the round isn't in my history": the
	// flow's own article is about a problem the message states.
	if t.problemShown(articles[0], t.b.Settings.Problems.Stated(t.locale, t.norm) || t.unsolved) {
		return true, true, nil
	}
	ex, _ := t.rt.Index.Excerpt(articles[0].Locale, articles[0].ID, t.norm, t.b.Settings.KBMaxChars, "")
	t.present(articles, ex)
	return true, false, nil
}

// shown returns the articles shown on the topic in the reply language:
// after a switch of language ("а можно по-русски?") none were.
func (t *turn) shown() []string {
	if t.languageSwitched() {
		return nil
	}
	return t.state.Shown
}

// searchAnswer searches the knowledge base with the step's query (by
// default the message as the classifier read it), scoped to the flow's
// intent, preferring problem articles when the message states a problem,
// never repeating an article shown on the topic. When nothing is found
// and context is set, the search is retried with context added (a
// follow-up's topic question).
func (t *turn) searchAnswer(st *Step, context string) (found, done bool, err error) {
	limit := st.Limit
	if limit == 0 {
		limit = t.b.Settings.KBLimit
	}
	query := strings.TrimSpace(render(st.Query, t.vars()))
	if query == strings.TrimSpace(t.in.Text) && t.norm != "" {
		query = t.norm
	}
	query = withoutLanguageRequest(query)
	s := t.b.Settings
	stated := s.Problems.Stated(t.locale, query) || t.unsolved
	// Never the same answer twice in a row: the article just shown only
	// with another section, the ones before it not at all.
	shown := t.shown()
	exclude := shown
	last := ""
	if n := len(exclude); n > 0 {
		last, exclude = exclude[n-1], exclude[:n-1]
	}
	// One shown before with one of its sections may come back with
	// another ("and can I end it early?" after a detour); one shown from
	// its top may not.
	exclude = slices.DeleteFunc(slices.Clone(exclude), func(id string) bool { return t.state.Sections[id] != "" })
	q := kb.Query{Locale: t.locale, Text: query, Intent: t.state.Intent, Limit: limit,
		IntentMinScore: s.KBIntentMinScore, Exclude: exclude, OnlyIntent: context != "" && t.state.Intent != ""}
	if t.strict {
		// Another problem of the topic: only its articles, by the
		// minimum-score rule, none shown or offered before (the player
		// saw its title and did not take it).
		q.IntentMinScore, q.OnlyIntent, last = 0, t.state.Intent != "", ""
		q.Exclude = append(slices.Clone(shown), t.state.Offered...)
	}
	iss, onIssue := s.Problems.ByName(t.state.Issue)
	followsIssue := onIssue && context != ""
	_, waited := parseWaited(query)
	switch named := s.Problems.Named(t.locale, query); {
	case stated && len(named) > 0:
		q.Prefer, q.PreferFirst = named, waited
	case followsIssue:
		// "so where is my money now?" after a rejected withdrawal: the
		// conversation's problem is still what a follow-up is about,
		// unless another article covers clearly more of it.
		q.Prefer, q.PreferFirst = iss.Articles, stated && waited
	case stated:
		q.Prefer, q.PreferFirst = s.Problems.Prefer(t.locale, query), waited
	}
	withContext := query + " " + context
	// An elliptical follow-up ("а на карту?") is about the topic's question
	// with a twist: the article model reads both.
	elliptical := context != "" && context != t.in.Text && (len(strings.Fields(query)) <= 4 || t.pointsBack())
	if elliptical {
		// "а если на карту?" after "а на скрилл скок идет?": the last
		// follow-up is part of what is asked.
		q.Affinity = t.affinity(strings.Join([]string{query, t.state.Asked, context}, " "))
	} else {
		q.Affinity = t.affinity(query)
	}
	bare := context == "" && len(strings.Fields(answerWords(query))) == 1
	if bare {
		q.Limit = max(limit, bareLimit) // room for the basic article (basicsFirst)
	}
	hits, err := t.rt.Index.Search(t.ctx, q)
	if err == nil && len(hits) == 0 && context != "" && context != t.in.Text {
		q.Text = withContext
		if !elliptical {
			q.Affinity = t.affinity(withContext)
		}
		hits, err = t.rt.Index.Search(t.ctx, q)
	}
	if question, ok := lastQuestion(query); err == nil && len(hits) == 0 && ok {
		// "my son is reading. is there an apk for android?": the
		// question, without the chatter before it.
		q.Text, q.Affinity = question, t.affinity(question)
		hits, err = t.rt.Index.Search(t.ctx, q)
	}
	if err != nil {
		return false, false, err
	}
	t.out.Trace.KBHits = append(t.out.Trace.KBHits, hits...)
	if elliptical && len(strings.Fields(query)) <= 4 {
		hits = lastFirst(hits, last, q.Affinity)
	}
	hits = freshFirst(hits, shown, t.leansShown(q.Affinity, query))
	if context != "" {
		hits = t.namedFirst(hits, query, context)
	}
	if bare {
		if hits = t.basicsFirst(st, answerWords(query), hits); len(hits) > limit {
			hits = hits[:limit]
		}
	}
	var articles []kb.Article
	var first kb.Excerpt
	var firstRel float64
	for _, h := range hits {
		a, ok := t.rt.Index.Article(h.Locale, h.ArticleID)
		if !ok || len(articles) > 0 && h.Relevance < alsoShare*firstRel {
			continue
		}
		if len(articles) == 0 {
			skip := ""
			if a.ID == last {
				skip = t.state.Section
			} else if slices.Contains(shown, a.ID) {
				skip = t.state.Sections[a.ID]
			}
			if first, ok = t.rt.Index.Excerpt(a.Locale, a.ID, query, s.KBMaxChars, skip); !ok {
				continue // nothing new in the article just shown
			}
			firstRel = h.Relevance
		}
		articles = append(articles, a)
	}
	if len(articles) == 0 {
		if !t.related {
			var share float64
			share, err = t.rt.Index.Related(t.ctx, t.locale, query)
			t.related = share >= relatedShare || share > 0 && personal(t.in.Text)
		}
		return false, false, err
	}
	if t.state.Intent == "" && len(articles[0].Intents) > 0 {
		// An answer found for a message no intent took ("как работает
		// кешбек?") sets what the conversation is about: follow-ups are
		// read against the article's intent, a person is of its team.
		t.adoptTopic(articles[0].Intents[0])
	}
	if t.problemShown(articles[0], stated) {
		return true, true, nil
	}
	t.present(articles, first)
	return true, false, nil
}

// problemShown notes the stated problem an article about to be shown is
// about (settings problems), and reports whether the player has waited
// past its time: then the apology and the handoff replace the article.
func (t *turn) problemShown(a kb.Article, stated bool) (overdue bool) {
	t.issueShown = false
	iss, ok := t.b.Settings.Problems.ByArticle(a.ID)
	if !ok || !stated || t.state.Intent != "" && !slices.Contains(a.Intents, t.state.Intent) {
		return false
	}
	t.issueShown = true
	t.stateIssue(iss.Name)
	t.noteWaited()
	return t.overdueIssue()
}

// toFront returns hits with hits[i] moved first, the others in order.
func toFront(hits []kb.Hit, i int) []kb.Hit {
	out := append([]kb.Hit{hits[i]}, hits[:i]...)
	return append(out, hits[i+1:]...)
}

// alsoShare is how relevant, as a share of the answer's relevance, another
// hit must be to be offered beside it: a link that barely matched is noise
// next to a clear answer.
const alsoShare = 0.3

// freshFirst puts first the best hit not shown on the topic yet, when the
// search ranked an article already shown first but only just (the other
// answers as much of the question, within freshMargin of its relevance):
// after "how do I deposit?", "and with crypto?" is answered by the crypto
// article rather than another part of the methods one, while "and for
// crypto?" after the payout times, which that article answers clearly
// best, still gets its crypto row.
func freshFirst(hits []kb.Hit, shown []string, leansShown func(shown, fresh kb.Hit) bool) []kb.Hit {
	if len(hits) < 2 || !slices.Contains(shown, hits[0].ArticleID) {
		return hits
	}
	for i, h := range hits[1:] {
		if leansShown != nil && leansShown(hits[0], h) {
			continue
		}
		if !slices.Contains(shown, h.ArticleID) && h.Score >= hits[0].Score-1e-9 && !h.Scoped && h.Relevance >= freshMargin*hits[0].Relevance {
			return toFront(hits, i+1)
		}
	}
	return hits
}

// lastFirst answers a short elliptical follow-up ("what about bitcoin?"
// after the payout times) from the article just shown when it has every term
// the best hit has and the article model, reading the follow-up with the
// topic's question, leans clearly (freshAffinity) towards it: the search
// alone ranks it low, since the twist is a word of its body, not of its
// title.
func lastFirst(hits []kb.Hit, last string, affinity map[string]float64) []kb.Hit {
	for i, h := range hits {
		if i == 0 || h.ArticleID != last {
			continue
		}
		if h.Score >= hits[0].Score-1e-9 && affinity[last] >= affinity[hits[0].ArticleID]+freshAffinity {
			return toFront(hits, i)
		}
		break
	}
	return hits
}

// leansShown tells freshFirst when the article model reads the question
// as the shown article's, clearly (freshAffinity) more than a fresh one's
// whose title names none of the question's words: "what about crypto?"
// after the payout times asks for their crypto row, not for the
// same-method rule, while "and with crypto?" after the deposit methods
// still gets "Depositing with crypto".
func (t *turn) leansShown(affinity map[string]float64, query string) func(shown, fresh kb.Hit) bool {
	return func(shown, fresh kb.Hit) bool {
		return affinity[fresh.ArticleID]+freshAffinity < affinity[shown.ArticleID] &&
			!t.rt.Index.TitleShares(fresh.Locale, fresh.ArticleID, query)
	}
}

// namedFirst answers a topic follow-up that names what it asks about with a
// new word ("and the fees?" after the deposit methods) from the article
// whose title carries that word, when the search ranked an article
// shown on the topic first and the named one answers as much of the
// question:
// the new word, not the topic's question, is what the player asks.
func (t *turn) namedFirst(hits []kb.Hit, query, context string) []kb.Hit {
	if len(hits) < 2 || !slices.Contains(t.state.Shown, hits[0].ArticleID) {
		return hits
	}
	shown, ok := t.rt.Index.Article(t.locale, hits[0].ArticleID)
	if !ok {
		return hits
	}
	topic := " " + answerWords(context) + " "
	var fresh []string
	for _, w := range strings.Fields(answerWords(query)) {
		if len([]rune(w)) >= 4 && !strings.Contains(topic, " "+w+" ") && !namesArticle(shown, w) {
			fresh = append(fresh, w)
		}
	}
	for i, h := range hits[1:] {
		if h.Score < hits[0].Score-1e-9 || h.Scoped && !hits[0].Scoped {
			continue
		}
		a, ok := t.rt.Index.Article(h.Locale, h.ArticleID)
		if !ok {
			continue
		}
		for _, w := range fresh {
			if namesArticle(kb.Article{Title: a.Title}, w) { // its title, not a tag: what it is about
				return toFront(hits, i+1)
			}
		}
	}
	return hits
}

// basicsFirst answers a message of one word ("вывод", "bonus") — the
// topic named, nothing asked about it — with the flow's basic article (the
// one its search step falls back to) rather than whichever special case
// ranked first, when the word is one of that article's title or tags and
// the search found it: "вейджер?" still gets the wagering article.
func (t *turn) basicsFirst(st *Step, word string, hits []kb.Hit) []kb.Hit {
	f, ok := t.b.Flows[t.state.Flow]
	if !ok || st.NotFound == "" {
		return hits
	}
	fb, ok := f.Step(st.NotFound)
	if !ok || fb.Kind != KindKBAnswer || len(fb.Articles) == 0 {
		return hits
	}
	a, ok := t.rt.Index.Article(t.locale, fb.Articles[0])
	if !ok || !namesArticle(a, word) {
		return hits
	}
	for i, h := range hits {
		if h.ArticleID == a.ID {
			return toFront(hits, i)
		}
	}
	return hits
}

// namesArticle reports whether word is a word of the article's title or
// tags, up to its ending (the first five letters of each agree).
func namesArticle(a kb.Article, word string) bool {
	stem := func(w string) string {
		r := []rune(w)
		return string(r[:min(len(r), 5)])
	}
	w := stem(word)
	if len([]rune(w)) < 3 {
		return false
	}
	for _, t := range append([]string{a.Title}, a.Tags...) {
		for _, tw := range strings.Fields(answerWords(t)) {
			if stem(tw) == w {
				return true
			}
		}
	}
	return false
}

// bareLimit is how many hits a one-word message is searched for, so that
// the flow's basic article is among them when the word is its.
const bareLimit = 10

// freshMargin: how close (as a share of the relevance of the article just
// shown) another article must come to be shown instead.
const freshMargin = 0.7

// freshAffinity is how much more the article model may lean towards the
// shown article than towards a fresh one that still goes first ("what
// about crypto?" after the payout times asks for the times' crypto row),
// on the affinity's scale: the model's confidence times its weight, which
// is larger for the flow's own articles (flows/articles.go).
const freshAffinity = 0.4

// present replies with the excerpt of the first article (its section that
// answers the question, cut by characters at a sentence), with links to
// the whole article and the others.
func (t *turn) present(articles []kb.Article, ex kb.Excerpt) {
	first := articles[0]
	reply := chat.Reply{Text: first.Title + "\n\n" + ex.Text}
	for i, a := range articles {
		title := a.Title
		if i == 0 && !ex.Whole {
			if label := t.b.Settings.Message("whole_article", t.locale); label != "" {
				title = label + ": " + a.Title
			}
		}
		reply.Articles = append(reply.Articles, chat.ArticleRef{ID: a.ID, Title: title})
	}
	t.out.Replies = append(t.out.Replies, reply)
	t.state.Section = ex.Section
	t.state.Offered = nil
	for _, a := range articles[1:] {
		t.state.Offered = append(t.state.Offered, a.ID)
	}
	t.state.Shown = slices.DeleteFunc(t.state.Shown, func(id string) bool { return id == first.ID })
	t.state.Shown = append(t.state.Shown, first.ID)
	if len(t.state.Shown) > maxShown {
		t.state.Shown = t.state.Shown[len(t.state.Shown)-maxShown:]
	}
	t.state.noteSection(first.ID, ex.Section)
}

// maxShown is how many shown articles a conversation remembers.
const maxShown = 8

// afterAnswer is where a kb_answer step continues once it presented an
// article: its problem target when the article was about a stated
// problem, else its found target, else the next step.
func (t *turn) afterAnswer(f *Flow, st *Step) string {
	if t.issueShown && st.Problem != "" {
		return st.Problem
	}
	return orNext(st.Found, t.next(f, st))
}

// validate checks an answer to an ask step and returns the value to store.
func validate(st *Step, input string) (string, bool) {
	s := strings.TrimSpace(input)
	if s == "" {
		return "", false
	}
	switch st.Validate {
	case "number":
		return parseNumber(s)
	case "email":
		addr, err := mail.ParseAddress(s)
		if err != nil || !strings.Contains(addr.Address, ".") {
			return "", false
		}
		return addr.Address, true
	case "regex":
		if !st.Pattern.MatchString(s) {
			return "", false
		}
	}
	return s, true
}

// parseNumber accepts amounts as players type them: "100", "1 000,50",
// "€ 50", "50 eur", "1,000.5", "1.000,50", "10,000". With both separators
// the last one is the decimal mark; a lone "," or "." followed by exactly
// three digits (once or more) groups thousands; otherwise it is decimal.
func parseNumber(s string) (string, bool) {
	var b strings.Builder
	rs := []rune(s)
	ended := false // the first number ended: "50 eur by visa, 3 hours ago" is 50
	for i, r := range rs {
		switch {
		case unicode.IsDigit(r) || r == '-':
			if !ended {
				b.WriteRune(r)
			}
		case r == '.' || r == ',':
			if b.Len() > 0 && (i+1 == len(rs) || !unicode.IsDigit(rs[i+1])) {
				ended = true // "50, 3 hours ago"
			} else if !ended {
				b.WriteRune(r)
			}
		case unicode.IsLetter(r):
			if b.Len() > 0 {
				ended = true
			}
		case unicode.IsSpace(r) || r == '\u00a0' || strings.ContainsRune("€$₽₸", r):
		default:
			return "", false
		}
	}
	n := b.String()
	lastDot, lastComma := strings.LastIndexByte(n, '.'), strings.LastIndexByte(n, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0:
		decimal, group := ".", ","
		if lastComma > lastDot {
			decimal, group = ",", "."
		}
		n = strings.ReplaceAll(strings.ReplaceAll(n, group, ""), decimal, ".")
	case lastDot >= 0 || lastComma >= 0:
		sep := "."
		if lastComma >= 0 {
			sep = ","
		}
		if groupsThousands(n, sep) {
			n = strings.ReplaceAll(n, sep, "")
		} else {
			n = strings.ReplaceAll(n, sep, ".")
		}
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// groupsThousands reports whether every sep in n is followed by exactly
// three digits and preceded by one to three ("1,000", "12.500.000").
func groupsThousands(n, sep string) bool {
	parts := strings.Split(strings.TrimPrefix(n, "-"), sep)
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// matchOption finds the option a message picks: its value (a pressed
// button), its label in any locale, the label's lead before a comma ("yes"
// for "Yes, thanks"), or its number.
func matchOption(st *Step, input string) (Option, bool) {
	s := normalizeAnswer(input)
	if s == "" {
		return Option{}, false
	}
	for _, o := range st.Options {
		if normalizeAnswer(o.Value) == s {
			return o, true
		}
		for _, label := range o.Label {
			if normalizeAnswer(label) == s {
				return o, true
			}
		}
	}
	for _, o := range st.Options {
		for _, label := range o.Label {
			if lead, _, ok := strings.Cut(label, ","); ok && normalizeAnswer(lead) == s {
				return o, true
			}
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(st.Options) {
		return st.Options[n-1], true
	}
	// A misspelt label: the one option within a few typos of the text.
	var found []Option
	for _, o := range st.Options {
		for _, label := range o.Label {
			l := normalizeAnswer(label)
			if d := editDistance(l, s, 3); d <= typosAllowed(l) {
				found = append(found, o)
				break
			}
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	// A word of the option's ("visa", "картой", "через скрилл"): the one
	// option a short reply names.
	if words := strings.Fields(answerWords(input)); len(words) <= 4 {
		found = found[:0]
		for _, o := range st.Options {
			if namesOption(words, o.Words) {
				found = append(found, o)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return Option{}, false
}

// namesOption reports whether one of words is one of the option's words
// or, for an option word of three or more letters, starts with it.
func namesOption(words, optionWords []string) bool {
	for _, w := range words {
		for _, ow := range optionWords {
			if w == ow || len([]rune(ow)) >= 3 && strings.HasPrefix(w, ow) {
				return true
			}
		}
	}
	return false
}

// typosAllowed is how many typos a typed button label may have: none for
// short labels ("да", "no"), one for every eight letters beyond.
func typosAllowed(label string) int {
	return min(3, len([]rune(label))/8)
}

// editDistance returns the edit distance of a and b (insertions,
// deletions, substitutions and swaps of neighbours, each 1), or limit+1
// once it is known to exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	rows := [3][]int{make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)}
	for j := range rows[0] {
		rows[0][j] = j // row i lives in rows[i%3]
	}
	for i := 1; i <= len(ra); i++ {
		prev2, prev, cur := rows[(i+1)%3], rows[(i+2)%3], rows[i%3]
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
	}
	return min(rows[len(ra)%3][len(rb)], limit+1)
}

// normalizeAnswer folds case, ё and punctuation, so "Да, спасибо!" and
// "да спасибо" compare equal.
func normalizeAnswer(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	}), " ")
}
