package kb

import (
	"strings"
	"unicode"
)

// blockKind is the kind of a Markdown block.
type blockKind int

const (
	blockPara blockKind = iota
	blockHeading
	blockList
	blockCode
	blockTable
)

// block is one rendered Markdown block.
type block struct {
	kind  blockKind
	lines []string // plain-text lines as RenderPlain prints them
	texts []string // the text without list markers: one per list item or table row, one for a paragraph or heading
}

// RenderPlain turns Markdown into plain text for a chat bubble or a
// terminal: headings, paragraphs, lists (bullets become "•", numbers stay,
// nesting is indented by two spaces), tables (cells joined by " — ") and code
// blocks each become a paragraph, separated by a blank line; soft line breaks
// join, hard ones stay. Emphasis, code and HTML markup, escapes and entities
// are removed or decoded; a link becomes its text followed by its address in
// parentheses when the address is absolute and not already in the text.
func RenderPlain(markdown string) string {
	var b strings.Builder
	for i, bl := range parseBlocks(markdown) {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(strings.Join(bl.lines, "\n"))
	}
	return b.String()
}

// parseBlocks splits Markdown into rendered blocks.
func parseBlocks(markdown string) []block {
	p := blockParser{list: -1, table: -1}
	lines := strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n")
	for i, line := range lines {
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		p.line(strings.ReplaceAll(line, "\t", "    "), next)
	}
	p.flush()
	if p.fence != "" {
		p.closeCode()
	}
	return p.blocks
}

// blockParser is the state of parseBlocks.
type blockParser struct {
	blocks  []block
	para    []string // raw lines of the open paragraph
	list    int      // index in blocks of the open list, or -1
	indents []int    // indentation of the open list's levels
	table   int      // index in blocks of the open table, or -1
	blank   bool     // the previous line was blank
	fence   string   // the open code fence ("```" or "~~~"), if any
	code    []string
	codeInd int
}

// line feeds one line; next is the line after it, for table detection.
func (p *blockParser) line(line, next string) {
	if p.fence != "" {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, p.fence) && strings.Trim(t, p.fence[:1]) == "" {
			p.closeCode()
			return
		}
		p.code = append(p.code, trimIndent(line, p.codeInd))
		return
	}
	indent := len(line) - len(strings.TrimLeft(line, " "))
	text := strings.TrimSpace(line)
	if text == "" {
		p.flushPara()
		p.table = -1
		p.blank = true
		return
	}
	blank := p.blank
	p.blank = false
	if indent < 4 && (strings.HasPrefix(text, "```") || strings.HasPrefix(text, "~~~")) {
		p.flush()
		p.fence, p.codeInd = text[:3], indent
		return
	}
	for strings.HasPrefix(text, ">") { // a quote renders as its content
		line = strings.TrimPrefix(strings.TrimLeftFunc(line, unicode.IsSpace), ">") // as TrimSpace trims: "\v>" ends too
		text = strings.TrimSpace(line)
	}
	if text == "" {
		p.flushPara()
		return
	}
	if level, rest, ok := atxHeading(text); ok && indent < 4 && level > 0 {
		p.flush()
		p.add(blockHeading, renderInline(rest))
		return
	}
	if len(p.para) > 0 && indent < 4 && isSetextUnderline(text) {
		heading := renderInline(strings.Join(p.para, " "))
		p.para = nil
		p.add(blockHeading, heading)
		return
	}
	if isRule(text) {
		p.flush()
		return
	}
	if strings.Contains(text, "|") && (p.table >= 0 || isTableDelimiter(next)) {
		p.tableRow(text)
		return
	}
	if marker, rest, ok := listItem(text); ok {
		p.listItem(indent, marker, rest)
		return
	}
	if p.list >= 0 && (!blank || indent >= 2) {
		// Continuation of the last item.
		l := &p.blocks[p.list]
		last := len(l.texts) - 1
		more := renderInline(text)
		l.texts[last] = strings.TrimSpace(l.texts[last] + " " + more)
		l.lines[last] = strings.TrimRight(l.lines[last]+" "+more, " ")
		return
	}
	p.list, p.table = -1, -1
	p.para = append(p.para, line)
}

// add appends a one-line block.
func (p *blockParser) add(kind blockKind, text string) {
	if text == "" {
		return
	}
	p.blocks = append(p.blocks, block{kind: kind, lines: []string{text}, texts: []string{text}})
}

// listItem adds an item to the open list, or opens one.
func (p *blockParser) listItem(indent int, marker, text string) {
	p.flushPara()
	p.table = -1
	if p.list < 0 {
		p.blocks = append(p.blocks, block{kind: blockList})
		p.list = len(p.blocks) - 1
		p.indents = p.indents[:0]
	}
	for len(p.indents) > 0 && p.indents[len(p.indents)-1] > indent {
		p.indents = p.indents[:len(p.indents)-1]
	}
	if len(p.indents) == 0 || p.indents[len(p.indents)-1] < indent {
		p.indents = append(p.indents, indent)
	}
	text = renderInline(text)
	l := &p.blocks[p.list]
	l.texts = append(l.texts, text)
	l.lines = append(l.lines, strings.TrimRight(strings.Repeat("  ", len(p.indents)-1)+marker+" "+text, " "))
}

