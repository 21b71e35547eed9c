package intents

import (
	"os"
	"testing"
)

func contentModel(t *testing.T) *Model {
	t.Helper()
	var train []Example
	for _, loc := range []string{"en", "ru"} {
		data, err := os.ReadFile("../content/intents/" + loc + ".yaml")
		if err != nil {
			t.Skipf("content not found: %v", err)
		}
		ex, err := ParseYAML(loc+".yaml", data)
		if err != nil {
			t.Fatalf("ParseYAML: %v", err)
		}
		train = append(train, ex...)
	}
	m, err := Train(train, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRepairTranslitAndLayout: Russian typed in Latin letters and words
// typed on the wrong layout, short ones too, are read as meant.
func TestRepairTranslitAndLayout(t *testing.T) {
	m := contentModel(t)
	for _, tc := range []struct{ in, want string }{
		{"kak vyvesti dengi na kartu", "как вывести деньги на карту"},
		{"zabyl parol", "забыл парол"}, // a form seen in training; its stem is пароль's
		{"ne prihodit kod", "не приходит код"},
		{"privet kak sdelat depozit cherez kriptu", "привет как сделать депозит через крипту"},
		{"kak otygrat bonus", "как отыграть бонус"}, // a dropped final soft sign; "bonus" follows the others
		{"kak popolnit schet", "как пополнить счет"},
		{"рщц ещ цшервкфц", "how to withdraw"},
		{"ytn", "нет"},
		{"how do i withdraw", "how do i withdraw"},
		{"i forgot my password", "i forgot my password"},
		{"mozhno pomenyat valyutu na dollary?", "можно поменять валюту на доллары?"}, // an unknown word is kept, transliterated
		{"a eshe ne prishli", "а еще не пришли"},                                     // sh for щ, as players type it
		{"k ty", "k ty"}, // a letter alone is a word in both languages
		{"u menya ne prihodit kod", "у меня не приходит код"}, // ... and follows the message
		{"a ego mozhno otmenit?", "а его можно отменить"},
		{"bruh. fine thx", "bruh. fine thx"}, // "икгр" is only a typo away from a known word
	} {
		got := m.lex.repairLayout(tc.in)
		if got != tc.want {
			t.Errorf("repair(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
