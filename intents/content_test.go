package intents

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

// TestContentEval trains on the default content bundle (both locales, as
// the bot does) and reports held-out metrics on intents/testdata. It skips
// when the files are not there yet and checks only a generous floor, so
// that content editors can keep adding examples.
func TestContentEval(t *testing.T) {
	var train []Example
	for _, loc := range []string{"en", "ru"} {
		name := "../content/intents/" + loc + ".yaml"
		data, err := os.ReadFile(name)
		if err != nil {
			t.Skipf("content not found: %v", err)
		}
		ex, err := ParseYAML(loc+".yaml", data)
		if err != nil {
			t.Fatalf("ParseYAML: %v", err)
		}
		train = append(train, ex...)
	}
	start := time.Now()
	m, err := Train(train, Options{})
	if err != nil {
		t.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	for _, loc := range []string{"en", "ru"} {
		f, err := os.Open("testdata/eval_" + loc + ".jsonl")
		if err != nil {
			t.Skipf("eval set not found: %v", err)
		}
		test, err := ReadJSONL(f)
		f.Close()
		if err != nil {
			t.Fatalf("eval_%s.jsonl: %v", loc, err)
		}
		r := Evaluate(m, test)
		r.TrainSeconds = secs
		r.PerIntent, r.Curve = nil, nil
		b, _ := json.MarshalIndent(r, "", "  ")
		t.Logf("%s (%d training examples, T=%.3f):\n%s", loc, len(train), m.temperature, b)
		if r.InScopeAccuracy < 0.7 || r.OOSRecall < 0.3 {
			t.Errorf("%s: in-scope accuracy %.3f, oos recall %.3f: below the floor 0.7/0.3", loc, r.InScopeAccuracy, r.OOSRecall)
		}
	}
}
