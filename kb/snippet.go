package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SnippetLength is the most characters (runes) a Hit's Snippet has.
const SnippetLength = 200

// snippet returns the first sentences of markdown's opening text (leading
// headings skipped; it stops at the next heading, table or code block) in
// at most max runes, cut on a word boundary with "…" when the first
// sentence alone is longer.
func snippet(markdown string, max int) string {
	var units []string
	size := 0
	for _, bl := range parseBlocks(markdown) {
		if bl.kind != blockPara && bl.kind != blockList {
			if len(units) > 0 {
				break
			}
			continue
		}
		for _, t := range bl.texts {
			if bl.kind == blockList && !strings.ContainsAny(lastRune(t), ".!?…:;") {
				t += "."
			}
			for _, s := range sentences(t) {
				units = append(units, s)
				size += utf8.RuneCountInString(s) + 1
			}
		}
		if size > max {
			break
		}
	}
	var out []string
	size = 0
	for _, u := range units {
		n := utf8.RuneCountInString(u)
		if size+n > max {
			break
		}
		out = append(out, u)
		size += n + 1
	}
	if len(out) > 0 {
		return strings.Join(out, " ")
	}
	if len(units) == 0 {
		return ""
	}
	return cutWords(units[0], max)
}

// cutWords cuts s to at most max runes on a word boundary, ending in "…".
func cutWords(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max-1])
	if i := strings.LastIndexAny(cut, " \n"); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:—-–") + "…"
}

// sentences splits text after ".", "!", "?" or "…" followed by a space and
// a capital letter, a digit or an opening quote.
func sentences(text string) []string {
	var out []string
	r := []rune(text)
	start := 0
	for i := 0; i < len(r)-2; i++ {
		if !strings.ContainsRune(".!?…", r[i]) || r[i+1] != ' ' {
			continue
		}
		n := r[i+2]
		if unicode.IsUpper(n) || unicode.IsDigit(n) || strings.ContainsRune("«\"“(•", n) {
			out = append(out, strings.TrimSpace(string(r[start:i+1])))
			start = i + 2
		}
	}
	if rest := strings.TrimSpace(string(r[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

// lastRune returns the last rune of s as a string.
func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}
