package kb

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRenderPlain(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"paragraphs join soft breaks", "One line\nand the next.\n\n\nSecond paragraph.", "One line and the next.\n\nSecond paragraph."},
		{"hard breaks stay", "Line one  \nLine two\\\nLine three", "Line one\nLine two\nLine three"},
		{"headings", "# Title\n\nText.\n\n## Section ##\nMore.", "Title\n\nText.\n\nSection\n\nMore."},
		{"setext heading", "Title\n=====\n\nText.", "Title\n\nText."},
		{"emphasis", "**Bold**, *italic*, __strong__, _em_ and ~~gone~~.", "Bold, italic, strong, em and gone."},
		{"nested emphasis", "***very*** and **bold *inner* text**", "very and bold inner text"},
		{"not emphasis", "2 * 3 = 6, snake_case_name, 5*", "2 * 3 = 6, snake_case_name, 5*"},
		{"code span", "Type `**not bold**` here and ``a ` b``.", "Type **not bold** here and a ` b."},
		{"escapes", `\*not italic\*, 1\. item, a\_b`, "*not italic*, 1. item, a_b"},
		{"bullets", "Methods:\n- Visa\n* Skrill\n+ Crypto", "Methods:\n\n• Visa\n• Skrill\n• Crypto"},
		{"ordered", "1. Open Cashier.\n2) Pay.\n10. Done.", "1. Open Cashier.\n2) Pay.\n10. Done."},
		{"nested list", "- Cards\n  - Visa\n  - Mastercard\n- Crypto\n    1. BTC", "• Cards\n  • Visa\n  • Mastercard\n• Crypto\n  1. BTC"},
		{"loose list and continuation", "- First item\n  continues here.\n\n- Second item\n\nAfter.", "• First item continues here.\n• Second item\n\nAfter."},
		{"links", "See [the cashier](/cashier), [our site](https://northwind.example/help), [https://northwind.example](https://northwind.example) and [mail us](mailto:support@northwind.example).",
			"See the cashier, our site (https://northwind.example/help), https://northwind.example and mail us (support@northwind.example)."},
		{"link with title", `[Help](https://northwind.example/help "Help centre")`, "Help (https://northwind.example/help)"},
		{"autolinks", "Write to <support@northwind.example> or <https://northwind.example>.", "Write to support@northwind.example or https://northwind.example."},
		{"image", "![Cashier screen](cashier.png) Open it.", "Cashier screen Open it."},
		{"html", "Press <b>Save</b><br>then <!-- note -->wait &amp; see &gt; 5.", "Press Save\nthen wait & see > 5."},
		{"not html", "Limits: 1 < 2 and a <= b.", "Limits: 1 < 2 and a <= b."},
		{"quote", "> Support never asks\n> for your password.", "Support never asks for your password."},
		{"rules", "Above\n\n---\n\n* * *\nBelow", "Above\n\nBelow"},
		{"fenced code", "Run:\n```sh\nswitchboard serve\n  --dev\n```\nDone.", "Run:\n\nswitchboard serve\n  --dev\n\nDone."},
		{"table", "| Method | Time |\n|---|:--:|\n| **Cards** | 1–3 days |\n| Crypto | 1 hour |\n\nAfter.", "Method — Time\nCards — 1–3 days\nCrypto — 1 hour\n\nAfter."},
		{"crlf", "# Title\r\n\r\n- a\r\n- b\r\n", "Title\n\n• a\n• b"},
		{"unicode", "Пополнение **счёта** — _мгновенно_.", "Пополнение счёта — мгновенно."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RenderPlain(tt.in); got != tt.want {
				t.Errorf("RenderPlain(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("word ", 60) + "end."
	tests := []struct {
		name, in, want string
	}{
		{"first sentences that fit", "First sentence. Second one! " + strings.Repeat("Third is long ", 15) + "end.", "First sentence. Second one!"},
		{"heading skipped, stops at next", "# Title\n\nIntro text.\n\n## Next\nMore text.", "Intro text."},
		{"list items", "Methods:\n- Visa\n- Skrill", "Methods: Visa. Skrill."},
		{"abbreviation is not a sentence end", "Use e.g. a card. Then wait.", "Use e.g. a card. Then wait."},
		{"markup removed", "Open **Cashier → Deposit** and [pay](https://x.example).", "Open Cashier → Deposit and pay (https://x.example)."},
		{"long sentence cut on a word", long, strings.TrimSpace(strings.Repeat("word ", 39)) + "…"},
		{"only a heading", "# Title", ""},
		{"code only", "```\ncode\n```", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := snippet(tt.in, SnippetLength)
			if got != tt.want {
				t.Errorf("snippet(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > SnippetLength {
				t.Errorf("snippet has %d runes, want at most %d", n, SnippetLength)
			}
		})
	}
}

func TestCutWords(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"пополнение баланса картой", 20, "пополнение баланса…"},
		{"one two, three", 10, "one two…"},
		{"averyveryverylongword", 10, "averyvery…"},
	}
	for _, tt := range tests {
		if got := cutWords(tt.in, tt.max); got != tt.want || utf8.RuneCountInString(got) > tt.max {
			t.Errorf("cutWords(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func FuzzRenderPlain(f *testing.F) {
	for _, s := range []string{"# T\n\n- a\n  - b\n1. c", "**a *b* c**", "[x](y \"t\") <a@b.c> <br/>", "| a | b |\n|---|---|\n| c | d |", "```\ncode", "> q\n>", "\\", "`", "![", "<!--", "_a_b_", "~~x~~", "\v> quote after a vertical tab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := RenderPlain(md)
		if utf8.ValidString(md) && !utf8.ValidString(out) {
			t.Errorf("RenderPlain(%q) = %q: invalid UTF-8", md, out)
		}
		if s := snippet(md, SnippetLength); utf8.RuneCountInString(s) > SnippetLength {
			t.Errorf("snippet(%q) = %q: longer than %d", md, s, SnippetLength)
		}
	})
}
