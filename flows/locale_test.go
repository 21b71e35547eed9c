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
