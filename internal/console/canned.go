package console

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

type cannedJSON struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Locale string `json:"locale"`
}

func (s *Server) handleCannedList(c echo.Context) error {
	list, err := s.opts.Store.CannedResponses(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]cannedJSON, 0, len(list))
	for _, r := range list {
		out = append(out, cannedJSON{ID: r.ID, Title: r.Title, Text: r.Text, Locale: r.Locale})
	}
	return c.JSON(http.StatusOK, map[string]any{"canned": out})
}

func (s *Server) readCanned(c echo.Context) (store.CannedResponse, error) {
	var req cannedJSON
	if err := decodeJSON(c, &req); err != nil {
		return store.CannedResponse{}, err
	}
	if strings.TrimSpace(req.Title) == "" {
		return store.CannedResponse{}, chat.Errorf(chat.EINVALID, "title required")
	}
	if err := validText(req.Text); err != nil {
		return store.CannedResponse{}, err
	}
	if req.Locale != "" && !chat.SupportedLocale(req.Locale) {
		return store.CannedResponse{}, chat.Errorf(chat.EINVALID, "locale must be ru, en or empty")
	}
	return store.CannedResponse{Title: req.Title, Text: req.Text, Locale: req.Locale, CreatedBy: staff(c).ID}, nil
}

func (s *Server) handleCannedCreate(c echo.Context) error {
	r, err := s.readCanned(c)
	if err != nil {
		return err
	}
	r, err = s.opts.Store.CreateCanned(c.Request().Context(), r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cannedJSON{ID: r.ID, Title: r.Title, Text: r.Text, Locale: r.Locale})
}

func (s *Server) handleCannedUpdate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.readCanned(c)
	if err != nil {
		return err
	}
	r.ID = id
	r, err = s.opts.Store.UpdateCanned(c.Request().Context(), r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cannedJSON{ID: r.ID, Title: r.Title, Text: r.Text, Locale: r.Locale})
}

func (s *Server) handleCannedDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.opts.Store.DeleteCanned(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
