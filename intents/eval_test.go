package intents

import (
	"math"
	"slices"
	"testing"
)

func TestScoreOutcomes(t *testing.T) {
	// expected, top in-scope intent, its confidence, oos class won
	outs := []outcome{
		{"a", "a", 0.9, false},        // right
		{"a", "b", 0.8, false},        // wrong intent
		{"b", "b", 0.3, false},        // right intent, but below the threshold: oos
		{OutOfScope, "a", 0.6, true},  // oos class won: right
		{OutOfScope, "a", 0.7, false}, // missed oos
	}
	r := scoreOutcomes(outs, 0.5)
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("in_scope_accuracy", r.InScopeAccuracy, 1.0/3)
	near("oos_recall", r.OOSRecall, 0.5)
	near("oos_precision", r.OOSPrecision, 0.5)
	near("accuracy", r.Accuracy, 2.0/5)
	near("macro_f1", r.MacroF1, (0.5+0+0.5)/3)
	// |1-.9| + |0-.8| + |1-.3| + |0-.6| + |0-.7|, one example per bin
	near("ece", r.ECE, 2.9/5)
	if r.Examples != 5 || r.InScopeExamples != 3 || r.OOSExamples != 2 {
		t.Errorf("counts = %d/%d/%d, want 5/3/2", r.Examples, r.InScopeExamples, r.OOSExamples)
	}
	wantPer := map[string]IntentScore{
		"a":        {Precision: 0.5, Recall: 0.5, F1: 0.5, Support: 2},
		"b":        {Precision: 0, Recall: 0, F1: 0, Support: 1},
		OutOfScope: {Precision: 0.5, Recall: 0.5, F1: 0.5, Support: 2},
	}
	for l, w := range wantPer {
		if g := r.PerIntent[l]; g != w {
			t.Errorf("per_intent[%s] = %+v, want %+v", l, g, w)
		}
	}
	wantConf := []Confusion{{"a", "b", 1}, {"b", OutOfScope, 1}, {OutOfScope, "a", 1}}
	if !slices.Equal(r.Confusions, wantConf) {
		t.Errorf("confusions = %v, want %v", r.Confusions, wantConf)
	}
	if len(r.Curve) != 19 || r.Curve[0].Threshold != 0.05 || r.Curve[18].Threshold != 0.95 {
		t.Fatalf("curve = %v", r.Curve)
	}
	// At 0.95 everything is out of scope; at 0.05 nothing but the forced one.
	if c := r.Curve[18]; c.InScopeAccuracy != 0 || c.OOSRecall != 1 || c.Accuracy != 2.0/5 {
		t.Errorf("curve at 0.95 = %+v", c)
	}
	if c := r.Curve[0]; math.Abs(c.InScopeAccuracy-2.0/3) > 1e-9 || c.OOSRecall != 0.5 || c.Accuracy != 3.0/5 {
		t.Errorf("curve at 0.05 = %+v", c)
	}
}

func TestChooseThresholdMidpoint(t *testing.T) {
	m := mustFixtureModel(t)
	val := []Example{{"how to deposit", "deposit"}, {"what is the weather in paris tomorrow", OutOfScope}}
	th, r := chooseThreshold(m, val)
	if r.Accuracy != 1 {
		t.Fatalf("val accuracy %v at threshold %v, want 1", r.Accuracy, th)
	}
	dep := m.ClassifyWithThreshold("how to deposit", 0).Confidence
	wea := m.ClassifyWithThreshold("what is the weather in paris tomorrow", 0).Confidence
	if !(th > wea && th <= dep) {
		t.Errorf("threshold %v not between %v and %v", th, wea, dep)
	}
}

func TestEvaluate(t *testing.T) {
	test := []Example{
		{"пополнение счета", "deposit"},
		{"how to withdraw money", "withdrawal"},
		{"забыл пароль от аккаунта", "password_reset"},
		{"what is the weather in paris tomorrow", OutOfScope},
	}
	r, err := TrainAndEvaluate(fixture(), test, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Examples != 4 || r.InScopeExamples != 3 || r.OOSExamples != 1 || r.Intents != 5 {
		t.Errorf("counts: %+v", r)
	}
	if r.InScopeAccuracy != 1 || r.OOSRecall != 1 {
		t.Errorf("in-scope accuracy %v, oos recall %v; want 1, 1", r.InScopeAccuracy, r.OOSRecall)
	}
	if r.TrainSeconds <= 0 || r.P50us <= 0 || r.P99us < r.P50us || r.Threshold != DefaultThreshold {
		t.Errorf("train %v s, p50 %v, p99 %v, threshold %v", r.TrainSeconds, r.P50us, r.P99us, r.Threshold)
	}
	if _, err := TrainAndEvaluate(nil, test, Options{}); err == nil {
		t.Error("TrainAndEvaluate(nil): no error")
	}
}
