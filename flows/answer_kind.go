package flows

import (
	"slices"
	"strings"
	"unicode"

	"github.com/switchboard-support/switchboard/intents"
)

// answerKind tells whether a message answers the bot's yes/no question
// ("did this help?") with yes or no, as players type it: "да", "ага",
// "ok", "yep"; "нет", "не", "nah", "не помогло", "didn't help", "still
// nothing", "уже пробовал" — with a typo, or typed on the wrong keyboard
// layout ("ytn", "lf"). It returns "yes", "no" or "".
func answerKind(text string) string {
	k, _ := answerReading(text)
	return k
}

// answerReading is answerKind, with the reading of the message that
// answered: the text as typed, or retyped on the other keyboard layout
// ("yt gjvjukj" is "не помогло", Russian however it looks), or read as
// Russian in Latin letters ("ne pomoglo").
func answerReading(text string) (kind, reading string) {
	s := answerWords(text)
	if s == "" {
		return "", text
	}
	// Retyped before punctuation is dropped: "," and "." are "б" and "ю".
	readings := []string{s, answerWords(intents.RetypeLayout(text, true)), answerWords(intents.RetypeLayout(text, false)),
		answerWords(intents.Transliterate(text))} // "ne pomoglo"
	question := asksQuestion(text)
	for i, r := range readings {
		if k := phraseKind(r, question); k != "" {
			if i == 0 {
				return k, text
			}
			return k, r
		}
	}
	return "", text
}

// saysTried reports whether a message says the player already did what
// the bot would suggest: "I already reset my password twice", "уже
// пробовал", "didn't help", "я уже 2 раза сбрасывал, всё равно не пускает".
// Unlike "still not credited", it makes the usual answer pointless.
func saysTried(text string) bool {
	s := answerWords(text)
	if hasPhraseTypo(s, tried) {
		return true
	}
	// "уже 2 раза сбрасывал", "already did it twice"
	return hasPhrase(s, []string{"already", "уже"}) && hasPhrase(s, repeated)
}

// persists reports whether a message says the problem goes on ("i still
// cant register", "все равно не работает") without opening with a no or a
// decline ("not now, i'll sort it out anyway").
func persists(text string) bool {
	s := answerWords(text)
	words := strings.Fields(s)
	if len(words) == 0 || leadNo[words[0]] || noPhrases[words[0]] {
		return false
	}
	for _, d := range declines {
		if s == d || strings.HasPrefix(s, d+" ") {
			return false
		}
	}
	return hasPhraseTypo(s, goesOn)
}

// goesOn are the persisting phrases without "anyway", which also ends a
// decline.
var goesOn = slices.DeleteFunc(slices.Clone(persisting), func(p string) bool { return p == "anyway" })

// declines open a reply that turns an offer down.
var declines = []string{"not now", "not really", "not yet", "no thanks", "no need", "dont need", "don't need", "not needed",
	"не надо", "не нужно", "не сейчас", "пока не надо", "пока нет"}

var tried = []string{
	"didn't help", "didnt help", "did not help", "doesn't help", "doesnt help", "does not help", "not helpful",
	"didn't work", "didnt work", "did not work", "already tried", "already did", "already done", "tried that",
	"tried it", "tried everything", "already reset", "не помогло", "не помогает", "не помог", "не помогли",
	"не сработало", "уже пробовал", "уже пробовала", "уже пробовали", "пробовал", "пробовала", "уже делал",
	"уже делала", "уже сделал", "уже сделала", "бесполезно", "опять то же",
}

// repeated words after "already"/"уже" say it was done before.
var repeated = []string{"twice", "again", "times", "anyway", "раза", "раз", "дважды", "опять", "снова",
	"равно", "несколько"}

// saysNotSolved reports whether a message, of any length, says that what
// the bot suggested did not solve it: "I already reset my password
// twice", "не помогло", "still not there".
// kind is answerKind(text).
func saysNotSolved(text, kind string) bool {
	s := answerWords(text)
	// "anyway, how long does a bank transfer take": a lead "anyway" turns
	// to a new question; it says nothing about the last answer.
	if rest, ok := strings.CutPrefix(s, "anyway "); ok && asksDirectly(rest) {
		s, text = rest, rest
	} else if rest, ok := strings.CutPrefix(s, "anyways "); ok && asksDirectly(rest) {
		s, text = rest, rest
	}
	if !asksQuestion(text) && hasPhrase(s, []string{"still", "все еще"}) {
		return true // "an hour later and still locked"
	}
	return saysTried(text) || hasPhraseTypo(s, persisting) || hasPhrase(s, writesAgain) || kind == "no" || whatNow[s]
}

