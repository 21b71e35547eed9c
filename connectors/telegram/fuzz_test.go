package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

// Anything a bot, an article or an operator writes renders to HTML that
// Telegram accepts, and splits into parts within its limit that keep the
// whole visible text.
func FuzzRenderSplit(f *testing.F) {
	for _, seed := range []string{
		"**bold** and _italic_ `code` [link](https://example.com)", "<script>alert(1)</script> & <b>",
		"# Heading\n\n- item\n- **item** two\n\n| a | b |\n|---|---|\n| 1 | 2 |", "[x](javascript:alert(1))",
		"**unclosed _mixed* spans`", "эмодзи 👨‍👩‍👧 и **жирный** текст", strings.Repeat("Длинное предложение. ", 400),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, md string) {
		if !utf8.ValidString(md) {
			return
		}
		html := Render(md)
		whole, err := telegramtest.Visible(html)
		if err != nil {
			t.Fatalf("Render(%q) = %q: not Telegram HTML: %v", md, html, err)
		}
		var joined []string
		for _, part := range SplitAt(html, 200) {
			v, err := telegramtest.Visible(part)
			if err != nil {
				t.Fatalf("part %q: not Telegram HTML: %v", part, err)
			}
			if n := telegramtest.UTF16Len(v); n > 200 {
				t.Fatalf("part of %d units over 200", n)
			}
			joined = append(joined, v)
		}
		// Cuts drop whitespace and a hard cut splits a word, so compare the
		// visible text without whitespace: nothing lost, nothing added.
		if withoutSpace(strings.Join(joined, "")) != withoutSpace(whole) {
			t.Fatalf("parts do not make up the text of %q", md)
		}
	})
}

func withoutSpace(s string) string { return strings.Join(strings.Fields(s), "") }

// Any webhook body either is refused or decodes; nothing panics.
func FuzzDecodeUpdate(f *testing.F) {
	for _, seed := range []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A"},"text":"hi"}}`,
		`{"update_id":2,"callback_query":{"id":"c","chat_instance":"i","data":"b:1:0","from":{"id":5,"is_bot":false,"first_name":"A"},"message":{"message_id":3,"date":1,"chat":{"id":5,"type":"private"}}}}`,
		`{"update_id":0}`, `[]`, `{"update_id":"x"}`, `{"update_id":3,"message":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := ParseUpdate(body)
		if err != nil {
			return
		}
		if u.ID <= 0 {
			t.Fatalf("accepted update id %d", u.ID)
		}
		in, err := Decode(u)
		if err == nil && in.Kind == Callback {
			ButtonKey(in.Text)
		}
	})
}
