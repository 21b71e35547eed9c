package flows

import "testing"

func TestCourtesyRest(t *testing.T) {
	for _, tc := range []struct {
		in, rest string
		ok       bool
	}{
		{"спасибо, а какие игры идут?", "а какие игры идут?", true},
		{"ok thanks, and how long does it take?", "and how long does it take?", true},
		{"Спасибо! Понял. А комиссия?", "А комиссия?", true},
		{"спасибо, понял", "", false},
		{"спасибо, а комиссия есть?", "а комиссия есть?", true},
		{"спасибо", "", false},
		{"как вывести деньги", "", false},
	} {
		rest, ok := courtesyRest(tc.in)
		if rest != tc.rest || ok != tc.ok {
			t.Errorf("courtesyRest(%q) = %q, %v; want %q, %v", tc.in, rest, ok, tc.rest, tc.ok)
		}
	}
}

func TestSmallTalkFlow(t *testing.T) {
	b, err := ParseBundle(fixture(), "h")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"deposit": false, "human": false} {
		if f, ok := b.Flows[name]; ok && f.smallTalk() != want {
			t.Errorf("flow %s smallTalk = %v, want %v", name, f.smallTalk(), want)
		}
	}
	chat := &Flow{Steps: []*Step{{Kind: KindSay}, {Kind: KindEnd}}}
	if !chat.smallTalk() {
		t.Error("a flow that only says is small talk")
	}
}
