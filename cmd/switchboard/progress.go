package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/switchboard-support/switchboard/internal/live"
)

// publishProgress shows where a publish stands: on a terminal one bar,
// redrawn at most every tenth of a second; elsewhere (a log, a pipe) one
// line per stage.
type publishProgress struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	drawn time.Time
	stage string
	files int
}

func newPublishProgress(w io.Writer, files int) *publishProgress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil {
			tty = fi.Mode()&os.ModeCharDevice != 0
		}
	}
	return &publishProgress{w: w, tty: tty, now: time.Now, files: files}
}

// stageSpan is each stage's share of the bar, in percent: [from, to).
var stageSpan = map[string][2]float64{
	live.StageValidate: {0, 5}, live.StageBuild: {5, 35}, live.StageTests: {35, 95}, live.StageStore: {95, 100},
}

func (p *publishProgress) update(stage string, done, total int) {
	changed := stage != p.stage
	p.stage = stage
	label := p.label(stage, done, total)
	if !p.tty {
		if changed {
			fmt.Fprintln(p.w, label)
		}
		return
	}
	final := stage == live.StageStore && done == total
	if !changed && !final && p.now().Sub(p.drawn) < 100*time.Millisecond {
		return
	}
	p.drawn = p.now()
	span := stageSpan[stage]
	pct := span[0]
	if total > 0 {
		pct += (span[1] - span[0]) * float64(done) / float64(total)
	}
	const width = 30
	n := int(pct / 100 * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %-48s", strings.Repeat("#", n), strings.Repeat(".", width-n), pct, label)
}

// finish ends the bar's line.
func (p *publishProgress) finish() {
	if p.tty && p.stage != "" {
		fmt.Fprintln(p.w)
	}
}

func (p *publishProgress) label(stage string, done, total int) string {
	switch stage {
	case live.StageValidate:
		return fmt.Sprintf("validating %d files", p.files)
	case live.StageBuild:
		return "training the intent model, indexing the articles"
	case live.StageTests:
		if done == 0 {
			return fmt.Sprintf("running %d conversation tests", total)
		}
		return fmt.Sprintf("conversation tests %d/%d", done, total)
	case live.StageStore:
		return "storing and publishing"
	}
	return stage
}
