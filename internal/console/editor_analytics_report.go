package console

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/store"
)

// The analytics report: the store's per-day rows (one SQL query per figure,
// store/analytics.go) summed into day or ISO-week buckets, with the live
// content naming steps and articles.

const dayLayout = "2006-01-02"

// period is a range of whole UTC days, both included.
type period struct {
	from, to time.Time // midnights
	week     bool      // weekly buckets (weeks start on Monday)
}

// end is the exclusive end of the period: the midnight after its last day.
func (p period) end() time.Time { return p.to.AddDate(0, 0, 1) }

// bucketOf is the first day of the bucket holding day d.
func (p period) bucketOf(d time.Time) time.Time {
	if !p.week {
		return d
	}
	monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	if monday.Before(p.from) {
		return p.from
	}
	return monday
}

// counts are one bucket's (or the period's) numbers.
type counts struct {
	Started    int64 `json:"started"`
	HandedOff  int64 `json:"handed_off"`
	Decided    int64 `json:"decided"`
	Contained  int64 `json:"contained"`
	Pending    int64 `json:"pending"`
	Classified int64 `json:"classified"`
	OutOfScope int64 `json:"out_of_scope"`
}

type pointJSON struct {
	Start string `json:"start"` // first day of the bucket within the period
	End   string `json:"end"`   // last day of the bucket within the period
	counts
	HandoffRate    *float64 `json:"handoff_rate"`
	Containment    *float64 `json:"containment"`
	OutOfScopeRate *float64 `json:"out_of_scope_rate"`
}

func ratio(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func (c counts) point(start, end time.Time) pointJSON {
	return pointJSON{Start: start.Format(dayLayout), End: end.Format(dayLayout), counts: c,
		HandoffRate: ratio(c.HandedOff, c.Started), Containment: ratio(c.Contained, c.Decided),
		OutOfScopeRate: ratio(c.OutOfScope, c.Classified)}
}

// series buckets the per-day rows over the period (empty buckets included)
// and returns them with the period's totals.
func series(p period, handoff []store.HandoffDay, containment []store.ContainmentDay, oos []store.OutOfScopeDay) ([]pointJSON, pointJSON) {
	byDay := map[string]*counts{}
	at := func(day string) *counts {
		if byDay[day] == nil {
			byDay[day] = &counts{}
		}
		return byDay[day]
	}
	for _, r := range handoff {
		c := at(r.Day)
		c.Started, c.HandedOff = r.Started, r.HandedOff
	}
	for _, r := range containment {
		c := at(r.Day)
		c.Decided, c.Contained, c.Pending = r.Decided, r.Contained, r.Started-r.Decided
	}
	for _, r := range oos {
		c := at(r.Day)
		c.Classified, c.OutOfScope = r.Classified, r.OutOfScope
	}
	var points []pointJSON
	var total, bucket counts
	start := p.from
	for d := p.from; !d.After(p.to); d = d.AddDate(0, 0, 1) {
		if b := p.bucketOf(d); !b.Equal(start) {
			points = append(points, bucket.point(start, d.AddDate(0, 0, -1)))
			bucket, start = counts{}, b
		}
		if c := byDay[d.Format(dayLayout)]; c != nil {
			bucket.add(*c)
			total.add(*c)
		}
	}
	points = append(points, bucket.point(start, p.to))
	return points, total.point(p.from, p.to)
}

func (c *counts) add(o counts) {
	c.Started += o.Started
	c.HandedOff += o.HandedOff
	c.Decided += o.Decided
	c.Contained += o.Contained
	c.Pending += o.Pending
	c.Classified += o.Classified
	c.OutOfScope += o.OutOfScope
}

// outcomes say how conversations left a flow: handed off on their last
// step in it, reached an end step, wrote nothing more (abandoned), or
// wrote again and went elsewhere (moved on).
type outcomes struct {
	Conversations int64 `json:"conversations"`
	Handoff       int64 `json:"handoff"`
	Ended         int64 `json:"ended"`
	Abandoned     int64 `json:"abandoned"`
	MovedOn       int64 `json:"moved_on"`
}

func (o *outcomes) add(x outcomes) {
	o.Conversations += x.Conversations
	o.Handoff += x.Handoff
	o.Ended += x.Ended
	o.Abandoned += x.Abandoned
	o.MovedOn += x.MovedOn
}

type stepJSON struct {
	Step string `json:"step"`
	Kind string `json:"kind"` // the step's kind in the live content; "" when it is no longer there
	outcomes
}

type flowJSON struct {
	Flow string `json:"flow"`
	Path string `json:"path,omitempty"` // its file in the live content
	outcomes
	Steps []stepJSON `json:"steps"`
}

// dropOff groups the last steps by flow: flows by conversations, steps in
// the flow's order (steps no longer in the content last).
func dropOff(rows []store.StepCount, b *flows.Bundle) []flowJSON {
	var out []flowJSON
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.Flow]
		if !ok {
			i = len(out)
			index[r.Flow] = i
			out = append(out, flowJSON{Flow: r.Flow})
			if f := b.Flows[r.Flow]; f != nil {
				out[i].Path = f.Path
			}
		}
		s := stepJSON{Step: r.Step, Kind: stepKind(b, r.Flow, r.Step),
			outcomes: outcomes{Conversations: r.Conversations, Handoff: r.Handoffs}}
		if s.Kind == string(flows.KindEnd) {
			s.Ended = r.Conversations - r.Handoffs
		} else {
			s.Abandoned, s.MovedOn = r.Silent, r.Conversations-r.Handoffs-r.Silent
		}
		out[i].add(s.outcomes)
		out[i].Steps = append(out[i].Steps, s)
	}
	for i := range out {
		f := b.Flows[out[i].Flow]
		slices.SortStableFunc(out[i].Steps, func(x, y stepJSON) int { return cmp.Compare(stepOrder(f, x.Step), stepOrder(f, y.Step)) })
	}
	slices.SortStableFunc(out, func(x, y flowJSON) int {
		return cmp.Or(cmp.Compare(y.Conversations, x.Conversations), cmp.Compare(x.Flow, y.Flow))
	})
	return out
}

