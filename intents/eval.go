package intents

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Report is the outcome of evaluating a model on a labelled test set.
// Out-of-scope utterances count as one more label, OutOfScope.
type Report struct {
	Protocol        string                 `json:"protocol"`
	Examples        int                    `json:"examples"`
	InScopeExamples int                    `json:"in_scope_examples"`
	OOSExamples     int                    `json:"oos_examples"`
	Intents         int                    `json:"intents"`
	Threshold       float64                `json:"threshold"`
	Temperature     float64                `json:"temperature"`
	InScopeAccuracy float64                `json:"in_scope_accuracy"`
	OOSRecall       float64                `json:"oos_recall"`
	OOSPrecision    float64                `json:"oos_precision"`
	Accuracy        float64                `json:"accuracy"`
	ConfidentWrong  float64                `json:"confident_wrong"` // share of examples given a wrong in-scope intent at confidence ≥ ConfidentLevel
	MacroF1         float64                `json:"macro_f1"`
	ECE             float64                `json:"ece"`
	PerIntent       map[string]IntentScore `json:"per_intent"`
	Confusions      []Confusion            `json:"top_confusions"`
	Curve           []CurvePoint           `json:"curve"`
	TrainSeconds    float64                `json:"train_seconds"`
	P50us           float64                `json:"p50_us"`
	P99us           float64                `json:"p99_us"`
}

// IntentScore is the precision, recall and F1 of one label.
type IntentScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Confusion counts test utterances of one label predicted as another.
type Confusion struct {
	Expected  string `json:"expected"`
	Predicted string `json:"predicted"`
	Count     int    `json:"count"`
}

// CurvePoint gives the headline metrics at one threshold.
type CurvePoint struct {
	Threshold       float64 `json:"threshold"`
	InScopeAccuracy float64 `json:"in_scope_accuracy"`
	OOSRecall       float64 `json:"oos_recall"`
	Accuracy        float64 `json:"accuracy"`
}

// ConfidentLevel is the confidence from which a wrong in-scope intent
// counts as confidently wrong: the player gets a wrong answer, not a
// clarifying question or the knowledge base.
const ConfidentLevel = 0.7

// outcome is what the model said about one test utterance, independent of
// the threshold.
type outcome struct {
	expected  string
	top       string  // best in-scope intent
	conf      float64 // its confidence
	forcedOOS bool    // the out-of-scope class won, or no feature was known
}

func (o outcome) predicted(threshold float64) string {
	if o.forcedOOS || o.conf < threshold {
		return OutOfScope
	}
	return o.top
}

// classifyAll classifies every test utterance once, timing each call.
func classifyAll(m *Model, test []Example) ([]outcome, []time.Duration) {
	outs := make([]outcome, len(test))
	lat := make([]time.Duration, len(test))
	for i, e := range test {
		start := time.Now()
		r := m.ClassifyWithThreshold(e.Text, 0)
		lat[i] = time.Since(start)
		o := outcome{expected: e.Intent, conf: r.Confidence, forcedOOS: r.OutOfScope}
		if len(r.Ranked) > 0 {
			o.top = r.Ranked[0].Intent
		}
		outs[i] = o
	}
	return outs, lat
}

// Evaluate classifies test with m at m's threshold and reports the metrics,
// including the latency of those calls. MacroF1 averages the F1 of every
// label in test, OutOfScope included. ECE is the expected calibration error
// of the top in-scope confidence over 10 equal-width bins (an out-of-scope
// utterance's top in-scope intent is always wrong).
func Evaluate(m *Model, test []Example) Report {
	outs, lat := classifyAll(m, test)
	r := scoreOutcomes(outs, m.threshold)
	r.Protocol = "held-out test set at the model's threshold"
	r.Intents = len(m.Intents())
	r.Temperature = m.temperature
	r.P50us, r.P99us = percentileMicros(lat, 0.50), percentileMicros(lat, 0.99)
	return r
}

// TrainAndEvaluate trains on train, evaluates on test and reports the
// training time too.
func TrainAndEvaluate(train, test []Example, opts Options) (Report, error) {
	start := time.Now()
	m, err := Train(train, opts)
	if err != nil {
		return Report{}, err
	}
	secs := time.Since(start).Seconds()
	r := Evaluate(m, test)
	r.TrainSeconds = secs
	return r, nil
}

