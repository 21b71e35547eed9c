// Package kb is Switchboard's knowledge base: articles written as Markdown
// files with YAML front matter, a bleve full-text index with Russian and
// English analyzers, and a Search that only returns hits confident enough to
// be shown to a player.
//
// kb is the only package of the project that imports bleve.
package kb

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/yamlline"
	"go.yaml.in/yaml/v3"
)

// Supported locales.
const (
	LocaleRU = "ru"
	LocaleEN = "en"
)

// reviewByLayout is the layout of the review_by front-matter field.
const reviewByLayout = "2006-01-02"

// Article is one knowledge-base article: the front matter of a
// content/kb/<locale>/<id>.md file and its Markdown body. The same ID in
// both locales is the same article translated.
type Article struct {
	ID      string
	Locale  string
	Title   string
	Tags    []string
	Intents []string // intents the article answers (names from content/intents)
	// Questions are what players ask that the article answers, in their
	// words: they teach the engine's model of articles, never shown.
	Questions []string
	ReviewBy  time.Time // date the desk re-checks the article; zero when not set
	Body      string    // Markdown
	Path      string    // source name for errors, e.g. "content/kb/en/deposit-methods.md"
}

// IsLocale reports whether locale is one the knowledge base supports.
func IsLocale(locale string) bool {
	return locale == LocaleRU || locale == LocaleEN
}

// ParseArticle parses an article file: a "---" line, YAML front matter, a
// "---" line, then the Markdown body. path names the source in errors and,
// when its base name ends in ".md", must be "<id>.md"; when its parent
// directory is named after a locale, it must be the article's locale.
//
// Every error is a chat.EINVALID error whose message starts with
// "path:line: " (lines of the file, 1-based): missing or unclosed front
// matter, YAML syntax errors, unknown or duplicate fields, a missing or
// empty id, title or locale, an unsupported locale, an id that is not
// lowercase letters, digits and dashes or does not match the file name,
// tags, intents or questions that are not lists of strings, a review_by that is not a
// YYYY-MM-DD date, and an empty body.
func ParseArticle(path string, data []byte) (Article, error) {
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.SplitAfter(text, "\n")
	if !isFence(lines[0]) {
		return Article{}, errorAt(path, 1, "missing front matter: the file must start with a \"---\" line")
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if isFence(lines[i]) {
			end = i
			break
		}
	}
	if end < 0 {
		return Article{}, errorAt(path, 1, "front matter is not closed by a \"---\" line")
	}
	a := Article{Path: path, Body: strings.Join(lines[end+1:], "")}
	// The front matter starts on the file's line 2: YAML line n is file
	// line n+1.
	if err := a.parseFront(strings.Join(lines[1:end], ""), 1); err != nil {
		return Article{}, err
	}
	if strings.TrimSpace(a.Body) == "" {
		return Article{}, errorAt(path, end+2, "empty body")
	}
	return a, nil
}

// isFence reports whether line is a front-matter delimiter.
func isFence(line string) bool {
	return strings.TrimRight(line, " \t\n") == "---"
}

// parseFront decodes the YAML front matter into a; offset is added to YAML
// line numbers to get file line numbers.
func (a *Article) parseFront(front string, offset int) error {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(front), &doc); err != nil {
		return yamlError(a.Path, err, offset)
	}
	fields := map[string]*yaml.Node{}
	if len(doc.Content) > 0 {
		m := resolve(doc.Content[0])
		if m.Kind != yaml.MappingNode {
			return errorAt(a.Path, m.Line+offset, "front matter must be a mapping of fields")
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], resolve(m.Content[i+1])
			if first, ok := fields[k.Value]; ok {
				return errorAt(a.Path, k.Line+offset, "duplicate field %q (first set on line %d)", k.Value, first.Line+offset)
			}
			switch k.Value {
			case "id", "locale", "title", "tags", "intents", "questions", "review_by":
			default:
				return errorAt(a.Path, k.Line+offset, "unknown field %q", k.Value)
			}
			fields[k.Value] = v
		}
	}
	var err error
	if a.ID, err = requiredString(a.Path, fields, "id", offset); err != nil {
		return err
	}
	if a.Locale, err = requiredString(a.Path, fields, "locale", offset); err != nil {
		return err
	}
	if a.Title, err = requiredString(a.Path, fields, "title", offset); err != nil {
		return err
	}
	if a.Tags, err = stringList(a.Path, fields, "tags", offset); err != nil {
		return err
	}
	if a.Intents, err = stringList(a.Path, fields, "intents", offset); err != nil {
		return err
	}
	if a.Questions, err = stringList(a.Path, fields, "questions", offset); err != nil {
		return err
	}
	if err := a.checkIdentity(fields, offset); err != nil {
		return err
	}
	if n, ok := fields["review_by"]; ok && !isNull(n) {
		t, err := time.Parse(reviewByLayout, strings.TrimSpace(n.Value))
		if n.Kind != yaml.ScalarNode || err != nil {
			return errorAt(a.Path, n.Line+offset, "review_by %q is not a date (want YYYY-MM-DD)", n.Value)
		}
		a.ReviewBy = t
	}
	return nil
}

