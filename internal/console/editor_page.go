package console

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// The content editor's page (/console/editor): static HTML, scripts and
// styles; everything it shows comes from the editor API (API.md), which
// enforces the edit_content permission. The page itself is public like
// /console: it logs in with the same form and, for a role without
// edit_content, says the editor is not for it. editor.js is the page;
// each editor-*.js adds a panel through its SBEditor object.

//go:embed assets/editor.html assets/editor*.js assets/editor*.css
var editorAssets embed.FS

// registerEditorPage mounts the editor page and its files.
func (s *Server) registerEditorPage(e *echo.Echo) {
	e.GET("/console/editor", asset(editorAssets, "assets/editor.html", "text/html; charset=utf-8"))
	names, _ := fs.Glob(editorAssets, "assets/editor*")
	for _, name := range names {
		var contentType string
		switch path.Ext(name) {
		case ".js":
			contentType = "application/javascript; charset=utf-8"
		case ".css":
			contentType = "text/css; charset=utf-8"
		default:
			continue
		}
		e.GET("/console/"+strings.TrimPrefix(name, "assets/"), asset(editorAssets, name, contentType))
	}
}

// asset answers with the embedded file name of fsys.
func asset(fsys embed.FS, name, contentType string) echo.HandlerFunc {
	return func(c echo.Context) error {
		b, err := fsys.ReadFile(name)
		if err != nil {
			return err
		}
		// CSP, nosniff and frame options come with every /console answer (web.SecurityHeaders).
		return c.Blob(http.StatusOK, contentType, b)
	}
}
