package intents

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// clincProtocol describes what CLINC reports.
const clincProtocol = "clinc150 full (Larson et al. 2019): train on train+oos_train with oos as one more class; " +
	"threshold = the one with the highest accuracy over all 151 classes on val+oos_val " +
	"(oos when the oos class wins or the top confidence is below it); metrics on test+oos_test"

// clincSplits are the splits of CLINC150's data_full.json, out-of-scope
// utterances appended to the in-scope ones of the same split.
type clincSplits struct {
	train, val, test []Example
}

// readCLINC reads data_full.json.
func readCLINC(path string) (clincSplits, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return clincSplits{}, fmt.Errorf("intents: clinc: %w", err)
	}
	var raw map[string][][2]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return clincSplits{}, chat.Errorf(chat.EINVALID, "intents: clinc: %s: %v", path, err)
	}
	split := func(in, oos string) ([]Example, error) {
		a, ok1 := raw[in]
		b, ok2 := raw[oos]
		if !ok1 || !ok2 || len(a) == 0 || len(b) == 0 {
			return nil, chat.Errorf(chat.EINVALID, "intents: clinc: %s: missing or empty %q or %q", path, in, oos)
		}
		out := make([]Example, 0, len(a)+len(b))
		for _, p := range append(a, b...) {
			out = append(out, Example{Text: p[0], Intent: p[1]})
		}
		return out, nil
	}
	var s clincSplits
	if s.train, err = split("train", "oos_train"); err != nil {
		return s, err
	}
	if s.val, err = split("val", "oos_val"); err != nil {
		return s, err
	}
	if s.test, err = split("test", "oos_test"); err != nil {
		return s, err
	}
	return s, nil
}

// CLINC runs the Full protocol of CLINC150 on the data_full.json at path:
// train on train+oos_train (oos as one more class), choose the threshold
// with the highest accuracy over all 151 classes on val+oos_val, and report
// test+oos_test at that threshold. The test split steers nothing.
//
// The default Options were tuned the same way, on val only: each setting
// trained on train+oos_train, picked its threshold on val+oos_val and was
// compared by val accuracy, in-scope accuracy and oos recall at that
// threshold (see TestCLINCTuneOnVal); the test split was read only to report.
func CLINC(path string, opts Options) (Report, error) {
	s, err := readCLINC(path)
	if err != nil {
		return Report{}, err
	}
	start := time.Now()
	m, err := Train(s.train, opts)
	if err != nil {
		return Report{}, err
	}
	secs := time.Since(start).Seconds()
	t, _ := chooseThreshold(m, s.val)
	outs, lat := classifyAll(m, s.test)
	r := scoreOutcomes(outs, t)
	r.Protocol = clincProtocol
	r.Intents = len(m.Intents())
	r.Temperature = m.temperature
	r.TrainSeconds = secs
	r.P50us, r.P99us = percentileMicros(lat, 0.50), percentileMicros(lat, 0.99)
	return r, nil
}

// chooseThreshold returns the threshold in [0, 1) (steps of 0.005) with
// the highest accuracy on val, and the report at it. Of a run of equally
// good thresholds it takes the middle one.
func chooseThreshold(m *Model, val []Example) (float64, Report) {
	outs, _ := classifyAll(m, val)
	const steps = 200
	accs := make([]float64, steps)
	best := 0
	for i := range accs {
		accs[i] = curvePoint(outs, float64(i)/steps).Accuracy
		if accs[i] > accs[best] {
			best = i
		}
	}
	end := best
	for end+1 < steps && accs[end+1] == accs[best] {
		end++
	}
	t := float64(best+end) / 2 / steps
	return t, scoreOutcomes(outs, t)
}
