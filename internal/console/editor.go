package console

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/web"
)

// maxFileBody bounds a PUT of a draft file: editor.MaxFileBytes of text,
// with room for JSON escapes.
const maxFileBody = 4 * editor.MaxFileBytes

// registerEditor mounts the content editor's API: editors and admins only.
func (s *Server) registerEditor(api *echo.Group) {
	g := api.Group("/editor", s.can(handoff.ActionEditContent), s.editorReady)
	g.GET("/files", s.handleLiveFiles)
	g.GET("/files/*", s.handleLiveFile)
	g.GET("/draft", s.handleDraft)
	g.DELETE("/draft", s.handleDraftDiscard)
	g.GET("/draft/files", s.handleDraftFiles)
	g.GET("/draft/files/*", s.handleDraftFile)
	g.PUT("/draft/files/*", s.handleDraftFileSave)
	g.DELETE("/draft/files/*", s.handleDraftFileDelete)
	g.DELETE("/draft/changes/*", s.handleDraftRevert)
	g.GET("/presence", s.handleEditorPresence)
	g.POST("/draft/validate", s.handleDraftValidate)
	g.POST("/draft/test", s.handleDraftTest)
	g.POST("/draft/publish", s.handleDraftPublish)
	g.GET("/versions", s.handleVersions)
	g.GET("/versions/:n", s.handleVersion)
	g.GET("/versions/:n/files/*", s.handleVersionFile)
	g.POST("/versions/:n/rollback", s.handleRollback)
	g.GET("/diff", s.handleDiff)
	s.registerTryIt(g)
	s.registerInbox(g)
	s.registerAnalytics(g)
}

func (s *Server) editorReady(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.opts.Editor == nil {
			return chat.Errorf(chat.EUNAVAILABLE, "the content editor is not configured")
		}
		return next(c)
	}
}

// filePath is the file path after /files/ in the URL.
func filePath(c echo.Context) (string, error) {
	p, err := url.PathUnescape(c.Param("*"))
	if err != nil || p == "" {
		return "", chat.Errorf(chat.EINVALID, "bad file path %q", c.Param("*"))
	}
	return p, nil
}

func fileList(files map[string][]byte) []fileEntryJSON {
	out := make([]fileEntryJSON, 0, len(files))
	for p, b := range files {
		out = append(out, fileEntryJSON{Path: p, Size: len(b)})
	}
	slices.SortFunc(out, func(a, b fileEntryJSON) int {
		if a.Path < b.Path {
			return -1
		}
		return 1
	})
	return out
}

func (s *Server) handleLiveFiles(c echo.Context) error {
	r, err := s.opts.Editor.Live(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"version": r.Number, "files": fileList(r.Files)})
}

func (s *Server) handleLiveFile(c echo.Context) error {
	p, err := filePath(c)
	if err != nil {
		return err
	}
	r, err := s.opts.Editor.Live(c.Request().Context())
	if err != nil {
		return err
	}
	b, ok := r.Files[p]
	if !ok {
		return chat.Errorf(chat.ENOTFOUND, "no file %s in version %d", p, r.Number)
	}
	return c.JSON(http.StatusOK, map[string]any{"version": r.Number, "path": p, "content": string(b)})
}

func (s *Server) handleDraft(c echo.Context) error {
	d, err := s.opts.Editor.Draft(c.Request().Context(), staff(c))
	if err != nil {
		return err
	}
	changes := make([]changeJSON, 0, len(d.Changes))
	for _, ch := range d.Changes {
		changes = append(changes, changeJSON{Path: ch.Path, Deleted: ch.Deleted, Content: string(ch.Content), SavedAt: ch.SavedAt})
	}
	return c.JSON(http.StatusOK, map[string]any{"based_on": d.BasedOn, "live": d.Live, "changes": changes,
		"others": toPresenceMap(d.Others)})
}

