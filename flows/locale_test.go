package flows

import "testing"

func TestPartlyTransliterated(t *testing.T) {
	for _, c := range []struct {
		typed, read string
		want        bool
	}{
		{"vy bot?", "вы bot?", true},
		{"zabyl parol", "забыл парол", true},
		{"my vyvod is pending", "my вывод is pending", false},
		{"are you a bot?", "are you a bot?", false},
		{"ghbdtn", "привет", true},
		{"привет", "привет", false},
	} {
		if got := partlyTransliterated(c.typed, c.read); got != c.want {
			t.Errorf("partlyTransliterated(%q, %q) = %v, want %v", c.typed, c.read, got, c.want)
		}
	}
}

// TestWithoutLanguageRequest: the part of a message that only asks for a
// language is not searched for; a part that asks more is.
func TestWithoutLanguageRequest(t *testing.T) {
	for text, want := range map[string]string{
		"sorry can we do english, my friend is helping me. is there an android apk?": "my friend is helping me. is there an android apk?",
		"а можно по-русски? куда делись деньги":                                      "куда делись деньги",
		"can i pay in russian rubles, what cards":                                    "can i pay in russian rubles, what cards",
		"можно на русском?":                                                          "можно на русском?",
		"how do i withdraw":                                                          "how do i withdraw",
	} {
		if got := withoutLanguageRequest(text); got != want {
			t.Errorf("withoutLanguageRequest(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestLastQuestion: the question that ends a message of several sentences.
func TestLastQuestion(t *testing.T) {
	for text, want := range map[string]string{
		"my son is reading. is there an apk for android?": "is there an apk for android?",
		"сын читает. а где скачать приложение?":           "а где скачать приложение?",
		"my withdrawal got rejected why??":                "",
		"ok. thanks":                                      "",
		"how do i withdraw":                               "",
	} {
		got, ok := lastQuestion(text)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("lastQuestion(%q) = %q, want %q", text, got, want)
		}
	}
}
