package kb

import "testing"

// TestNames: a message names nothing new when all its terms are words of
// the article's title or tags, up to an ending.
func TestNames(t *testing.T) {
	a := Article{ID: "email-in-use", Locale: LocaleRU, Title: "При регистрации пишет «E-mail уже используется»",
		Tags: []string{"регистрация", "почта уже используется"}, Body: "Восстановите пароль."}
	ix, err := Open("", "v1", []Article{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for text, want := range map[string]bool{
		"но я у вас не регистрировался": true,
		"почта используется":            true,
		"а смс с кодом не приходит":     false, // names the SMS code
		"ну и": false, // no terms at all
		"не приходит письмо на почту": false,
	} {
		if got := ix.Names(LocaleRU, a.ID, text); got != want {
			t.Errorf("Names(%q) = %v, want %v", text, got, want)
		}
	}
	if ix.Names(LocaleRU, "nope", "регистрация") {
		t.Error("an unknown article names something")
	}
}