func (s *Server) handleDraftDiscard(c echo.Context) error {
	if err := s.opts.Editor.Discard(c.Request().Context(), staff(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleDraftFiles(c echo.Context) error {
	files, base, err := s.opts.Editor.Files(c.Request().Context(), staff(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"based_on": base, "files": fileList(files)})
}

func (s *Server) handleDraftFile(c echo.Context) error {
	p, err := filePath(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// The revision is read before the content: a save in between makes the
	// content newer than the revision, so the editor's next save conflicts
	// instead of overwriting it.
	rev, err := s.opts.Editor.FileRevision(ctx, staff(c), p)
	if err != nil {
		return err
	}
	files, base, err := s.opts.Editor.Files(ctx, staff(c))
	if err != nil {
		return err
	}
	b, ok := files[p]
	if !ok {
		return chat.Errorf(chat.ENOTFOUND, "no file %s in your draft", p)
	}
	others, err := s.opts.Editor.Presence(ctx, staff(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"based_on": base, "path": p, "content": string(b), "revision": rev,
		"others": toPresenceJSON(others[p])})
}

type fileBody struct {
	Content *string `json:"content"`
	// Revision, when sent, is the file's revision as the editor read it:
	// a file changed since is 409 and nothing is saved.
	Revision *string `json:"revision"`
}

func (s *Server) handleDraftFileSave(c echo.Context) error {
	p, err := filePath(c)
	if err != nil {
		return err
	}
	if c.Request().ContentLength > maxFileBody {
		return chat.Errorf(chat.ETOOLARGE, "the body is over %d bytes", maxFileBody)
	}
	var req fileBody
	if err := decodeJSONMax(c, &req, maxFileBody); err != nil {
		return err
	}
	if req.Content == nil {
		return chat.Errorf(chat.EINVALID, "content required")
	}
	ctx := c.Request().Context()
	var rev string
	if req.Revision != nil {
		if rev, err = s.opts.Editor.SaveFileIf(ctx, staff(c), p, []byte(*req.Content), *req.Revision); err != nil {
			return err
		}
	} else if err := s.opts.Editor.SaveFile(ctx, staff(c), p, []byte(*req.Content)); err != nil {
		return err
	} else if rev, err = s.opts.Editor.FileRevision(ctx, staff(c), p); err != nil {
		return err
	}
	d, err := s.opts.Editor.Draft(ctx, staff(c))
	if err != nil {
		return err
	}
	others, err := s.opts.Editor.Presence(ctx, staff(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"based_on": d.BasedOn, "live": d.Live, "path": p, "revision": rev,
		"others": toPresenceJSON(others[p])})
}

func (s *Server) handleDraftFileDelete(c echo.Context) error {
	p, err := filePath(c)
	if err != nil {
		return err
	}
	if err := s.opts.Editor.DeleteFile(c.Request().Context(), staff(c), p); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleDraftRevert(c echo.Context) error {
	p, err := filePath(c)
	if err != nil {
		return err
	}
	if err := s.opts.Editor.RevertFile(c.Request().Context(), staff(c), p); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleEditorPresence(c echo.Context) error {
	m, err := s.opts.Editor.Presence(c.Request().Context(), staff(c), c.QueryParam("path"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"presence": toPresenceMap(m)})
}

func toCheckJSON(ch editor.Check) checkJSON {
	out := checkJSON{OK: ch.OK, Problems: ch.Problems, Tests: ch.Tests}
	if out.Problems == nil {
		out.Problems = []flows.Problem{}
	}
	return out
}

func (s *Server) handleDraftValidate(c echo.Context) error {
	ch, err := s.opts.Editor.Validate(c.Request().Context(), staff(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCheckJSON(ch))
}

func (s *Server) handleDraftTest(c echo.Context) error {
	ch, err := s.opts.Editor.Test(c.Request().Context(), staff(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCheckJSON(ch))
}

type publishBody struct {
	Summary string `json:"summary"`
}

func (s *Server) handleDraftPublish(c echo.Context) error {
	var req publishBody
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.opts.Editor.Publish(c.Request().Context(), staff(c), req.Summary)
	if err != nil {
		return publishError(c, err)
	}
	return c.JSON(http.StatusOK, toVersionJSON(r))
}

// publishError answers a refused publish with what refused it: the
// problems (400), the failed tests (400) or the conflicting files (409).
func publishError(c echo.Context, err error) error {
	body := map[string]any{"error": errorJSON{Code: chat.ErrorCode(err), Message: chat.ErrorMessage(err)}}
	var ve *flows.ValidationError
	var tf *live.TestsFailedError
	var ce *editor.ConflictError
	switch {
	case errors.As(err, &ve):
		body["error"] = errorJSON{Code: chat.EINVALID, Message: ve.Error()}
		body["problems"] = ve.Problems
	case errors.As(err, &tf):
		body["error"] = errorJSON{Code: chat.EINVALID, Message: tf.Error()}
		body["tests"] = tf.Report
	case errors.As(err, &ce):
		body["error"] = errorJSON{Code: chat.ECONFLICT, Message: ce.Error()}
		body["conflict"] = map[string]any{"based_on": ce.BasedOn, "live": ce.Live, "files": ce.Files}
	default:
		return err
	}
	return c.JSON(web.Status(chat.ErrorCode(err)), body)
}

func (s *Server) handleVersions(c echo.Context) error {
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	list, liveN, err := s.opts.Editor.Versions(c.Request().Context(), before, limit)
	if err != nil {
		return err
	}
	out := make([]versionJSON, 0, len(list))
	for _, r := range list {
		out = append(out, toVersionJSON(r))
	}
	return c.JSON(http.StatusOK, map[string]any{"live": liveN, "versions": out})
}

func versionParam(c echo.Context) (int64, error) {
	n, err := strconv.ParseInt(c.Param("n"), 10, 64)
	if err != nil || n <= 0 {
		return 0, chat.Errorf(chat.ENOTFOUND, "version %q not found", c.Param("n"))
	}
	return n, nil
}

func (s *Server) handleVersion(c echo.Context) error {
	n, err := versionParam(c)
	if err != nil {
		return err
	}
	r, err := s.opts.Editor.Version(c.Request().Context(), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"version": toVersionJSON(r), "files": fileList(r.Files)})
}

func (s *Server) handleVersionFile(c echo.Context) error {
	n, err := versionParam(c)
	if err != nil {
		return err
	}
	p, err := filePath(c)
	if err != nil {
		return err
	}
	r, err := s.opts.Editor.Version(c.Request().Context(), n)
	if err != nil {
		return err
	}
	b, ok := r.Files[p]
	if !ok {
		return chat.Errorf(chat.ENOTFOUND, "no file %s in version %d", p, n)
	}
	return c.JSON(http.StatusOK, map[string]any{"version": n, "path": p, "content": string(b)})
}

type rollbackBody struct {
	Reason string `json:"reason"`
}

func (s *Server) handleRollback(c echo.Context) error {
	n, err := versionParam(c)
	if err != nil {
		return err
	}
	var req rollbackBody
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.opts.Editor.Rollback(c.Request().Context(), staff(c), n, req.Reason)
	if err != nil {
		return publishError(c, err)
	}
	return c.JSON(http.StatusOK, toVersionJSON(r))
}

func (s *Server) handleDiff(c echo.Context) error {
	from, to := c.QueryParam("from"), c.QueryParam("to")
	if from == "" || to == "" {
		return chat.Errorf(chat.EINVALID, "from and to are required (a version number, live or draft)")
	}
	tests := c.QueryParam("tests") == "1" || c.QueryParam("tests") == "true"
	d, err := s.opts.Editor.Diff(c.Request().Context(), staff(c), from, to, tests)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDiffJSON(d))
}
