package console

import (
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/kb"
)

func day(s string) time.Time {
	d, err := time.Parse(dayLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

// The per-day rows the store returns for its analytics seed
// (internal/store/analytics_test.go, computed by hand there).
func hd(d string, started, handed int64) store.HandoffDay {
	return store.HandoffDay{Day: d, Started: started, HandedOff: handed}
}

func cd(d string, started, decided, contained int64) store.ContainmentDay {
	return store.ContainmentDay{Day: d, Started: started, Decided: decided, Contained: contained}
}

func od(d string, classified, oos int64) store.OutOfScopeDay {
	return store.OutOfScopeDay{Day: d, Classified: classified, OutOfScope: oos}
}

func sc(flow, step string, n, handoffs, silent int64) store.StepCount {
	return store.StepCount{Flow: flow, Step: step, Conversations: n, Handoffs: handoffs, Silent: silent}
}

var (
	seedHandoff     = []store.HandoffDay{hd("2026-11-16", 3, 1), hd("2026-11-17", 2, 0), hd("2026-11-18", 1, 0), hd("2026-11-19", 1, 1)}
	seedContainment = []store.ContainmentDay{cd("2026-11-16", 3, 3, 1), cd("2026-11-17", 2, 2, 2), cd("2026-11-18", 1, 1, 1), cd("2026-11-19", 1, 0, 0)}
	seedOOS         = []store.OutOfScopeDay{od("2026-11-16", 4, 2), od("2026-11-17", 1, 0), od("2026-11-18", 2, 0), od("2026-11-19", 1, 0)}
	seedDropOff     = []store.StepCount{
		sc("deposit", "answer", 2, 0, 1), sc("deposit", "done", 1, 0, 1), sc("deposit", "not_solved_choice", 1, 0, 1),
		sc("greeting", "menu", 1, 0, 0), sc("human", "handoff", 1, 1, 0), sc("out_of_scope", "decline", 1, 0, 1),
		sc("withdrawal", "answer", 1, 0, 0), sc("withdrawal", "human", 1, 1, 0)}
)

func rate(n, d int64) *float64 { return ratio(n, d) }

// TestSeriesBuckets: days and weeks (Monday first, cut at the period's
// ends) over the seed, with rates and totals worked out by hand.
func TestSeriesBuckets(t *testing.T) {
	// Wed 11 to Fri 20 November by week: [11…15] (empty) and [16…20].
	p := period{from: day("2026-11-11"), to: day("2026-11-20"), week: true}
	points, total := series(p, seedHandoff, seedContainment, seedOOS)
	week := counts{Started: 7, HandedOff: 2, Decided: 6, Contained: 4, Pending: 1, Classified: 8, OutOfScope: 2}
	want := []pointJSON{
		counts{}.point(day("2026-11-11"), day("2026-11-15")),
		{Start: "2026-11-16", End: "2026-11-20", counts: week,
			HandoffRate: rate(2, 7), Containment: rate(4, 6), OutOfScopeRate: rate(2, 8)},
	}
	if !reflect.DeepEqual(points, want) {
		t.Errorf("weeks:\n got %+v\nwant %+v", points, want)
	}
	if want := (pointJSON{Start: "2026-11-11", End: "2026-11-20", counts: week, HandoffRate: rate(2, 7),
		Containment: rate(4, 6), OutOfScopeRate: rate(2, 8)}); !reflect.DeepEqual(total, want) {
		t.Errorf("totals %+v, want %+v", total, want)
	}
	if points[0].HandoffRate != nil || points[0].Containment != nil {
		t.Errorf("an empty week has rates: %+v", points[0])
	}

	// By day: the 16th has 1 of 3 handed off, 1 of 3 contained, 2 of 4 out of scope.
	points, _ = series(period{from: day("2026-11-15"), to: day("2026-11-20")}, seedHandoff, seedContainment, seedOOS)
	if len(points) != 6 || points[0].Started != 0 || points[0].Start != "2026-11-15" || points[5].End != "2026-11-20" {
		t.Fatalf("days: %+v", points)
	}
	d16 := points[1]
	if *d16.HandoffRate != 1.0/3 || *d16.Containment != 1.0/3 || *d16.OutOfScopeRate != 0.5 {
		t.Errorf("16th: %+v", d16)
	}
	d19 := points[4] // C7: handed off, pending
	if *d19.HandoffRate != 1 || d19.Containment != nil || d19.Pending != 1 {
		t.Errorf("19th: %+v", d19)
	}
}

// TestDropOffOutcomes: a step's conversations split into handed off,
// ended (an end step), abandoned (silent) and moved on.
func TestDropOffOutcomes(t *testing.T) {
	step := func(id string, k flows.StepKind) *flows.Step { return &flows.Step{ID: id, Kind: k} }
	b := &flows.Bundle{Flows: map[string]*flows.Flow{
		"deposit": {Name: "deposit", Path: "flows/deposit.yaml", Steps: []*flows.Step{
			step("answer", flows.KindKBAnswer), step("not_solved_choice", flows.KindChoice), step("done", flows.KindEnd)}},
		"withdrawal": {Name: "withdrawal", Path: "flows/withdrawal.yaml", Steps: []*flows.Step{
			step("human", flows.KindHandoff), step("answer", flows.KindKBAnswer)}},
	}}
	got := dropOff(seedDropOff, b)
	o := func(n, h, e, a, m int64) outcomes { return outcomes{n, h, e, a, m} }
	want := []flowJSON{
		{Flow: "deposit", Path: "flows/deposit.yaml", outcomes: o(4, 0, 1, 2, 1), Steps: []stepJSON{
			{"answer", "kb_answer", o(2, 0, 0, 1, 1)}, {"not_solved_choice", "choice", o(1, 0, 0, 1, 0)}, {"done", "end", o(1, 0, 1, 0, 0)}}},
		{Flow: "withdrawal", Path: "flows/withdrawal.yaml", outcomes: o(2, 1, 0, 0, 1), Steps: []stepJSON{
			{"human", "handoff", o(1, 1, 0, 0, 0)}, {"answer", "kb_answer", o(1, 0, 0, 0, 1)}}},
		{Flow: "greeting", outcomes: o(1, 0, 0, 0, 1), Steps: []stepJSON{{"menu", "", o(1, 0, 0, 0, 1)}}},
		{Flow: "human", outcomes: o(1, 1, 0, 0, 0), Steps: []stepJSON{{"handoff", "", o(1, 1, 0, 0, 0)}}},
		{Flow: "out_of_scope", outcomes: o(1, 0, 0, 1, 0), Steps: []stepJSON{{"decline", "", o(1, 0, 0, 1, 0)}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drop-off:\n got %+v\nwant %+v", got, want)
	}
}

// TestStaleArticles: overdue when review_by is before today, due when it
// falls within the reminder window.
func TestStaleArticles(t *testing.T) {
	art := func(id, locale, by string) kb.Article {
		a := kb.Article{ID: id, Locale: locale, Title: id, Path: "kb/" + locale + "/" + id + ".md"}
		if by != "" {
			a.ReviewBy = day(by)
		}
		return a
	}
	b := &flows.Bundle{Articles: []kb.Article{art("a", "en", "2026-11-19"), art("b", "ru", "2026-11-20"),
		art("c", "en", "2026-12-04"), art("d", "en", "2026-12-05"), art("e", "en", ""), art("f", "en", "2026-01-01")}}
	overdue, due := staleArticles(b, day("2026-11-20"), 14)
	wantOverdue := []staleJSON{{"f", "en", "f", "kb/en/f.md", "2026-01-01", 323}, {"a", "en", "a", "kb/en/a.md", "2026-11-19", 1}}
	wantDue := []staleJSON{{"b", "ru", "b", "kb/ru/b.md", "2026-11-20", 0}, {"c", "en", "c", "kb/en/c.md", "2026-12-04", 14}}
	if !reflect.DeepEqual(overdue, wantOverdue) || !reflect.DeepEqual(due, wantDue) {
		t.Errorf("overdue %+v\ndue %+v", overdue, due)
	}
}

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	parse := func(q string) (period, error) {
		c := echo.New().NewContext(httptest.NewRequest("GET", "/x?"+q, nil), httptest.NewRecorder())
		return parsePeriod(c, now)
	}
	for q, want := range map[string]period{
		"":                              {from: day("2026-10-22"), to: day("2026-11-20")},
		"days=7&bucket=week":            {from: day("2026-11-14"), to: day("2026-11-20"), week: true},
		"from=2026-01-01&to=2026-01-01": {from: day("2026-01-01"), to: day("2026-01-01")},
		"from=2025-11-20&to=2026-11-20": {from: day("2025-11-20"), to: day("2026-11-20")}, // 366 days
		"days=366&bucket=day":           {from: day("2025-11-20"), to: day("2026-11-20")},
	} {
		if got, err := parse(q); err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", q, got, err, want)
		}
	}
	for _, q := range []string{"days=0", "days=367", "days=x", "bucket=month", "from=2026-01-01",
		"from=2026-02-01&to=2026-01-01", "from=2025-11-19&to=2026-11-20", "days=7&from=2026-01-01&to=2026-01-02",
		"from=2026-1-1&to=2026-01-02"} {
		if _, err := parse(q); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("%q: %v, want EINVALID", q, err)
		}
	}
}
