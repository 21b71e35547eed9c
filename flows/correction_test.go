package flows

import "testing"

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
	} {
		got, ok := corrected(tt.text, tt.last)
		if got != tt.want || ok != tt.ok {
			t.Errorf("corrected(%q, %q) = %q, %v; want %q, %v", tt.text, tt.last, got, ok, tt.want, tt.ok)
		}
	}
}