// whatNow are whole messages asking what to do after the answer ("что
// делать?" after the blocked-account article): the answer did not settle
// it.
var whatNow = set("what now", "now what", "so what now", "what do i do", "what do i do now", "what should i do",
	"what should i do now", "what can i do", "what can i do now", "so what do i do", "what next", "and now what",
	"что делать", "что мне делать", "и что делать", "что же делать", "что теперь", "и что теперь", "что теперь делать",
	"что мне теперь делать", "что дальше", "и что дальше", "как быть", "и как быть", "что делать то", "что делать дальше")

// writesAgain say the player has had to come back about it: "this is the
// 3rd time im writing", "третий раз пишу".
var writesAgain = []string{"3rd time im", "3rd time i", "third time im", "third time i", "2nd time im", "2nd time i",
	"second time im", "second time i", "writing again", "asking again", "contacting you again", "третий раз пишу",
	"второй раз пишу", "который раз пишу", "3 раз пишу", "2 раз пишу", "третий раз обращаюсь", "второй раз обращаюсь",
	"опять пишу", "снова пишу", "пишу уже", "уже пишу"}

// hasNegation reports whether a message has a word of negation: "no",
// "not", "nothing", "нет", "не", "ничего" (also as "n't").
func hasNegation(text string) bool {
	for _, w := range strings.Fields(answerWords(text)) {
		if negations[w] || strings.HasSuffix(w, "n't") {
			return true
		}
	}
	return false
}

// asksQuestion reports whether a message asks something: a question mark
// or a question word ("нет, а сколько идёт вывод").
func asksQuestion(text string) bool {
	if strings.Contains(text, "?") {
		return true
	}
	// A question lead opening any sentence or clause: "lol ok. are your
	// slots rigged then", "fine, can i withdraw now".
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(".,;!\n", r) }) {
		if lead := strings.Fields(answerWords(part)); len(lead) > 0 && questionLeads[lead[0]] && !imperative(lead) {
			return true
		}
	}
	words := strings.Fields(answerWords(text))
	for _, w := range words {
		if questionWords[w] {
			return true
		}
	}
	return false
}

// mentionsPerson reports whether a message names a person to talk to
// ("можно чтоб оператор подтвердил вручную?", "talk to a persn"), however
// the classifier read the rest of it.
func mentionsPerson(text string) bool {
	for _, w := range strings.Fields(answerWords(text)) {
		if personWords[w] {
			return true
		}
		for _, p := range personStems {
			if strings.HasPrefix(w, p) {
				return true
			}
		}
	}
	return false
}

var (
	personWords = set("human", "person", "persn", "agent", "operator", "manager", "specialist", "staff",
		"representative", "человек", "человеком", "человека")
	personStems = []string{"операт", "опертор", "специалист", "сотрудник", "менеджер", "консультант", "живым", "живого"}
)

// imperative reports whether words led by "do" tell rather than ask:
// "do it", "do that please" (a question mark aside).
func imperative(words []string) bool {
	if words[0] != "do" {
		return false
	}
	rest := slices.DeleteFunc(slices.Clone(words[1:]), func(w string) bool { return softeners[w] || w == "now" })
	return len(rest) == 0 || len(rest) == 1 && (rest[0] == "it" || rest[0] == "that" || rest[0] == "this" || rest[0] == "so")
}

// asksDirectly reports whether a message is itself a question: a question
// mark, or a question word leading it ("how long…", "а сколько…") — not
// "not sure what you mean".
func asksDirectly(text string) bool {
	if strings.Contains(text, "?") {
		return true
	}
	words := strings.Fields(answerWords(text))
	if len(words) > 1 && (words[0] == "а" || words[0] == "и" || words[0] == "and" || words[0] == "so" || words[0] == "also") {
		words = words[1:]
	}
	return len(words) > 0 && (questionWords[words[0]] || questionLeads[words[0]] && !imperative(words))
}

// questionWords ask wherever they stand; questionLeads only first ("can
// i…", "is it…" — "this is a scam" asks nothing).
var (
	questionWords = set("how", "what", "when", "where", "why", "which", "who", "как", "что", "когда", "где",
		"почему", "зачем", "какой", "какая", "какие", "сколько", "скока", "скоко", "скок", "можно", "ли", "куда")
	questionLeads = set("can", "could", "is", "are", "do", "does", "will", "would", "should", "may", "am")
)

var negations = set("no", "not", "nothing", "nope", "never", "нет", "не", "ничего", "нету", "никак", "ни",
	// typed without the apostrophe
	"didnt", "doesnt", "dont", "cant", "wont", "isnt", "havent", "hasnt", "wasnt", "arent", "werent")

