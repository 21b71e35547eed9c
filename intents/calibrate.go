package intents

import (
	"math"
	"slices"
)

// calibration turns decision values into probabilities:
// softmax(values/temperature) with an implicit class of value background.
type calibration struct {
	temperature float64
	background  float64 // NaN when there is no implicit class
}

// calibRow is one held-out example for the fit.
type calibRow struct {
	vals  []float64 // decision values, highest first
	label float64   // decision value of the true class; NaN when none is in vals
	oos   bool      // out of scope: its target is the oos class (if any) or the background
}

// fitCalibration fits the temperature (unless o fixes it) and the
// background value (unless o fixes or drops it) by minimising the negative
// log-likelihood of the decision values of held-out examples (scores: one
// row of classes values per held-out example).
//
// The background needs out-of-scope examples. Without any, each held-out
// in-scope example also serves once as a pseudo out-of-scope one, with its
// own class left out: an utterance of an intent the model does not know.
func fitCalibration(scores []float32, labels []int, classes, oos int, o Options) calibration {
	cal := calibration{temperature: o.Temperature, background: o.Background}
	fitT := cal.temperature <= 0 && len(labels) > 0
	fitBG := !o.NoBackground && !o.FixedBackground && len(labels) > 0
	if cal.temperature <= 0 {
		cal.temperature = priorT
	}
	switch {
	case o.NoBackground:
		cal.background = math.NaN()
	case !o.FixedBackground:
		cal.background = priorBG
	}
	hasOOS := slices.Contains(labels, oos)
	if !fitT && !fitBG {
		return cal
	}
	var rows []calibRow
	for i, l := range labels {
		vals := make([]float64, classes)
		for c := range vals {
			vals[c] = float64(scores[i*classes+c])
		}
		lv := vals[l]
		if fitBG && !hasOOS && classes > 2 {
			rest := slices.Delete(slices.Clone(vals), l, l+1)
			slices.SortFunc(rest, func(a, b float64) int { return cmpFloat(b, a) })
			rows = append(rows, calibRow{vals: rest, label: math.NaN(), oos: true})
		}
		slices.SortFunc(vals, func(a, b float64) int { return cmpFloat(b, a) })
		rows = append(rows, calibRow{vals: vals, label: lv, oos: l == oos})
	}
	for range 2 {
		if fitT {
			t := golden(math.Log(0.01), math.Log(5), func(x float64) float64 {
				return calibNLL(rows, math.Exp(x), cal.background) + calibPrior(x, cal.background, fitBG)
			})
			cal.temperature = math.Exp(t)
		}
		if !fitBG {
			break
		}
		cal.background = golden(-3, 2, func(b float64) float64 {
			return calibNLL(rows, cal.temperature, b) + calibPrior(math.Log(cal.temperature), b, true)
		})
		if !fitT {
			break
		}
	}
	return cal
}

// The fit is kept near a temperature of priorT and a background of
// priorBG (values typical of fits on a few thousand examples) by a weak
// Gaussian prior worth priorWeight examples: it decides only when there
// are very few held-out examples, and gives the values when there are none.
const (
	priorT      = 0.15
	priorBG     = -0.5
	priorSD     = 0.5 // for log T and for the background
	priorWeight = 10
)

// calibPrior is the negative log prior of log temperature logT and
// background bg (the latter only when fitted).
func calibPrior(logT, bg float64, withBG bool) float64 {
	d := (logT - math.Log(priorT)) / priorSD
	p := d * d / 2
	if withBG {
		d = (bg - priorBG) / priorSD
		p += d * d / 2
	}
	return priorWeight * p
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// calibNLL is the negative log-likelihood of rows under temperature t and
// background bg (NaN: none). An out-of-scope row's target is the oos class
// (its label value) or the background.
func calibNLL(rows []calibRow, t, bg float64) float64 {
	hasBG := !math.IsNaN(bg)
	sum := 0.0
	for _, r := range rows {
		mx := r.vals[0]
		if hasBG {
			mx = math.Max(mx, bg)
		}
		z := 0.0
		for _, v := range r.vals {
			e := (v - mx) / t
			if e < -30 { // the rest add less than 1e-13 each
				break
			}
			z += math.Exp(e)
		}
		target := 0.0
		if !math.IsNaN(r.label) {
			target = math.Exp((r.label - mx) / t)
		}
		if hasBG {
			e := math.Exp((bg - mx) / t)
			z += e
			if r.oos {
				target += e
			}
		}
		sum += math.Log(z) - math.Log(math.Max(target, 1e-300))
	}
	return sum
}

// golden minimises a unimodal f over [a, b] by golden-section search.
func golden(a, b float64, f func(float64) float64) float64 {
	const phi = 0.6180339887498949
	c, d := b-phi*(b-a), a+phi*(b-a)
	fc, fd := f(c), f(d)
	for range 18 {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - phi*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + phi*(b-a)
			fd = f(d)
		}
	}
	return (a + b) / 2
}
