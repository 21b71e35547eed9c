package telegram

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// MaxCallbackData is Telegram's limit on a button's callback_data, in bytes.
const MaxCallbackData = 64

// Button is a quick reply: Label is shown, Payload comes back when pressed
// (Label when empty), as chat.Button.
type Button struct {
	Label   string
	Payload string
}

// Key is one inline-keyboard button as sent: its text and callback_data.
type Key struct {
	Text string
	Data string
}

// Keyboard is an inline keyboard, one row per slice. Nil sends none.
type Keyboard [][]Key

// NewKeyboard lays out a stored message's buttons, one per row. A payload of
// at most 64 bytes that does not start with "b:" travels as it is; any other
// becomes the key "b:<messageID>:<i>" (i is the button's index in buttons),
// which ButtonKey parses so the caller reads the payload back from the stored
// message. The key is deterministic, so a resent keyboard is identical.
func NewKeyboard(messageID int64, buttons []Button) Keyboard {
	if len(buttons) == 0 {
		return nil
	}
	kb := make(Keyboard, 0, len(buttons))
	for i, b := range buttons {
		data := b.Payload
		if data == "" {
			data = b.Label
		}
		if len(data) > MaxCallbackData || strings.HasPrefix(data, "b:") || data == "" {
			data = fmt.Sprintf("b:%d:%d", messageID, i)
		}
		kb = append(kb, []Key{{Text: b.Label, Data: data}})
	}
	return kb
}

// ButtonKey parses a callback_data made by NewKeyboard's "b:<messageID>:<i>"
// scheme; ok is false for a payload that travelled as it is.
func ButtonKey(data string) (messageID int64, index int, ok bool) {
	rest, found := strings.CutPrefix(data, "b:")
	if !found {
		return 0, 0, false
	}
	msg, idx, found := strings.Cut(rest, ":")
	if !found {
		return 0, 0, false
	}
	id, err1 := strconv.ParseInt(msg, 10, 64)
	i, err2 := strconv.Atoi(idx)
	if err1 != nil || err2 != nil || i < 0 {
		return 0, 0, false
	}
	return id, i, true
}

// markup is the library's form of kb; nil for no keyboard.
func (kb Keyboard) markup() models.ReplyMarkup {
	if len(kb) == 0 {
		return nil
	}
	rows := make([][]models.InlineKeyboardButton, 0, len(kb))
	for _, row := range kb {
		r := make([]models.InlineKeyboardButton, 0, len(row))
		for _, k := range row {
			r = append(r, models.InlineKeyboardButton{Text: k.Text, CallbackData: k.Data})
		}
		rows = append(rows, r)
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}
