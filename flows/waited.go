package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// parseWaited finds how long a player says they have waited: "3 дня",
// "уже третий день", "a week", "5 days", "48h", "since yesterday",
// "пару дней". It returns the longest span stated, or false when there
// is none. A bare "day" or "час" is not a span ("добрый день").
func parseWaited(text string) (time.Duration, bool) {
	words := spanWords(text)
	var best time.Duration
	for i, w := range words {
		if d, ok := fixedSpans[w]; ok {
			// "since yesterday", "со вчера", "позавчера"
			best = max(best, d)
			continue
		}
		unit, ok := spanUnit(w)
		if !ok {
			if n, u, ok := glued(w); ok { // "48h", "3д"
				best = max(best, time.Duration(n)*u)
			}
			continue
		}
		if ageOf(words, i) || amountPer(words, i) {
			continue // "a bill from 5 months ago", "не старше 3 месяцев", "сколько можно вывести за месяц": not a wait
		}
		n, counted := 0, false
		if i > 0 {
			n, counted = spanCount(words[i-1])
			if !counted && i > 1 && (words[i-1] == "of" || words[i-1] == "or") {
				n, counted = spanCount(words[i-2]) // "a couple of days"
			}
		}
		if !counted && i+1 < len(words) {
			// "минут 40 назад", "часа 2 уже": the count after the unit
			// (about that many), a number only.
			if _, err := strconv.Atoi(words[i+1]); err == nil {
				n, counted = spanCount(words[i+1])
			}
		}
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch {
		case counted && i > 1 && words[i-2] == "half":
			best = max(best, unit/2) // "half an hour"
		case counted && i > 0 && (words[i-1] == "полтора" || words[i-1] == "полторы"):
			best = max(best, unit*3/2) // "полтора часа"
		case counted && moreThan(words, i):
			best = max(best, time.Duration(n)*unit+time.Minute) // "больше часа", "over 2 hours": past the span
		case counted:
			best = max(best, time.Duration(n)*unit)
		case lonely[w], next == "ago" || next == "назад", i > 0 && (words[i-1] == "уже" || words[i-1] == "already"):
			best = max(best, unit) // "неделю", "сутки", "час назад", "уже час"
		}
	}
	best = max(best, weekdaySpan(words))
	return best, best > 0
}

// weekdaySpan reads a wait from a weekday named as today and another as
// when it started: "sent it monday, today's friday" and "today is friday,
// i sent it on monday" are 4 days; the same day twice is a week. Today is
// the weekday nearest to "today", "now", "сегодня" or "сейчас", at most
// two words away; without one, or for a range ("monday to friday"), 0.
func weekdaySpan(words []string) time.Duration {
	words = slices.DeleteFunc(slices.Clone(words), func(w string) bool { return w == "s" }) // "today's" is "today", "s"
	type named struct{ day, dist int }
	var days []named
	for i, w := range words {
		d, ok := weekday(w)
		if !ok {
			continue
		}
		if i > 0 && rangeWords[words[i-1]] {
			return 0
		}
		days = append(days, named{d, todayDistance(words, i)})
	}
	if len(days) < 2 {
		return 0
	}
	today := 0 // the weekday nearest to "today"
	for i, n := range days {
		if n.dist < days[today].dist {
			today = i
		}
	}
	if days[today].dist > 5 { // more than two words away
		return 0
	}
	start := days[0]
	if today == 0 {
		start = days[1]
	}
	span := (days[today].day - start.day + 7) % 7
	if span == 0 {
		span = 7
	}
	return time.Duration(span) * 24 * time.Hour
}

var rangeWords = map[string]bool{"to": true, "till": true, "until": true, "through": true, "по": true, "до": true}

