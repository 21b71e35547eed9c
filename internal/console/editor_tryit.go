package console

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/web"
)

// maxTryBody bounds a try-it request body: a message is at most 4 KB, so
// anything over this is refused as too large before it is decoded.
const maxTryBody = 64 << 10

// tryIt serves the editor's Try it: chats with, and phrase checks of, the
// editor's own draft. Nothing is stored but recorded tests.
type tryIt struct {
	t *editor.TryIt
}

// registerTryIt mounts Try it on the editor group g (which checks the role,
// and answers 503 without an editor service).
func (s *Server) registerTryIt(g *echo.Group) {
	h := &tryIt{t: editor.NewTryIt(s.opts.Editor)}
	g.POST("/tryit", h.handleStart)
	g.GET("/tryit/:id", h.handleSession)
	g.DELETE("/tryit/:id", h.handleEnd)
	g.POST("/tryit/:id/turns", h.handleTurn)
	g.POST("/tryit/:id/record", h.handleRecord)
	g.POST("/classify", h.handleClassify)
}

// decodeTry reads a try-it body: JSON, valid UTF-8 (the JSON decoder would
// quietly replace invalid bytes), at most maxTryBody bytes.
func decodeTry(c echo.Context, v any) error {
	if ct := c.Request().Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return chat.Errorf(chat.EINVALID, "content type must be application/json")
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxTryBody+1))
	if err != nil {
		return chat.Errorf(chat.EINVALID, "read body: %v", err)
	}
	if len(body) > maxTryBody {
		return chat.Errorf(chat.ETOOLARGE, "request body is over %d bytes", maxTryBody)
	}
	if !utf8.Valid(body) {
		return chat.Errorf(chat.EINVALID, "message is not valid UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return chat.Errorf(chat.EINVALID, "malformed JSON: %v", err)
	}
	return nil
}

// draftError answers a draft that does not validate with 422 and its
// problems (file:line), a draft whose model is still being built with 503
// and Retry-After; other errors go to the error handler.
func draftError(c echo.Context, err error) error {
	if errors.Is(err, editor.ErrBuilding) {
		return &web.RetryAfterError{Seconds: buildRetrySeconds, Err: editor.ErrBuilding}
	}
	var ve *flows.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	return c.JSON(http.StatusUnprocessableEntity, map[string]any{
		"error":    errorJSON{Code: chat.EINVALID, Message: "your draft has problems: fix them to try it"},
		"problems": ve.Problems,
	})
}

type tryStartBody struct {
	Locale string `json:"locale"`
}

func (h *tryIt) handleStart(c echo.Context) error {
	var req tryStartBody
	if err := decodeTry(c, &req); err != nil {
		return err
	}
	if req.Locale == "" {
		req.Locale = "en"
	}
	sess, err := h.t.Start(staff(c), req.Locale)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toTrySessionJSON(sess))
}

func (h *tryIt) handleSession(c echo.Context) error {
	sess, err := h.t.Session(staff(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTrySessionJSON(sess))
}

func (h *tryIt) handleEnd(c echo.Context) error {
	if err := h.t.End(staff(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type tryTurnBody struct {
	Text  string `json:"text"`
	Press string `json:"press"`
}

func (h *tryIt) handleTurn(c echo.Context) error {
	var req tryTurnBody
	if err := decodeTry(c, &req); err != nil {
		return err
	}
	turn, err := h.t.Turn(c.Request().Context(), staff(c), c.Param("id"), editor.TryInput{Text: req.Text, Press: req.Press})
	if err != nil {
		return draftError(c, err)
	}
	return c.JSON(http.StatusOK, toTryTurnJSON(turn))
}

type tryRecordBody struct {
	Name string `json:"name"`
}

func (h *tryIt) handleRecord(c echo.Context) error {
	var req tryRecordBody
	if err := decodeTry(c, &req); err != nil {
		return err
	}
	if !utf8.ValidString(req.Name) || len(req.Name) > 512 || strings.ContainsRune(req.Name, 0) {
		return chat.Errorf(chat.EINVALID, "a test name is at most 512 bytes of text")
	}
	p, err := h.t.Record(c.Request().Context(), staff(c), c.Param("id"), req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"path": p})
}

type classifyBody struct {
	Text   string `json:"text"`
	Locale string `json:"locale"`
}

func (h *tryIt) handleClassify(c echo.Context) error {
	var req classifyBody
	if err := decodeTry(c, &req); err != nil {
		return err
	}
	res, err := h.t.Classify(c.Request().Context(), staff(c), req.Text, req.Locale)
	if err != nil {
		return draftError(c, err)
	}
	return c.JSON(http.StatusOK, toClassifyJSON(res))
}

// buildRetrySeconds is when the page asks again while the draft builds.
const buildRetrySeconds = 2
