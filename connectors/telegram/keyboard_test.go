package telegram

import (
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

func TestNewKeyboard(t *testing.T) {
	long := strings.Repeat("я", 40) // 80 bytes
	kb := NewKeyboard(42, []Button{
		{Label: "Вывод", Payload: "withdrawal"},
		{Label: "Да"},
		{Label: "Long", Payload: long},
		{Label: "Tricky", Payload: "b:1:2"},
		{Label: "Exactly 64", Payload: strings.Repeat("x", 64)},
	})
	want := []string{"withdrawal", "Да", "b:42:2", "b:42:3", strings.Repeat("x", 64)}
	if len(kb) != len(want) {
		t.Fatalf("%d rows, want %d", len(kb), len(want))
	}
	for i, w := range want {
		if got := kb[i][0].Data; got != w {
			t.Errorf("button %d data %q, want %q", i, got, w)
		}
		if len(kb[i][0].Data) > MaxCallbackData {
			t.Errorf("button %d data over 64 bytes", i)
		}
	}
	for _, i := range []int{2, 3} {
		msg, idx, ok := ButtonKey(kb[i][0].Data)
		if !ok || msg != 42 || idx != i {
			t.Errorf("ButtonKey(%q) = %d, %d, %v", kb[i][0].Data, msg, idx, ok)
		}
	}
	for _, data := range []string{"withdrawal", "b:", "b:x:1", "b:1:-1", "b:1"} {
		if _, _, ok := ButtonKey(data); ok {
			t.Errorf("ButtonKey(%q) parsed", data)
		}
	}
	if NewKeyboard(1, nil) != nil {
		t.Error("no buttons, yet a keyboard")
	}
}

// Telegram accepts the keyboard NewKeyboard makes, whatever the payloads.
func TestKeyboardAccepted(t *testing.T) {
	srv := telegramtest.New(t)
	c := newClient(t, srv, Options{})
	kb := NewKeyboard(9, []Button{{Label: "A", Payload: strings.Repeat("😀", 30)}, {Label: "B", Payload: "ok"}})
	if _, err := c.SendText(testContext(t), 3, "Выберите", kb); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages(3)[0].Keyboard
	if len(got) != 2 || got[0][0].Data != "b:9:0" || got[1][0].Data != "ok" {
		t.Fatalf("keyboard = %+v", got)
	}
}
