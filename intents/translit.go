package intents

import (
	"strings"
	"unicode"
)

// Russian typed in Latin letters ("kak vyvesti dengi", "zabyl parol") has
// no single standard: players mix ISO-9-like, passport and chat spellings.
// translitVariants spells a Latin chunk in Cyrillic the few ways it most
// likely was meant; the lexicon then keeps the reading it knows best, and
// spelling correction covers a dropped soft sign ("dengi" → "денги" →
// "деньги").

// translitDigraphs are tried before single letters, longest first.
var translitDigraphs = []struct{ lat, cyr string }{
	{"shch", "щ"}, {"sch", "щ"},
	{"zh", "ж"}, {"kh", "х"}, {"ch", "ч"}, {"sh", "ш"}, {"ts", "ц"}, {"tz", "ц"},
	{"yu", "ю"}, {"ya", "я"}, {"yo", "ё"}, {"ye", "е"},
	{"ju", "ю"}, {"ja", "я"}, {"jo", "ё"}, {"je", "е"},
	{"iu", "ю"}, {"ia", "я"}, {"ck", "к"}, {"ph", "ф"},
}

var translitLetters = map[rune]string{
	'a': "а", 'b': "б", 'v': "в", 'g': "г", 'd': "д", 'e': "е", 'z': "з", 'i': "и",
	'j': "й", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'r': "р",
	's': "с", 't': "т", 'u': "у", 'f': "ф", 'h': "х", 'c': "ц", 'w': "в", 'x': "кс",
	'q': "к", '\'': "ь", '`': "ь", '’': "ь",
}

// translitOptions are the ambiguous spellings a variant may switch.
type translitOptions struct {
	initialE bool // word-initial e is э ("eto" → "это")
	schSC    bool // sch is сч ("schet" → "счет"), not щ
	cAsK     bool // c is к ("casino" → "казино"), not ц
	shSch    bool // sh is щ ("voobshe" → "вообще", "eshe" → "еще"), not ш
}

// translitVariants returns the likely Cyrillic spellings of a Latin chunk
// (letters and apostrophes; other characters are kept), or nil when the
// chunk has no Latin letter.
func translitVariants(chunk string) []string {
	lower := strings.ToLower(chunk)
	if !strings.ContainsFunc(lower, func(r rune) bool { return r >= 'a' && r <= 'z' }) {
		return nil
	}
	opts := []translitOptions{{}, {initialE: true}, {schSC: true}, {cAsK: true}, {shSch: true}}
	out := make([]string, 0, 2*len(opts))
	for _, o := range opts {
		v := translit(lower, o)
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	// A final soft sign is the letter players drop most: the infinitive
	// "otygrat", "popolnit" is "отыграть", "пополнить" (a one-typo
	// correction of "отыграт" may find "отыграл" first).
	for _, v := range out {
		if rs := []rune(v); len(rs) > 3 && rs[len(rs)-1] == 'т' {
			if sv := v + "ь"; !contains(out, sv) {
				out = append(out, sv)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func translit(s string, o translitOptions) string {
	var b strings.Builder
	rs := []rune(s)
	wordStart := true
	for i := 0; i < len(rs); {
		r := rs[i]
		if !unicode.IsLetter(r) && translitLetters[r] == "" {
			b.WriteRune(r)
			wordStart = true
			i++
			continue
		}
		rest := string(rs[i:])
		if o.schSC && strings.HasPrefix(rest, "sch") && !strings.HasPrefix(rest, "shch") {
			b.WriteString("сч")
			i += 3
			wordStart = false
			continue
		}
		if o.shSch && strings.HasPrefix(rest, "sh") && !strings.HasPrefix(rest, "shch") {
			b.WriteString("щ")
			i += 2
			wordStart = false
			continue
		}
		matched := false
		for _, d := range translitDigraphs {
			if strings.HasPrefix(rest, d.lat) {
				b.WriteString(d.cyr)
				i += len([]rune(d.lat))
				matched = true
				break
			}
		}
		if matched {
			wordStart = false
			continue
		}
		switch {
		case r == 'y':
			// й after a vowel ("moy", "kakoy", "novyy"), ы after a consonant.
			if i > 0 && strings.ContainsRune("aeiouy", rs[i-1]) {
				b.WriteString("й")
			} else {
				b.WriteString("ы")
			}
		case r == 'e' && wordStart && o.initialE:
			b.WriteString("э")
		case r == 'c' && o.cAsK:
			b.WriteString("к")
		default:
			if c, ok := translitLetters[r]; ok {
				b.WriteString(c)
			} else {
				b.WriteRune(r)
			}
		}
		wordStart = false
		i++
	}
	return b.String()
}

// Transliterate spells Latin letters in Cyrillic the most common way
// ("ne pomoglo" → "не помогло"); other characters are kept. It is the
// plain reading, without the model's choice among spellings.
func Transliterate(s string) string { return translit(strings.ToLower(s), translitOptions{}) }
