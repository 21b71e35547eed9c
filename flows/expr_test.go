package flows

import "testing"

func TestConditions(t *testing.T) {
	vars := Vars{Player: map[string]string{"verified": "true", "vip_level": "3", "name": "Ann"},
		Slots: map[string]string{"amount": "1500"}, Locale: "ru"}
	slots := map[string]bool{"amount": true}
	tests := []struct {
		src  string
		want bool
	}{
		{`player.verified == "true"`, true},
		{`player.verified != "true"`, false},
		{`player.vip_level >= 3`, true},
		{`player.vip_level > 3`, false},
		{`slots.amount >= 1000`, true},
		{`slots.amount < 1000`, false},
		{`locale == "ru"`, true},
		{`locale == "en" or player.vip_level == 3`, true},
		{`locale == "ru" and slots.amount < 100`, false},
		{`locale == "en" and slots.amount > 1 or player.name == "Ann"`, true},
		{`player.verified`, true},
		{`player.missing`, false},
		{`player.name > 3`, false}, // not numeric: ordering is false
		{`"10" == 10.0`, true},
	}
	for _, tt := range tests {
		e, err := parseExpr(tt.src, slots)
		if err != nil {
			t.Errorf("parse %q: %v", tt.src, err)
			continue
		}
		if got := e.eval(vars); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.src, got, tt.want)
		}
	}
	for _, bad := range []string{``, `player.x ==`, `slots.nope == 1`, `foo == 1`, `a === b`, `locale == "ru" and`, `player.x "y"`, `"unterminated`} {
		if _, err := parseExpr(bad, slots); err == nil {
			t.Errorf("parse %q: want an error", bad)
		}
	}
}

func TestRender(t *testing.T) {
	v := Vars{Player: map[string]string{"name": "Ann"}, Slots: map[string]string{"amount": "50"}, Locale: "en", Input: "hi"}
	got := render("Hi {{player.name}}, {{ slots.amount }} € ({{locale}}) {{player.unknown}}!", v)
	if want := "Hi Ann, 50 € (en) !"; got != want {
		t.Errorf("render = %q, want %q", got, want)
	}
}
