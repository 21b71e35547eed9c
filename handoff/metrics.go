package handoff

import (
	"slices"
	"time"
)

// OperatorStats are one operator's quality figures since a moment, or the
// whole desk's when OperatorID is 0.
//
// Definitions:
//   - FirstResponse is ticket creation → the first human answer: the wait the
//     player lived through, bot time after the handoff included. It counts
//     tickets first answered since the moment, credited to whoever answered
//     (Ticket.FirstResponseBy), transfers notwithstanding.
//   - SLAHitRate is the share of those first answers given by DueAt (exactly
//     at DueAt is a hit); tickets without a DueAt are left out of it.
//   - Handle is the latest assignment → resolution, for tickets resolved since
//     the moment, credited to the staff member who resolved them
//     (Ticket.Resolver).
//   - CSAT covers rated tickets resolved since the moment, credited to the
//     resolver.
//
// Averages are 0 when there is nothing to average; durations are truncated
// to the nanosecond by integer division.
type OperatorStats struct {
	OperatorID       int64
	Resolved         int
	FirstResponses   int
	AvgFirstResponse time.Duration
	AvgHandle        time.Duration
	CSATCount        int
	CSATAvg          float64
	SLAMeasured      int // first answers with a DueAt
	SLAHits          int // of those, given by DueAt
	SLAHitRate       float64
}

// statsSums accumulates the sums behind one OperatorStats.
type statsSums struct {
	OperatorStats
	firstSum, handleSum time.Duration
	handled, csatSum    int
}

func (s *statsSums) addFirst(t Ticket) {
	s.FirstResponses++
	s.firstSum += t.FirstResponseAt.Sub(t.CreatedAt)
	if !t.DueAt.IsZero() {
		s.SLAMeasured++
		if !t.FirstResponseAt.After(t.DueAt) {
			s.SLAHits++
		}
	}
}

func (s *statsSums) addResolved(t Ticket) {
	s.Resolved++
	if !t.AssignedAt.IsZero() {
		s.handled++
		s.handleSum += t.ResolvedAt.Sub(t.AssignedAt)
	}
	if t.CSAT >= 1 && t.CSAT <= 5 {
		s.CSATCount++
		s.csatSum += t.CSAT
	}
}

func (s *statsSums) done() OperatorStats {
	o := s.OperatorStats
	if o.FirstResponses > 0 {
		o.AvgFirstResponse = s.firstSum / time.Duration(o.FirstResponses)
	}
	if s.handled > 0 {
		o.AvgHandle = s.handleSum / time.Duration(s.handled)
	}
	if o.CSATCount > 0 {
		o.CSATAvg = float64(s.csatSum) / float64(o.CSATCount)
	}
	if o.SLAMeasured > 0 {
		o.SLAHitRate = float64(o.SLAHits) / float64(o.SLAMeasured)
	}
	return o
}

// Metrics returns per-operator figures over tickets for events at or after
// since (see OperatorStats for the definitions), one row per operator with
// any such event, by id, then the desk-wide row (OperatorID 0) last, always
// present; tickets credited to no operator (id 0) count only there.
// Operators with nothing since do not appear; the console joins the
// rows with its list of operators.
func Metrics(tickets []Ticket, since time.Time) []OperatorStats {
	per := map[int64]*statsSums{}
	get := func(id int64) *statsSums {
		s, ok := per[id]
		if !ok {
			s = &statsSums{OperatorStats: OperatorStats{OperatorID: id}}
			per[id] = s
		}
		return s
	}
	var total statsSums
	for _, t := range tickets {
		if !t.FirstResponseAt.IsZero() && !t.FirstResponseAt.Before(since) {
			if t.FirstResponseBy != 0 {
				get(t.FirstResponseBy).addFirst(t)
			}
			total.addFirst(t)
		}
		if t.Status == StatusResolved && !t.ResolvedAt.IsZero() && !t.ResolvedAt.Before(since) {
			if by := t.Resolver(); by != 0 {
				get(by).addResolved(t)
			}
			total.addResolved(t)
		}
	}
	ids := make([]int64, 0, len(per))
	for id := range per {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]OperatorStats, 0, len(ids)+1)
	for _, id := range ids {
		out = append(out, per[id].done())
	}
	return append(out, total.done())
}
