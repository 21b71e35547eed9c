package flows

import (
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/kb"
)

// kbAnswer presents the step's articles, or the best search hits for its
// query. It reports whether anything was presented.
func (t *turn) kbAnswer(st *Step) (bool, error) {
	limit := st.Limit
	if limit == 0 {
		limit = t.b.Settings.KBLimit
	}
	var articles []kb.Article
	if len(st.Articles) > 0 {
		for _, id := range st.Articles {
			if a, ok := t.rt.Index.Article(t.locale, id); ok && len(articles) < limit {
				articles = append(articles, a)
			}
		}
	} else {
		query := strings.TrimSpace(render(st.Query, t.vars()))
		hits, err := t.rt.Index.Search(t.ctx, kb.Query{Locale: t.locale, Text: query, Intent: t.state.Intent, Limit: limit})
		if err != nil {
			return false, err
		}
		t.out.Trace.KBHits = append(t.out.Trace.KBHits, hits...)
		for _, h := range hits {
			if a, ok := t.rt.Index.Article(h.Locale, h.ArticleID); ok {
				articles = append(articles, a)
			}
		}
	}
	if len(articles) == 0 {
		return false, nil
	}
	reply := chat.Reply{Text: articles[0].Title + "\n\n" + cutText(kb.RenderPlain(articles[0].Body), t.b.Settings.KBMaxChars)}
	for _, a := range articles {
		reply.Articles = append(reply.Articles, chat.ArticleRef{ID: a.ID, Title: a.Title})
	}
	t.out.Replies = append(t.out.Replies, reply)
	return true, nil
}

// cutText shortens s to at most max bytes, at a paragraph or sentence
// boundary when there is one in the second half, and marks the cut.
func cutText(s string, max int) string {
	s = strings.TrimSpace(s)
	if len(s) <= max {
		return s
	}
	end := max
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	cut := s[:end]
	if i := strings.LastIndex(cut, "\n\n"); i > max/2 {
		return strings.TrimSpace(cut[:i]) + "\n…"
	}
	if i := strings.LastIndexAny(cut, ".!?"); i > max/2 {
		return cut[:i+1] + " …"
	}
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return cut + " …"
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
// "€ 50", "50 eur", "1,000.5".
func parseNumber(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsDigit(r) || r == '.' || r == ',' || r == '-':
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '\u00a0' || unicode.IsLetter(r) || strings.ContainsRune("€$₽₸", r):
		default:
			return "", false
		}
	}
	n := b.String()
	if strings.Contains(n, ",") && strings.Contains(n, ".") {
		n = strings.ReplaceAll(n, ",", "")
	} else {
		n = strings.ReplaceAll(n, ",", ".")
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
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
	return Option{}, false
}

// normalizeAnswer folds case, ё and punctuation, so "Да, спасибо!" and
// "да спасибо" compare equal.
func normalizeAnswer(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	}), " ")
}
