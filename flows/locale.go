package flows

import (
	"strings"
	"unicode"
)

// detectLocale guesses the language a message is written in: "ru" for
// mostly Cyrillic text, "en" for Latin text of at least two words, "" when
// it cannot tell (short answers, numbers, codes, mixed text). A player
// writing Russian on the English site gets Russian answers, and the
// choice sticks for the rest of the conversation.
func detectLocale(text string) string {
	if l := scriptLocale(text); l != "" {
		return l
	}
	// "sorry can i write in russian? деньги так и не пришли": in a mixed
	// message the last sentence, when it is long enough to tell, says
	// which language the player goes on in.
	if rest, ok := lastSentence(text); ok {
		return scriptLocale(rest)
	}
	return ""
}

// lastSentence returns the last sentence of a message of several, when it
// has three words or more.
func lastSentence(text string) (string, bool) {
	i := strings.LastIndexAny(strings.TrimRight(text, "?!. "), "?!.")
	if i <= 0 {
		return "", false
	}
	rest := strings.TrimSpace(text[i+1:])
	return rest, len(strings.Fields(rest)) >= 3
}

// scriptLocale is detectLocale for one piece of text, by its letters.
func scriptLocale(text string) string {
	var cyr, lat, letters int
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		}
	}
	if letters < 4 {
		return ""
	}
	switch {
	case float64(cyr) >= 0.6*float64(letters):
		return "ru"
	case float64(lat) >= 0.9*float64(letters) && len(strings.Fields(text)) >= 2:
		return "en"
	}
	return ""
}

// isLatinWord reports whether text is a single word of four or more Latin
// letters (surrounding punctuation allowed).
func isLatinWord(text string) bool {
	w := strings.TrimFunc(strings.TrimSpace(text), func(r rune) bool { return !unicode.IsLetter(r) })
	if len([]rune(w)) < 4 || strings.ContainsFunc(w, func(r rune) bool { return !unicode.Is(unicode.Latin, r) }) {
		return false
	}
	return true
}

// partlyTransliterated reports whether the classifier's reading of a
// message spelled at least one of its Latin words in Cyrillic ("vy bot?" →
// "вы bot?") and the Latin words it left are too few to be an English
// sentence of their own: fewer than three, or no more than the words it
// transliterated. Such a message is Russian typed in Latin letters, with a
// borrowed word or two left as typed; "my vyvod is pending" stays English.
func partlyTransliterated(typed, read string) bool {
	_, cyrTyped := wordScripts(typed)
	latRead, cyrRead := wordScripts(read)
	converted := cyrRead - cyrTyped
	return converted > 0 && (latRead < 3 || latRead <= converted)
}

// wordScripts counts the words of text written wholly in Latin letters and
// those with a Cyrillic letter.
func wordScripts(text string) (latin, cyrillic int) {
	for _, w := range strings.Fields(text) {
		var lat, cyr bool
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyr = true
			case unicode.Is(unicode.Latin, r):
				lat = true
			}
		}
		switch {
		case cyr:
			cyrillic++
		case lat:
			latin++
		}
	}
	return latin, cyrillic
}

// withoutLanguageRequest drops from a message the short parts that only ask
// for a language ("sorry can we do english, is there an android apk?",
// "а можно по-русски? куда делись деньги"): they are not what to search
// for. A message that is nothing else is kept whole.
func withoutLanguageRequest(text string) string {
	var kept strings.Builder
	dropped, start := false, 0
	for i, r := range text + "\n" {
		if !strings.ContainsRune(".!?,;\n", r) {
			continue
		}
		end := min(i+len(string(r)), len(text))
		if part := text[start:end]; asksForLanguage(part) {
			dropped = true
		} else {
			kept.WriteString(part)
		}
		start = end
	}
	if out := strings.TrimSpace(kept.String()); dropped && out != "" {
		return out
	}
	return text
}

// asksForLanguage reports whether a part of a message only asks for a
// language to talk in: a language's name and, at most, one word besides
// the words of asking ("sorry can we do english", "а можно по-русски";
// not "can i pay in russian rubles").
func asksForLanguage(part string) bool {
	named, other := false, 0
	for _, w := range strings.Fields(answerWords(part)) {
		switch {
		case languageNames[w]:
			named = true
		case !languageAsking[w]:
			other++
		}
	}
	return named && other <= 1
}

var (
	languageNames  = set("english", "russian", "eng", "русски", "английски", "русском", "английском", "русский", "английский")
	languageAsking = set("sorry", "can", "could", "we", "you", "i", "do", "speak", "talk", "write", "switch", "to", "in",
		"please", "pls", "plz", "chat", "reply", "answer", "is", "it", "ok", "possible", "the", "language", "by", "let's",
		"lets", "а", "можно", "по", "на", "пожалуйста", "пишите", "писать", "говорить", "давайте", "перейти", "ответьте",
		"отвечайте", "ли", "вы", "мы", "я", "язык", "языке", "извините", "сорри", "пож", "плиз")
)

// lastQuestion returns the last sentence of a message of several when it
// asks something of its own.
func lastQuestion(text string) (string, bool) {
	last, ok := lastSentence(text)
	return last, ok && asksDirectly(last)
}
