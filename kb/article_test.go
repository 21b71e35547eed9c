package kb

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestParseArticle(t *testing.T) {
	data := "\ufeff---\r\n" +
		"id: deposit-methods\r\n" +
		"locale: en\r\n" +
		"title: \"Deposit methods\"\r\n" +
		"tags: [deposit, payments, cards]\r\n" +
		"intents:\r\n  - deposit\r\n  - payment_problem\r\n" +
		"review_by: 2027-05-31\r\n" +
		"---\r\n" +
		"Deposit with **cards**.\r\n"
	got, err := ParseArticle("content/kb/en/deposit-methods.md", []byte(data))
	if err != nil {
		t.Fatalf("ParseArticle: %v", err)
	}
	want := Article{
		ID:       "deposit-methods",
		Locale:   "en",
		Title:    "Deposit methods",
		Tags:     []string{"deposit", "payments", "cards"},
		Intents:  []string{"deposit", "payment_problem"},
		ReviewBy: time.Date(2027, 5, 31, 0, 0, 0, 0, time.UTC),
		Body:     "Deposit with **cards**.\n",
		Path:     "content/kb/en/deposit-methods.md",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseArticle:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseArticleOptionalFields(t *testing.T) {
	// No tags, intents or review_by; a path that is not an .md file is not
	// checked against the id.
	got, err := ParseArticle("editor draft", []byte("---\nid: x1\nlocale: ru\ntitle: Т\ntags:\n---\nТекст"))
	if err != nil {
		t.Fatalf("ParseArticle: %v", err)
	}
	if got.ID != "x1" || got.Tags != nil || got.Intents != nil || !got.ReviewBy.IsZero() || got.Body != "Текст" {
		t.Errorf("ParseArticle = %+v", got)
	}
}

func TestParseArticleErrors(t *testing.T) {
	const path = "kb/en/deposit-methods.md"
	// front builds a file from front-matter lines and a body.
	front := func(lines ...string) string {
		return "---\n" + strings.Join(lines, "\n") + "\n---\nBody.\n"
	}
	ok := []string{"id: deposit-methods", "locale: en", "title: Deposit methods"}
	with := func(extra ...string) string { return front(append(append([]string{}, ok...), extra...)...) }
	tests := []struct {
		name, path, data, want string
	}{
		{"empty file", path, "", path + ":1: missing front matter"},
		{"no front matter", path, "# Deposit methods\n\nBody.\n", path + ":1: missing front matter"},
		{"not closed", path, "---\nid: deposit-methods\nlocale: en\n\nBody.\n", path + ":1: front matter is not closed"},
		{"missing id", path, front("locale: en", "title: T"), path + ":1: missing id"},
		{"empty id", path, front("id:", "locale: en", "title: T"), path + ":2: empty id"},
		{"blank id", path, front("id: \"  \"", "locale: en", "title: T"), path + ":2: empty id"},
		{"id not a string", path, front("id: [a, b]", "locale: en", "title: T"), path + ":2: id must be a string"},
		{"id format", "kb/en/Deposit_Methods.md", front("id: Deposit_Methods", "locale: en", "title: T"), "kb/en/Deposit_Methods.md:2: id \"Deposit_Methods\" must be lowercase"},
		{"id leading dash", "", front("id: -deposit", "locale: en", "title: T"), ":2: id \"-deposit\" must be lowercase"},
		{"id not file name", "kb/en/deposits.md", front(ok...), "kb/en/deposits.md:2: id \"deposit-methods\" does not match the file name \"deposits.md\""},
		{"missing locale", path, front("id: deposit-methods", "title: T"), path + ":1: missing locale"},
		{"empty locale", path, front("id: deposit-methods", "locale: ~", "title: T"), path + ":3: empty locale"},
		{"bad locale", "kb/de/deposit-methods.md", front("id: deposit-methods", "locale: de", "title: T"), "kb/de/deposit-methods.md:3: locale \"de\" is not supported (want ru or en)"},
		{"locale not directory", "kb/ru/deposit-methods.md", front(ok...), "kb/ru/deposit-methods.md:3: locale \"en\" does not match the directory \"ru\""},
		{"missing title", path, front("id: deposit-methods", "locale: en"), path + ":1: missing title"},
		{"empty title", path, front("id: deposit-methods", "locale: en", "title: ''"), path + ":4: empty title"},
		{"tags not a list", path, with("tags: deposit"), path + ":5: tags must be a list of strings"},
		{"empty tag", path, with("tags:", "  - deposit", "  - ''"), path + ":7: tags must be a list of non-empty strings"},
		{"nested intent", path, with("intents:", "  - [deposit]"), path + ":6: intents must be a list of non-empty strings"},
		{"bad date", path, with("review_by: 2027-13-01"), path + ":5: review_by \"2027-13-01\" is not a date (want YYYY-MM-DD)"},
		{"date with time", path, with("review_by: 2027-05-31T10:00:00Z"), path + ":5: review_by \"2027-05-31T10:00:00Z\" is not a date"},
		{"word date", path, with("review_by: soon"), path + ":5: review_by \"soon\" is not a date"},
		{"unknown field", path, with("author: anna"), path + ":5: unknown field \"author\""},
		{"duplicate field", path, with("title: Again"), path + ":5: duplicate field \"title\" (first set on line 4)"},
		{"not a mapping", path, front("- id", "- locale"), path + ":2: front matter must be a mapping of fields"},
		{"yaml unclosed list", path, with("tags: [deposit, cards"), path + ":5: invalid front matter: did not find expected ',' or ']'"},
		{"yaml unclosed list, found later", path, front("tags: [deposit, cards", "id: x"), path + ":3: invalid front matter: did not find expected ',' or ']'"},
		{"yaml indentation", path, front("id: deposit-methods", "locale: en", " title: T"), path + ":4: invalid front matter: mapping values are not allowed"},
		{"yaml bad key", path, with("title: x", "- y"), path + ":6: invalid front matter: did not find expected key"},
		{"empty body", path, front(ok...)[:len(front(ok...))-len("Body.\n")] + "\n  \n", path + ":6: empty body"},
		{"no body", path, "---\nid: deposit-methods\nlocale: en\ntitle: T\n---", path + ":6: empty body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseArticle(tt.path, []byte(tt.data))
			if err == nil {
				t.Fatalf("ParseArticle(%q): no error, want %q", tt.data, tt.want)
			}
			if chat.ErrorCode(err) != chat.EINVALID {
				t.Errorf("code %q, want %q", chat.ErrorCode(err), chat.EINVALID)
			}
			if msg := chat.ErrorMessage(err); !strings.HasPrefix(msg, tt.want) {
				t.Errorf("error %q, want prefix %q", msg, tt.want)
			}
		})
	}
}

func FuzzParseArticle(f *testing.F) {
	f.Add("---\nid: a\nlocale: en\ntitle: T\ntags: [x]\nreview_by: 2027-01-01\n---\nBody")
	f.Add("---\nid: &a b\nlocale: *a\n---\n")
	f.Add("---\n[\n---\n")
	f.Fuzz(func(t *testing.T, data string) {
		a, err := ParseArticle("kb/en/a.md", []byte(data))
		if err != nil {
			if chat.ErrorCode(err) != chat.EINVALID || !strings.HasPrefix(chat.ErrorMessage(err), "kb/en/a.md:") {
				t.Errorf("ParseArticle(%q): error %v, want EINVALID with a path:line prefix", data, err)
			}
			return
		}
		if a.ID != "a" || a.Locale != "en" || a.Title == "" || strings.TrimSpace(a.Body) == "" {
			t.Errorf("ParseArticle(%q) = %+v without an error", data, a)
		}
	})
}
