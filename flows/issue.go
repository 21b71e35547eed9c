package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// Issue is a stated problem the bundle knows (settings.yaml problems):
// a message that states it gets its article rather than the how-to, and
// a handoff offer to its team; once the player has waited longer than
// OverdueAfter, the bot apologises and hands off at once.
type Issue struct {
	Name         string
	Articles     []string // the articles about this problem
	Skill        string
	Priority     string        // at least this urgent when handed off; "" keeps the flow's
	OverdueAfter time.Duration // 0: no time limit stated
	// Usual is how long the problem normally takes ("Pending" review: 24
	// hours): a wait stated under it is a question on the usual times,
	// not a failure. 0: any stated wait is one.
	Usual time.Duration
	// OverdueWhen sets other limits when the conversation names a method
	// ("card", "карт", "usdt"): the rule of the method named first.
	OverdueWhen []OverdueRule
	// Cues per locale name this problem rather than another ("отклон",
	// "rejected" for a rejected withdrawal, not a pending one): a message
	// with one prefers this problem's articles (Issues.Prefer).
	Cues map[string][]string
}

// OverdueRule is a time limit for messages that name one of Words.
type OverdueRule struct {
	Words []string
	After time.Duration
}

// Limit returns the time limit for a conversation whose messages are text.
func (i Issue) Limit(text string) time.Duration {
	words := strings.FieldsFunc(strings.ReplaceAll(strings.ToLower(text), "ё", "е"), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words { // the method named first: "на карту …, а в банке нет"
		for _, r := range i.OverdueWhen {
			for _, cue := range r.Words {
				if w == cue || len([]rune(cue)) >= 3 && strings.HasPrefix(w, cue) {
					return r.After
				}
			}
		}
	}
	return i.OverdueAfter
}

// Issues are the stated problems of a bundle and the words that say a
// message states one.
type Issues struct {
	List []Issue
	// Cues per locale: words or phrases (each word matched as a word
	// prefix from four letters, after lowercasing) that state something
	// went wrong: "not", "still", "pending", "не приш", "висит".
	Cues map[string][]string
}

// ByArticle returns the problem an article is about.
func (p Issues) ByArticle(id string) (Issue, bool) {
	for _, pr := range p.List {
		if slices.Contains(pr.Articles, id) {
			return pr, true
		}
	}
	return Issue{}, false
}

// ByName returns a problem by name.
func (p Issues) ByName(name string) (Issue, bool) {
	for _, pr := range p.List {
		if pr.Name == name {
			return pr, true
		}
	}
	return Issue{}, false
}

// timed returns the articles of the problems with a time limit.
func (p Issues) timed() []string {
	var ids []string
	for _, pr := range p.List {
		if pr.OverdueAfter > 0 || len(pr.OverdueWhen) > 0 {
			ids = append(ids, pr.Articles...)
		}
	}
	return ids
}

// Prefer returns the problem articles a search prefers for a message that
// states a problem: those of the problems whose own cues the message has
// ("вывод отклонили" prefers the rejected article to the pending one, even
// after a wait), else those of the problems with a time limit. A rejection
// or a block is what the player names ("отклонили", "blocked"); "где мой
// вывод?" is about something late.
func (p Issues) Prefer(locale, text string) []string {
	if own := p.Named(locale, text); len(own) > 0 {
		return own
	}
	return p.timed()
}

// Named returns the articles of the problems whose own cues text has.
func (p Issues) Named(locale, text string) []string {
	words := cueWords(text)
	var own []string
	for _, pr := range p.List {
		for _, c := range pr.Cues[locale] {
			if hasCue(words, c) {
				own = append(own, pr.Articles...)
				break
			}
		}
	}
	return own
}

func cueWords(text string) []string {
	lower := strings.ReplaceAll(strings.ToLower(text), "ё", "е")
	return strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' })
}

// hasCue reports whether the cue starts at one of the words (cueAt).
func hasCue(words []string, cue string) bool {
	cw := strings.Fields(cue)
	for i := range words {
		if cueAt(words[i:], cw) {
			return true
		}
	}
	return false
}

// Stated reports whether text, written in locale, states that something
// went wrong: one of the locale's cues starts at one of its words, it ends
// in "нет" ("а бонуса нет"), or it says how long the player has already
// waited ("уже 3 дня"). A span alone is not a problem ("cashback per
// week", "a bill from 3 months ago").
func (p Issues) Stated(locale, text string) bool {
	words := cueWords(text)
	if len(words) > 1 {
		switch words[len(words)-1] {
		case "нет", "нету", "nothing", "ничего": // "а бонуса нет", "checked spam, nothing", "2 часа назад и ничего"
			return true
		}
	}
	if _, ok := parseWaited(text); ok && (slices.Contains(words, "уже") || slices.Contains(words, "already") || slices.Contains(words, "still")) {
		return true // "уже 3 дня", "already a week"
	}
	return p.cued(locale, words)
}

// Cued reports whether text has one of locale's problem cues ("not",
// "висит"), a hedge aside: it says what went wrong, not only how long.
func (p Issues) Cued(locale, text string) bool {
	return p.cued(locale, cueWords(text))
}

func (p Issues) cued(locale string, words []string) bool {
	cues := p.Cues[locale]
	hedged := hedgedWords(words)
	for i := range words {
		if hedged[i] {
			continue
		}
		for _, c := range cues {
			if cueAt(words[i:], strings.Fields(c)) {
				return true
			}
		}
	}
	return false
}

// hedges read like a stated problem but ask how or whether: "not sure how
// to deposit", "can I still play from there?".
var hedges = [][]string{{"not", "sure"}, {"not", "certain"},
	{"can", "i", "still"}, {"could", "i", "still"}, {"will", "i", "still"}, {"would", "i", "still"},
	{"do", "i", "still"}, {"can", "you", "still"}, {"is", "it", "still", "possible"}}

// hedgedWords marks the words that are part of a hedge.
func hedgedWords(words []string) []bool {
	marked := make([]bool, len(words))
	for i := range words {
		for _, h := range hedges {
			if cueAt(words[i:], h) {
				for j := range h {
					marked[i+j] = true
				}
			}
		}
	}
	return marked
}

// cueAt reports whether the words start with the cue's words: each the
// same word, or (from four letters) a prefix of it ("отклон" for
// "отклонили"), "n't" matching any "…n't".
func cueAt(words, cue []string) bool {
	if len(cue) == 0 || len(words) < len(cue) {
		return false
	}
	for j, c := range cue {
		w := words[j]
		if w != c && !(len([]rune(c)) >= 4 && strings.HasPrefix(w, c)) && !(c == "n't" && strings.HasSuffix(w, "n't")) {
			return false
		}
	}
	return true
}

func parseIssues(v node, s Settings) Issues {
	p := Issues{Cues: map[string][]string{}}
	v.fields("problems", func(k string, v node) bool {
		switch k {
		case "cues":
			v.fields("problems.cues", func(locale string, v node) bool {
				if !slices.Contains(s.Locales, locale) {
					v.errf("problems.cues: locale %q is not in settings.yaml locales", locale)
				}
				words, _ := v.strings("problems.cues." + locale)
				for i := range words {
					words[i] = strings.ReplaceAll(strings.ToLower(words[i]), "ё", "е")
				}
				p.Cues[locale] = words
				return true
			})
		case "topics":
			v.fields("problems.topics", func(name string, v node) bool {
				p.List = append(p.List, parseIssue(name, v, s))
				return true
			})
		default:
			return false
		}
		return true
	})
	return p
}

func parseIssue(name string, v node, s Settings) Issue {
	pr := Issue{Name: name, Skill: s.DefaultSkill}
	if !namePattern.MatchString(name) {
		v.errf("problem name %q must be lower_snake_case", name)
	}
	v.fields("problem "+name, func(k string, v node) bool {
		switch k {
		case "articles":
			pr.Articles, _ = v.strings("problem articles")
		case "skill":
			pr.Skill = v.skill("problem skill", s)
		case "priority":
			pr.Priority = v.priority("problem priority", s)
		case "overdue_after":
			pr.OverdueAfter = parseSpanNode(v, "overdue_after")
		case "usual":
			pr.Usual = parseSpanNode(v, "usual")
		case "cues":
			pr.Cues = map[string][]string{}
			v.fields("problem "+name+" cues", func(locale string, v node) bool {
				if !slices.Contains(s.Locales, locale) {
					v.errf("problem %s cues: locale %q is not in settings.yaml locales", name, locale)
				}
				words, _ := v.strings("problem " + name + " cues")
				for i := range words {
					words[i] = strings.ReplaceAll(strings.ToLower(words[i]), "ё", "е")
				}
				pr.Cues[locale] = words
				return true
			})
		case "overdue_when":
			if v.Kind != yaml.SequenceNode {
				v.errf("overdue_when is a list of {words: [...], after: 2h}")
				return true
			}
			for _, c := range v.Content {
				var r OverdueRule
				v.child(c).fields("overdue_when rule", func(k string, v node) bool {
					switch k {
					case "words":
						r.Words, _ = v.strings("overdue_when words")
					case "after":
						r.After = parseSpanNode(v, "overdue_when after")
					default:
						return false
					}
					return true
				})
				if len(r.Words) == 0 || r.After <= 0 {
					v.child(c).errf("an overdue_when rule needs words and after")
				}
				for i := range r.Words {
					r.Words[i] = strings.ToLower(r.Words[i])
				}
				pr.OverdueWhen = append(pr.OverdueWhen, r)
			}
		default:
			return false
		}
		return true
	})
	if len(pr.Articles) == 0 {
		v.errf("problem %s needs articles", name)
	}
	return pr
}

func parseSpanNode(v node, what string) time.Duration {
	str, _ := v.str(what)
	d, err := parseSpan(str)
	if err != nil || d <= 0 {
		v.errf("%s %q: want a positive duration like 30m, 24h or 3d", what, str)
	}
	return d
}

// parseSpan parses a Go duration, or whole days as "3d".
func parseSpan(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// morePressing returns the more urgent of two priorities, in the order of
// settings.handoff.priorities (most urgent first); an unknown one loses.
func (s Settings) morePressing(a, b string) string {
	ia, ib := slices.Index(s.Priorities, a), slices.Index(s.Priorities, b)
	switch {
	case ia < 0:
		return b
	case ib < 0 || ia <= ib:
		return a
	}
	return b
}
