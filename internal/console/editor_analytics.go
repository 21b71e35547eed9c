package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
)

const (
	maxAnalyticsDays = 366 // the longest period one request may ask for
	topIntentsLimit  = 10
	reminderDays     = 14 // the stale list's "due soon" window by default
)

// registerAnalytics mounts the editors' analytics (API.md "Analytics").
func (s *Server) registerAnalytics(g *echo.Group) {
	g.GET("/analytics", s.handleAnalytics)
	g.GET("/analytics/stale", s.handleStale)
}

// parsePeriod reads days=N, or from and to (YYYY-MM-DD, both included; UTC
// days), and bucket=day|week. The default is the last 30 days by day.
func parsePeriod(c echo.Context, now time.Time) (period, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	var p period
	switch b := c.QueryParam("bucket"); b {
	case "", "day":
	case "week":
		p.week = true
	default:
		return p, chat.Errorf(chat.EINVALID, "bucket %q: want day or week", b)
	}
	days, from, to := c.QueryParam("days"), c.QueryParam("from"), c.QueryParam("to")
	switch {
	case days != "" && (from != "" || to != ""):
		return p, chat.Errorf(chat.EINVALID, "give days or from and to, not both")
	case from != "" || to != "":
		var err error
		if p.from, err = time.Parse(dayLayout, from); err != nil {
			return p, chat.Errorf(chat.EINVALID, "from %q: want a date YYYY-MM-DD", from)
		}
		if p.to, err = time.Parse(dayLayout, to); err != nil {
			return p, chat.Errorf(chat.EINVALID, "to %q: want a date YYYY-MM-DD", to)
		}
		if p.to.Before(p.from) {
			return p, chat.Errorf(chat.EINVALID, "to %s is before from %s", to, from)
		}
		if n := int(p.to.Sub(p.from).Hours()/24) + 1; n > maxAnalyticsDays {
			return p, chat.Errorf(chat.EINVALID, "the period has %d days; at most %d", n, maxAnalyticsDays)
		}
	default:
		n := 30
		if days != "" {
			var err error
			if n, err = strconv.Atoi(days); err != nil || n < 1 || n > maxAnalyticsDays {
				return p, chat.Errorf(chat.EINVALID, "days %q: want 1 to %d", days, maxAnalyticsDays)
			}
		}
		p.from, p.to = today.AddDate(0, 0, 1-n), today
	}
	return p, nil
}

func (s *Server) handleAnalytics(c echo.Context) error {
	now := time.Now().UTC()
	p, err := parsePeriod(c, now)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st := s.opts.Store
	from, to := p.from, p.end()
	handoff, err := st.HandoffDays(ctx, from, to)
	if err != nil {
		return err
	}
	containment, err := st.ContainmentDays(ctx, from, to, now)
	if err != nil {
		return err
	}
	oos, err := st.OutOfScopeDays(ctx, from, to)
	if err != nil {
		return err
	}
	intents, err := st.TopIntents(ctx, from, to, topIntentsLimit)
	if err != nil {
		return err
	}
	steps, err := st.DropOff(ctx, from, to)
	if err != nil {
		return err
	}
	fb, err := st.Feedback(ctx, from, to)
	if err != nil {
		return err
	}
	r, err := s.opts.Editor.Live(ctx)
	if err != nil {
		return err
	}
	b, err := liveBundle(r)
	if err != nil {
		return err
	}
	points, totals := series(p, handoff, containment, oos)
	top := make([]intentJSON, 0, len(intents))
	for _, i := range intents {
		top = append(top, intentJSON{Intent: i.Intent, Conversations: i.Conversations, Share: ratio(i.Conversations, totals.Started)})
	}
	bucket := "day"
	if p.week {
		bucket = "week"
	}
	flowsOut := dropOff(steps, b)
	if flowsOut == nil {
		flowsOut = []flowJSON{}
	}
	return c.JSON(http.StatusOK, map[string]any{
		"from": p.from.Format(dayLayout), "to": p.to.Format(dayLayout), "bucket": bucket, "now": now,
		"series": points, "totals": totals, "top_intents": top, "flows": flowsOut, "feedback": feedback(fb, b),
	})
}

func (s *Server) handleStale(c echo.Context) error {
	within := reminderDays
	if w := c.QueryParam("within"); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 || n > maxAnalyticsDays {
			return chat.Errorf(chat.EINVALID, "within %q: want 0 to %d days", w, maxAnalyticsDays)
		}
		within = n
	}
	r, err := s.opts.Editor.Live(c.Request().Context())
	if err != nil {
		return err
	}
	b, err := liveBundle(r)
	if err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	overdue, due := staleArticles(b, today, within)
	return c.JSON(http.StatusOK, map[string]any{"today": today.Format(dayLayout), "within": within, "version": r.Number,
		"overdue": overdue, "due": due})
}