// tableRow adds a table row (a delimiter row is dropped).
func (p *blockParser) tableRow(text string) {
	p.flushPara()
	p.list = -1
	if isTableDelimiter(text) {
		return
	}
	if p.table < 0 {
		p.blocks = append(p.blocks, block{kind: blockTable})
		p.table = len(p.blocks) - 1
	}
	var cells []string
	for _, c := range splitCells(text) {
		if c = renderInline(c); c != "" {
			cells = append(cells, c)
		}
	}
	row := strings.Join(cells, " — ")
	t := &p.blocks[p.table]
	t.lines = append(t.lines, row)
	t.texts = append(t.texts, row)
}

// closeCode ends the open code block.
func (p *blockParser) closeCode() {
	for len(p.code) > 0 && strings.TrimSpace(p.code[len(p.code)-1]) == "" {
		p.code = p.code[:len(p.code)-1]
	}
	if len(p.code) > 0 {
		p.blocks = append(p.blocks, block{kind: blockCode, lines: p.code})
	}
	p.fence, p.code = "", nil
}

// flush closes the open paragraph, list and table.
func (p *blockParser) flush() {
	p.flushPara()
	p.list, p.table = -1, -1
}

// flushPara renders the open paragraph: soft line breaks become spaces,
// hard ones (two trailing spaces or a backslash) stay.
func (p *blockParser) flushPara() {
	if len(p.para) == 0 {
		return
	}
	var segs []string
	cur := ""
	for _, l := range p.para {
		hard := strings.HasSuffix(l, "  ") || strings.HasSuffix(strings.TrimRight(l, " "), "\\")
		l = strings.TrimSpace(l)
		if hard {
			l = strings.TrimSuffix(l, "\\")
		}
		cur = strings.TrimSpace(cur + " " + l)
		if hard {
			segs = append(segs, cur)
			cur = ""
		}
	}
	if cur != "" {
		segs = append(segs, cur)
	}
	p.para = nil
	var lines []string
	for _, s := range segs {
		if s = renderInline(s); s != "" {
			lines = append(lines, s)
		}
	}
	if len(lines) > 0 {
		p.blocks = append(p.blocks, block{kind: blockPara, lines: lines, texts: []string{strings.Join(lines, " ")}})
	}
}

// atxHeading parses "# Heading #".
func atxHeading(text string) (level int, rest string, ok bool) {
	for level < len(text) && text[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(text) && text[level] != ' ') {
		return 0, "", false
	}
	rest = strings.TrimSpace(text[level:])
	if t := strings.TrimRight(rest, "#"); t == "" || strings.HasSuffix(t, " ") {
		rest = strings.TrimSpace(t)
	}
	return level, rest, true
}

// isSetextUnderline reports whether text underlines a heading ("===", "---").
func isSetextUnderline(text string) bool {
	return strings.Trim(text, "=") == "" || (len(text) >= 2 && strings.Trim(text, "-") == "")
}

// isRule reports whether text is a thematic break ("---", "* * *", "___").
func isRule(text string) bool {
	c := text[0]
	if c != '-' && c != '*' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case c:
			n++
		case ' ':
		default:
			return false
		}
	}
	return n >= 3
}

// listItem parses a list item's marker: "-", "*", "+" become "•"; "1." and
// "1)" stay.
func listItem(text string) (marker, rest string, ok bool) {
	if len(text) >= 2 && (text[0] == '-' || text[0] == '*' || text[0] == '+') && text[1] == ' ' {
		return "•", strings.TrimSpace(text[2:]), true
	}
	if text == "-" || text == "*" || text == "+" {
		return "•", "", true
	}
	i := 0
	for i < len(text) && i < 9 && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	if i == 0 || i+1 >= len(text) || (text[i] != '.' && text[i] != ')') || text[i+1] != ' ' {
		return "", "", false
	}
	return text[:i+1], strings.TrimSpace(text[i+2:]), true
}

// isTableDelimiter reports whether line is a table's "|---|:--:|" row.
func isTableDelimiter(line string) bool {
	t := strings.TrimSpace(line)
	return strings.Contains(t, "|") && strings.Contains(t, "-") && strings.Trim(t, "|-: ") == ""
}

// splitCells splits a table row on unescaped pipes.
func splitCells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, "\\|") {
		row = row[:len(row)-1]
	}
	var cells []string
	start := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, strings.TrimSpace(row[start:i]))
			start = i + 1
		}
	}
	return append(cells, strings.TrimSpace(row[start:]))
}

// trimIndent removes up to n leading spaces.
func trimIndent(line string, n int) string {
	for n > 0 && strings.HasPrefix(line, " ") {
		line, n = line[1:], n-1
	}
	return line
}
