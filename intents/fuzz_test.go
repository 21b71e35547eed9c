package intents

import (
	"sync"
	"testing"
	"unicode/utf8"
)

var (
	fuzzModelOnce sync.Once
	fuzzModel     *Model
	fuzzModelErr  error
)

// Whatever a player types, classification (with its keyboard-layout repair
// and transliteration) answers with a known intent or out of scope, a
// confidence in [0, 1] and valid text; nothing panics.
func FuzzClassify(f *testing.F) {
	for _, seed := range []string{"how do i deposit", "rfr dsdtcnb ltymub", "kak vyvesti dengi", "ЗАБЫЛ ПАРОЛЬ!!!",
		"", "\x00", "😀😀😀", "a\u0301\u0301\u0301", "4111 1111 1111 1111", string([]byte{0xff, 0xfe})} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fuzzModelOnce.Do(func() {
			var ex []Example
			for intent, phrases := range map[string][]string{
				"deposit":  {"how do i deposit", "top up my account", "как пополнить счёт", "пополнение картой"},
				"withdraw": {"how do i withdraw", "cash out winnings", "как вывести деньги", "вывод на карту"},
				"password": {"forgot my password", "reset password", "забыл пароль", "сбросить пароль"},
			} {
				for _, p := range phrases {
					ex = append(ex, Example{Text: p, Intent: intent})
				}
			}
			fuzzModel, fuzzModelErr = Train(ex, Options{})
		})
		if fuzzModelErr != nil {
			t.Fatal(fuzzModelErr)
		}
		if !utf8.ValidString(text) {
			return // refused at intake (conversation.ValidateText)
		}
		r := fuzzModel.Classify(text)
		if r.Confidence < 0 || r.Confidence > 1 || r.Confidence != r.Confidence {
			t.Fatalf("confidence %v for %q", r.Confidence, text)
		}
		if !r.OutOfScope && r.Intent != "deposit" && r.Intent != "withdraw" && r.Intent != "password" {
			t.Fatalf("unknown intent %q for %q", r.Intent, text)
		}
		if !utf8.ValidString(r.Text) {
			t.Fatalf("repaired text %q is not UTF-8", r.Text)
		}
	})
}
