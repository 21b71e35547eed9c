package telegram

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Render turns the light Markdown of bot, article and operator texts (the
// subset connectors/webchat/assets/widget.js renders) into Telegram HTML
// (parse_mode HTML): **bold** and __bold__ → <b>, *italic* and _italic_ →
// <i>, `code` → <code>, [label](url) → <a href> for http, https, mailto and
// tg links only (any other link stays text: "label (url)"), "# heading" →
// a bold line, "- "/"* "/"• " items → "• ", "1. " items keep their number,
// table rows → cells joined by " | " (separator rows dropped). Everything
// else is text: <, > and & are escaped wherever they appear, so nothing in
// the source is ever read as HTML.
func Render(markdown string) string {
	src := strings.ReplaceAll(strings.ReplaceAll(markdown, "\r\n", "\n"), "\r", "\n")
	var out []string
	for _, block := range blankLines.Split(strings.TrimSpace(src), -1) {
		var lines []string
		for _, line := range strings.Split(block, "\n") {
			if l, ok := renderLine(line); ok {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			out = append(out, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(out, "\n\n")
}

// Escape makes any text safe as Telegram HTML: player messages and anything
// else that must never be read as markup.
func Escape(text string) string {
	return htmlEscaper.Replace(text)
}

var (
	htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	blankLines  = regexp.MustCompile(`\n[ \t]*\n+`)
	heading     = regexp.MustCompile(`^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	bullet      = regexp.MustCompile(`^\s*[-*•]\s+(.*)$`)
	numbered    = regexp.MustCompile(`^\s*(\d{1,3})[.)]\s+(.*)$`)
	tableSep    = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
	// inlineRe: link, **bold**, __bold__, `code`, *italic*, _italic_.
	inlineRe = regexp.MustCompile(`\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|__([^_\n]+)__|` + "`([^`\\n]+)`" + `|\*([^*\s][^*\n]*)\*|_([^_\s][^_\n]*)_`)
)

// renderLine renders one source line; false for a line that shows nothing.
func renderLine(line string) (string, bool) {
	if strings.TrimSpace(line) == "" || tableSep.MatchString(line) && strings.Contains(line, "|") {
		return "", false
	}
	if m := heading.FindStringSubmatch(line); m != nil {
		return "<b>" + inline(m[1]) + "</b>", true
	}
	if m := bullet.FindStringSubmatch(line); m != nil {
		return "• " + inline(m[1]), true
	}
	if m := numbered.FindStringSubmatch(line); m != nil {
		return m[1] + ". " + inline(m[2]), true
	}
	if t := strings.TrimSpace(line); strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1 {
		cells := strings.Split(t[1:len(t)-1], "|")
		for i, c := range cells {
			cells[i] = inline(strings.TrimSpace(c))
		}
		return strings.Join(cells, " | "), true
	}
	return inline(strings.TrimSpace(line)), true
}

// inline renders links, bold, italic and code in one line of text.
func inline(text string) string {
	var b strings.Builder
	at := 0
	for at < len(text) {
		m := inlineRe.FindStringSubmatchIndex(text[at:])
		if m == nil {
			break
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += at
			}
		}
		start, end := m[0], m[1]
		if m[14] >= 0 && !wordBoundary(text, start, end) {
			// snake_case and the like: the "_" is a character.
			b.WriteString(Escape(text[at : start+1]))
			at = start + 1
			continue
		}
		b.WriteString(Escape(text[at:start]))
		group := func(i int) string { return text[m[2*i]:m[2*i+1]] }
		switch {
		case m[2] >= 0:
			b.WriteString(link(group(2), group(1)))
		case m[6] >= 0:
			b.WriteString("<b>" + inline(group(3)) + "</b>")
		case m[8] >= 0:
			b.WriteString("<b>" + inline(group(4)) + "</b>")
		case m[10] >= 0:
			b.WriteString("<code>" + Escape(group(5)) + "</code>")
		case m[12] >= 0:
			b.WriteString("<i>" + inline(group(6)) + "</i>")
		default:
			b.WriteString("<i>" + inline(group(7)) + "</i>")
		}
		at = end
	}
	b.WriteString(Escape(text[at:]))
	return b.String()
}

// wordBoundary: an _italic_ span neither starts nor ends inside a word.
func wordBoundary(text string, start, end int) bool {
	if r, _ := utf8.DecodeLastRuneInString(text[:start]); start > 0 && isWord(r) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && isWord(r) {
		return false
	}
	return true
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// link is an <a> for an http, https, mailto or tg address, else text.
func link(href, label string) string {
	u, err := url.Parse(href)
	if err == nil {
		switch strings.ToLower(u.Scheme) {
		case "http", "https":
			if u.Host != "" {
				return `<a href="` + attrEscaper.Replace(u.String()) + `">` + inline(label) + "</a>"
			}
		case "mailto", "tg":
			return `<a href="` + attrEscaper.Replace(u.String()) + `">` + inline(label) + "</a>"
		}
	}
	if label == href {
		return Escape(href)
	}
	return Escape(label + " (" + href + ")")
}
