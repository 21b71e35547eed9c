package console

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
)

type statsJSON struct {
	OperatorID       int64    `json:"operator_id"`
	Name             string   `json:"name"`
	Resolved         int      `json:"resolved"`
	FirstResponseAvg float64  `json:"first_response_avg_s"`
	HandleTimeAvg    float64  `json:"handle_time_avg_s"`
	CSATAvg          *float64 `json:"csat_avg"`
	CSATCount        int      `json:"csat_count"`
	SLAHitRate       *float64 `json:"sla_hit_rate"`
}

// metricsWindow is the period the console's quality figures cover.
const metricsWindow = 30 * 24 * time.Hour

func (s *Server) handleMetrics(c echo.Context) error {
	ctx := c.Request().Context()
	since := time.Now().Add(-metricsWindow)
	tickets, err := s.opts.Store.TicketsSince(ctx, since)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	if list, err := s.opts.Store.ListStaff(ctx); err == nil {
		for _, op := range list {
			names[op.ID] = op.Name
		}
	}
	var ops []statsJSON
	var total statsJSON
	for _, st := range handoff.Metrics(tickets, since) {
		j := toStatsJSON(st, names[st.OperatorID])
		if st.OperatorID == 0 {
			j.Name = "All operators"
			total = j
			continue
		}
		ops = append(ops, j)
	}
	if ops == nil {
		ops = []statsJSON{}
	}
	return c.JSON(http.StatusOK, map[string]any{"operators": ops, "total": total, "since": since})
}

func toStatsJSON(st handoff.OperatorStats, name string) statsJSON {
	j := statsJSON{OperatorID: st.OperatorID, Name: name, Resolved: st.Resolved,
		FirstResponseAvg: st.AvgFirstResponse.Seconds(), HandleTimeAvg: st.AvgHandle.Seconds(), CSATCount: st.CSATCount}
	if st.CSATCount > 0 {
		v := st.CSATAvg
		j.CSATAvg = &v
	}
	if st.SLAMeasured > 0 {
		v := st.SLAHitRate
		j.SLAHitRate = &v
	}
	return j
}
