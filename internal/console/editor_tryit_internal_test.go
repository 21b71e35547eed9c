package console

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/web"
)

// TestTryItBuildingAnswers503: a draft whose model is still being built is
// answered 503 with Retry-After (the page asks again), not a cut
// connection or a 500.
func TestTryItBuildingAnswers503(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = web.ErrorHandler(nil)
	e.POST("/turn", func(c echo.Context) error {
		return draftError(c, fmt.Errorf("try it: %w", editor.ErrBuilding))
	})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/turn", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != strconv.Itoa(buildRetrySeconds) ||
		!strings.Contains(rec.Body.String(), "still being built") {
		t.Fatalf("got %d, Retry-After %q, body %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}
