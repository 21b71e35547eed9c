package redact

import "testing"

func TestContacts(t *testing.T) {
	for in, want := range map[string]string{
		"write to anna.petrova@mail.ru please": "write to a***@mail.ru please",
		"мой номер +7 (916) 123-45-67":         "мой номер +* (***) ***-**-67",
		"call 8 800 555 35 35 or ANNA@x.io":    "call * *** *** ** 35 or A***@x.io",
	} {
		got, ok := Contacts(in)
		if !ok || got != want {
			t.Errorf("Contacts(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"deposit 1500 rub", "order 2026-12-06", "id 123456", "version 1.2.3"} {
		if got, ok := Contacts(in); ok || got != in {
			t.Errorf("Contacts(%q) = %q; want it untouched", in, got)
		}
	}
}
