package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

func (s *Server) handleMe(c echo.Context) error {
	sess := c.Get(sessionKey)
	skills, priorities := s.opts.Desk.Skills()
	return c.JSON(http.StatusOK, map[string]any{"operator": toOperatorJSON(staff(c)),
		"csrf_token": sessionCSRF(sess), "skills": skills, "priorities": priorities})
}

func (s *Server) handlePresence(c echo.Context) error {
	var req struct {
		Presence string `json:"presence"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p, err := handoff.ParsePresence(req.Presence)
	if err != nil {
		return err
	}
	op, err := s.opts.Desk.SetPresence(c.Request().Context(), staff(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toOperatorJSON(op))
}

func (s *Server) handleQueue(c echo.Context) error {
	tickets, err := s.opts.Store.QueuedTickets(c.Request().Context())
	if err != nil {
		return err
	}
	return s.ticketList(c, tickets)
}

func (s *Server) handleMine(c echo.Context) error {
	tickets, err := s.opts.Store.OperatorTickets(c.Request().Context(), staff(c).ID)
	if err != nil {
		return err
	}
	return s.ticketList(c, tickets)
}

// ticketList answers with tickets and their players' names, read in one
// query however long the queue.
func (s *Server) ticketList(c echo.Context, tickets []handoff.Ticket) error {
	ctx := c.Request().Context()
	ids := make([]string, 0, len(tickets))
	seen := make(map[string]bool, len(tickets))
	for _, t := range tickets {
		if !seen[t.PlayerID] {
			seen[t.PlayerID] = true
			ids = append(ids, t.PlayerID)
		}
	}
	names, err := s.opts.Store.PlayerNames(ctx, ids)
	if err != nil {
		return err
	}
	now := time.Now()
	out := make([]ticketJSON, 0, len(tickets))
	for _, t := range tickets {
		out = append(out, s.ticketJSON(t, names[t.PlayerID], now))
	}
	return c.JSON(http.StatusOK, map[string]any{"tickets": out})
}

func (s *Server) playerName(ctx context.Context, id string) string {
	if p, err := s.opts.Store.Player(ctx, id); err == nil {
		return p.Name
	}
	return ""
}

func (s *Server) ticketResponse(c echo.Context, t handoff.Ticket) error {
	return c.JSON(http.StatusOK, s.ticketJSON(t, s.playerName(c.Request().Context(), t.PlayerID), time.Now()))
}

func (s *Server) handleTicketNext(c echo.Context) error {
	t, ok, err := s.opts.Desk.ClaimNext(c.Request().Context(), staff(c))
	if err != nil {
		return err
	}
	if !ok {
		return c.JSON(http.StatusOK, map[string]any{"ticket": nil})
	}
	return c.JSON(http.StatusOK, map[string]any{"ticket": s.ticketJSON(t, s.playerName(c.Request().Context(), t.PlayerID), time.Now())})
}

func (s *Server) handleTicketClaim(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := s.opts.Desk.Claim(c.Request().Context(), staff(c), id)
	if err != nil {
		return err
	}
	return s.ticketResponse(c, t)
}

func (s *Server) handleTicketTransfer(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req struct {
		Skill      string `json:"skill"`
		OperatorID int64  `json:"operator_id"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := s.opts.Desk.Transfer(c.Request().Context(), staff(c), id, req.Skill, req.OperatorID)
	if err != nil {
		return err
	}
	return s.ticketResponse(c, t)
}

func (s *Server) handleTicketReturn(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := s.opts.Desk.ReturnToBot(c.Request().Context(), staff(c), id)
	if err != nil {
		return err
	}
	return s.ticketResponse(c, t)
}

func (s *Server) handleTicketResolve(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := s.opts.Desk.Resolve(c.Request().Context(), staff(c), id)
	if err != nil {
		return err
	}
	return s.ticketResponse(c, t)
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, chat.Errorf(chat.ENOTFOUND, "%q not found", c.Param("id"))
	}
	return id, nil
}
