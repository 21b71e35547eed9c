package flows

import (
	"testing"
	"unicode/utf8"
)

func TestCorrected(t *testing.T) {
	for _, tt := range []struct {
		text, last, want string
		ok               bool
	}{
		{"sorry i meant withdrawal not deposit", "whats the minimum deposit", "whats the minimum withdrawal", true},
		{"i meant withdrawal, not a deposit", "min deposit?", "min withdrawal?", true},
		{"я имел в виду вывод, а не депозит", "какой минимальный депозит", "какой минимальный вывод", true},
		{"не депозит, а вывод", "комиссия за депозит есть?", "комиссия за вывод есть?", true},
		{"sorry i meant how long does a withdrawal take", "how do i deposit", "how long does a withdrawal take", true},
		{"i meant withdrawal", "whats the minimum deposit", "", false}, // what was written is not named
		{"not now, thanks", "whats the minimum deposit", "", false},
		{"не работает, а что мне делать теперь", "как вывести деньги", "", false},
		{"i meant withdrawal not deposit", "", "", false},
		{"sorry i meant cashback not free spins. when does it come?", "how do i use my free spins", "how do i use my cashback when does it come?", true},
		{"я имел в виду вывод, а не депозит. сколько он идет?", "комиссия за депозит", "комиссия за вывод сколько он идет?", true},
		{"ok. i meant nothing by it", "how do i deposit", "", false},
		{"sorry. i meant cashback not free spins. when does it come?", "how do i use my free spins", "how do i use my cashback when does it come?", true},
		{"i meant withdrawal not deposit", "ȺȺȺȺȺȺȺȺ deposit", "ȺȺȺȺȺȺȺȺ withdrawal", true}, // lower case is longer in UTF-8
		{"i meant withdrawal not DEPOSIT", "Min Deposit?", "Min withdrawal?", true},
	} {
		got, ok := corrected(tt.text, tt.last)
		if got != tt.want || ok != tt.ok {
			t.Errorf("corrected(%q, %q) = %q, %v; want %q, %v", tt.text, tt.last, got, ok, tt.want, tt.ok)
		}
	}
}

// Any correction of any last question is read without panicking, and the
// result is valid UTF-8 when both are.
func FuzzCorrected(f *testing.F) {
	f.Add("sorry i meant withdrawal not deposit", "whats the minimum deposit")
	f.Add("i meant withdrawal not deposit", "ȺȺȺȺ deposit")
	f.Add("не депозит, а вывод", "комиссия за депозит есть?")
	f.Add("sorry. i meant cashback not free spins. when?", "İstanbul free spins")
	f.Fuzz(func(t *testing.T, text, last string) {
		got, ok := corrected(text, last)
		if ok && utf8.ValidString(text) && utf8.ValidString(last) && !utf8.ValidString(got) {
			t.Fatalf("corrected(%q, %q) = %q: invalid UTF-8", text, last, got)
		}
	})
}
