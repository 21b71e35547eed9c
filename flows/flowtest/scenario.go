// Package flowtest runs conversation tests: scenarios of player turns with
// expectations on what the bot does, kept as content under tests/ (see
// content/tests/README.md). The CLI, CI and the content editor all run them
// through Run, and a bundle whose tests fail is not published.
package flowtest

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/yamlline"
)

// Dir is where a bundle keeps its conversation tests.
const Dir = "tests/"

// Scenario is one conversation test.
type Scenario struct {
	Path       string
	Line       int
	Name       string
	Locale     string
	Channel    chat.Channel
	Attributes map[string]string
	Turns      []Turn
}

// Turn is one player message and what the bot must do with it.
type Turn struct {
	Line   int
	Say    string // typed text
	Press  string // a button label of the previous bot turn
	Expect Expect
}

// Expect lists a turn's expectations; empty fields are not checked.
type Expect struct {
	Line        int
	Intent      []string
	Flow        []string
	Steps       []string
	Article     []string // the first article shown is one of these; ["none"]: no article
	NotArticle  []string
	Handoff     string // "", "none", "any", or "skill/priority" with either part possibly empty
	Language    string
	Contains    []string
	NotContains []string
	Buttons     []string
	Silent      bool
}

// Parse reads every scenario under tests/ in files (a bundle's files).
// Every problem comes back in one *flows.ValidationError with file:line.
func Parse(files map[string][]byte) ([]*Scenario, error) {
	var paths []string
	for p := range files {
		if strings.HasPrefix(p, Dir) && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var out []*Scenario
	var ps []flows.Problem
	for _, p := range paths {
		sc, problems := parseScenario(p, files[p])
		ps = append(ps, problems...)
		if sc != nil && len(problems) == 0 {
			out = append(out, sc)
		}
	}
	if len(ps) > 0 {
		return nil, &flows.ValidationError{Problems: ps}
	}
	return out, nil
}

type parser struct {
	path     string
	problems []flows.Problem
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.problems = append(p.problems, flows.Problem{Path: p.path, Line: line, Message: fmt.Sprintf(format, args...)})
}

func parseScenario(file string, data []byte) (*Scenario, []flows.Problem) {
	p := &parser{path: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlline.Split(err.Error())
		return nil, []flows.Problem{{Path: file, Line: line, Message: msg}}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.errf(&doc, "a conversation test is a mapping with turns")
		return nil, p.problems
	}
	root := doc.Content[0]
	sc := &Scenario{Path: file, Line: root.Line, Name: strings.TrimSuffix(path.Base(file), path.Ext(file)),
		Locale: "en", Channel: chat.ChannelWebchat}
	p.fields(root, "test", func(k string, v *yaml.Node) bool {
		switch k {
		case "name":
			sc.Name = p.str(v, "name")
		case "locale":
			sc.Locale = p.str(v, "locale")
		case "channel":
			sc.Channel = chat.Channel(p.str(v, "channel"))
		case "player":
			sc.Attributes = map[string]string{}
			p.fields(v, "player", func(k string, v *yaml.Node) bool {
				sc.Attributes[k] = p.str(v, "player."+k)
				return true
			})
		case "turns":
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				p.errf(v, "turns must be a non-empty list")
				return true
			}
			for _, c := range v.Content {
				sc.Turns = append(sc.Turns, p.turn(c))
			}
		default:
			return false
		}
		return true
	})
	if sc.Turns == nil {
		p.errf(root, "a conversation test needs turns")
	}
	return sc, p.problems
}

func (p *parser) turn(n *yaml.Node) Turn {
	t := Turn{Line: n.Line}
	p.fields(n, "turn", func(k string, v *yaml.Node) bool {
		switch k {
		case "say":
			t.Say = p.str(v, "say")
		case "press":
			t.Press = p.str(v, "press")
		case "expect":
			t.Expect = p.expect(v)
		default:
			return false
		}
		return true
	})
	if (t.Say == "") == (t.Press == "") {
		p.errf(n, "a turn has exactly one of say or press")
	}
	return t
}

func (p *parser) expect(n *yaml.Node) Expect {
	e := Expect{Line: n.Line}
	p.fields(n, "expect", func(k string, v *yaml.Node) bool {
		switch k {
		case "intent":
			e.Intent = p.list(v, k)
		case "flow":
			e.Flow = p.list(v, k)
		case "step":
			e.Steps = p.list(v, k)
		case "article":
			e.Article = p.list(v, k)
		case "not_article":
			e.NotArticle = p.list(v, k)
		case "language":
			e.Language = p.str(v, k)
		case "contains":
			e.Contains = p.list(v, k)
		case "not_contains":
			e.NotContains = p.list(v, k)
		case "buttons":
			e.Buttons = p.list(v, k)
		case "silent":
			e.Silent = p.str(v, k) == "true"
		case "handoff":
			e.Handoff = p.handoff(v)
		default:
			return false
		}
		return true
	})
	return e
}

func (p *parser) handoff(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode {
		s := p.str(v, "handoff")
		if s != "none" && s != "any" {
			p.errf(v, "handoff is none, any, or {skill: S, priority: P}")
		}
		return s
	}
	var skill, priority string
	p.fields(v, "handoff", func(k string, v *yaml.Node) bool {
		switch k {
		case "skill":
			skill = p.str(v, k)
		case "priority":
			priority = p.str(v, k)
		default:
			return false
		}
		return true
	})
	return skill + "/" + priority
}

func (p *parser) fields(n *yaml.Node, what string, fn func(k string, v *yaml.Node) bool) {
	if n.Kind != yaml.MappingNode {
		p.errf(n, "%s must be a mapping", what)
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !fn(n.Content[i].Value, n.Content[i+1]) {
			p.errf(n.Content[i], "unknown key %q in %s", n.Content[i].Value, what)
		}
	}
}

func (p *parser) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.errf(n, "%s must be a string", what)
		return ""
	}
	return n.Value
}

func (p *parser) list(n *yaml.Node, what string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errf(n, "%s must be a string or a list of strings", what)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, p.str(c, what))
	}
	return out
}
