package telegram

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// MaxMessageUnits is Telegram's limit on a message's text: 4,096 UTF-16
	// code units of the visible text (after the HTML is parsed).
	MaxMessageUnits = 4096
	// SplitUnits is the budget Split cuts to: the visible text counted in
	// UTF-16 units, with a margin under MaxMessageUnits.
	SplitUnits = 4000
)

// Split cuts a Telegram HTML text into parts of at most SplitUnits visible
// UTF-16 code units each (see SplitAt).
func Split(text string) []string { return SplitAt(text, SplitUnits) }

// SplitAt cuts a Telegram HTML text (Render's or Escape's output) into parts
// whose visible text — tags removed, each entity one character — is at most
// limit UTF-16 code units, the way Telegram counts. It cuts at the last
// paragraph break that leaves a part at least half full, else a line break,
// else a sentence end, else a space, preferring cuts outside any <b>, <i>,
// <code> or <a> span; it never cuts inside a tag, an entity or a surrogate
// pair (nor before a joiner or variation selector). A span cut anyway is
// closed at the end of the part and reopened, with its attributes, at the
// start of the next. The whitespace at a cut is dropped. A text within the
// limit comes back whole; an empty one as no parts.
func SplitAt(text string, limit int) []string {
	limit = max(limit, 2)
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	atoms := tokenize(text)
	var parts []string
	for s := 0; s < len(atoms); {
		end, width := s, 0
		for end < len(atoms) && width+atoms[end].width <= limit {
			width += atoms[end].width
			end++
		}
		if end == len(atoms) {
			parts = appendPart(parts, atoms, s, end)
			break
		}
		cut, next := chooseCut(atoms, s, end, limit)
		parts = appendPart(parts, atoms, s, cut)
		s = next
	}
	return parts
}

// VisibleUnits is the length Telegram counts for an HTML text: its visible
// text in UTF-16 code units.
func VisibleUnits(text string) int {
	n := 0
	for _, a := range tokenize(text) {
		n += a.width
	}
	return n
}

// PlainText is the visible text of a Telegram HTML text: tags dropped and
// entities decoded. SendText falls back to it when Telegram cannot parse
// the HTML.
func PlainText(text string) string {
	var b strings.Builder
	for _, a := range tokenize(text) {
		if a.kind == textAtom {
			b.WriteRune(a.r)
		}
	}
	return b.String()
}

type atomKind uint8

const (
	textAtom atomKind = iota
	openTag
	closeTag
)

// atom is a tag, an entity or one character of the source.
type atom struct {
	src   string
	kind  atomKind
	r     rune // the visible character of a text atom
	width int  // its UTF-16 units
}

func tokenize(s string) []atom {
	atoms := make([]atom, 0, len(s))
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				kind := openTag
				if strings.HasPrefix(s[i:], "</") {
					kind = closeTag
				}
				atoms = append(atoms, atom{src: s[i : i+j+1], kind: kind})
				i += j + 1
				continue
			}
		case '&':
			if j := strings.IndexByte(s[i:min(len(s), i+12)], ';'); j > 1 {
				if r, n := utf8.DecodeRuneInString(html.UnescapeString(s[i : i+j+1])); n > 0 && s[i+1] != ';' {
					atoms = append(atoms, atom{src: s[i : i+j+1], r: r, width: utf16Len(r)})
					i += j + 1
					continue
				}
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		atoms = append(atoms, atom{src: s[i : i+n], r: r, width: utf16Len(r)})
		i += n
	}
	return atoms
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// Boundary classes, best first.
const (
	paragraphCut = iota
	lineCut
	sentenceCut
	wordCut
	noCut
)

// chooseCut picks where the part starting at s ends (cut) and where the next
// one starts (next); atoms[s:end] is the longest prefix within limit.
func chooseCut(atoms []atom, s, end, limit int) (cut, next int) {
	best := [2][noCut]int{} // [inside a span][class] → last cut position
	depth, filled := len(openSpans(atoms, s)), 0
	for i := s; i < end; i++ {
		a := atoms[i]
		switch a.kind {
		case openTag:
			depth++
		case closeTag:
			depth--
		}
		if i > s && filled*2 >= limit {
			if class := boundary(atoms, s, i); class < noCut {
				best[min(depth, 1)][class] = i
			}
		}
		filled += a.width
	}
	// A boundary exactly at end (the first atom that does not fit is a space).
	if class := boundary(atoms, s, end); class < noCut {
		best[min(depth, 1)][class] = end
	}
	for inside := range 2 {
		for class := range noCut {
			if i := best[inside][class]; i > s {
				return trimCut(atoms, s, i)
			}
		}
	}
	// No boundary in the second half: a hard cut, kept off joiners.
	cut = end
	for cut > s+1 && joined(atoms, cut) {
		cut--
	}
	return cut, cut
}