// todayDistance is twice how many words from words[i] the nearest word
// saying "today" is, plus one when the weekday comes before it ("friday
// today"): on a tie, the weekday after the word is today ("monday,
// today's friday"). A large number when there is none.
func todayDistance(words []string, i int) int {
	best := 2*len(words) + 2
	for j, w := range words {
		switch w {
		case "today", "todays", "today's", "now", "сегодня", "сейчас":
			d := 2 * (i - j)
			if j > i {
				d = 2*(j-i) + 1
			}
			best = min(best, d)
		}
	}
	return best
}

// weekday returns the day of the week a word names (Monday 0), in English
// or Russian in any case form.
func weekday(w string) (int, bool) {
	for i, forms := range weekdays {
		for _, f := range forms {
			if w == f || len([]rune(f)) >= 6 && strings.HasPrefix(w, f) {
				return i, true
			}
		}
	}
	return 0, false
}

var weekdays = [7][]string{
	{"monday", "mon", "понедельник"},
	{"tuesday", "tue", "tues", "вторник"},
	{"wednesday", "wed", "среда", "среду", "среды", "среде"},
	{"thursday", "thu", "thurs", "четверг"},
	{"friday", "fri", "пятница", "пятницу", "пятницы", "пятнице"},
	{"saturday", "суббота", "субботу", "субботы", "субботе"},
	{"sunday", "воскресенье", "воскресенья", "воскресеньям"},
}

// moreThan reports whether the span whose unit is words[i] is given as
// more than its count: "больше часа", "более 2 дней", "over an hour",
// "more than 3 days".
func moreThan(words []string, i int) bool {
	for j := max(0, i-3); j < i; j++ {
		switch words[j] {
		case "больше", "более", "over", "more":
			return true
		}
	}
	return false
}

// ageOf reports whether the span whose unit is words[i] gives the age of
// something ("from 5 months ago", "older than 3 months", "не старше 3
// месяцев") or a rate ("per week", "в неделю") rather than how long
// someone waited.
func ageOf(words []string, i int) bool {
	for j := max(0, i-3); j < i; j++ {
		switch words[j] {
		case "from", "older", "old", "старше", "давности", "возраст", "last", "прошлого", "прошлый":
			return true
		}
	}
	if i > 0 { // a rate, not a wait: "per week", "в неделю", "every day", "каждый день"
		switch words[i-1] {
		case "per", "every", "each", "в", "каждый", "каждую", "каждые", "раз":
			return true
		}
	}
	return i+1 < len(words) && (words[i+1] == "old" || words[i+1] == "давности")
}

// amountPer reports whether the span whose unit is words[i] is what an
// amount is per rather than how long someone waited: a rate preposition
// before it ("за месяц", "a day", "in a month", "per week") and a word
// asking for a limit near it ("максимум за сутки", "max withdrawal a
// day", "сколько можно вывести за месяц"). "Вывод висит 3 дня, лимит не
// превышен" and "минимум 3 дня уже жду" are waits.
func amountPer(words []string, i int) bool {
	if i == 0 || !ratePrepositions[words[i-1]] {
		return false
	}
	for j := max(0, i-6); j < min(len(words), i+5); j++ {
		if asksAmount(words, j) {
			return true
		}
	}
	return false
}

var ratePrepositions = map[string]bool{"за": true, "в": true, "a": true, "an": true, "per": true, "in": true, "each": true}

