package telegram

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

func TestRender(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bold", "**Вывод** денег", "<b>Вывод</b> денег"},
		{"bold underscores", "__bold__ text", "<b>bold</b> text"},
		{"italic star", "an *italic* word", "an <i>italic</i> word"},
		{"italic underscore", "an _italic_ word", "an <i>italic</i> word"},
		{"snake case stays", "call get_user_id now", "call get_user_id now"},
		{"code escapes", "type `a<b && c>d`", "type <code>a&lt;b &amp;&amp; c&gt;d</code>"},
		{"html in text is text", "<script>alert(1)</script> & <b>x</b>", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;"},
		{"entity stays literal", "&amp; &lt;", "&amp;amp; &amp;lt;"},
		{"https link", "[Правила](https://northwind.example/terms?a=1&b=2)", `<a href="https://northwind.example/terms?a=1&amp;b=2">Правила</a>`},
		{"mailto link", "[mail](mailto:support@northwind.example)", `<a href="mailto:support@northwind.example">mail</a>`},
		{"tg link", "[bot](tg://resolve?domain=northwind)", `<a href="tg://resolve?domain=northwind">bot</a>`},
		{"javascript link is text", "[click](javascript:alert(1))", "click (javascript:alert(1))"},
		{"relative link is text", "[profile](/profile)", "profile (/profile)"},
		{"quote in href escaped", `[x](https://a.example/"onclick)`, `<a href="https://a.example/%22onclick">x</a>`},
		{"bold link", "**see [FAQ](https://a.example/faq)**", `<b>see <a href="https://a.example/faq">FAQ</a></b>`},
		{"heading", "## Сколько это занимает?", "<b>Сколько это занимает?</b>"},
		{"bullets", "- one\n* two\n• three", "• one\n• two\n• three"},
		{"numbered", "1. first\n2) second", "1. first\n2. second"},
		{"table", "| Метод | Срок |\n|---|:---:|\n| Visa | 1 день |", "Метод | Срок\nVisa | 1 день"},
		{"paragraphs", "one\n\n\n two \r\nthree", "one\n\ntwo\nthree"},
		{"unclosed markers are text", "2 * 3 = 6 and **not bold", "2 * 3 = 6 and **not bold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(tt.in)
			if got != tt.want {
				t.Errorf("Render(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if _, err := telegramtest.Visible(got); err != nil {
				t.Errorf("Telegram would refuse %q: %v", got, err)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	// Player text is never markup, Markdown included.
	in := `**hi** <b>&amp; [x](https://a.example)`
	got := Escape(in)
	if want := `**hi** &lt;b&gt;&amp;amp; [x](https://a.example)`; got != want {
		t.Fatalf("Escape = %q, want %q", got, want)
	}
	visible, err := telegramtest.Visible(got)
	if err != nil || visible != in {
		t.Fatalf("visible = %q, %v; want the text as typed", visible, err)
	}
}

// Every article of the default content renders to HTML Telegram accepts.
func TestRenderArticles(t *testing.T) {
	for _, a := range articles(t, "ru", "en") {
		got := Render(a.body)
		if _, err := telegramtest.Visible(got); err != nil {
			t.Errorf("%s: %v", a.path, err)
		}
		if strings.Contains(got, "**") {
			t.Errorf("%s: a ** survived: %q", a.path, got)
		}
	}
}

type article struct{ path, body string }

// articles reads the knowledge-base articles of the default content,
// without their front matter.
func articles(t *testing.T, locales ...string) []article {
	t.Helper()
	var out []article
	for _, l := range locales {
		paths, err := filepath.Glob(filepath.Join("..", "..", "content", "kb", l, "*.md"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no articles for %s: %v", l, err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			body := string(data)
			if rest, ok := strings.CutPrefix(body, "---\n"); ok {
				if _, after, ok := strings.Cut(rest, "\n---\n"); ok {
					body = after
				}
			}
			out = append(out, article{p, body})
		}
	}
	return out
}
