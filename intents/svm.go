package intents

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// matrix is a row-compressed sparse matrix of training vectors.
type matrix struct {
	dim int
	ptr []int
	idx []int32
	val []float32
	sq  []float64 // squared norm of each row, bias feature included
}

func newMatrix(dim int, rows []sparse, bias float64) *matrix {
	m := &matrix{dim: dim, ptr: make([]int, 1, len(rows)+1), sq: make([]float64, len(rows))}
	for i, r := range rows {
		m.idx = append(m.idx, r.idx...)
		m.val = append(m.val, r.val...)
		m.ptr = append(m.ptr, len(m.idx))
		s := bias * bias
		for _, v := range r.val {
			s += float64(v) * float64(v)
		}
		m.sq[i] = s
	}
	return m
}

func (m *matrix) rows() int { return len(m.sq) }

// svmParams are the knobs of the one-vs-rest linear SVM.
type svmParams struct {
	c       float64 // cost of a margin violation
	posCost float64 // multiplier of c for the positive examples of a class
	oosCost float64 // multiplier of c for the examples of the oos class
	oos     int     // index of the oos class, or -1
	bias    float64 // value of the constant feature (its weight is the bias)
	eps     float64 // stopping tolerance on the projected gradient
	maxIter int
	seed    uint64
	workers int
}

// binarySVM trains one L2-regularised squared-hinge SVM by dual coordinate
// descent with shrinking (Hsieh et al. 2008, as in LIBLINEAR) over the rows
// listed in index (which it reorders), warm-starting from alpha, w and *b
// (the bias weight), which must equal the sum of alpha_i*y_i*(x_i, bias).
func binarySVM(x *matrix, y []int8, p svmParams, rng *rand.Rand, w []float32, b *float64, alpha []float64, index []int) {
	n := len(index)
	diag := [2]float64{0.5 / p.c, 0.5 / (p.c * p.posCost)} // [negative, positive]
	active := n
	pgMaxOld := math.Inf(1) // no upper bound on alpha: only the lower side shrinks
	for iter := 0; iter < p.maxIter; iter++ {
		pgMax, pgMin := math.Inf(-1), math.Inf(1)
		rng.Shuffle(active, func(i, j int) { index[i], index[j] = index[j], index[i] })
		for s := 0; s < active; s++ {
			i := index[s]
			idx := x.idx[x.ptr[i]:x.ptr[i+1]]
			val := x.val[x.ptr[i]:x.ptr[i+1]]
			val = val[:len(idx)]
			dot := sparseDot(w, idx, val)
			yi := float64(y[i])
			d := diag[(y[i]+1)/2]
			g := yi*(float64(dot)+*b*p.bias) - 1 + alpha[i]*d
			pg := g
			if alpha[i] == 0 {
				if g > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if g > 0 {
					pg = 0
				}
			}
			pgMax = math.Max(pgMax, pg)
			pgMin = math.Min(pgMin, pg)
			if math.Abs(pg) <= 1e-12 {
				continue
			}
			old := alpha[i]
			alpha[i] = math.Max(old-g/(x.sq[i]+d), 0)
			step := (alpha[i] - old) * yi
			*b += step * p.bias
			step32 := float32(step)
			for k, f := range idx {
				w[f] += step32 * val[k]
			}
		}
		if pgMax-pgMin <= p.eps {
			if active == n {
				break
			}
			active = n
			pgMaxOld = math.Inf(1)
			continue
		}
		pgMaxOld = pgMax
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
	}
}

// ovrResult is a trained one-vs-rest SVM: weights feature-major
// (weights[f*classes+c]) and biases; held[j*classes+c] is the decision
// value for held-out row j of a model trained without the held-out rows.
type ovrResult struct {
	weights []float32
	bias    []float32
	held    []float32
}

// trainOVR trains one binary SVM per class, in parallel over p.workers.
// Each is first trained without the rows listed in heldOut, then scores the
// rows of heldX (those rows as the first model sees them, for calibration),
// and is then trained on all rows, warm-started from the first solution. It
// stops early with ctx's error when ctx is done.
func trainOVR(ctx context.Context, x *matrix, labels []int, classes int, heldOut []int, heldX *matrix, p svmParams) (*ovrResult, error) {
	n := x.rows()
	res := &ovrResult{
		weights: make([]float32, x.dim*classes),
		bias:    make([]float32, classes),
		held:    make([]float32, len(heldOut)*classes),
	}
	isHeld := make([]bool, n)
	for _, i := range heldOut {
		isHeld[i] = true
	}
	workers := p.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(min(workers, classes), 1)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make([]float32, x.dim)
			alpha := make([]float64, n)
			index := make([]int, 0, n)
			y := make([]int8, n)
			for c := range next {
				for i, l := range labels {
					y[i] = -1
					if l == c {
						y[i] = 1
					}
				}
				pc := p
				if c == p.oos {
					pc.posCost *= p.oosCost
				}
				rng := rand.New(rand.NewPCG(p.seed, uint64(c)))
				clear(w)
				clear(alpha)
				b := 0.0
				if len(heldOut) > 0 {
					index = index[:0]
					for i := range n {
						if !isHeld[i] {
							index = append(index, i)
						}
					}
					loose := pc
					loose.eps = max(pc.eps, calibTolerance)
					binarySVM(x, y, loose, rng, w, &b, alpha, index)
					for j := range heldOut {
						res.held[j*classes+c] = heldX.dot(w, j) + float32(b*p.bias)
					}
				}
				index = index[:n]
				for i := range index {
					index[i] = i
				}
				binarySVM(x, y, pc, rng, w, &b, alpha, index)
				for f, v := range w {
					res.weights[f*classes+c] = v
				}
				res.bias[c] = float32(b * p.bias)
			}
		}()
	}
	var err error
	for c := 0; c < classes; c++ {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- c
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return res, nil
}

// dot returns w·x_i.
func (m *matrix) dot(w []float32, i int) float32 {
	return sparseDot(w, m.idx[m.ptr[i]:m.ptr[i+1]], m.val[m.ptr[i]:m.ptr[i+1]])
}

// calibTolerance is the solver tolerance of the first, calibration-only
// round: its decision values need not be as exact as the final model's.
const calibTolerance = 1.0

// sparseDot returns the dot product of dense w with the sparse vector
// (idx, val), in four independent sums for instruction-level parallelism.
func sparseDot(w []float32, idx []int32, val []float32) float32 {
	val = val[:len(idx)]
	var d0, d1, d2, d3 float32
	k := 0
	for ; k+4 <= len(idx); k += 4 {
		d0 += w[idx[k]] * val[k]
		d1 += w[idx[k+1]] * val[k+1]
		d2 += w[idx[k+2]] * val[k+2]
		d3 += w[idx[k+3]] * val[k+3]
	}
	for ; k < len(idx); k++ {
		d0 += w[idx[k]] * val[k]
	}
	return (d0 + d1) + (d2 + d3)
}