// asksAmount reports whether words[j] asks for a limit: "максимум",
// "лимит…", "max", "how much can", "сколько можно".
func asksAmount(words []string, j int) bool {
	w := words[j]
	for _, p := range []string{"максим", "миним", "лимит"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	switch w {
	case "max", "maximum", "minimum", "limit", "limits", "cap", "most":
		return true
	case "сколько":
		return j+1 < len(words) && words[j+1] == "можно"
	case "much":
		return j+1 < len(words) && words[j+1] == "can"
	}
	return false
}

// spanWords lowercases text (ё → е) and splits it into words of letters
// and digits ("3-й" stays one word).
func spanWords(text string) []string {
	lower := strings.ReplaceAll(strings.ToLower(text), "ё", "е")
	return strings.FieldsFunc(lower, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
}

var fixedSpans = map[string]time.Duration{
	"yesterday": 24 * time.Hour, "вчера": 24 * time.Hour, "вчерашнего": 24 * time.Hour,
	"позавчера": 48 * time.Hour,
	"полчаса":   30 * time.Minute, "получаса": 30 * time.Minute, "полдня": 12 * time.Hour,
}

// lonely units mean one of them even without a number.
var lonely = map[string]bool{
	"неделю": true, "неделя": true, "неделе": true, "месяц": true, "сутки": true, "суток": true,
}

var units = []struct {
	prefixes []string
	d        time.Duration
}{
	{[]string{"minute", "mins", "min", "минут", "мин"}, time.Minute},
	{[]string{"hour", "hrs", "hr", "час"}, time.Hour},
	{[]string{"day", "дня", "дней", "день", "сутк", "суток"}, 24 * time.Hour},
	{[]string{"week", "wk", "недел"}, 7 * 24 * time.Hour},
	{[]string{"month", "месяц", "месяца"}, 30 * 24 * time.Hour},
}

func spanUnit(w string) (time.Duration, bool) {
	for _, u := range units {
		for _, p := range u.prefixes {
			if strings.HasPrefix(w, p) && len(w) <= len(p)+6 {
				return u.d, true
			}
		}
	}
	return 0, false
}

var countWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "couple": 2, "three": 3, "few": 3, "several": 3, "four": 4,
	"five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fourteen": 14, "twenty": 20,
	"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "tenth": 10,
	"один": 1, "одна": 1, "одну": 1, "целый": 1, "целую": 1, "целые": 1, "два": 2, "две": 2, "пару": 2, "пара": 2,
	"три": 3, "несколько": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
	"десять": 10, "второй": 2, "вторые": 2, "третий": 3, "третьи": 3, "четвертый": 4, "пятый": 5,
	"шестой": 6, "седьмой": 7, "десятый": 10, "полтора": 1, "полторы": 1, "больше": 1, "более": 1,
}

// spanCount reads a count before a unit: "3", "3-й", "three", "третий".
func spanCount(w string) (int, bool) {
	if n, ok := countWords[w]; ok {
		return n, true
	}
	w = strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(w, "-й"), "-и"), "-")
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		w = strings.TrimSuffix(w, suf)
	}
	n, err := strconv.Atoi(w)
	return n, err == nil && n > 0 && n < 1000
}

// glued reads a count with its unit in one word: "48h", "3d", "2ч", "3д".
func glued(w string) (int, time.Duration, bool) {
	i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) })
	if i <= 0 {
		return 0, 0, false
	}
	n, err := strconv.Atoi(w[:i])
	if err != nil || n <= 0 || n >= 1000 { // the same bound as spanCount: "1000000ч" is not a wait
		return 0, 0, false
	}
	switch w[i:] {
	case "h", "hrs", "ч":
		return n, time.Hour, true
	case "d", "д", "дн":
		return n, 24 * time.Hour, true
	case "w", "нед":
		return n, 7 * 24 * time.Hour, true
	}
	return 0, 0, false
}

// waitedWords says a span in words for the player: "3 days", "2 дня".
func waitedWords(d time.Duration, locale string) string {
	n, en, ru := int(d/time.Hour), "hour", [3]string{"час", "часа", "часов"}
	if d < time.Hour {
		n, en, ru = int(d/time.Minute), "minute", [3]string{"минуту", "минуты", "минут"}
	}
	if d >= 24*time.Hour {
		n, en, ru = int(d/(24*time.Hour)), "day", [3]string{"день", "дня", "дней"}
	}
	n = max(n, 1)
	if locale == "ru" {
		return strconv.Itoa(n) + " " + pluralRU(n, ru)
	}
	if n == 1 {
		return "1 " + en
	}
	return strconv.Itoa(n) + " " + en + "s"
}
