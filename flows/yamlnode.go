package flows

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchboard-support/switchboard/internal/yamlline"
)

// node wraps a YAML node with the file it came from, so every problem can
// be reported as file:line.
type node struct {
	*yaml.Node
	path string
	ps   *problems
}

func (n node) errf(format string, args ...any) { n.ps.add(n.path, n.Line, format, args...) }

func (n node) child(c *yaml.Node) node { return node{Node: c, path: n.path, ps: n.ps} }

// fields walks a mapping, calling fn for each key. Unknown keys (fn returns
// false) and duplicate keys are problems.
func (n node) fields(what string, fn func(key string, value node) bool) bool {
	if n.Kind != yaml.MappingNode {
		n.errf("%s must be a mapping", what)
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.child(n.Content[i]), n.child(n.Content[i+1])
		if seen[k.Value] {
			k.errf("duplicate key %q in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		if !fn(k.Value, v) {
			k.errf("unknown key %q in %s", k.Value, what)
		}
	}
	return true
}

// str returns a scalar's string value; anything else is a problem.
func (n node) str(what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		n.errf("%s must be a string", what)
		return "", false
	}
	return n.Value, true
}

func (n node) integer(what string) (int, bool) {
	if n.Kind != yaml.ScalarNode {
		n.errf("%s must be a number", what)
		return 0, false
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		n.errf("%s must be a whole number, got %q", what, n.Value)
		return 0, false
	}
	return v, true
}

func (n node) float(what string) (float64, bool) {
	if n.Kind != yaml.ScalarNode {
		n.errf("%s must be a number", what)
		return 0, false
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if err != nil {
		n.errf("%s must be a number, got %q", what, n.Value)
		return 0, false
	}
	return v, true
}

// strings returns a sequence of scalars.
func (n node) strings(what string) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		n.errf("%s must be a list", what)
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for _, c := range n.Content {
		s, good := n.child(c).str(what + " item")
		ok = ok && good
		out = append(out, s)
	}
	return out, ok
}

// parseYAML parses a document and returns its root node, or records the
// syntax error with its line.
func parseYAML(path string, data []byte, ps *problems) (node, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		msg := err.Error()
		if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
			msg = te.Errors[0]
		}
		line, msg = yamlline.Split(msg)
		ps.add(path, line, "YAML syntax: %s", msg)
		return node{}, false
	}
	if len(doc.Content) == 0 {
		ps.add(path, 1, "empty document")
		return node{}, false
	}
	return node{Node: doc.Content[0], path: path, ps: ps}, true
}

// skill returns a scalar naming one of the bundle's skills; another name is
// a problem.
func (n node) skill(what string, s Settings) string {
	v, _ := n.str(what)
	if !slices.Contains(s.Skills, v) {
		n.errf("unknown skill %q (settings.yaml lists %s)", v, strings.Join(s.Skills, ", "))
	}
	return v
}

// priority returns a scalar naming one of the bundle's priorities; another
// name is a problem.
func (n node) priority(what string, s Settings) string {
	v, _ := n.str(what)
	if !slices.Contains(s.Priorities, v) {
		n.errf("unknown priority %q (settings.yaml lists %s)", v, strings.Join(s.Priorities, ", "))
	}
	return v
}
