package flows

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/kb"
)

func TestFixtureIsValid(t *testing.T) {
	b, err := ParseBundle(fixture(), "h")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Flows) != 4 || len(b.Articles) != 4 || len(b.AllExamples()) != 30 {
		t.Errorf("got %d flows, %d articles, %d examples", len(b.Flows), len(b.Articles), len(b.AllExamples()))
	}
	if f, ok := b.FlowForIntent("deposit"); !ok || f.Name != "deposit" {
		t.Errorf("deposit intent starts %v", f)
	}
}

func TestBadContentIsRefusedWithFileAndLine(t *testing.T) {
	deposit := string(fixture()["flows/deposit.yaml"])
	tests := []struct {
		name  string
		files map[string][]byte
		want  []string // each must appear among the problems
	}{
		{"broken yaml", withFile(fixture(), "flows/deposit.yaml", "intents: [deposit]\nsteps:\n  - say: \"unclosed\n"),
			[]string{"flows/deposit.yaml:3: YAML syntax"}},
		{"bad indentation", withFile(fixture(), "flows/human.yaml", "intents: [human]\nsteps:\n  - handoff: {}\n bad: 1\n"),
			[]string{"flows/human.yaml:4: YAML syntax: did not find expected key"}},
		{"unknown intent", withFile(fixture(), "flows/human.yaml", "intents: [human, jackpot]\nsteps:\n  - handoff: {}\n"),
			[]string{`flows/human.yaml:1: unknown intent "jackpot"`}},
		{"dangling goto", withFile(fixture(), "flows/deposit.yaml", strings.Replace(deposit, "goto: done", "goto: finish", 1)),
			[]string{`flows/deposit.yaml:17: goto target "finish" is not a step of flow deposit`}},
		{"dangling flow goto", withFile(fixture(), "flows/deposit.yaml", strings.Replace(deposit, "flow:human", "flow:nobody", 1)),
			[]string{`flows/deposit.yaml:38: goto target flow "nobody" does not exist`}},
		{"missing article", withFile(fixture(), "flows/deposit.yaml", strings.Replace(deposit, "[deposit-methods]", "[deposit-methods, bonus-rules]", 1)),
			[]string{`flows/deposit.yaml:6: article "bonus-rules" does not exist in kb/en`, `flows/deposit.yaml:6: article "bonus-rules" does not exist in kb/ru`}},
		{"article missing in one locale", withFile(fixture(), "kb/ru/deposit-methods.md", ""),
			[]string{`flows/deposit.yaml:6: article "deposit-methods" does not exist in kb/ru`}},
		{"unknown skill and priority", withFile(fixture(), "flows/human.yaml", "intents: [human]\nsteps:\n  - handoff: {skill: vip, priority: urgent}\n"),
			[]string{`flows/human.yaml:3: unknown skill "vip"`, `flows/human.yaml:3: unknown priority "urgent"`}},
		{"unknown variable", withFile(fixture(), "flows/deposit.yaml", strings.Replace(deposit, "{{player.name}}?\", ru", "{{user.name}}?\", ru", 1)),
			[]string{"flows/deposit.yaml:22: unknown variable user.name"}},
		{"slot never filled", withFile(fixture(), "flows/deposit.yaml", strings.Replace(deposit, "deposit {{slots.amount}} not credited\"}\n  - id: normal", "deposit {{slots.sum}} not credited\"}\n  - id: normal", 1)),
			[]string{"flows/deposit.yaml:32: slot sum is not filled by any ask step of this flow"}},
		{"bad condition", withFile(fixture(), "flows/deposit.yaml", strings.Replace(deposit, "slots.amount >= 1000 or", "slots.amount >= or", 1)),
			[]string{`flows/deposit.yaml:28: bad condition`}},
		{"missing locale text", withFile(fixture(), "flows/withdrawal.yaml", "intents: [withdrawal]\nsteps:\n  - say: {en: hi}\n"),
			[]string{"flows/withdrawal.yaml:3: say has no ru text"}},
		{"two kinds in a step", withFile(fixture(), "flows/withdrawal.yaml", "intents: [withdrawal]\nsteps:\n  - say: hi\n    end: true\n"),
			[]string{"flows/withdrawal.yaml:4: step has both say and end"}},
		{"unknown key", withFile(fixture(), "flows/withdrawal.yaml", "intents: [withdrawal]\nsteps:\n  - say: hi\n    nxet: x\n"),
			[]string{`flows/withdrawal.yaml:4: unknown key "nxet" in step`}},
		{"duplicate step id", withFile(fixture(), "flows/withdrawal.yaml", "intents: [withdrawal]\nsteps:\n  - id: a\n    say: hi\n  - id: a\n    end: true\n"),
			[]string{`flows/withdrawal.yaml:5: duplicate step id "a"`}},
		{"intent in two flows", withFile(fixture(), "flows/withdrawal.yaml", "intents: [withdrawal, deposit]\nsteps:\n  - end: true\n"),
			[]string{`intent "deposit" already starts flow`}},
		{"broken intents file", withFile(fixture(), "intents/ru.yaml", "deposit:\n  - как пополнить\n  - [oops\n"),
			[]string{"intents/ru.yaml:3: did not find expected"}},
		{"broken article", withFile(fixture(), "kb/en/deposit-methods.md", "---\nid: deposit-methods\nlocale: en\ntitle: [\n---\nbody\n"),
			[]string{"kb/en/deposit-methods.md:"}},
		{"missing fallback", withFile(fixture(), "flows/out_of_scope.yaml", ""),
			[]string{`settings.yaml: flows.fallback names flow "out_of_scope", which does not exist`}},
		{"missing acknowledgement flow", withFile(fixture(), "settings.yaml", strings.Replace(string(fixture()["settings.yaml"]),
			"fallback: out_of_scope,", "fallback: out_of_scope, acknowledgement: nodding,", 1)),
			[]string{`settings.yaml: flows.acknowledgement names flow "nodding", which does not exist`}},
		{"goto loop", withFile(fixture(), "flows/human.yaml", "intents: [human]\nsteps:\n  - id: a\n    goto: b\n  - id: b\n    say: hi\n    next: a\n"),
			[]string{"flows/human.yaml:3: steps human/a → human/b → human/a loop without waiting for the player"}},
		{"loop across flows", withFile(withFile(fixture(), "flows/human.yaml", "intents: [human]\nsteps:\n  - goto: flow:withdrawal\n"),
			"flows/withdrawal.yaml", "intents: [withdrawal]\nsteps:\n  - say: hi\n  - goto: flow:human\n"),
			[]string{"loop without waiting for the player"}},
		{"bad priority rule", withFile(fixture(), "settings.yaml", strings.Replace(string(fixture()["settings.yaml"]), "  default_priority: normal\n",
			"  default_priority: normal\n  priority_rules:\n    - {skill: payments, set: urgent}\n", 1)),
			[]string{`settings.yaml:10: priority rule #1: unknown priority "urgent"`}},
		{"bad synonyms", withFile(fixture(), "settings.yaml", strings.Replace(string(fixture()["settings.yaml"]), "locales: [en, ru]\n",
			"locales: [en, ru]\nkb:\n  synonyms:\n    de: {geld: [kohle]}\n    ru:\n      деньги: [бабки, бабло]\n      вывод: [кэшаут, бабки, выплата денег]\n", 1)),
			[]string{`settings.yaml:4: kb.synonyms: locale "de" is not in settings.yaml locales`,
				`settings.yaml:7: kb.synonyms.ru: "бабки" stands for both "деньги" and "вывод"`,
				`settings.yaml:7: kb.synonyms.ru.вывод: "выплата денег": a player's word is one word`}},
		{"bad problem cues", withFile(fixture(), "settings.yaml", strings.Replace(string(fixture()["settings.yaml"]), "locales: [en, ru]\n",
			"locales: [en, ru]\nproblems:\n  topics:\n    late:\n      articles: [deposit-methods]\n      cues: {de: [spät]}\n", 1)),
			[]string{`settings.yaml:6: problem late cues: locale "de" is not in settings.yaml locales`}},
		{"missing settings", withFile(fixture(), "settings.yaml", ""),
			[]string{"settings.yaml: missing"}},
		{"bad sla", withFile(fixture(), "settings.yaml", strings.Replace(string(fixture()["settings.yaml"]), "first_response: 3m", "first_response: soon", 1)),
			[]string{`settings.yaml:10: sla.webchat.first_response must be a positive duration`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBundle(tt.files, "h")
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			if chat.ErrorCode(err) != chat.EINVALID {
				t.Errorf("code = %q, want invalid", chat.ErrorCode(err))
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("problems:\n%s\nwant one containing %q", msg, w)
				}
			}
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	files := withFile(fixture(), "flows/human.yaml", "intents: [nope]\nsteps:\n  - goto: nowhere\n  - handoff: {skill: x}\n")
	_, err := ParseBundle(files, "h")
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) < 3 {
		t.Fatalf("got %v, want at least 3 problems", err)
	}
}

// TestSynonymsReachTheSearch: settings.yaml kb.synonyms are the search's
// (a player's word finds the article that uses the article word).
func TestSynonymsReachTheSearch(t *testing.T) {
	files := withFile(fixture(), "settings.yaml", strings.Replace(string(fixture()["settings.yaml"]), "locales: [en, ru]\n",
		"locales: [en, ru]\nkb:\n  synonyms:\n    ru:\n      вывод: [кэшаут, кешаут]\n", 1))
	b, err := ParseBundle(files, "h")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Settings.KBSynonyms["ru"]["кешаут"]; got != "вывод" {
		t.Fatalf("KBSynonyms = %v", b.Settings.KBSynonyms)
	}
	rt, err := NewRuntime(t.Context(), b, RuntimeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	hits, err := rt.Index.Search(t.Context(), kb.Query{Locale: "ru", Text: "кэшаут"})
	if err != nil || len(hits) == 0 || hits[0].ArticleID != "withdrawal-how-to" {
		t.Errorf("search for a player's word: %v, %v", hits, err)
	}
}

// A settings.yaml that does not parse is the one problem reported: every
// other file is checked against the settings, and against defaults it would
// only report problems that are not there (unknown skills everywhere).
func TestBrokenSettingsAloneIsReported(t *testing.T) {
	files := withFile(fixture(), "settings.yaml", string(fixture()["settings.yaml"])+"  bad: [unclosed\n")
	_, err := ParseBundle(files, "h")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error", err)
	}
	for _, p := range ve.Problems {
		if p.Path != "settings.yaml" {
			t.Errorf("a problem outside settings.yaml: %v", p)
		}
	}
	if len(ve.Problems) == 0 || !strings.Contains(ve.Problems[0].Message, "YAML syntax") {
		t.Fatalf("problems %v, want settings.yaml's YAML syntax error", ve.Problems)
	}
}
