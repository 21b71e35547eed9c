package telegram

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

// checkParts checks each part is HTML Telegram accepts, within limit in
// UTF-16 units, and that together they show the whole text.
func checkParts(t *testing.T, html string, parts []string, limit int) {
	t.Helper()
	whole, err := telegramtest.Visible(html)
	if err != nil {
		t.Fatalf("input: %v", err)
	}
	var joined []string
	for i, p := range parts {
		if !utf8.ValidString(p) {
			t.Fatalf("part %d is not valid UTF-8 (a cut inside a character)", i)
		}
		v, err := telegramtest.Visible(p)
		if err != nil {
			t.Fatalf("part %d: Telegram would refuse it: %v\n%s", i, err, p)
		}
		if n := telegramtest.UTF16Len(v); n > limit {
			t.Fatalf("part %d: %d UTF-16 units > %d", i, n, limit)
		}
		if n := VisibleUnits(p); n != telegramtest.UTF16Len(v) {
			t.Fatalf("part %d: VisibleUnits = %d, Telegram counts %d", i, n, telegramtest.UTF16Len(v))
		}
		if strings.TrimSpace(v) == "" {
			t.Fatalf("part %d is empty", i)
		}
		joined = append(joined, v)
	}
	if got, want := strings.Join(strings.Fields(strings.Join(joined, "")), ""), strings.Join(strings.Fields(whole), ""); got != want {
		t.Fatalf("the parts do not show the whole text (%d vs %d bytes)", len(got), len(want))
	}
}

func TestSplitRussianArticle(t *testing.T) {
	var md strings.Builder
	for md.Len() < 40000 { // bytes: Cyrillic is 2 bytes a character
		for _, a := range articles(t, "ru") {
			md.WriteString(a.body + "\n\n")
		}
	}
	html := Render(md.String())
	units := VisibleUnits(html)
	if units < 10000 {
		t.Fatalf("article has %d units, want ≥ 10,000", units)
	}
	parts := Split(html)
	checkParts(t, html, parts, SplitUnits)
	if want := (units + SplitUnits - 1) / SplitUnits; len(parts) < want || len(parts) > want+2 {
		t.Errorf("%d parts for %d units; want about %d", len(parts), units, want)
	}
	// Lines abound: every cut lands on a line or paragraph break.
	whole, _ := telegramtest.Visible(html)
	rest := whole
	for i, p := range parts {
		v, _ := telegramtest.Visible(p)
		if !strings.HasPrefix(rest, v) {
			t.Fatalf("part %d is not where the text continues", i)
		}
		rest = rest[len(v):]
		if i < len(parts)-1 && !strings.HasPrefix(rest, "\n") {
			t.Errorf("part %d ends mid-line: …%q / %q…", i, v[max(0, len(v)-40):], rest[:min(40, len(rest))])
		}
		if i < len(parts)-1 && VisibleUnits(p) < SplitUnits/2 {
			t.Errorf("part %d is only %d units", i, VisibleUnits(p))
		}
		rest = strings.TrimLeft(rest, " \n")
	}
}

func TestSplitShortTextIsWhole(t *testing.T) {
	if got := Split("<b>Привет</b> 👋"); len(got) != 1 || got[0] != "<b>Привет</b> 👋" {
		t.Fatalf("Split = %q", got)
	}
	if got := Split("  \n "); got != nil {
		t.Fatalf("Split(blank) = %q, want none", got)
	}
}

func TestSplitEmoji(t *testing.T) {
	// 3,000 emoji are 6,000 UTF-16 units (3,000 characters): Telegram needs two
	// messages though the text has fewer than 4,096 characters.
	html := strings.Repeat("😀", 3000)
	parts := Split(html)
	checkParts(t, html, parts, SplitUnits)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	// Joined emoji (family, skin tones, flags with variation selectors) stay whole.
	family := "👨\u200d👩\u200d👧" + "👍🏽" + "❤️"
	html = strings.Repeat(family, 400)
	parts = SplitAt(html, 101)
	checkParts(t, html, parts, 101)
	for i, p := range parts {
		if r, _ := utf8.DecodeRuneInString(p); r == 0x200D || r == 0xFE0F || r >= 0x1F3FB && r <= 0x1F3FF {
			t.Fatalf("part %d starts with a joiner or modifier: %q", i, p[:8])
		}
	}
}

func TestSplitPrefersBoundaries(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"paragraph", "Первый абзац. Ещё.\n\nВторой абзац тут.", 30, []string{"Первый абзац. Ещё.", "Второй абзац тут."}},
		{"line", "• пункт один\n• пункт два\n• три", 25, []string{"• пункт один\n• пункт два", "• три"}},
		{"sentence", "Раз два три. Четыре пять шесть. Семь.", 33, []string{"Раз два три. Четыре пять шесть.", "Семь."}},
		{"word", "один два три четыре пять", 15, []string{"один два три", "четыре пять"}},
		{"outside a span first", "<b>aaa bbb. ccc ddd</b> eee", 10, []string{"<b>aaa bbb.</b>", "<b>ccc ddd</b>", "eee"}},
		{"span reopened with its href", `<a href="https://a.example/?x=1&amp;y=2">one two three four</a>`, 9, []string{
			`<a href="https://a.example/?x=1&amp;y=2">one two</a>`, `<a href="https://a.example/?x=1&amp;y=2">three</a>`, `<a href="https://a.example/?x=1&amp;y=2">four</a>`}},
		{"entity never cut", "&lt;&lt;&lt;&lt;&lt;&lt;", 4, []string{"&lt;&lt;&lt;&lt;", "&lt;&lt;"}},
		{"hard cut in a long word", "ааааааааааbbbb", 10, []string{"аааааааааа", "bbbb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitAt(tt.in, tt.limit)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("SplitAt(%q, %d)\n got %q\nwant %q", tt.in, tt.limit, got, tt.want)
			}
			checkParts(t, tt.in, got, tt.limit)
		})
	}
}

func TestPlainText(t *testing.T) {
	if got, want := PlainText(`<b>a &lt;b&gt;</b> <a href="x">c</a> &amp; 😀`), "a <b> c & 😀"; got != want {
		t.Fatalf("PlainText = %q, want %q", got, want)
	}
}