func stepKind(b *flows.Bundle, flow, step string) string {
	if f := b.Flows[flow]; f != nil {
		for _, st := range f.Steps {
			if st.ID == step {
				return string(st.Kind)
			}
		}
	}
	return ""
}

func stepOrder(f *flows.Flow, step string) int {
	if f != nil {
		for i, st := range f.Steps {
			if st.ID == step {
				return i
			}
		}
	}
	return 1 << 30
}

type intentJSON struct {
	Intent        string   `json:"intent"`
	Conversations int64    `json:"conversations"`
	Share         *float64 `json:"share"` // of the conversations started in the period
}

type feedbackJSON struct {
	Article string `json:"article"`
	Locale  string `json:"locale"`
	Title   string `json:"title,omitempty"`
	Path    string `json:"path,omitempty"` // the live file; "" when the article is gone
	Yes     int64  `json:"yes"`
	No      int64  `json:"no"`
}

func feedback(rows []store.ArticleFeedback, b *flows.Bundle) []feedbackJSON {
	out := make([]feedbackJSON, 0, len(rows))
	for _, r := range rows {
		f := feedbackJSON{Article: r.Article, Locale: r.Locale, Yes: r.YesCount, No: r.NoCount}
		for _, a := range b.Articles {
			if a.ID == r.Article && a.Locale == r.Locale {
				f.Title, f.Path = a.Title, a.Path
			}
		}
		out = append(out, f)
	}
	return out
}

type staleJSON struct {
	Article  string `json:"article"`
	Locale   string `json:"locale"`
	Title    string `json:"title"`
	Path     string `json:"path"`
	ReviewBy string `json:"review_by"`
	Days     int    `json:"days"` // days past review_by (overdue) or left until it (due)
}

// staleArticles lists the live articles whose review_by is before today
// (overdue, oldest first) and those due from today to today+within days.
func staleArticles(b *flows.Bundle, today time.Time, within int) (overdue, due []staleJSON) {
	overdue, due = []staleJSON{}, []staleJSON{}
	limit := today.AddDate(0, 0, within)
	for _, a := range b.Articles {
		if a.ReviewBy.IsZero() || a.ReviewBy.After(limit) {
			continue
		}
		s := staleJSON{Article: a.ID, Locale: a.Locale, Title: a.Title, Path: a.Path, ReviewBy: a.ReviewBy.Format(dayLayout),
			Days: int(a.ReviewBy.Sub(today).Hours() / 24)}
		if a.ReviewBy.Before(today) {
			s.Days = -s.Days
			overdue = append(overdue, s)
		} else {
			due = append(due, s)
		}
	}
	byDate := func(x, y staleJSON) int {
		return cmp.Or(cmp.Compare(x.ReviewBy, y.ReviewBy), cmp.Compare(x.Path, y.Path))
	}
	slices.SortFunc(overdue, byDate)
	slices.SortFunc(due, byDate)
	return overdue, due
}

// parsedLive caches the last live bundle parsed for analytics, by hash.
var parsedLive struct {
	sync.Mutex
	hash   string
	bundle *flows.Bundle
}

func liveBundle(r store.Release) (*flows.Bundle, error) {
	parsedLive.Lock()
	defer parsedLive.Unlock()
	if parsedLive.bundle != nil && parsedLive.hash == r.Hash {
		return parsedLive.bundle, nil
	}
	b, err := flows.ParseBundle(r.Files, r.Hash)
	if err != nil {
		return nil, err
	}
	parsedLive.hash, parsedLive.bundle = r.Hash, b
	return b, nil
}
