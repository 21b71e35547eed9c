package editor

import (
	"context"
	"strconv"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// FileDiff is one file that differs, with a unified line diff.
type FileDiff struct {
	Path    string
	Status  string // added, removed, changed
	Unified string
}

// TestsDiff says which conversation tests changed outcome; Error says why
// they could not be compared (a bundle that does not validate).
type TestsDiff struct {
	Changed []TestChange
	Error   string
}

// Diff compares two bundles file by file and by meaning.
type Diff struct {
	From, To string // the refs compared
	Files    []FileDiff
	Intents  []IntentDiff
	Flows    []FlowDiff
	Articles []ArticleDiff
	Tests    *TestsDiff // nil unless asked for
}

// Diff compares two versions. A ref is a version number, "live", or
// "draft" (ed's draft bundle). With tests, the conversation tests run on
// both bundles (reports cached per bundle) and the ones whose outcome
// changed are listed.
func (s *Service) Diff(ctx context.Context, ed handoff.Operator, from, to string, tests bool) (Diff, error) {
	a, err := s.resolve(ctx, ed, from)
	if err != nil {
		return Diff{}, err
	}
	b, err := s.resolve(ctx, ed, to)
	if err != nil {
		return Diff{}, err
	}
	d := compare(a, b)
	d.From, d.To = from, to
	if tests {
		d.Tests = s.testsDiff(ctx, a, b)
	}
	return d, nil
}

func (s *Service) resolve(ctx context.Context, ed handoff.Operator, ref string) (map[string][]byte, error) {
	switch ref {
	case "draft":
		files, _, err := s.Files(ctx, ed)
		return files, err
	case "live":
		r, err := s.releases.live(ctx)
		return r.Files, err
	}
	n, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || n <= 0 {
		return nil, chat.Errorf(chat.EINVALID, "a version is a number, live or draft; got %q", ref)
	}
	r, err := s.releases.get(ctx, n)
	return r.Files, err
}

// compare diffs two bundles without running anything.
func compare(a, b map[string][]byte) Diff {
	var paths []string
	d := Diff{Files: []FileDiff{}}
	for _, p := range keys(a, b) {
		x, inA := a[p]
		y, inB := b[p]
		if inA && inB && string(x) == string(y) {
			continue
		}
		paths = append(paths, p)
		nameA, nameB := "a/"+p, "b/"+p
		if !inA {
			nameA = "/dev/null"
		}
		if !inB {
			nameB = "/dev/null"
		}
		d.Files = append(d.Files, FileDiff{Path: p, Status: changeStatus(inA, inB), Unified: unified(nameA, nameB, string(x), string(y))})
	}
	d.Intents = intentDiffs(a, b, paths)
	d.Flows = flowDiffs(a, b, paths)
	d.Articles = articleDiffs(a, b, paths)
	return d
}

func (s *Service) testsDiff(ctx context.Context, a, b map[string][]byte) *TestsDiff {
	ra, err := s.outcomes.report(ctx, a)
	if err != nil {
		return &TestsDiff{Changed: []TestChange{}, Error: "the first version's tests did not run: " + err.Error()}
	}
	rb, err := s.outcomes.report(ctx, b)
	if err != nil {
		return &TestsDiff{Changed: []TestChange{}, Error: "the second version's tests did not run: " + err.Error()}
	}
	return &TestsDiff{Changed: testChanges(a, b, ra, rb)}
}
