package flows

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Flow is one conversation script, from content/flows/<name>.yaml.
type Flow struct {
	Name        string
	Description string
	Intents     []string // intents that start this flow
	Steps       []*Step
	// Followup is the kb_answer step that answers follow-up questions on
	// the flow's topic ("and the fees?"); Unresolved is the step for "no,
	// that didn't help / still nothing / I already tried". Either makes
	// the flow's intent a topic that outlives the flow.
	Followup, Unresolved string
	topicRefs            []ref
	Path                 string
	byID                 map[string]int
	intentLines          []int
}

// StepKind names what a step does.
type StepKind string

// Step kinds.
const (
	KindSay       StepKind = "say"       // send a text
	KindAsk       StepKind = "ask"       // ask for a slot value, validate, re-ask
	KindChoice    StepKind = "choice"    // offer buttons
	KindKBAnswer  StepKind = "kb_answer" // present the best article(s), or fall through
	KindCondition StepKind = "condition" // branch on slots, player attributes, locale
	KindHandoff   StepKind = "handoff"   // queue for a human
	KindGoto      StepKind = "goto"      // jump to a step or another flow
	KindEnd       StepKind = "end"       // finish the flow
)

// Step is one step of a flow. Which fields matter depends on Kind.
type Step struct {
	ID   string
	Kind StepKind
	Line int
	Next string // say, ask, kb_answer, choice: where to continue (default: the next step)
	Text Text   // say/end text, ask question, choice prompt, handoff acknowledgement

	// ask
	Slot        string
	Validate    string // text, number, email, regex
	Pattern     *regexp.Regexp
	Retry       Text
	MaxAttempts int
	OnFail      string

	// choice
	Options []Option

	// kb_answer
	Query    string
	Articles []string
	Limit    int
	Found    string
	NotFound string
	Problem  string // where to go when the article shown is about a stated problem (default: Found)

	// condition
	Branches []Branch

	// handoff
	Skill, Priority, Reason string

	// goto
	Target string

	refs        []ref // every target this step names, for validation
	articleRefs []ref
}

// Option is a button of a choice step.
type Option struct {
	Label Text
	Value string // sent back when pressed; stored in the slot if the step has one
	Goto  string
	Means string // "yes" or "no": a typed yes/no answer ("ага", "не помогло", "ytn") picks this option
	// Words pick this option when a short typed reply has one of them (as
	// a word, or from three letters the start of one): "visa", "картой"
	// for the card option. Lowercase, any locale.
	Words []string
}

// Branch is one arm of a condition step; If is nil for the else arm.
type Branch struct {
	If   *expr
	Goto string
}

type ref struct {
	target string
	line   int
}

// flowTarget is the prefix of a goto target that names another flow.
const flowTarget = "flow:"

var (
	namePattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	stepIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	validators    = []string{"text", "number", "email", "regex"}
)

// parseFlow reads one flow file. The bundle checks cross-references later.
func parseFlow(file string, data []byte, s Settings, ps *problems) *Flow {
	name := strings.TrimSuffix(path.Base(file), path.Ext(file))
	f := &Flow{Name: name, Path: file, byID: map[string]int{}}
	root, ok := parseYAML(file, data, ps)
	if !ok {
		return nil
	}
	if !namePattern.MatchString(name) {
		root.errf("flow file name %q must be lower_snake_case", name)
	}
	var steps node
	root.fields("flow", func(key string, v node) bool {
		switch key {
		case "name":
			if n, ok := v.str("name"); ok && n != name {
				v.errf("name %q does not match the file name %q", n, name)
			}
		case "description":
			f.Description, _ = v.str("description")
		case "intents":
			f.Intents, _ = v.strings("intents")
			for _, c := range v.Content {
				f.intentLines = append(f.intentLines, c.Line)
			}
		case "steps":
			steps = v
		case "followup", "unresolved":
			if t, ok := v.str(key); ok {
				if key == "followup" {
					f.Followup = t
				} else {
					f.Unresolved = t
				}
				f.topicRefs = append(f.topicRefs, ref{t, v.Line})
			}
		default:
			return false
		}
		return true
	})
	if steps.Node == nil {
		root.errf("flow %s has no steps", name)
		return f
	}
	if steps.Kind != yaml.SequenceNode || len(steps.Content) == 0 {
		steps.errf("steps must be a non-empty list")
		return f
	}
	slots := collectSlots(steps)
	for i, c := range steps.Content {
		st := parseStep(steps.child(c), i, s, slots)
		if st == nil {
			continue
		}
		if _, dup := f.byID[st.ID]; dup {
			steps.child(c).errf("duplicate step id %q", st.ID)
			continue
		}
		f.byID[st.ID] = len(f.Steps)
		f.Steps = append(f.Steps, st)
	}
	return f
}

