package flows

import (
	"slices"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// Settings are the bundle's knobs, from settings.yaml.
type Settings struct {
	Locales         []string // first is the default
	IntentThreshold float64  // below it a message is out of scope
	// SwitchThreshold is the confidence an intent needs to pull a player out
	// of a flow that waits for an answer.
	SwitchThreshold float64
	KBMinScore      float64 // 0 = the kb package's default
	KBLimit         int
	KBMaxChars      int    // longer article bodies are cut at a paragraph
	FallbackFlow    string // runs for out-of-scope messages
	MaxSteps        int    // steps one turn may run before it is stopped
	Skills          []string
	Priorities      []string // most urgent first
	DefaultSkill    string
	DefaultPriority string
	SLA             map[chat.Channel]SLA
	PriorityRules   handoff.Rules   // applied to a handoff's priority; handoff.DefaultRules when unset
	Messages        map[string]Text // system texts by key
}

// SLA is a channel's service target.
type SLA struct {
	FirstResponse time.Duration
	Resolution    time.Duration
}

// DefaultLocale returns the locale used when a player's is not supported.
func (s Settings) DefaultLocale() string { return s.Locales[0] }

// Locale returns l if the bundle speaks it, else the default locale.
func (s Settings) Locale(l string) string {
	if slices.Contains(s.Locales, l) {
		return l
	}
	return s.DefaultLocale()
}

// Message returns a system text in locale.
func (s Settings) Message(key, locale string) string {
	return s.Messages[key].In(locale, s.DefaultLocale())
}

// requiredMessages are the system texts every bundle must define.
var requiredMessages = []string{"handoff_ack", "error"}

func defaultSettings() Settings {
	return Settings{
		Locales: []string{chat.LocaleEN, chat.LocaleRU}, IntentThreshold: 0.5, SwitchThreshold: 0.75,
		KBLimit: 3, KBMaxChars: 900, FallbackFlow: "out_of_scope", MaxSteps: 50,
		Skills:          []string{"general"},
		Priorities:      []string{"critical", "high", "normal", "low"},
		DefaultSkill:    "general",
		DefaultPriority: "normal",
		SLA:             map[chat.Channel]SLA{},
		PriorityRules:   handoff.DefaultRules(),
		Messages:        map[string]Text{},
	}
}

// parseSettings reads settings.yaml.
func parseSettings(path string, data []byte, ps *problems) Settings {
	s := defaultSettings()
	root, ok := parseYAML(path, data, ps)
	if !ok {
		return s
	}
	var messages node
	root.fields("settings", func(key string, v node) bool {
		switch key {
		case "locales":
			if l, ok := v.strings("locales"); ok {
				if len(l) == 0 {
					v.errf("locales must list at least one locale")
				}
				for _, x := range l {
					if !chat.SupportedLocale(x) {
						v.errf("unsupported locale %q (supported: ru, en)", x)
					}
				}
				s.Locales = l
			}
		case "intents":
			v.fields("intents", func(k string, v node) bool {
				switch k {
				case "threshold":
					s.IntentThreshold, _ = v.float("intents.threshold")
					checkUnit(v, "intents.threshold", s.IntentThreshold)
				case "switch_threshold":
					s.SwitchThreshold, _ = v.float("intents.switch_threshold")
					checkUnit(v, "intents.switch_threshold", s.SwitchThreshold)
				default:
					return false
				}
				return true
			})
		case "kb":
			v.fields("kb", func(k string, v node) bool {
				switch k {
				case "min_score":
					s.KBMinScore, _ = v.float("kb.min_score")
				case "limit":
					s.KBLimit, _ = v.integer("kb.limit")
					checkRange(v, "kb.limit", s.KBLimit, 1, 10)
				case "max_chars":
					s.KBMaxChars, _ = v.integer("kb.max_chars")
					checkRange(v, "kb.max_chars", s.KBMaxChars, 100, 4000)
				default:
					return false
				}
				return true
			})
		case "flows":
			v.fields("flows", func(k string, v node) bool {
				switch k {
				case "fallback":
					s.FallbackFlow, _ = v.str("flows.fallback")
				case "max_steps":
					s.MaxSteps, _ = v.integer("flows.max_steps")
					checkRange(v, "flows.max_steps", s.MaxSteps, 1, 1000)
				default:
					return false
				}
				return true
			})
		case "handoff":
			parseHandoffSettings(v, &s)
		case "sla":
			parseSLA(v, &s)
		case "messages":
			messages = v
		default:
			return false
		}
		return true
	})
	// Messages are parsed last: they must cover the locales, wherever
	// the locales key stands in the file.
	if messages.Node != nil {
		messages.fields("messages", func(k string, v node) bool {
			s.Messages[k] = parseText(v, "message "+k, s.Locales)
			return true
		})
	}
	for _, k := range requiredMessages {
		if _, ok := s.Messages[k]; !ok {
			ps.add(path, root.Line, "messages.%s is required", k)
		}
	}
	return s
}

func parseHandoffSettings(v node, s *Settings) {
	v.fields("handoff", func(k string, v node) bool {
		switch k {
		case "skills":
			s.Skills, _ = v.strings("handoff.skills")
		case "priorities":
			s.Priorities, _ = v.strings("handoff.priorities")
		case "default_skill":
			s.DefaultSkill, _ = v.str("handoff.default_skill")
		case "default_priority":
			s.DefaultPriority, _ = v.str("handoff.default_priority")
		case "priority_rules":
			parsePriorityRules(v, s)
		default:
			return false
		}
		return true
	})
	if !slices.Contains(s.Skills, s.DefaultSkill) {
		v.errf("handoff.default_skill %q is not one of the skills %v", s.DefaultSkill, s.Skills)
	}
	if !slices.Contains(s.Priorities, s.DefaultPriority) {
		v.errf("handoff.default_priority %q is not one of the priorities %v", s.DefaultPriority, s.Priorities)
	}
}

// parsePriorityRules reads handoff.priority_rules: a list of rules, each
// with optional conditions (skill, reason_contains, attribute + op + value)
// and one action (set, at_least, bump).
func parsePriorityRules(v node, s *Settings) {
	if v.Kind != yaml.SequenceNode {
		v.errf("handoff.priority_rules must be a list")
		return
	}
	var rules []handoff.Rule
	for i, c := range v.Content {
		rn := v.child(c)
		r := handoff.Rule{Name: "#" + strconv.Itoa(i+1)}
		rn.fields("priority rule", func(k string, f node) bool {
			switch k {
			case "name":
				r.Name, _ = f.str("name")
			case "skill":
				r.Skill, _ = f.str("skill")
			case "reason_contains":
				r.ReasonContains, _ = f.str("reason_contains")
			case "attribute":
				r.Attribute, _ = f.str("attribute")
			case "op":
				r.Op, _ = f.str("op")
			case "value":
				r.Value, _ = f.str("value")
			case "set":
				p, _ := f.str("set")
				r.Set = handoff.Priority(p)
			case "at_least":
				p, _ := f.str("at_least")
				r.AtLeast = handoff.Priority(p)
			case "bump":
				r.Bump, _ = f.integer("bump")
			default:
				return false
			}
			return true
		})
		if _, err := handoff.NewRules([]handoff.Rule{r}); err != nil {
			rn.errf("%s", chat.ErrorMessage(err))
			continue
		}
		rules = append(rules, r)
	}
	parsed, err := handoff.NewRules(rules)
	if err != nil {
		v.errf("%s", chat.ErrorMessage(err))
		return
	}
	s.PriorityRules = parsed
}

func parseSLA(v node, s *Settings) {
	v.fields("sla", func(channel string, v node) bool {
		switch chat.Channel(channel) {
		case chat.ChannelWebchat, chat.ChannelTelegram, chat.ChannelTicket, chat.ChannelCLI:
		default:
			return false
		}
		var sla SLA
		v.fields("sla."+channel, func(k string, v node) bool {
			var d *time.Duration
			switch k {
			case "first_response":
				d = &sla.FirstResponse
			case "resolution":
				d = &sla.Resolution
			default:
				return false
			}
			if str, ok := v.str("sla." + channel + "." + k); ok {
				parsed, err := time.ParseDuration(str)
				if err != nil || parsed <= 0 {
					v.errf("sla.%s.%s must be a positive duration such as 3m or 6h, got %q", channel, k, str)
				}
				*d = parsed
			}
			return true
		})
		if sla.FirstResponse == 0 {
			v.errf("sla.%s.first_response is required", channel)
		}
		s.SLA[chat.Channel(channel)] = sla
		return true
	})
}

func checkUnit(n node, what string, v float64) {
	if v < 0 || v > 1 {
		n.errf("%s must be between 0 and 1, got %v", what, v)
	}
}

func checkRange(n node, what string, v, lo, hi int) {
	if v < lo || v > hi {
		n.errf("%s must be between %d and %d, got %d", what, lo, hi, v)
	}
}
