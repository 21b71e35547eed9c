package editor

import (
	"bytes"
	"encoding/json"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// IntentDiff is one intent of one locale that differs.
type IntentDiff struct {
	Intent  string
	Locale  string
	Status  string // added, removed, changed
	Added   []string
	Removed []string
}

// FlowDiff is one flow that differs: its steps by id, and its other
// top-level fields (description, intents, followup…).
type FlowDiff struct {
	Flow          string
	Path          string
	Status        string // added, removed, changed
	StepsAdded    []string
	StepsRemoved  []string
	StepsChanged  []string
	FieldsChanged []string
	Unparsed      bool // either side is not valid YAML: see the file diff
}

// ArticleDiff is one article that differs.
type ArticleDiff struct {
	Path        string
	Status      string // added, removed, changed
	TitleBefore string
	TitleAfter  string
	Title       bool     // the title changed
	Body        bool     // the body changed
	FrontMatter []string // other front-matter fields that changed
	Unparsed    bool
}

func changeStatus(inA, inB bool) string {
	switch {
	case !inA:
		return "added"
	case !inB:
		return "removed"
	}
	return "changed"
}

// intentDiffs compares intents/<locale>.yaml files example by example.
func intentDiffs(a, b map[string][]byte, paths []string) []IntentDiff {
	out := []IntentDiff{}
	for _, p := range paths {
		if path.Dir(p) != "intents" || path.Ext(p) != ".yaml" {
			continue
		}
		locale := strings.TrimSuffix(path.Base(p), ".yaml")
		ea, eb := examples(a[p]), examples(b[p])
		names := keys(ea, eb)
		for _, name := range names {
			xa, okA := ea[name]
			xb, okB := eb[name]
			added, removed := setDiff(xb, xa), setDiff(xa, xb)
			if okA && okB && len(added) == 0 && len(removed) == 0 {
				continue
			}
			out = append(out, IntentDiff{Intent: name, Locale: locale, Status: changeStatus(okA, okB), Added: added, Removed: removed})
		}
	}
	return out
}

// examples reads an intents file as intent → examples; nil when absent or
// not a mapping of lists (the file diff still shows it).
func examples(data []byte) map[string][]string {
	var m map[string][]string
	if data == nil || yaml.Unmarshal(data, &m) != nil {
		return nil
	}
	return m
}

// flowDiffs compares flows/*.yaml step by step (steps by id; a step
// without one is "stepN", as the engine names it).
func flowDiffs(a, b map[string][]byte, paths []string) []FlowDiff {
	out := []FlowDiff{}
	for _, p := range paths {
		if path.Dir(p) != "flows" || path.Ext(p) != ".yaml" {
			continue
		}
		_, inA := a[p]
		_, inB := b[p]
		d := FlowDiff{Flow: strings.TrimSuffix(path.Base(p), ".yaml"), Path: p, Status: changeStatus(inA, inB)}
		fa, okA := flowDoc(a[p])
		fb, okB := flowDoc(b[p])
		if inA && !okA || inB && !okB {
			d.Unparsed = true
			out = append(out, d)
			continue
		}
		sa, sb := steps(fa), steps(fb)
		for _, id := range keys(sa, sb) {
			x, okX := sa[id]
			y, okY := sb[id]
			switch {
			case !okX:
				d.StepsAdded = append(d.StepsAdded, id)
			case !okY:
				d.StepsRemoved = append(d.StepsRemoved, id)
			case x != y:
				d.StepsChanged = append(d.StepsChanged, id)
			}
		}
		delete(fa, "steps")
		delete(fb, "steps")
		for _, k := range keys(fa, fb) {
			if canonical(fa[k]) != canonical(fb[k]) {
				d.FieldsChanged = append(d.FieldsChanged, k)
			}
		}
		out = append(out, d)
	}
	return out
}

func flowDoc(data []byte) (map[string]any, bool) {
	m := map[string]any{}
	if data == nil {
		return m, true
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, false
	}
	return m, true
}

// steps returns each step's canonical JSON by id.
func steps(flow map[string]any) map[string]string {
	out := map[string]string{}
	list, _ := flow["steps"].([]any)
	for i, s := range list {
		id := "step" + strconv.Itoa(i+1)
		if m, ok := s.(map[string]any); ok {
			if v, ok := m["id"].(string); ok && v != "" {
				id = v
			}
		}
		out[id] = canonical(s)
	}
	return out
}

// articleDiffs compares kb/<locale>/<id>.md: title, body and the other
// front-matter fields.
func articleDiffs(a, b map[string][]byte, paths []string) []ArticleDiff {
	out := []ArticleDiff{}
	for _, p := range paths {
		if !strings.HasPrefix(p, "kb/") || path.Ext(p) != ".md" {
			continue
		}
		_, inA := a[p]
		_, inB := b[p]
		d := ArticleDiff{Path: p, Status: changeStatus(inA, inB)}
		fa, ba, okA := article(a[p])
		fb, bb, okB := article(b[p])
		if !okA || !okB {
			d.Unparsed = true
			out = append(out, d)
			continue
		}
		d.TitleBefore, _ = fa["title"].(string)
		d.TitleAfter, _ = fb["title"].(string)
		d.Title = d.TitleBefore != d.TitleAfter
		d.Body = ba != bb
		for _, k := range keys(fa, fb) {
			if k != "title" && canonical(fa[k]) != canonical(fb[k]) {
				d.FrontMatter = append(d.FrontMatter, k)
			}
		}
		out = append(out, d)
	}
	return out
}

// article splits an article into its front matter and body.
func article(data []byte) (map[string]any, string, bool) {
	fm := map[string]any{}
	if data == nil {
		return fm, "", true
	}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return nil, "", false
	}
	head, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return nil, "", false
	}
	if err := yaml.Unmarshal([]byte(head), &fm); err != nil {
		return nil, "", false
	}
	return fm, body, true
}

func canonical(v any) string {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return "?"
	}
	return buf.String()
}

// keys returns the keys of both maps, sorted.
func keys[V any](a, b map[string]V) []string {
	out := make([]string, 0, len(a)+len(b))
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// setDiff returns the items of a not in b, in a's order.
func setDiff(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
