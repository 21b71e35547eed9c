package flows

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Text is a message in every locale of the bundle. In YAML it is either one
// string (used for every locale) or a mapping locale → string.
type Text map[string]string

// In returns the text for locale, falling back to fallback, then to any.
func (t Text) In(locale, fallback string) string {
	if s, ok := t[locale]; ok {
		return s
	}
	if s, ok := t[fallback]; ok {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

func (t Text) empty() bool { return len(t) == 0 }

// placeholder matches {{ name }} with dotted names.
var placeholder = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// Vars are the values a template can name: player.name, player.id,
// player.<attribute>, slots.<slot>, locale, channel, input (this message),
// question (the message that started the flow), intent, wait (the
// channel's first-answer target, e.g. "3 minutes").
type Vars struct {
	Player   map[string]string
	Slots    map[string]string
	Locale   string
	Channel  string
	Input    string
	Question string
	Intent   string
	Wait     string // the channel's first-answer target, in words ("3 minutes")
	Waited   string // how long the player says they have waited, in words ("3 days"); "" if unsaid
	Related  string // "true" when a message the knowledge base could not answer is still about our service
	Issue    string // the stated problem of the topic (settings problems), or ""
	Topic    string // the intent the conversation is about (the last flow with follow-ups), or ""
	Asks     string // "true" when the message asks a question (a question mark or word)
}

// Lookup returns a variable's value; unknown or unset variables are empty.
func (v Vars) Lookup(name string) string {
	ns, key, _ := strings.Cut(name, ".")
	switch ns {
	case "player":
		return v.Player[key]
	case "slots":
		return v.Slots[key]
	case "locale":
		return v.Locale
	case "channel":
		return v.Channel
	case "input":
		return v.Input
	case "question":
		return v.Question
	case "intent":
		return v.Intent
	case "wait":
		return v.Wait
	case "waited":
		return v.Waited
	case "related":
		return v.Related
	case "issue":
		return v.Issue
	case "topic":
		return v.Topic
	case "asks":
		return v.Asks
	}
	return ""
}

// render replaces every {{var}} in s.
func render(s string, v Vars) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		return v.Lookup(strings.TrimSpace(m[2 : len(m)-2]))
	})
}

// checkVar reports what is wrong with a variable name, or "".
func checkVar(name string, slots map[string]bool) string {
	ns, key, dotted := strings.Cut(name, ".")
	switch ns {
	case "locale", "channel", "input", "question", "intent", "wait", "waited", "related", "issue", "topic", "asks":
		if dotted {
			return "variable " + name + " has no fields"
		}
		return ""
	case "player":
		if !dotted || key == "" {
			return "variable player needs a field, e.g. player.name"
		}
		return ""
	case "slots":
		if !dotted || key == "" {
			return "variable slots needs a slot name, e.g. slots.amount"
		}
		if !slots[key] {
			return "slot " + key + " is not filled by any ask step of this flow"
		}
		return ""
	}
	return "unknown variable " + name + " (known: player.*, slots.*, locale, channel, input, question, intent, wait, waited, related, issue, asks)"
}

// checkTemplate reports unknown variables and unbalanced braces in s.
func checkTemplate(n node, s string, slots map[string]bool) {
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if msg := checkVar(m[1], slots); msg != "" {
			n.errf("%s", msg)
		}
	}
	if rest := placeholder.ReplaceAllString(s, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		n.errf("unbalanced {{ }} in text %q", s)
	}
}

// parseText reads a Text and checks it covers every locale.
func parseText(n node, what string, locales []string) Text {
	t := Text{}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == "" {
			n.errf("%s is empty", what)
			return t
		}
		for _, l := range locales {
			t[l] = n.Value
		}
	case yaml.MappingNode:
		n.fields(what, func(key string, v node) bool {
			if !slices.Contains(locales, key) {
				return false
			}
			if s, ok := v.str(what + " in " + key); ok {
				if s == "" {
					v.errf("%s in %s is empty", what, key)
				}
				t[key] = s
			}
			return true
		})
		for _, l := range locales {
			if _, ok := t[l]; !ok {
				n.errf("%s has no %s text", what, l)
			}
		}
	default:
		n.errf("%s must be a string or a mapping of locale to string", what)
	}
	return t
}
