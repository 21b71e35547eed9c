package redact

import "testing"

func TestCards(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"my card 4111 1111 1111 1111 please", "my card **** **** **** 1111 please"},
		{"4111-1111-1111-1111 12/26 123", "****-****-****-1111 12/26 ***"},
		{"карта 5555555555554444 срок 11/27 код 321", "карта ************4444 срок 11/27 код ***"},
		{"card 4111111111111111 cvv: 987", "card ************1111 cvv: ***"},
		{"4000 0000 0000 0002 exp 01/29 cvc 4321 thanks", "**** **** **** 0002 exp 01/29 cvc **** thanks"},
		{"два номера 4111111111111111 и 5555 5555 5555 4444", "два номера ************1111 и **** **** **** 4444"},
		{"4111111111111111 5555555555554444", "************1111 ************4444"},
		{"order 12 4111 1111 1111 1111", "order 12 **** **** **** 1111"},
	} {
		got, ok := Cards(c.in)
		if !ok || got != c.want {
			t.Errorf("Cards(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	// Not card numbers: fail Luhn, too short, a phone, an amount, an id.
	for _, in := range []string{
		"order 1234567890123456 failed", "call +7 916 123 45 67", "deposit 1500 rub, code 123",
		"my id 123456789", "transaction 2026-12-06 12345",
	} {
		if got, ok := Cards(in); ok || got != in {
			t.Errorf("Cards(%q) = %q, %v; want it untouched", in, got, ok)
		}
	}
}
