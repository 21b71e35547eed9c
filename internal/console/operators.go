package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
)

type skillJSON struct {
	Skill     string `json:"skill"`
	Available int    `json:"available"` // operators online, connected and serving it
	Queued    int    `json:"queued"`
}

// handleOperators shows supervisors every operator's real state — presence
// as derived from their console connections, load, skills — and which
// skills nobody available serves.
func (s *Server) handleOperators(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.opts.Store.ListStaff(ctx)
	if err != nil {
		return err
	}
	queue, err := s.opts.Store.QueuedTickets(ctx)
	if err != nil {
		return err
	}
	skills, _ := s.opts.Desk.Skills()
	ops := make([]operatorJSON, 0, len(list))
	for _, op := range list {
		if op.Role.Can(handoff.ActionHandleTickets) && !op.Disabled {
			ops = append(ops, toOperatorJSON(op))
		}
	}
	queued := map[string]int{}
	for _, t := range queue {
		queued[t.Skill]++
	}
	cov := handoff.Coverage(skills, list)
	out := make([]skillJSON, 0, len(skills))
	for _, skill := range skills {
		out = append(out, skillJSON{Skill: skill, Available: cov[skill], Queued: queued[skill]})
	}
	uncovered := handoff.Uncovered(skills, list)
	if uncovered == nil {
		uncovered = []string{}
	}
	return c.JSON(http.StatusOK, map[string]any{"operators": ops, "skills": out, "uncovered_skills": uncovered})
}