// scoreOutcomes computes every metric but latency at threshold.
func scoreOutcomes(outs []outcome, threshold float64) Report {
	r := Report{Examples: len(outs), Threshold: threshold, PerIntent: map[string]IntentScore{}}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	confusions := map[[2]string]int{}
	inCorrect, oosCorrect, oosPredicted, confidentWrong := 0, 0, 0, 0
	for _, o := range outs {
		p := o.predicted(threshold)
		if o.expected == OutOfScope {
			r.OOSExamples++
		} else {
			r.InScopeExamples++
		}
		if p == OutOfScope {
			oosPredicted++
		}
		if p == o.expected {
			tp[p]++
			if p == OutOfScope {
				oosCorrect++
			} else {
				inCorrect++
			}
			continue
		}
		if p != OutOfScope && o.conf >= ConfidentLevel {
			confidentWrong++
		}
		fp[p]++
		fn[o.expected]++
		confusions[[2]string{o.expected, p}]++
	}
	r.InScopeAccuracy = ratio(inCorrect, r.InScopeExamples)
	r.OOSRecall = ratio(oosCorrect, r.OOSExamples)
	r.OOSPrecision = ratio(oosCorrect, oosPredicted)
	r.Accuracy = ratio(inCorrect+oosCorrect, len(outs))
	r.ConfidentWrong = ratio(confidentWrong, len(outs))
	labels := map[string]bool{}
	for _, o := range outs {
		labels[o.expected] = true
	}
	sumF1 := 0.0
	for l := range labels {
		s := IntentScore{
			Precision: ratio(tp[l], tp[l]+fp[l]),
			Recall:    ratio(tp[l], tp[l]+fn[l]),
			Support:   tp[l] + fn[l],
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		r.PerIntent[l] = s
		sumF1 += s.F1
	}
	if len(labels) > 0 {
		r.MacroF1 = sumF1 / float64(len(labels))
	}
	for k, n := range confusions {
		r.Confusions = append(r.Confusions, Confusion{Expected: k[0], Predicted: k[1], Count: n})
	}
	slices.SortFunc(r.Confusions, func(a, b Confusion) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Expected, b.Expected), cmp.Compare(a.Predicted, b.Predicted))
	})
	if len(r.Confusions) > 10 {
		r.Confusions = r.Confusions[:10]
	}
	r.ECE = expectedCalibrationError(outs)
	for i := 1; i <= 19; i++ {
		t := float64(i) * 0.05
		c := curvePoint(outs, t)
		r.Curve = append(r.Curve, c)
	}
	return r
}

func curvePoint(outs []outcome, t float64) CurvePoint {
	in, inOK, oos, oosOK := 0, 0, 0, 0
	for _, o := range outs {
		p := o.predicted(t)
		if o.expected == OutOfScope {
			oos++
			if p == OutOfScope {
				oosOK++
			}
		} else {
			in++
			if p == o.expected {
				inOK++
			}
		}
	}
	return CurvePoint{
		Threshold:       math.Round(t*100) / 100,
		InScopeAccuracy: ratio(inOK, in),
		OOSRecall:       ratio(oosOK, oos),
		Accuracy:        ratio(inOK+oosOK, in+oos),
	}
}

// expectedCalibrationError compares the top in-scope confidence with how
// often the top in-scope intent is right, over 10 equal-width bins.
func expectedCalibrationError(outs []outcome) float64 {
	const bins = 10
	var n [bins]int
	var conf, acc [bins]float64
	for _, o := range outs {
		b := min(int(o.conf*bins), bins-1)
		n[b]++
		conf[b] += o.conf
		if o.top == o.expected {
			acc[b]++
		}
	}
	ece := 0.0
	for b := range n {
		if n[b] > 0 {
			ece += math.Abs(acc[b]-conf[b]) / float64(len(outs))
		}
	}
	return ece
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func percentileMicros(lat []time.Duration, q float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := min(int(math.Ceil(q*float64(len(s))))-1, len(s)-1)
	return float64(s[max(i, 0)].Nanoseconds()) / 1e3
}
