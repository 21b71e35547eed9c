package kb

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Longest link text, link address, <…> (autolink or HTML tag) and HTML
// comment the inline renderer looks for, so that unclosed brackets cost
// linear time.
const (
	maxLinkText = 1000
	maxLinkDest = 2048
	maxAngle    = 512
	maxComment  = 4096
)

// inlineText is text being rendered: each rune with whether it is literal
// (escaped, code, or already rendered) and so never emphasis markup.
type inlineText struct {
	r   []rune
	lit []bool
}

// add appends the runes of s, literal or not.
func (t *inlineText) add(s string, literal bool) {
	for _, r := range s {
		t.r = append(t.r, r)
		t.lit = append(t.lit, literal)
	}
}

// renderInline removes inline Markdown markup from one line of text.
func renderInline(s string) string {
	var t inlineText
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			t.add(s[i+1:i+2], true)
			i += 2
			continue
		case c == '`':
			if code, n, ok := codeSpan(s[i:]); ok {
				t.add(code, true)
				i += n
				continue
			}
			n := len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
			t.add(s[i:i+n], true)
			i += n
			continue
		case c == '!' && strings.HasPrefix(s[i+1:], "["):
			if text, _, n, ok := link(s[i+1:]); ok {
				t.add(renderInline(text), true)
				i += 1 + n
				continue
			}
		case c == '[':
			if text, url, n, ok := link(s[i:]); ok {
				t.add(linkText(renderInline(text), url), true)
				i += n
				continue
			}
		case c == '<':
			if out, n, ok := angle(s[i:]); ok {
				t.add(out, true)
				i += n
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		t.r = append(t.r, r)
		t.lit = append(t.lit, false)
		i += n
	}
	drop := emphasis(t)
	var b strings.Builder
	space := false
	for i, r := range t.r {
		if drop[i] {
			continue
		}
		if r == ' ' || r == '\u00a0' && !t.lit[i] {
			space = b.Len() > 0 && !strings.HasSuffix(b.String(), "\n")
			continue
		}
		if space && r != '\n' {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}

// emphasis returns which runes of t are emphasis delimiters to drop: runs
// of "*", "_" (not inside a word) and "~~" that open and close a span.
func emphasis(t inlineText) []bool {
	drop := make([]bool, len(t.r))
	type run struct{ start, n int }
	for _, d := range []rune{'*', '_', '~'} {
		var open []run
		for i := 0; i < len(t.r); {
			if t.r[i] != d || t.lit[i] {
				i++
				continue
			}
			j := i
			for j < len(t.r) && t.r[j] == d && !t.lit[j] {
				j++
			}
			cur := run{i, j - i}
			i = j
			if d == '~' && cur.n != 2 {
				continue
			}
			prev, next := ' ', ' '
			if cur.start > 0 {
				prev = t.r[cur.start-1]
			}
			if j < len(t.r) {
				next = t.r[j]
			}
			canOpen := !unicode.IsSpace(next) && j < len(t.r)
			canClose := !unicode.IsSpace(prev) && cur.start > 0
			if d == '_' {
				canOpen = canOpen && !isWordRune(prev)
				canClose = canClose && !isWordRune(next)
			}
			if canClose {
				k := len(open) - 1
				for k >= 0 && open[k].n != cur.n {
					k--
				}
				if k >= 0 {
					for x := 0; x < cur.n; x++ {
						drop[open[k].start+x] = true
						drop[cur.start+x] = true
					}
					open = open[:k]
					continue
				}
			}
			if canOpen {
				open = append(open, cur)
			}
		}
	}
	return drop
}

// codeSpan parses a `code` span at the start of s.
func codeSpan(s string) (code string, n int, ok bool) {
	ticks := len(s) - len(strings.TrimLeft(s, "`"))
	delim := s[:ticks]
	for i := ticks; i < len(s); {
		j := strings.Index(s[i:], delim)
		if j < 0 {
			return "", 0, false
		}
		j += i
		k := j + ticks
		if k < len(s) && s[k] == '`' { // a longer run: not the closer
			for k < len(s) && s[k] == '`' {
				k++
			}
			i = k
			continue
		}
		code = s[ticks:j]
		if len(code) >= 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.TrimSpace(code) != "" {
			code = code[1 : len(code)-1]
		}
		return code, k, true
	}
	return "", 0, false
}

// link parses "[text](url "title")" at the start of s.
func link(s string) (text, url string, n int, ok bool) {
	depth := 0
	end := -1
	for i := 0; i < len(s) && i <= maxLinkText && end < 0; i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				end = i
			}
		}
	}
	if end < 0 || end+1 >= len(s) || s[end+1] != '(' {
		return "", "", 0, false
	}
	depth = 0
	for i := end + 1; i < len(s) && i-end <= maxLinkDest; i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				dest := strings.TrimSpace(s[end+2 : i])
				if sp := strings.IndexAny(dest, " \t"); sp >= 0 {
					dest = dest[:sp] // drop a title
				}
				dest = strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
				return s[1:end], dest, i + 1, true
			}
		}
	}
	return "", "", 0, false
}

// linkText renders a link: its text, plus the address when it is absolute
// and the text does not already show it.
func linkText(text, url string) string {
	shown := strings.TrimPrefix(url, "mailto:")
	switch {
	case text == "":
		return shown
	case !strings.Contains(url, "://") && !strings.HasPrefix(url, "mailto:"),
		strings.Contains(text, shown),
		strings.Contains(text, strings.TrimPrefix(strings.TrimPrefix(shown, "https://"), "http://")):
		return text
	}
	return text + " (" + shown + ")"
}

// angle parses an autolink (<https://…>, <a@b.c>) or an HTML tag at the
// start of s; a tag renders as nothing, except <br> as a line break.
func angle(s string) (out string, n int, ok bool) {
	end := strings.IndexByte(s[:min(len(s), maxAngle)], '>')
	if end < 0 {
		return "", 0, false
	}
	inner := s[1:end]
	if inner == "" {
		return "", 0, false
	}
	if !strings.ContainsAny(inner, " \t<") && (strings.Contains(inner, "://") || strings.HasPrefix(inner, "mailto:") || strings.Contains(inner, "@")) {
		return strings.TrimPrefix(inner, "mailto:"), end + 1, true
	}
	name := strings.TrimPrefix(inner, "/")
	if strings.HasPrefix(inner, "!--") {
		if e := strings.Index(s[:min(len(s), maxComment)], "-->"); e >= 0 {
			return "", e + 3, true
		}
		return "", 0, false
	}
	if name == "" || !isASCIILetter(name[0]) {
		return "", 0, false
	}
	tag := strings.ToLower(strings.TrimRight(strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '/' })[0], "/"))
	for i := 0; i < len(tag); i++ {
		if !isASCIILetter(tag[i]) && (tag[i] < '0' || tag[i] > '9') {
			return "", 0, false
		}
	}
	if tag == "br" {
		return "\n", end + 1, true
	}
	return "", end + 1, true
}

// isASCIIPunct reports whether c can be backslash-escaped in Markdown.
func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isWordRune reports whether r is a letter or digit.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
