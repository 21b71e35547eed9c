package console

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// handleAudit pages the audit log, newest first (admins).
func (s *Server) handleAudit(c echo.Context) error {
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	list, err := s.opts.Store.AuditLog(c.Request().Context(), before, limit)
	if err != nil {
		return err
	}
	out := make([]auditJSON, 0, len(list))
	for _, e := range list {
		out = append(out, auditJSON{ID: e.ID, At: e.At, ActorID: e.ActorID, Actor: e.Actor, Action: e.Action, Target: e.Target,
			Details: json.RawMessage(e.Details)})
	}
	var next *int64
	if len(list) == limit {
		next = &list[len(list)-1].ID
	}
	return c.JSON(http.StatusOK, map[string]any{"entries": out, "next_before": next})
}