func answerWords(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "ё", "е")
	s = strings.NewReplacer("’", "'", "`", "'").Replace(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}), " ")
}

func phraseKind(s string, question bool) string {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 6 {
		return ""
	}
	// Drop politeness and the bot's name for it: "нет, спасибо" is a no.
	var core []string
	for _, w := range words {
		if !softeners[w] {
			core = append(core, w)
		}
	}
	if len(core) == 0 {
		return ""
	}
	s = strings.Join(core, " ")
	switch {
	case yesPhrases[s]:
		return "yes"
	case noPhrases[s]:
		return "no"
	}
	// "да получилось", "no still nothing": a short answer led by yes or no.
	if len(core) <= 4 && !question {
		switch {
		case leadYes[core[0]]:
			return "yes"
		case leadNo[core[0]]:
			return "no"
		}
	}
	if hasPhraseTypo(s, tried) || hasPhraseTypo(s, persisting) {
		return "no"
	}
	if len(core) == 1 && len([]rune(core[0])) >= 3 {
		for p := range yesPhrases {
			if !strings.Contains(p, " ") && len([]rune(p)) >= 3 && editDistance(core[0], p, 1) <= 1 {
				return "yes"
			}
		}
		for p := range noPhrases {
			if !strings.Contains(p, " ") && len([]rune(p)) >= 3 && editDistance(core[0], p, 1) <= 1 {
				return "no"
			}
		}
	}
	return ""
}

var softeners = set("thanks", "thank", "you", "thx", "please", "pls", "спасибо", "пожалуйста", "спс", "бот", "bot", "увы", "sorry", "извините", "well", "ну",
	"ладно")

var yesPhrases = set("yes", "y", "yeah", "yea", "yep", "yup", "ya", "sure", "ok", "okay", "k", "of course", "correct",
	"right", "it did", "yes it did", "it helped", "helped", "that helped", "that's it", "all good", "solved", "great",
	"perfect", "got it", "da", "да", "ага", "угу", "ок", "окей", "конечно", "верно", "помогло", "да помогло", "все понятно",
	"понятно", "ясно", "отлично", "супер", "да конечно", "yes yes", "да да", "решено", "разобрался", "разобралась",
	"получилось", "сработало", "вышло", "it worked", "worked", "fixed", "all set", "got in", "im in", "i'm in", "it's there",
	"its there", "arrived", "вошел", "вошла", "зашел", "зашла", "пришло", "пришли", "появился", "появилось",
	"go ahead", "do it", "please do", "давайте", "давай", "хорошо", "можно")

var leadYes = set("yes", "yeah", "yep", "yup", "да", "ага", "угу", "давайте", "давай")

var leadNo = set("no", "nope", "nah", "нет", "неа")

var noPhrases = set("no", "n", "nope", "nah", "no way", "not really", "nothing", "no luck", "negative", "no it didn't",
	"it didn't", "no it did not", "still no", "net", "нет", "не", "неа", "нету", "не совсем", "никак", "нет нет", "ничего",
	"нет ничего", "не то", "not that", "wrong", "no that's wrong", "not helpful")

// persisting are phrases that say a problem goes on ("still not", "до сих
// пор"); with the tried phrases they say the suggestion did not solve it.
var persisting = []string{
	"doesn't work", "doesnt work", "not working", "still not", "still nothing", "still no", "still doesn't",
	"still doesnt", "still can't", "still cant", "still waiting", "still pending", "still haven't", "still havent",
	"no luck", "anyway", "same problem", "не работает", "все еще", "до сих пор", "все равно", "та же проблема",
	"так и не", "не получилось", "не получается",
}

// hasPhrase reports whether the normalised words s contain one of phrases
// as whole words.
func hasPhrase(s string, phrases []string) bool {
	s = " " + s + " "
	for _, p := range phrases {
		if strings.Contains(s, " "+p+" ") {
			return true
		}
	}
	return false
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// hasPhraseTypo is hasPhrase allowing one typo in each word of four or
// more letters ("didnt hlep", "не помгло", "still not wokring").
func hasPhraseTypo(s string, phrases []string) bool {
	if hasPhrase(s, phrases) {
		return true
	}
	words := strings.Fields(s)
	for _, p := range phrases {
		pw := strings.Fields(p)
		for i := 0; i+len(pw) <= len(words); i++ {
			match := true
			for j, w := range pw {
				got := words[i+j]
				if got != w && (len([]rune(w)) < 4 || len([]rune(got)) < 4 || editDistance(got, w, 1) > 1) {
					match = false
					break
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}
