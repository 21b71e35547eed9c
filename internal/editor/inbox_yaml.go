package editor

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/redact"
	"github.com/switchboard-support/switchboard/kb"
)

// inboxExampleText is a message as an intent example or a title: one line,
// contacts masked, control characters dropped, whitespace collapsed.
func inboxExampleText(s string) string {
	// Content is shown to every player: a player's e-mail address or phone
	// number never goes into it (card numbers were masked on arrival).
	s, _ = redact.Contacts(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// appendIntentExample adds text under intent in an intents file (a YAML map of
// intent → block list of examples) as a new "  - text" line after the
// list's last item, quoted as that item is (or plain when YAML reads it
// back unchanged), leaving every other byte as it was. An example already
// there (ignoring case) adds nothing: added is false.
func appendIntentExample(src []byte, path, intent, text string) (out []byte, added bool, err error) {
	list, err := inboxIntentList(src, path, intent)
	if err != nil {
		return nil, false, err
	}
	return appendListItem(src, path, list, "the examples of "+intent, text, func(out []byte) (*yaml.Node, error) {
		return inboxIntentList(out, path, intent)
	})
}

// appendListItem adds text to list, a block list of src, as a new "  - text"
// line after its last item, quoted as that item is (or plain when YAML
// reads it back unchanged), leaving every other byte as it was; what names
// the list in errors, and reread finds it again in the result. An item
// already there (ignoring case) adds nothing: added is false.
func appendListItem(src []byte, path string, list *yaml.Node, what, text string, reread func([]byte) (*yaml.Node, error)) (out []byte, added bool, err error) {
	for _, it := range list.Content {
		if strings.EqualFold(strings.TrimSpace(it.Value), text) {
			return src, false, nil
		}
	}
	if list.Style&yaml.FlowStyle != 0 || len(list.Content) == 0 {
		return nil, false, chat.Errorf(chat.EINVALID, "%s:%d: %s are not a block list (\"  - text\" lines); add it in the file", path, list.Line, what)
	}
	last := list.Content[len(list.Content)-1]
	lines := strings.SplitAfter(string(src), "\n")
	var prefix string
	if rs := []rune(lines[last.Line-1]); last.Column-1 <= len(rs) {
		prefix = string(rs[:last.Column-1])
	}
	if strings.TrimSpace(prefix) != "-" {
		return nil, false, chat.Errorf(chat.EINVALID, "%s:%d: cannot tell how %s are indented; add it in the file", path, last.Line, what)
	}
	dash := len(prefix) - len(strings.TrimLeft(prefix, " "))
	at := last.Line // the line after the item, past a multi-line item's continuation
	for at < len(lines) && strings.TrimSpace(lines[at]) != "" && inboxIndent(lines[at]) > dash {
		at++
	}
	eol := lineEnding(src)
	if at > 0 && !strings.HasSuffix(lines[at-1], "\n") {
		lines[at-1] += eol
	}
	line := prefix + inboxQuoteLike(last.Style, text) + eol
	lines = append(lines[:at], append([]string{line}, lines[at:]...)...)
	out = []byte(strings.Join(lines, ""))
	check, err := reread(out)
	if err != nil || len(check.Content) != len(list.Content)+1 || check.Content[len(check.Content)-1].Value != text {
		return nil, false, chat.Errorf(chat.EINVALID, "%s: could not add %q to %s; add it in the file", path, text, what)
	}
	return out, true, nil
}

// lineEnding is the file's line ending: "\r\n" when its first line ends so.
func lineEnding(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

func inboxIndent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// inboxIntentList finds intent's list of examples in an intents file.
func inboxIntentList(src []byte, path, intent string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, chat.Errorf(chat.EINVALID, "%s does not parse: %v", path, err)
	}
	list, line, found := mappingList(&doc, intent)
	switch {
	case !found:
		return nil, chat.Errorf(chat.EINVALID, "unknown intent %q: %s has no such intent", intent, path)
	case list == nil:
		return nil, chat.Errorf(chat.EINVALID, "%s:%d: %s is not a list of examples", path, line, intent)
	}
	return list, nil
}

// mappingList finds key in a document that is a mapping: its value when
// that is a list (else nil), the key's line, and whether the key is there.
func mappingList(doc *yaml.Node, key string) (list *yaml.Node, line int, found bool) {
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, 0, false
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			if v := m.Content[i+1]; v.Kind == yaml.SequenceNode {
				return v, m.Content[i].Line, true
			}
			return nil, m.Content[i].Line, true
		}
	}
	return nil, 0, false
}