// collectSlots finds the slots the flow's ask steps fill (and choice steps
// with a slot), so templates and conditions can be checked against them.
func collectSlots(steps node) map[string]bool {
	slots := map[string]bool{}
	for _, c := range steps.Content {
		if c.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(c.Content); i += 2 {
			k, v := c.Content[i].Value, c.Content[i+1]
			if (k != "ask" && k != "choice") || v.Kind != yaml.MappingNode {
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value == "slot" {
					slots[v.Content[j+1].Value] = true
				}
			}
		}
	}
	return slots
}

// Step returns the step with the given id.
func (f *Flow) Step(id string) (*Step, bool) {
	i, ok := f.byID[id]
	if !ok {
		return nil, false
	}
	return f.Steps[i], true
}

// after returns the id of the step following id, or "" at the end.
func (f *Flow) after(id string) string {
	i, ok := f.byID[id]
	if !ok || i+1 >= len(f.Steps) {
		return ""
	}
	return f.Steps[i+1].ID
}

func parseStep(n node, index int, s Settings, slots map[string]bool) *Step {
	if n.Kind != yaml.MappingNode {
		n.errf("a step must be a mapping with one of: say, ask, choice, kb_answer, condition, handoff, goto, end")
		return nil
	}
	st := &Step{Line: n.Line, ID: "step" + strconv.Itoa(index+1)}
	var body node
	n.fields("step", func(key string, v node) bool {
		switch key {
		case "id":
			if id, ok := v.str("id"); ok {
				if !stepIDPattern.MatchString(id) {
					v.errf("step id %q must be lower_snake_case", id)
				}
				st.ID = id
			}
		case "next":
			if t, ok := v.str("next"); ok {
				st.Next = t
				st.refs = append(st.refs, ref{t, v.Line})
			}
		case string(KindSay), string(KindAsk), string(KindChoice), string(KindKBAnswer),
			string(KindCondition), string(KindHandoff), string(KindGoto), string(KindEnd):
			if st.Kind != "" {
				v.errf("step has both %s and %s; use one kind per step", st.Kind, key)
				return true
			}
			st.Kind, body = StepKind(key), v
		default:
			return false
		}
		return true
	})
	if st.Kind == "" {
		n.errf("step %s has no kind (say, ask, choice, kb_answer, condition, handoff, goto, end)", st.ID)
		return nil
	}
	switch st.Kind {
	case KindSay:
		st.Text = parseText(body, "say", s.Locales)
		checkTexts(body, st.Text, slots)
	case KindAsk:
		parseAsk(body, st, s, slots)
	case KindChoice:
		parseChoice(body, st, s, slots)
	case KindKBAnswer:
		parseKBAnswer(body, st, slots)
	case KindCondition:
		parseCondition(body, st, slots)
	case KindHandoff:
		parseHandoff(body, st, s, slots)
	case KindGoto:
		if t, ok := body.str("goto"); ok {
			st.Target = t
			st.refs = append(st.refs, ref{t, body.Line})
		}
	case KindEnd:
		if body.Kind == yaml.ScalarNode && (body.Value == "true" || body.Value == "") {
			break
		}
		st.Text = parseText(body, "end", s.Locales)
		checkTexts(body, st.Text, slots)
	}
	if st.Next != "" && (st.Kind == KindGoto || st.Kind == KindEnd || st.Kind == KindCondition || st.Kind == KindHandoff) {
		n.errf("next has no meaning on a %s step", st.Kind)
	}
	return st
}

