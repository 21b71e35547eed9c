package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/live"
)

// On a terminal the bar is redrawn in place, at most every tenth of a
// second, and ends at 100 %; in a log each stage is one line.
func TestPublishProgress(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Unix(0, 0)
	p := &publishProgress{w: &buf, tty: true, now: func() time.Time { return clock }, files: 120}
	p.update(live.StageValidate, 0, 1)
	p.update(live.StageBuild, 0, 1)
	p.update(live.StageTests, 0, 40)
	p.update(live.StageTests, 1, 40) // within 100 ms: not drawn
	clock = clock.Add(200 * time.Millisecond)
	p.update(live.StageTests, 20, 40)
	p.update(live.StageStore, 0, 1)
	p.update(live.StageStore, 1, 1)
	p.finish()
	out := buf.String()
	draws := strings.Split(strings.TrimPrefix(strings.TrimSuffix(out, "\n"), "\r"), "\r")
	if len(draws) != 6 || !strings.Contains(draws[0], "validating 120 files") ||
		!strings.Contains(draws[3], " 65% conversation tests 20/40") || !strings.Contains(draws[5], "[##############################] 100%") {
		t.Fatalf("bar draws:\n%q", draws)
	}

	buf.Reset()
	p = &publishProgress{w: &buf, now: time.Now, files: 3}
	for i := range 5 {
		p.update(live.StageTests, i, 4)
	}
	p.update(live.StageStore, 0, 1)
	p.finish()
	if got := buf.String(); got != "running 4 conversation tests\nstoring and publishing\n" {
		t.Fatalf("log lines: %q", got)
	}
}
