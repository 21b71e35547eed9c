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

// TestTitleShares: a meaningful word of the message in the title counts;
// a stop word ("with", "does") does not.
func TestTitleShares(t *testing.T) {
	a := Article{ID: "deposit-crypto", Locale: LocaleEN, Title: "Depositing with crypto", Tags: []string{"bitcoin"}, Body: "Send BTC."}
	ix, err := Open("", "v1", []Article{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for text, want := range map[string]bool{
		"and with crypto?":           true,
		"what about with card then?": false, // "with" is a stop word
		"does it take bitcoin":       false, // a tag, not the title
		"can i deposit":              true,
	} {
		if got := ix.TitleShares(LocaleEN, a.ID, text); got != want {
			t.Errorf("TitleShares(%q) = %v, want %v", text, got, want)
		}
	}
	if ix.TitleShares(LocaleEN, "nope", "crypto") {
		t.Error("an unknown article shares a word")
	}
}
