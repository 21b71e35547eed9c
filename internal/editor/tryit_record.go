package editor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/switchboard-support/switchboard/flows/flowtest"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// RecordDir is where recorded try-it transcripts go in a draft.
const RecordDir = flowtest.Dir + "tryit/"

const (
	maxNameRunes     = 80
	maxSlugRunes     = 40
	maxContainsRunes = 60
)

// Record saves the transcript of ed's session id as a conversation test
// in ed's draft, under RecordDir, named name (the first message when
// empty), and returns its path. An existing file is never overwritten:
// the name takes a suffix -2, -3, …
func (t *TryIt) Record(ctx context.Context, ed handoff.Operator, id, name string) (string, error) {
	sess, err := t.Session(ed, id)
	if err != nil {
		return "", err
	}
	if len(sess.Turns) == 0 {
		return "", chat.Errorf(chat.EINVALID, "nothing to record: send a message first")
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		first := sess.Turns[0]
		name = strings.Join(strings.Fields(first.Say+first.Press), " ")
	}
	name = cutRunes(name, maxNameRunes)
	data, err := scenarioYAML(name, sess)
	if err != nil {
		return "", err
	}
	files, _, err := t.svc.Files(ctx, ed)
	if err != nil {
		return "", err
	}
	p := freePath(files, slug(name))
	if _, err := flowtest.Parse(map[string][]byte{p: data}); err != nil {
		return "", fmt.Errorf("editor: recorded test does not parse: %w", err)
	}
	return p, t.svc.SaveFile(ctx, ed, p, data)
}

// freePath returns RecordDir/base.yaml, or with the first suffix -2, -3, …
// that no file of files has.
func freePath(files map[string][]byte, base string) string {
	p := RecordDir + base + ".yaml"
	for n := 2; ; n++ {
		if _, ok := files[p]; !ok {
			return p
		}
		p = fmt.Sprintf("%s%s-%d.yaml", RecordDir, base, n)
	}
}

// slug makes a file name of name: lower-case letters and digits of any
// script, words joined by "-".
func slug(name string) string {
	var b strings.Builder
	n := 0
	dash := false
	for _, r := range strings.ToLower(name) {
		if n >= maxSlugRunes {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			b.WriteRune(r)
			n++
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "tryit"
	}
	return b.String()
}

type scenarioDoc struct {
	Name   string    `yaml:"name"`
	Locale string    `yaml:"locale"`
	Turns  []turnDoc `yaml:"turns"`
}

type turnDoc struct {
	Say    string     `yaml:"say,omitempty"`
	Press  string     `yaml:"press,omitempty"`
	Expect *expectDoc `yaml:"expect,omitempty"`
}

type expectDoc struct {
	Intent   string   `yaml:"intent,omitempty"`
	Flow     string   `yaml:"flow,omitempty"`
	Article  string   `yaml:"article,omitempty"`
	Handoff  any      `yaml:"handoff,omitempty,flow"`
	Language string   `yaml:"language,omitempty"`
	Contains []string `yaml:"contains,omitempty,flow"`
	Silent   bool     `yaml:"silent,omitempty"`
}

type handoffDoc struct {
	Skill    string `yaml:"skill,omitempty"`
	Priority string `yaml:"priority,omitempty"`
}

// scenarioYAML writes the session as a conversation test expecting, per
// turn, what the bot did: the intent (when the classifier ran), the flow
// it ended in, the first article shown, the handoff, the replies'
// language and the start of the first reply.
func scenarioYAML(name string, sess TrySession) ([]byte, error) {
	doc := scenarioDoc{Name: name, Locale: sess.Locale}
	for _, t := range sess.Turns {
		doc.Turns = append(doc.Turns, turnDoc{Say: t.Say, Press: t.Press, Expect: expectations(t)})
	}
	var out bytes.Buffer
	out.WriteString("# Recorded in the editor's Try it.\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := errors.Join(enc.Encode(doc), enc.Close()); err != nil {
		return nil, fmt.Errorf("editor: write recorded test: %w", err)
	}
	return out.Bytes(), nil
}

func expectations(t TryTurn) *expectDoc {
	if t.Silent {
		return &expectDoc{Silent: true}
	}
	e := &expectDoc{Handoff: "none"}
	if t.Trace.Classified {
		e.Intent = t.Trace.Intent
		if t.Trace.OutOfScope {
			e.Intent = "oos"
		}
	}
	if n := len(t.Trace.Steps); n > 0 {
		e.Flow, _, _ = strings.Cut(t.Trace.Steps[n-1], "/")
	}
	for _, r := range t.Replies {
		if len(r.Articles) > 0 {
			e.Article = r.Articles[0].ID
			break
		}
	}
	switch {
	case t.Handoff == nil:
	case t.Handoff.Skill == "" && t.Priority == "":
		e.Handoff = "any"
	default:
		e.Handoff = handoffDoc{Skill: t.Handoff.Skill, Priority: t.Priority}
	}
	e.Language = language(t.Replies)
	if c := lead(t.Replies); c != "" {
		e.Contains = []string{c}
	}
	return e
}

// language returns the language every reply is in, or "" when they
// differ or none tells.
func language(replies []chat.Reply) string {
	lang := ""
	for _, r := range replies {
		l := flowtest.Language(r.Text)
		switch {
		case l == "":
		case lang == "":
			lang = l
		case l != lang:
			return ""
		}
	}
	return lang
}

// lead returns the start of the first reply's first non-blank line, cut at
// a word boundary: enough to notice the reply changing.
func lead(replies []chat.Reply) string {
	for _, r := range replies {
		for _, line := range strings.Split(r.Text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				return cutRunes(line, maxContainsRunes)
			}
		}
	}
	return ""
}

// cutRunes shortens s to at most n runes, at the last space when it has
// to cut and there is one.
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut)
}
