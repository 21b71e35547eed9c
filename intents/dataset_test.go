package intents

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestParseYAML(t *testing.T) {
	data := `# comment
deposit:
  - how do i deposit
  - "пополнить счёт"
withdrawal:
  - cash out
oos:
  - what's the weather
`
	got, err := ParseYAML("en.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{
		{"how do i deposit", "deposit"},
		{"пополнить счёт", "deposit"},
		{"cash out", "withdrawal"},
		{"what's the weather", "oos"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("ParseYAML = %v, want %v", got, want)
	}
}

func TestParseYAMLErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // lines expected in the error, in order
	}{
		{"not a mapping", "- a\n- b\n", []string{"x.yaml:1: not a mapping"}},
		{"scalar document", "\n\nhello\n", []string{"x.yaml:3: not a mapping"}},
		{"empty file", "", []string{"x.yaml:1: empty file"}},
		{"syntax error", "a:\n  - b\n c: [\n", []string{"x.yaml:3: did not find expected key"}},
		{
			"every problem, with its line",
			`deposit:
  - how to deposit
  - 42
Bad-Name:
  - x
withdrawal: []
deposit:
  - again
bonus:
  - ""
password: "not a list"
registration:
login:
  - [nested, list]
  - ~
`,
			[]string{
				`x.yaml:3: intent "deposit": phrase is not a string`,
				`x.yaml:4: intent name "Bad-Name" must match ^[a-z][a-z0-9_]*$`,
				`x.yaml:6: intent "withdrawal" has no examples`,
				`x.yaml:7: duplicate intent "deposit" (first at line 1)`,
				`x.yaml:10: intent "bonus": empty phrase`,
				`x.yaml:11: intent "password": want a list of phrases`,
				`x.yaml:12: intent "registration" has no examples`,
				`x.yaml:14: intent "login": phrase is not a string`,
				`x.yaml:15: intent "login": phrase is not a string`,
			},
		},
		{"name starting with a digit", "1deposit:\n  - a\n", []string{`x.yaml:1: intent name "1deposit"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseYAML("x.yaml", []byte(tt.data))
			if chat.ErrorCode(err) != chat.EINVALID {
				t.Fatalf("ParseYAML: %v, want an EINVALID error", err)
			}
			lines := strings.Split(chat.ErrorMessage(err), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("ParseYAML error has %d lines, want %d:\n%s", len(lines), len(tt.want), chat.ErrorMessage(err))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %d = %q, want prefix %q", i+1, lines[i], w)
				}
			}
		})
	}
}

func TestReadJSONL(t *testing.T) {
	in := `{"text": "how do i deposit", "intent": "deposit"}

{"text": "погода завтра", "intent": "oos", "source": "manual"}
`
	got, err := ReadJSONL(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{{"how do i deposit", "deposit"}, {"погода завтра", "oos"}}
	if !slices.Equal(got, want) {
		t.Errorf("ReadJSONL = %v, want %v", got, want)
	}
}

func TestReadJSONLErrors(t *testing.T) {
	ok := `{"text": "a", "intent": "b"}` + "\n"
	tests := []struct {
		name, in, want string
	}{
		{"bad json", ok + `{"text": "a", "intent": }` + "\n", "line 2: "},
		{"not an object", ok + ok + `["a", "b"]` + "\n", "line 3: "},
		{"missing intent", `{"text": "a"}`, `line 1: missing or empty "intent"`},
		{"empty text", ok + "\n" + `{"text": "  ", "intent": "b"}`, `line 3: missing or empty "text"`},
		{"wrong type", `{"text": 5, "intent": "b"}`, "line 1: "},
		{"line too long", ok + `{"text": "` + strings.Repeat("x", maxLine) + `", "intent": "b"}`, "line 2: longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSONL(strings.NewReader(tt.in))
			if chat.ErrorCode(err) != chat.EINVALID || !strings.HasPrefix(chat.ErrorMessage(err), tt.want) {
				t.Errorf("ReadJSONL: %v, want EINVALID starting %q", err, tt.want)
			}
		})
	}
	boom := errors.New("boom")
	_, err := ReadJSONL(io.MultiReader(strings.NewReader(ok), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Errorf("ReadJSONL on a failing reader: %v, want it to wrap %v", err, boom)
	}
}
