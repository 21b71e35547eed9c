package flows

import (
	"strings"
	"testing"
)

func TestMatchOptionWords(t *testing.T) {
	st := &Step{Options: []Option{
		{Label: Text{"en": "Card", "ru": "Карта"}, Value: "card", Words: []string{"visa", "карт", "виз"}},
		{Label: Text{"en": "E-wallet", "ru": "Электронный кошелёк"}, Value: "ewallet", Words: []string{"skrill", "кошел"}},
		{Label: Text{"en": "Bank transfer", "ru": "Банковский перевод"}, Value: "bank", Words: []string{"bank", "перевод"}},
	}}
	for _, tc := range []struct{ in, want string }{
		{"визой", "card"}, {"картой", "card"}, {"via Skrill", "ewallet"}, {"с кошелька", "ewallet"},
		{"Карта", "card"}, {"2", "ewallet"},
		{"перевод с карты", ""},                           // names two options
		{"i paid with visa last night around ten pm", ""}, // not a short reply
		{"не помню", ""},
	} {
		o, ok := matchOption(st, tc.in)
		if got := map[bool]string{true: o.Value}[ok]; got != tc.want {
			t.Errorf("matchOption(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOptionWordsValidated(t *testing.T) {
	deposit := string(fixture()["flows/deposit.yaml"])
	i := strings.Index(deposit, "          goto: done")
	if i < 0 {
		t.Fatal("fixture changed: no option with goto: done")
	}
	bad := deposit[:i] + "          words: [visa, \"two words\"]\n" + deposit[i:]
	_, err := ParseBundle(withFile(fixture(), "flows/deposit.yaml", bad), "h")
	if err == nil || !strings.Contains(err.Error(), `option words: "two words" is not one word`) {
		t.Errorf("got %v", err)
	}
}

func TestOfferOnUnsolved(t *testing.T) {
	f := &Flow{Name: "x", Steps: []*Step{
		{ID: "offer", Kind: KindChoice, Options: []Option{
			{Value: "human", Means: "yes", Goto: "human"},
			{Value: "no", Means: "no", Goto: "done"},
		}},
		{ID: "human", Kind: KindHandoff},
		{ID: "done", Kind: KindEnd},
		{ID: "more", Kind: KindSay},
	}}
	f.byID = map[string]int{}
	for i, st := range f.Steps {
		f.byID[st.ID] = i
	}
	st := f.Steps[0]
	if o, ok := offerOnUnsolved(f, st, st.Options[1]); !ok || o.Value != "human" {
		t.Errorf("offer: %v %v", o, ok)
	}
	st.Options[1].Goto = "more" // a no that goes on is left alone
	if _, ok := offerOnUnsolved(f, st, st.Options[1]); ok {
		t.Error("a no that does not end the flow was replaced")
	}
}
