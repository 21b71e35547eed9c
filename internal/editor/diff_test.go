package editor_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDiffPerFileAndByMeaning(t *testing.T) {
	f := setup(t, storetest.Default(t))
	ctx := context.Background()
	save := func(p, content string) {
		t.Helper()
		if err := f.svc.SaveFile(ctx, f.ann, p, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	save("intents/en.yaml", strings.Replace(f.file(t, "intents/en.yaml"), "  - deposit money\n", "  - put money in\n", 1)+
		"bonus:\n  - where is my bonus\n")
	save("intents/ru.yaml", f.file(t, "intents/ru.yaml")+"bonus:\n  - где мой бонус\n")
	flow := f.file(t, "flows/deposit.yaml")
	flow = strings.Replace(flow, `"Anything else?"`, `"Something more?"`, 1)
	flow = strings.Replace(flow, "  - id: human\n    goto: flow:human\n", "  - id: person\n    goto: flow:human\n", 1)
	flow = strings.Replace(flow, "on_fail: human", "on_fail: person", 1)
	flow = strings.Replace(flow, "description: deposits", "description: deposits and top-ups", 1)
	save("flows/deposit.yaml", flow)
	art := f.file(t, "kb/en/deposit-methods.md")
	art = strings.Replace(art, "title: Deposit methods", "title: Ways to deposit", 1)
	art = strings.Replace(art, "review_by: 2027-05-31", "review_by: 2027-12-31", 1)
	save("kb/en/deposit-methods.md", art)
	save("tests/withdraw_en.yaml", "name: withdrawal\nlocale: en\nturns:\n  - say: \"how do i withdraw\"\n    expect:\n      intent: withdrawal\n")
	save("kb/ru/bonus-rules.md", "---\nid: bonus-rules\nlocale: ru\ntitle: Правила бонусов\nintents: [bonus]\n---\nБонус начисляется после пополнения.\n")
	if err := f.svc.DeleteFile(ctx, f.ann, "kb/ru/withdrawal-how-to.md"); err != nil {
		t.Fatal(err)
	}

	d, err := f.svc.Diff(ctx, f.ann, "live", "draft", true)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, fd := range d.Files {
		status[fd.Path] = fd.Status
	}
	want := map[string]string{"intents/en.yaml": "changed", "intents/ru.yaml": "changed", "flows/deposit.yaml": "changed", "kb/en/deposit-methods.md": "changed",
		"tests/withdraw_en.yaml": "added", "kb/ru/bonus-rules.md": "added", "kb/ru/withdrawal-how-to.md": "removed"}
	if len(status) != len(want) {
		t.Fatalf("files %v, want %v", status, want)
	}
	for p, s := range want {
		if status[p] != s {
			t.Fatalf("%s: %q, want %q", p, status[p], s)
		}
	}
	for _, fd := range d.Files {
		if fd.Path == "flows/deposit.yaml" && (!strings.Contains(fd.Unified, `-      text: {en: "Anything else?"`) ||
			!strings.Contains(fd.Unified, `+      text: {en: "Something more?"`) || !strings.Contains(fd.Unified, "@@ -1,")) {
			t.Fatalf("unified diff:\n%s", fd.Unified)
		}
	}
	if len(d.Intents) != 3 || d.Intents[2].Locale != "ru" || d.Intents[0].Intent != "bonus" || d.Intents[0].Status != "added" ||
		d.Intents[1].Intent != "deposit" || d.Intents[1].Locale != "en" || d.Intents[1].Added[0] != "put money in" || d.Intents[1].Removed[0] != "deposit money" {
		t.Fatalf("intents: %+v", d.Intents)
	}
	if len(d.Flows) != 1 {
		t.Fatalf("flows: %+v", d.Flows)
	}
	fl := d.Flows[0]
	if strings.Join(fl.StepsAdded, ",") != "person" || strings.Join(fl.StepsRemoved, ",") != "human" ||
		strings.Join(fl.StepsChanged, ",") != "amount,menu" || strings.Join(fl.FieldsChanged, ",") != "description" {
		t.Fatalf("flow diff: %+v", fl)
	}
	var en, ru bool
	for _, a := range d.Articles {
		switch a.Path {
		case "kb/en/deposit-methods.md":
			en = a.Title && a.TitleAfter == "Ways to deposit" && !a.Body && strings.Join(a.FrontMatter, ",") == "review_by"
		case "kb/ru/withdrawal-how-to.md":
			ru = a.Status == "removed"
		}
	}
	if !en || !ru {
		t.Fatalf("articles: %+v", d.Articles)
	}
	if d.Tests == nil || d.Tests.Error != "" || len(d.Tests.Changed) != 2 {
		t.Fatalf("tests: %+v", d.Tests)
	}
	dep, wd := d.Tests.Changed[0], d.Tests.Changed[1]
	if dep.Path != "tests/deposit_en.yaml" || dep.Before != "passed" || dep.After != "failed" || len(dep.Failures) == 0 ||
		wd.Path != "tests/withdraw_en.yaml" || wd.Before != "absent" || wd.After != "passed" {
		t.Fatalf("test changes: %+v", d.Tests.Changed)
	}
	// Between two numbered versions, and nothing when equal.
	live, _ := f.svc.Live(ctx)
	same, err := f.svc.Diff(ctx, f.ann, itoa(live.Number), "live", false)
	if err != nil || len(same.Files) != 0 || same.Tests != nil {
		t.Fatalf("same version: %+v, %v", same, err)
	}
	if _, err := f.svc.Diff(ctx, f.ann, "x", "live", false); err == nil {
		t.Fatal("bad ref accepted")
	}
}
