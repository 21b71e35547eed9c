package intents

import (
	"os"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestCLINCTuneOnVal prints, for each Options of tuneGrid, the metrics on
// CLINC150 val+oos_val at the threshold chosen on val+oos_val, and the
// AUROC of telling in-scope from out-of-scope val utterances by confidence
// (steadier than recall at one threshold with 100 oos examples). It reads
// only the train and val splits: this is how the defaults were chosen.
// Run with INTENTS_TUNE=1 go test -run TuneOnVal -v.
func TestCLINCTuneOnVal(t *testing.T) {
	if os.Getenv("INTENTS_TUNE") == "" {
		t.Skip("set INTENTS_TUNE=1 to run the hyper-parameter search on CLINC150 val")
	}
	s, err := readCLINC(clincPath)
	if err != nil {
		t.Skip(err)
	}
	for _, o := range tuneGrid() {
		start := time.Now()
		cpu0 := cpuSeconds()
		m, err := Train(s.train, o)
		if err != nil {
			t.Fatal(err)
		}
		secs := time.Since(start).Seconds()
		cpu := cpuSeconds() - cpu0
		th, r := chooseThreshold(m, s.val)
		outs, _ := classifyAll(m, s.val)
		t.Logf("%+v: train %.2fs (cpu %.2fs) T=%.3f bg=%.3f dim=%d | val thr %.3f acc %.4f in %.4f oosR %.2f auroc %.4f ece %.3f",
			o, secs, cpu, m.temperature, m.background, len(m.vocab.idf), th, r.Accuracy, r.InScopeAccuracy, r.OOSRecall, auroc(outs), r.ECE)
		// Without oos_train, out-of-scope detection rests on the confidence
		// alone: a check that does not reward memorising oos_train topics.
		var inOnly []Example
		for _, e := range s.train {
			if e.Intent != OutOfScope {
				inOnly = append(inOnly, e)
			}
		}
		m2, err := Train(inOnly, o)
		if err != nil {
			t.Fatal(err)
		}
		th2, r2 := chooseThreshold(m2, s.val)
		outs2, _ := classifyAll(m2, s.val)
		t.Logf("    without oos_train: T=%.3f bg=%.3f | val thr %.3f acc %.4f in %.4f oosR %.2f auroc %.4f",
			m2.temperature, m2.background, th2, r2.Accuracy, r2.InScopeAccuracy, r2.OOSRecall, auroc(outs2))
	}
}

// auroc is the probability that a random in-scope utterance has a higher
// in-scope score than a random out-of-scope one (ties count half). The
// score is the top confidence, or 0 when the oos class won.
func auroc(outs []outcome) float64 {
	var in, oos []float64
	for _, o := range outs {
		sc := o.conf
		if o.forcedOOS {
			sc = 0
		}
		if o.expected == OutOfScope {
			oos = append(oos, sc)
		} else {
			in = append(in, sc)
		}
	}
	slices.Sort(oos)
	sum := 0.0
	for _, v := range in {
		lo, _ := slices.BinarySearch(oos, v)
		hi := lo
		for hi < len(oos) && oos[hi] == v {
			hi++
		}
		sum += float64(lo) + float64(hi-lo)/2
	}
	return sum / float64(len(in)*len(oos))
}

// cpuSeconds is the user+system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
