package flows

import (
	"sort"
	"strings"
)

// checkLoops reports cycles of steps that never wait for the player (say,
// kb_answer, condition, goto). Those steps do not change the conversation's
// state, so a turn that comes back to one of them would run forever: the
// engine stops it at flows.max_steps, but a bundle with such a cycle is
// refused before it goes live.
func (b *Bundle) checkLoops(ps *problems) {
	type node struct{ flow, step string }
	const (
		unseen = iota
		active
		done
	)
	color := map[node]int{}
	var visit func(n node, path []node) bool
	visit = func(n node, path []node) bool {
		switch color[n] {
		case active:
			f := b.Flows[n.flow]
			st, _ := f.Step(n.step)
			var names []string
			for i := len(path) - 1; i >= 0; i-- {
				names = append([]string{path[i].flow + "/" + path[i].step}, names...)
				if path[i] == n {
					break
				}
			}
			ps.add(f.Path, st.Line, "steps %s → %s loop without waiting for the player", strings.Join(names, " → "), n.flow+"/"+n.step)
			return true
		case done:
			return false
		}
		color[n] = active
		for _, next := range b.successors(n.flow, n.step) {
			if visit(node{next[0], next[1]}, append(path, n)) {
				color[n] = done
				return true
			}
		}
		color[n] = done
		return false
	}
	for _, name := range sortedKeys(b.Flows) {
		for _, st := range b.Flows[name].Steps {
			if visit(node{name, st.ID}, nil) {
				return // one report is enough; the others are likely the same loop
			}
		}
	}
}

// successors lists the steps a non-waiting step can continue with, as
// {flow, step} pairs; waiting and final steps have none.
func (b *Bundle) successors(flow, id string) [][2]string {
	f := b.Flows[flow]
	st, ok := f.Step(id)
	if !ok {
		return nil
	}
	var targets []string
	switch st.Kind {
	case KindSay:
		targets = []string{orNext(st.Next, f.after(st.ID))}
	case KindKBAnswer:
		next := orNext(st.Next, f.after(st.ID))
		targets = []string{orNext(st.Found, next), orNext(st.NotFound, next)}
	case KindCondition:
		hasElse := false
		for _, br := range st.Branches {
			targets = append(targets, br.Goto)
			hasElse = hasElse || br.If == nil
		}
		if !hasElse {
			targets = append(targets, f.after(st.ID))
		}
	case KindGoto:
		targets = []string{st.Target}
	}
	var out [][2]string
	for _, t := range targets {
		switch {
		case t == "":
		case strings.HasPrefix(t, flowTarget):
			if g, ok := b.Flows[strings.TrimPrefix(t, flowTarget)]; ok && len(g.Steps) > 0 {
				out = append(out, [2]string{g.Name, g.Steps[0].ID})
			}
		default:
			if _, ok := f.Step(t); ok {
				out = append(out, [2]string{flow, t})
			}
		}
	}
	return out
}

func sortedKeys(m map[string]*Flow) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
