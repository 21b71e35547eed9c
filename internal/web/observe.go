package web

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Observe records each request's duration by route pattern and status, and
// logs it at debug level (errors are logged by ErrorHandler).
func Observe(h *prometheus.HistogramVec, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			status := c.Response().Status
			if err != nil {
				c.Error(err)
				status = c.Response().Status
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			h.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
			log.Debug("request", "method", c.Request().Method, "route", route, "status", status, "duration", d)
			return nil
		}
	}
}