func checkTexts(n node, t Text, slots map[string]bool) {
	for _, s := range t {
		checkTemplate(n, s, slots)
	}
}

func parseAsk(body node, st *Step, s Settings, slots map[string]bool) {
	st.Validate, st.MaxAttempts = "text", 3
	var pattern string
	body.fields("ask", func(k string, v node) bool {
		switch k {
		case "slot":
			st.Slot, _ = v.str("ask.slot")
			if st.Slot != "" && !namePattern.MatchString(st.Slot) {
				v.errf("slot name %q must be lower_snake_case", st.Slot)
			}
		case "text":
			st.Text = parseText(v, "ask.text", s.Locales)
			checkTexts(v, st.Text, slots)
		case "validate":
			st.Validate, _ = v.str("ask.validate")
			if !slices.Contains(validators, st.Validate) {
				v.errf("unknown validation %q (use one of %s)", st.Validate, strings.Join(validators, ", "))
			}
		case "pattern":
			pattern, _ = v.str("ask.pattern")
			re, err := regexp.Compile(pattern)
			if err != nil {
				v.errf("bad pattern: %v", err)
			}
			st.Pattern = re
		case "retry":
			st.Retry = parseText(v, "ask.retry", s.Locales)
			checkTexts(v, st.Retry, slots)
		case "max_attempts":
			st.MaxAttempts, _ = v.integer("ask.max_attempts")
			checkRange(v, "ask.max_attempts", st.MaxAttempts, 1, 10)
		case "on_fail":
			if t, ok := v.str("ask.on_fail"); ok {
				st.OnFail = t
				st.refs = append(st.refs, ref{t, v.Line})
			}
		default:
			return false
		}
		return true
	})
	if st.Slot == "" {
		body.errf("ask needs a slot")
	}
	if st.Text.empty() {
		body.errf("ask needs a text")
	}
	if (st.Validate == "regex") != (pattern != "") {
		body.errf("ask.pattern goes with validate: regex, and only with it")
	}
}

func parseChoice(body node, st *Step, s Settings, slots map[string]bool) {
	body.fields("choice", func(k string, v node) bool {
		switch k {
		case "text":
			st.Text = parseText(v, "choice.text", s.Locales)
			checkTexts(v, st.Text, slots)
		case "slot":
			st.Slot, _ = v.str("choice.slot")
		case "options":
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				v.errf("choice.options must be a non-empty list")
				return true
			}
			values := map[string]bool{}
			for i, c := range v.Content {
				opt := Option{Value: strconv.Itoa(i + 1)}
				v.child(c).fields("option", func(k string, o node) bool {
					switch k {
					case "label":
						opt.Label = parseText(o, "option label", s.Locales)
					case "value":
						opt.Value, _ = o.str("option value")
					case "goto":
						if t, ok := o.str("option goto"); ok {
							opt.Goto = t
							st.refs = append(st.refs, ref{t, o.Line})
						}
					case "words":
						opt.Words, _ = o.strings("option words")
						for i, w := range opt.Words {
							opt.Words[i] = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(w)), "ё", "е")
							if opt.Words[i] == "" || strings.ContainsFunc(opt.Words[i], unicode.IsSpace) {
								o.errf("option words: %q is not one word", w)
							}
						}
					case "means":
						opt.Means, _ = o.str("option means")
						if opt.Means != "yes" && opt.Means != "no" {
							o.errf("means is yes or no, not %q", opt.Means)
						}
					default:
						return false
					}
					return true
				})
				if opt.Label.empty() {
					v.child(c).errf("option %d needs a label", i+1)
				}
				if values[opt.Value] {
					v.child(c).errf("duplicate option value %q", opt.Value)
				}
				values[opt.Value] = true
				st.Options = append(st.Options, opt)
			}
		default:
			return false
		}
		return true
	})
	if st.Text.empty() {
		body.errf("choice needs a text")
	}
	if len(st.Options) == 0 {
		body.errf("choice needs options")
	}
}

