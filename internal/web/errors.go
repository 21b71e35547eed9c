// Package web holds what every echo server of Switchboard shares: the one
// mapping from chat error codes to HTTP statuses, and request logging.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// statuses pairs each error code with its HTTP status; it is the one place
// that mapping lives.
var statuses = []struct {
	code   string
	status int
}{
	{chat.EINVALID, http.StatusBadRequest},
	{chat.EUNAUTHORIZED, http.StatusUnauthorized},
	{chat.EFORBIDDEN, http.StatusForbidden},
	{chat.ENOTFOUND, http.StatusNotFound},
	{chat.ECONFLICT, http.StatusConflict},
	{chat.ETOOLARGE, http.StatusRequestEntityTooLarge},
	{chat.ERATELIMIT, http.StatusTooManyRequests},
	{chat.EUNAVAILABLE, http.StatusServiceUnavailable},
}

// Status maps an error code to its HTTP status (500 for unknown codes).
func Status(code string) int {
	for _, s := range statuses {
		if s.code == code {
			return s.status
		}
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON of every error response.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// RetryAfterError is a rate-limit error that says when to come back.
type RetryAfterError struct {
	Seconds int
	Err     *chat.Error
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// ErrorHandler renders every error as ErrorBody with the status of its
// code; echo's own errors (404 route, 405, body too large) keep their
// status. Internal errors are logged and shown without detail.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		var body ErrorBody
		status := http.StatusInternalServerError
		var he *echo.HTTPError
		switch {
		case errors.As(err, &he):
			status = he.Code
			body.Error.Code = codeFor(status)
			body.Error.Message = http.StatusText(status)
			if m, ok := he.Message.(string); ok {
				body.Error.Message = m
			}
		default:
			body.Error.Code = chat.ErrorCode(err)
			body.Error.Message = chat.ErrorMessage(err)
			status = Status(body.Error.Code)
		}
		var ra *RetryAfterError
		if errors.As(err, &ra) {
			c.Response().Header().Set("Retry-After", strconv.Itoa(ra.Seconds))
		}
		if status >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body)
	}
}

// codeFor maps an HTTP status from echo's own errors back to a code.
func codeFor(status int) string {
	if status == http.StatusMethodNotAllowed {
		return chat.ENOTFOUND
	}
	for _, s := range statuses {
		if s.status == status {
			return s.code
		}
	}
	if status < 500 {
		return chat.EINVALID
	}
	return chat.EINTERNAL
}