// checkIdentity validates the id and locale against each other and against
// the file's path.
func (a *Article) checkIdentity(fields map[string]*yaml.Node, offset int) error {
	idLine := fields["id"].Line + offset
	if !validID(a.ID) {
		return errorAt(a.Path, idLine, "id %q must be lowercase letters, digits and dashes, starting with a letter or digit", a.ID)
	}
	if a.Path != "" && strings.EqualFold(filepath.Ext(a.Path), ".md") {
		base := filepath.Base(a.Path)
		if name := strings.TrimSuffix(base, filepath.Ext(base)); name != a.ID {
			return errorAt(a.Path, idLine, "id %q does not match the file name %q", a.ID, base)
		}
	}
	localeLine := fields["locale"].Line + offset
	if !IsLocale(a.Locale) {
		return errorAt(a.Path, localeLine, "locale %q is not supported (want %s or %s)", a.Locale, LocaleRU, LocaleEN)
	}
	if a.Path != "" {
		if dir := filepath.Base(filepath.Dir(a.Path)); IsLocale(dir) && dir != a.Locale {
			return errorAt(a.Path, localeLine, "locale %q does not match the directory %q", a.Locale, dir)
		}
	}
	return nil
}

// validID reports whether id matches ^[a-z0-9][a-z0-9-]*$.
func validID(id string) bool {
	if id == "" || id[0] == '-' {
		return false
	}
	for _, c := range []byte(id) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// requiredString returns the trimmed string value of a required scalar
// field.
func requiredString(path string, fields map[string]*yaml.Node, name string, offset int) (string, error) {
	n, ok := fields[name]
	if !ok {
		return "", errorAt(path, 1, "missing %s", name)
	}
	if n.Kind != yaml.ScalarNode {
		return "", errorAt(path, n.Line+offset, "%s must be a string", name)
	}
	v := strings.TrimSpace(n.Value)
	if isNull(n) || v == "" {
		return "", errorAt(path, n.Line+offset, "empty %s", name)
	}
	return v, nil
}

// stringList returns the values of an optional list-of-strings field; a
// missing or null field is an empty list.
func stringList(path string, fields map[string]*yaml.Node, name string, offset int) ([]string, error) {
	n, ok := fields[name]
	if !ok || isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errorAt(path, n.Line+offset, "%s must be a list of strings, like [a, b]", name)
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		item = resolve(item)
		v := strings.TrimSpace(item.Value)
		if item.Kind != yaml.ScalarNode || isNull(item) || v == "" {
			return nil, errorAt(path, item.Line+offset, "%s must be a list of non-empty strings", name)
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// resolve follows YAML aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is a YAML null ("", "~", "null").
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// yamlError turns a yaml.v3 error into a "path:line: message" error, moving
// its line numbers by offset.
func yamlError(path string, err error, offset int) error {
	line, msg := yamlline.Split(err.Error())
	return errorAt(path, max(line, 1)+offset, "invalid front matter: %s", msg)
}

// errorAt returns a chat.EINVALID error located at path:line.
func errorAt(path string, line int, format string, args ...any) error {
	e := chat.Errorf(chat.EINVALID, format, args...)
	e.Message = path + ":" + strconv.Itoa(line) + ": " + e.Message
	return e
}
