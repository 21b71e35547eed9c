package flows

import "testing"

func TestAnswerKind(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"yes", "yes"}, {"Yep!", "yes"}, {"ok thanks", "yes"}, {"да", "yes"}, {"Ага", "yes"}, {"конечно", "yes"},
		{"lf", "yes"}, {"yse", "yes"}, {"да, спасибо", "yes"}, {"да получилось", "yes"}, {"it worked", "yes"},
		{"нет не пришли", "no"}, {"no still nothing", "no"}, {"да а как вывести?", ""},
		{"no", "no"}, {"nah", "no"}, {"нет", "no"}, {"не", "no"}, {"неа", "no"}, {"ytn", "no"}, {"Нет.", "no"},
		{"не помогло", "no"}, {"didn't help", "no"}, {"nope, still nothing", "no"}, {"нет спасибо", "no"},
		{"didnt hlep", "no"}, {"не помгло", "no"}, {"still not wokring", "no"}, {"все равно не работет", "no"},
		{"how do i deposit", ""}, {"no deposit bonus codes?", ""}, {"да как вывести деньги на карту", ""}, {"", ""},
		{"ладно, давайте закрывайте", "yes"}, {"давай", "yes"}, {"go ahead", "yes"}, {"ладно, нет", "no"}, {"ладно", ""},
	} {
		if got := answerKind(tt.in); got != tt.want {
			t.Errorf("answerKind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSaysNotSolved(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"i already reset my password twice and still cant log in", true},
		{"уже пробовал, не работает", true},
		{"still nothing on my balance", true},
		{"до сих пор не пришли", true},
		{"tried evrything, doesnt work", true},
		{"how long does a withdrawal take", false},
		{"anyway how long does a bank transfer take", false},
		{"still locked out anyway", true},
		{"wtf this is the 3rd time im writing!!!", true},
		{"блин, третий раз пишу", true},
		{"сколько можно вывести в сутки", false},
		{"can i get the bonus a second time", false},
		{"how many times do i wager the bonus", false},
		{"how many free spins do i get", false},
		{"как сбросить пароль", false},
	} {
		if got := saysNotSolved(tt.in, answerKind(tt.in)); got != tt.want {
			t.Errorf("saysNotSolved(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"yes", "yes", 0}, {"yse", "yes", 1}, {"акаунт", "аккаунт", 1}, {"kitten", "sitting", 3},
		{"мой акаунт заблокирован", "мой аккаунт заблокирован", 1}, {"", "abc", 3}, {"abcdef", "x", 4},
	} {
		if got := editDistance(tt.a, tt.b, 3); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestAsks: asksDirectly (the message is itself a question) and
// asksQuestion (it asks somewhere: a question mark, a question word, a
// question lead opening any sentence or clause).
func TestAsks(t *testing.T) {
	for _, tt := range []struct {
		in             string
		directly, asks bool
	}{
		{"а сколько вообще идет пополнение картой?", true, true}, {"how long does it take", true, true},
		{"and the fees", false, false}, {"can i pay by card", true, true}, {"сколько ждать", true, true},
		{"not sure what you mean by that", false, true}, // "what" asks somewhere, not directly
		{"lol ok. are your slots rigged then", false, true}, {"fine, can i withdraw now", false, true},
		{"ладно. можно вывести на карту", false, true}, {"your slots are rigged, i lost everything", false, false},
		{"ok thanks", false, false},
		{"yes, do it", false, false}, {"yes, do it please", false, false}, {"do that", false, false}, {"do you take skrill", true, true}, {"fine, do it?", true, true},
	} {
		if got := asksDirectly(tt.in); got != tt.directly {
			t.Errorf("asksDirectly(%q) = %v, want %v", tt.in, got, tt.directly)
		}
		if got := asksQuestion(tt.in); got != tt.asks {
			t.Errorf("asksQuestion(%q) = %v, want %v", tt.in, got, tt.asks)
		}
	}
}

func TestAnswerReadingLayout(t *testing.T) {
	for _, tt := range []struct{ in, kind, reading string }{
		{"yt gjvjukj", "no", "не помогло"},
		{"dct hfdyj yt hf,jnftn", "no", "все равно не работает"},
		{"ne pomoglo", "no", "не помогло"},
		{"vse ravno ne rabotaet", "no", "все равно не работает"},
		{"нет", "no", "нет"},
		{"didn't help", "no", "didn't help"},
		{"how do i deposit", "", "how do i deposit"},
	} {
		if k, r := answerReading(tt.in); k != tt.kind || r != tt.reading {
			t.Errorf("answerReading(%q) = %q, %q; want %q, %q", tt.in, k, r, tt.kind, tt.reading)
		}
	}
}

func TestMentionsPerson(t *testing.T) {
	for in, want := range map[string]bool{
		"уже раз 6 запрашивал, можно чтоб оператор подтвердил вручную?": true,
		"it just says contact support. talk to a persn":                 true,
		"не помогло":                        false,
		"nope, still nothing on my balance": false,
		"дайте живого человека":             true,
	} {
		if got := mentionsPerson(in); got != want {
			t.Errorf("mentionsPerson(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestPersists: a reply that says the problem goes on takes the offer of a
// specialist; one that opens with a no or a decline does not.
func TestPersists(t *testing.T) {
	for text, want := range map[string]bool{
		"i still cant register": true,
		"все равно не получается зарегаться": true,
		"still not working":                  true,
		"not now, i will sort it out anyway": false,
		"no, still nothing":                  false,
		"не надо, все равно уже":             false,
		"anyway thanks":                      false,
		"how do i deposit":                   false,
	} {
		if got := persists(text); got != want {
			t.Errorf("persists(%q) = %v, want %v", text, got, want)
		}
	}
}
