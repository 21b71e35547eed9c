package flowtest_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/flows"
)

// TestProblemReasonQuotesStatement: a handoff for a stated problem quotes
// the message that stated it, not only the topic's first question.
func TestProblemReasonQuotesStatement(t *testing.T) {
	files, err := flows.ReadFS(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := flows.ParseBundle(files, "test")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := flows.NewRuntime(context.Background(), b, flows.RuntimeOptions{Models: testModels})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	e := flows.NewEngine(rt)
	for _, c := range []struct {
		turns []string
		want  string
	}{
		{[]string{"how long does a withdrawal take?", "my withdrawal has been pending for 3 days"}, "my withdrawal has been pending for 3 days"},
		{[]string{"сколько идёт вывод?", "вывод висит уже 5 дней"}, "вывод висит уже 5 дней"},
		// the problem stated, then a handoff from the topic's flow: its
		// reason template quotes {{question}}, the engine adds the statement
		{[]string{"how long does a withdrawal take?", "my withdrawal was rejected", "no"}, "my withdrawal was rejected"},
	} {
		var state flows.State
		var out flows.Output
		for _, text := range c.turns {
			out, err = e.Turn(context.Background(), flows.Input{Text: text, State: state})
			if err != nil {
				t.Fatal(err)
			}
			state = out.State
		}
		if out.Handoff == nil {
			t.Errorf("%q: no handoff", c.turns)
			continue
		}
		if !strings.Contains(out.Handoff.Reason, c.want) {
			t.Errorf("%q: reason %q does not quote %q", c.turns, out.Handoff.Reason, c.want)
		}
		t.Logf("%q: %s", c.turns, out.Handoff.Reason)
	}
}