// inboxQuoteLike writes s as a YAML scalar in the style of a sibling item.
func inboxQuoteLike(style yaml.Style, s string) string {
	switch {
	case style&yaml.DoubleQuotedStyle != 0:
		return strconv.Quote(s)
	case style&yaml.SingleQuotedStyle != 0:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return yamlPlainOrQuoted(s)
}

// yamlPlainOrQuoted is s plain when YAML reads it back as this string, else
// double-quoted.
func yamlPlainOrQuoted(s string) string {
	b, err := yaml.Marshal(s)
	out := strings.TrimSuffix(string(b), "\n")
	if err != nil || strings.Contains(out, "\n") || strings.HasPrefix(out, "|") || strings.HasPrefix(out, ">") {
		return strconv.Quote(s)
	}
	return out
}

// articleSkeleton is a new article's front matter (the editor page's
// skeleton) with title; its body is for the editor to write.
func articleSkeleton(id, locale, title string) []byte {
	return []byte("---\nid: " + id + "\nlocale: " + locale + "\ntitle: " + yamlPlainOrQuoted(title) +
		"\ntags: []\nintents: []\nreview_by: \n---\n")
}

// inboxMaxSlug bounds an article id made from a message.
const inboxMaxSlug = 60

var inboxCyrLatin = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s",
	'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y",
	'ь': "", 'э': "e", 'ю': "yu", 'я': "ya"}

// articleSlug is an article id from text: lowercase Latin letters (Cyrillic
// transliterated), digits and dashes, at most inboxMaxSlug bytes, cut at a
// dash; "article" when nothing is left.
func articleSlug(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(text) {
		var s string
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			s = string(r)
		case inboxCyrLatin[r] != "":
			s = inboxCyrLatin[r]
		case r == 'ъ' || r == 'ь' || r == '\'' || r == '’':
			continue
		default:
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(s)
	}
	out := b.String()
	if len(out) > inboxMaxSlug {
		out = out[:inboxMaxSlug]
		if i := strings.LastIndexByte(out, '-'); i > 0 {
			out = out[:i]
		}
	}
	if out == "" {
		return "article"
	}
	return out
}

// appendArticleQuestion adds text to the questions of an article file
// (kb.Article.Questions): after the last one, or as a new "questions:"
// list at the end of the front matter when the article has none, leaving
// every other byte as it was. A question already there adds nothing.
func appendArticleQuestion(src []byte, path, text string) (out []byte, added bool, err error) {
	lines := strings.SplitAfter(string(src), "\n")
	end := -1
	for i := 1; i < len(lines) && strings.TrimRight(lines[0], " \t\r\n") == "---"; i++ {
		if strings.TrimRight(lines[i], " \t\r\n") == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, false, chat.Errorf(chat.EINVALID, "%s has no front matter; add the question in the file", path)
	}
	front := []byte(strings.Join(lines[1:end], ""))
	list, err := frontMatterList(front, path, "questions")
	if err != nil {
		return nil, false, err
	}
	if list == nil {
		eol := lineEnding(src)
		front = append(front, "questions:"+eol+"  - "+yamlPlainOrQuoted(text)+eol...)
	} else {
		var ok bool
		if front, ok, err = appendListItem(front, path, list, "the questions", text, func(out []byte) (*yaml.Node, error) {
			return frontMatterList(out, path, "questions")
		}); err != nil || !ok {
			return src, false, err
		}
	}
	out = []byte(lines[0] + string(front) + strings.Join(lines[end:], ""))
	a, err := kb.ParseArticle(path, out)
	if err != nil || len(a.Questions) == 0 || a.Questions[len(a.Questions)-1] != text {
		return nil, false, chat.Errorf(chat.EINVALID, "%s: could not add the question %q; add it in the file", path, text)
	}
	return out, true, nil
}

// frontMatterList finds the list field key of an article's front matter;
// nil when the article has none.
func frontMatterList(front []byte, path, key string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(front, &doc); err != nil {
		return nil, chat.Errorf(chat.EINVALID, "%s: the front matter does not parse: %v", path, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, chat.Errorf(chat.EINVALID, "%s: the front matter is not a mapping of fields", path)
	}
	list, line, found := mappingList(&doc, key)
	if found && list == nil {
		return nil, chat.Errorf(chat.EINVALID, "%s:%d: %s is not a list", path, line+1, key)
	}
	return list, nil
}
