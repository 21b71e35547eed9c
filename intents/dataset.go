package intents

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/yamlline"
)

// validIntentName reports whether s matches ^[a-z][a-z0-9_]*$.
func validIntentName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ParseYAML parses an intents file (content/intents/<locale>.yaml): a
// mapping from intent name to a list of example phrases. name is used in
// error messages, which read "name:line: message", one line per problem:
// a document that is not a mapping, an intent name not matching
// ^[a-z][a-z0-9_]*$, a duplicate intent, an intent without examples, a
// phrase that is not a string or is empty. The error is a chat.EINVALID.
func ParseYAML(name string, data []byte) ([]Example, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, chat.Errorf(chat.EINVALID, "%s", yamlSyntaxError(name, err))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, chat.Errorf(chat.EINVALID, "%s:1: empty file, want a mapping of intent name to phrases", name)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, chat.Errorf(chat.EINVALID, "%s:%d: not a mapping of intent name to phrases", name, root.Line)
	}
	var problems []string
	fail := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: ", name, line)+fmt.Sprintf(format, args...))
	}
	var out []Example
	firstLine := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		intent := k.Value
		switch {
		case k.Kind != yaml.ScalarNode:
			fail(k.Line, "intent name must be a string")
			continue
		case !validIntentName(intent):
			fail(k.Line, "intent name %q must match ^[a-z][a-z0-9_]*$", intent)
			continue
		}
		if l, dup := firstLine[intent]; dup {
			fail(k.Line, "duplicate intent %q (first at line %d)", intent, l)
			continue
		}
		firstLine[intent] = k.Line
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" || v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			fail(k.Line, "intent %q has no examples", intent)
			continue
		}
		if v.Kind != yaml.SequenceNode {
			fail(v.Line, "intent %q: want a list of phrases", intent)
			continue
		}
		for _, p := range v.Content {
			if p.Kind == yaml.AliasNode && p.Alias != nil {
				p = p.Alias
			}
			switch {
			case p.Kind != yaml.ScalarNode || p.Tag != "!!str":
				fail(p.Line, "intent %q: phrase is not a string", intent)
			case strings.TrimSpace(p.Value) == "":
				fail(p.Line, "intent %q: empty phrase", intent)
			default:
				out = append(out, Example{Text: p.Value, Intent: intent})
			}
		}
	}
	if len(problems) > 0 {
		return nil, chat.Errorf(chat.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

// yamlSyntaxError rewrites yaml's "yaml: line N: msg" as "name:N: msg".
func yamlSyntaxError(name string, err error) string {
	line, msg := yamlline.Split(err.Error())
	return fmt.Sprintf("%s:%d: %s", name, max(line, 1), msg)
}

// maxLine is the longest JSONL line ReadJSONL accepts.
const maxLine = 1 << 20

// ReadJSONL reads a dataset of one JSON object per line,
// {"text": "...", "intent": "..."}; intent "oos" marks an out-of-scope
// utterance and blank lines are skipped. A malformed line, a missing text or
// intent, or a line over 1 MiB is a chat.EINVALID error naming the line;
// read errors are returned wrapped.
func ReadJSONL(r io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var out []Example
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var e Example
		if err := json.Unmarshal([]byte(b), &e); err != nil {
			return nil, chat.Errorf(chat.EINVALID, "line %d: %v", line, err)
		}
		if strings.TrimSpace(e.Text) == "" {
			return nil, chat.Errorf(chat.EINVALID, "line %d: missing or empty \"text\"", line)
		}
		if strings.TrimSpace(e.Intent) == "" {
			return nil, chat.Errorf(chat.EINVALID, "line %d: missing or empty \"intent\"", line)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, chat.Errorf(chat.EINVALID, "line %d: longer than %d bytes", line+1, maxLine)
		}
		return nil, fmt.Errorf("intents: read dataset: %w", err)
	}
	return out, nil
}
