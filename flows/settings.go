package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	KBMaxChars      int // characters of an answer: the matching section, cut at a sentence
	// KBIntentMinScore is the intent-scoped bar of kb_answer: inside an
	// intent's flow, when no article passes the minimum-score rule, the
	// best article listing the intent that reaches it is shown.
	KBIntentMinScore float64
	// KBSynonyms, per locale, map a player's word to the article words it
	// stands for (settings.yaml kb.synonyms lists, per article word, the
	// players' words for it).
	KBSynonyms   map[string]map[string]string
	Problems     Issues // stated problems: their articles, team and time limit
	FallbackFlow string // runs for out-of-scope messages
	// AckFlow, when set, answers a bare "ok" or "понятно" the bot did not
	// ask for (settings.yaml flows.acknowledgement).
	AckFlow         string
	MaxSteps        int // steps one turn may run before it is stopped
	Skills          []string
	Priorities      []string // most urgent first
	DefaultSkill    string
	DefaultPriority string
	SLA             map[chat.Channel]SLA
	PriorityRules   handoff.Rules    // applied to a handoff's priority; handoff.DefaultRules when unset
	Widening        handoff.Widening // handoff.widen: when waiting tickets reach generalists, then anyone; handoff.DefaultWidening when unset
	Messages        map[string]Text  // system texts by key
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
		KBLimit: 3, KBMaxChars: 900, KBIntentMinScore: 0.3, FallbackFlow: "out_of_scope", MaxSteps: 50,
		Skills:          []string{"general"},
		Priorities:      []string{"critical", "high", "normal", "low"},
		DefaultSkill:    "general",
		DefaultPriority: "normal",
		SLA:             map[chat.Channel]SLA{},
		PriorityRules:   handoff.DefaultRules(),
		Widening:        handoff.DefaultWidening(),
		Messages:        map[string]Text{},
	}
}

// parseSettings reads settings.yaml.
func parseSettings(path string, data []byte, ps *problems) (Settings, bool) {
	s := defaultSettings()
	root, ok := parseYAML(path, data, ps)
	if !ok {
		return s, false
	}
	var messages, problemsNode node
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
				case "intent_min_score":
					s.KBIntentMinScore, _ = v.float("kb.intent_min_score")
					checkUnit(v, "kb.intent_min_score", s.KBIntentMinScore)
				case "synonyms":
					s.KBSynonyms = parseSynonyms(v, s.Locales)
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
				case "acknowledgement":
					s.AckFlow, _ = v.str("flows.acknowledgement")
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
		case "problems":
			problemsNode = v
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
	// Problems name skills and priorities: parsed once those are known.
	if problemsNode.Node != nil {
		s.Problems = parseIssues(problemsNode, s)
	}
	for _, k := range requiredMessages {
		if _, ok := s.Messages[k]; !ok {
			ps.add(path, root.Line, "messages.%s is required", k)
		}
	}
	return s, true
}

func parseHandoffSettings(v node, s *Settings) {
	var rules, widen node // parsed once the skills and priorities are known
	v.fields("handoff", func(k string, v node) bool {
		switch k {
		case "skills":
			s.Skills, _ = v.strings("handoff.skills")
		case "priorities":
			s.Priorities, _ = v.strings("handoff.priorities")
			checkPriorities(v, s.Priorities)
		case "default_skill":
			s.DefaultSkill, _ = v.str("handoff.default_skill")
		case "default_priority":
			s.DefaultPriority, _ = v.str("handoff.default_priority")
		case "widen":
			widen = v
		case "priority_rules":
			rules = v
		default:
			return false
		}
		return true
	})
	if rules.Node != nil {
		parsePriorityRules(rules, s)
	}
	if widen.Node != nil {
		parseWiden(widen, s)
	}
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
		if r.Skill != "" && !slices.Contains(s.Skills, r.Skill) {
			rn.errf("priority rule %s: unknown skill %q (handoff.skills lists %v)", r.Name, r.Skill, s.Skills)
			continue
		}
		if p := r.Set + r.AtLeast; p != "" && !slices.Contains(s.Priorities, string(p)) {
			rn.errf("priority rule %s: priority %q is not one of handoff.priorities %v", r.Name, p, s.Priorities)
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

// parseWiden reads handoff.widen: for each listed priority, after how
// long a ticket nobody available serves reaches the generalists (general)
// and then anyone (anyone), e.g. critical: {general: 1m, anyone: 2m}.
// Priorities left out never widen.
func parseWiden(v node, s *Settings) {
	w := handoff.Widening{}
	v.fields("handoff.widen", func(p string, v node) bool {
		if !slices.Contains(s.Priorities, p) {
			v.errf("handoff.widen: unknown priority %q (handoff.priorities lists %v)", p, s.Priorities)
			return true
		}
		var wd handoff.Widen
		v.fields("handoff.widen."+p, func(k string, v node) bool {
			var d *time.Duration
			switch k {
			case "general":
				d = &wd.General
			case "anyone":
				d = &wd.Anyone
			default:
				return false
			}
			if str, ok := v.str("handoff.widen." + p + "." + k); ok {
				parsed, err := time.ParseDuration(str)
				if err != nil || parsed <= 0 {
					v.errf("handoff.widen.%s.%s must be a positive duration such as 1m, got %q", p, k, str)
				}
				*d = parsed
			}
			return true
		})
		if wd.General > 0 && wd.Anyone > 0 && wd.Anyone < wd.General {
			v.errf("handoff.widen.%s: anyone (%s) comes before general (%s)", p, wd.Anyone, wd.General)
		}
		w[handoff.Priority(p)] = wd
		return true
	})
	s.Widening = w
}

// checkPriorities reports a listed priority the handoff queue does not
// know, or a list out of urgency order: tickets could not be created or
// ordered with it.
func checkPriorities(v node, list []string) {
	last := -1
	for _, p := range list {
		pr := handoff.Priority(p)
		if !pr.Valid() {
			v.errf("handoff.priorities: unknown priority %q (the handoff queue knows %v)", p, handoff.Priorities())
			continue
		}
		if pr.Rank() <= last {
			v.errf("handoff.priorities must list each priority once, most urgent first (%v)", handoff.Priorities())
		}
		last = pr.Rank()
	}
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

// parseSynonyms reads kb.synonyms: per locale, per article word (or words),
// the single words players write for it:
//
//	ru:
//	  деньги: [бабки, бабло]
//	  вывод: [кэшаут, кешаут]
func parseSynonyms(v node, locales []string) map[string]map[string]string {
	out := map[string]map[string]string{}
	v.fields("kb.synonyms", func(locale string, v node) bool {
		if !slices.Contains(locales, locale) {
			v.errf("kb.synonyms: locale %q is not in settings.yaml locales", locale)
			return true
		}
		m := map[string]string{}
		v.fields("kb.synonyms."+locale, func(article string, v node) bool {
			words, _ := v.strings("kb.synonyms." + locale + "." + article)
			for _, w := range words {
				w = strings.ToLower(strings.TrimSpace(w))
				switch prev, dup := m[w]; {
				case w == "" || strings.ContainsFunc(w, unicode.IsSpace):
					v.errf("kb.synonyms.%s.%s: %q: a player's word is one word", locale, article, w)
				case dup:
					v.errf("kb.synonyms.%s: %q stands for both %q and %q", locale, w, prev, article)
				default:
					m[w] = article
				}
			}
			return true
		})
		out[locale] = m
		return true
	})
	return out
}