// boundary classifies a cut before atoms[i] (a whitespace character).
func boundary(atoms []atom, s, i int) int {
	if i >= len(atoms) || atoms[i].kind != textAtom || !unicode.IsSpace(atoms[i].r) {
		return noCut
	}
	if atoms[i].r == '\n' {
		if n := nextText(atoms, i+1); n >= 0 && atoms[n].r == '\n' {
			return paragraphCut
		}
		if p := prevText(atoms, s, i-1); p >= 0 && atoms[p].r == '\n' {
			return paragraphCut
		}
		return lineCut
	}
	p := prevText(atoms, s, i-1)
	for p >= s && strings.ContainsRune(`"'»”)]`, atoms[p].r) {
		p = prevText(atoms, s, p-1)
	}
	if p >= s && strings.ContainsRune(".!?…", atoms[p].r) {
		return sentenceCut
	}
	return wordCut
}

func nextText(atoms []atom, i int) int {
	for ; i < len(atoms); i++ {
		if atoms[i].kind == textAtom {
			return i
		}
	}
	return -1
}

func prevText(atoms []atom, s, i int) int {
	for ; i >= s; i-- {
		if atoms[i].kind == textAtom {
			return i
		}
	}
	return -1
}

// trimCut drops the whitespace around a cut at i.
func trimCut(atoms []atom, s, i int) (cut, next int) {
	cut, next = i, i
	for cut > s && atoms[cut-1].kind == textAtom && unicode.IsSpace(atoms[cut-1].r) {
		cut--
	}
	for next < len(atoms) && atoms[next].kind == textAtom && unicode.IsSpace(atoms[next].r) {
		next++
	}
	return cut, next
}

// joined: a cut before atoms[i] would split a character from its joiner,
// variation selector or combining mark.
func joined(atoms []atom, i int) bool {
	r, prev := atoms[i].r, atoms[i-1].r
	return r == 0x200D || prev == 0x200D || (r >= 0xFE00 && r <= 0xFE0F) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || unicode.Is(unicode.Mn, r)
}

// appendPart appends atoms[s:e], with the spans open at s reopened before it
// and those open at e closed after it; spans left empty are dropped.
func appendPart(parts []string, atoms []atom, s, e int) []string {
	out := append(openSpans(atoms, s), atoms[s:e]...)
	opened := openSpans(out, len(out))
	for i := len(opened) - 1; i >= 0; i-- {
		out = append(out, atom{src: "</" + tagName(opened[i].src) + ">", kind: closeTag})
	}
	out = dropEmptySpans(out)
	var b strings.Builder
	for _, a := range out {
		b.WriteString(a.src)
	}
	if strings.TrimSpace(PlainText(b.String())) == "" {
		return parts
	}
	return append(parts, b.String())
}

// openSpans is the opening tags of the spans still open before atoms[i].
func openSpans(atoms []atom, i int) []atom {
	var stack []atom
	for _, a := range atoms[:i] {
		switch a.kind {
		case openTag:
			stack = append(stack, a)
		case closeTag:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	return stack
}

// dropEmptySpans removes an opening tag directly followed by its closing one.
func dropEmptySpans(atoms []atom) []atom {
	for changed := true; changed; {
		changed = false
		for i := 0; i+1 < len(atoms); i++ {
			if atoms[i].kind == openTag && atoms[i+1].kind == closeTag {
				atoms = append(atoms[:i], atoms[i+2:]...)
				changed = true
				break
			}
		}
	}
	return atoms
}

// tagName is "a" for `<a href="…">`.
func tagName(tag string) string {
	name := strings.TrimLeft(strings.TrimSuffix(tag, ">"), "</")
	if i := strings.IndexAny(name, " \t\n/"); i >= 0 {
		name = name[:i]
	}
	return name
}