func parseKBAnswer(body node, st *Step, slots map[string]bool) {
	st.Query = "{{input}}"
	if body.Kind == yaml.ScalarNode && (body.Value == "" || body.Value == "true") {
		return
	}
	body.fields("kb_answer", func(k string, v node) bool {
		switch k {
		case "query":
			st.Query, _ = v.str("kb_answer.query")
			checkTemplate(v, st.Query, slots)
		case "articles":
			st.Articles, _ = v.strings("kb_answer.articles")
			for _, c := range v.Content {
				st.articleRefs = append(st.articleRefs, ref{c.Value, c.Line})
			}
		case "limit":
			st.Limit, _ = v.integer("kb_answer.limit")
			checkRange(v, "kb_answer.limit", st.Limit, 1, 10)
		case "found", "not_found", "problem":
			if t, ok := v.str("kb_answer." + k); ok {
				switch k {
				case "found":
					st.Found = t
				case "not_found":
					st.NotFound = t
				default:
					st.Problem = t
				}
				st.refs = append(st.refs, ref{t, v.Line})
			}
		default:
			return false
		}
		return true
	})
}

func parseCondition(body node, st *Step, slots map[string]bool) {
	if body.Kind != yaml.SequenceNode || len(body.Content) == 0 {
		body.errf("condition must be a list of {if, goto} branches and an optional {else}")
		return
	}
	for i, c := range body.Content {
		b := Branch{}
		var hasIf, hasElse, hasGoto bool
		bn := body.child(c)
		bn.fields("condition branch", func(k string, v node) bool {
			switch k {
			case "if":
				hasIf = true
				if src, ok := v.str("if"); ok {
					e, err := parseExpr(src, slots)
					if err != nil {
						v.errf("bad condition %q: %v", src, err)
					}
					b.If = e
				}
			case "goto", "else":
				if k == "else" {
					hasElse = true
				} else {
					hasGoto = true
				}
				if t, ok := v.str(k); ok {
					b.Goto = t
					st.refs = append(st.refs, ref{t, v.Line})
				}
			default:
				return false
			}
			return true
		})
		switch {
		case hasElse && (hasIf || hasGoto):
			bn.errf("an else branch takes only the target: - else: step")
		case hasElse && i != len(body.Content)-1:
			bn.errf("else must be the last branch")
		case !hasElse && (!hasIf || !hasGoto):
			bn.errf("a branch needs if and goto")
		}
		st.Branches = append(st.Branches, b)
	}
}

func parseHandoff(body node, st *Step, s Settings, slots map[string]bool) {
	st.Skill, st.Priority = s.DefaultSkill, s.DefaultPriority
	if body.Kind == yaml.ScalarNode && (body.Value == "" || body.Value == "true") {
		return
	}
	body.fields("handoff", func(k string, v node) bool {
		switch k {
		case "skill":
			st.Skill = v.skill("handoff.skill", s)
		case "priority":
			st.Priority = v.priority("handoff.priority", s)
		case "reason":
			st.Reason, _ = v.str("handoff.reason")
			checkTemplate(v, st.Reason, slots)
		case "text":
			st.Text = parseText(v, "handoff.text", s.Locales)
			checkTexts(v, st.Text, slots)
		default:
			return false
		}
		return true
	})
}

// smallTalk reports whether the flow only chats: it neither answers from
// the knowledge base nor hands over, and keeps no topic (thanks, greeting).
func (f *Flow) smallTalk() bool {
	if f.Followup != "" || f.Unresolved != "" {
		return false
	}
	for _, st := range f.Steps {
		if st.Kind == KindKBAnswer || st.Kind == KindHandoff {
			return false
		}
	}
	return true
}

// handsOver reports whether the flow only passes the conversation to a
// person: it keeps no topic, and every step routes, answers from the
// knowledge base or hands over (human, gambling harm).
func (f *Flow) handsOver() bool {
	if f.Followup != "" || f.Unresolved != "" {
		return false
	}
	over := false
	for _, st := range f.Steps {
		switch st.Kind {
		case KindHandoff:
			over = true
		case KindCondition, KindSay, KindGoto, KindKBAnswer:
		default:
			return false
		}
	}
	return over
}
