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
// "€ 50", "50 eur", "1,000.5", "1.000,50", "10,000". With both separators
// the last one is the decimal mark; a lone "," or "." followed by exactly
// three digits (once or more) groups thousands; otherwise it is decimal.
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
