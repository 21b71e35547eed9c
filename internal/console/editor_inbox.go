package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Inbox limits: the window in days, the groups one answer lists, the
// body of an action (editor.MaxInboxIDs ids of up to 19 digits).
const (
	inboxDefaultDays  = 30
	inboxMaxDays      = 365
	inboxDefaultLimit = 100
	inboxMaxLimit     = 1000
	inboxMaxBody      = 1 << 20
)

// registerInbox mounts the inbox of what the bot missed.
func (s *Server) registerInbox(g *echo.Group) {
	g.GET("/inbox", s.handleInbox)
	g.POST("/inbox/apply", s.handleInboxApply)
	g.POST("/inbox/article", s.handleInboxArticle)
	g.POST("/inbox/dismiss", s.handleInboxDismiss)
}

// queryInt reads an optional integer parameter within [lo, hi].
func queryInt(c echo.Context, name string, def, lo, hi int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, chat.Errorf(chat.EINVALID, "%s must be a whole number from %d to %d, not %q", name, lo, hi, v)
	}
	return n, nil
}

func (s *Server) handleInbox(c echo.Context) error {
	days, err := queryInt(c, "days", inboxDefaultDays, 1, inboxMaxDays)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", inboxDefaultLimit, 1, inboxMaxLimit)
	if err != nil {
		return err
	}
	state := c.QueryParam("state")
	switch state {
	case "":
		state = store.MissNew
	case "all":
		state = ""
	case store.MissNew, store.MissApplied, store.MissDismissed:
	default:
		return chat.Errorf(chat.EINVALID, "state must be new, applied, dismissed or all, not %q", state)
	}
	sort := c.QueryParam("sort")
	if sort != "" && sort != "count" && sort != "newest" {
		return chat.Errorf(chat.EINVALID, "sort must be count or newest, not %q", sort)
	}
	ctx := c.Request().Context()
	// "Low confidence" is an answer below what the live bundle trusts to
	// pull a player out of a question.
	settings, err := s.opts.Editor.LiveSettings(ctx)
	if err != nil {
		return err
	}
	in, err := s.opts.Editor.Inbox(ctx, editor.InboxQuery{Since: time.Now().Add(-time.Duration(days) * 24 * time.Hour),
		State: state, Sort: sort, SwitchThreshold: settings.SwitchThreshold})
	if err != nil {
		return err
	}
	out := inboxJSON{Groups: []groupJSON{}, TotalGroups: len(in.Groups), Messages: in.Messages, Truncated: in.Truncated,
		SwitchThreshold: in.SwitchThreshold, Days: days}
	for i, g := range in.Groups {
		if i == limit {
			break
		}
		out.Groups = append(out.Groups, s.groupJSON(g))
	}
	return c.JSON(http.StatusOK, out)
}

// inboxIDs checks the message ids of an action.
func inboxIDs(field string, ids []int64, required bool) error {
	if required && len(ids) == 0 {
		return chat.Errorf(chat.EINVALID, "%s required: a list of message ids", field)
	}
	if len(ids) > editor.MaxInboxIDs {
		return chat.Errorf(chat.EINVALID, "%s: at most %d message ids", field, editor.MaxInboxIDs)
	}
	for _, id := range ids {
		if id <= 0 {
			return chat.Errorf(chat.EINVALID, "%s: %d is not a message id", field, id)
		}
	}
	return nil
}

type inboxApplyBody struct {
	MessageIDs []int64 `json:"message_ids"`
	AlsoIDs    []int64 `json:"also_ids"`
	Intent     string  `json:"intent"`  // add the texts to this intent's examples,
	Article    string  `json:"article"` // or to this article's questions
}

func (s *Server) handleInboxApply(c echo.Context) error {
	var req inboxApplyBody
	if err := decodeJSONMax(c, &req, inboxMaxBody); err != nil {
		return err
	}
	if len(req.MessageIDs)+len(req.AlsoIDs) == 0 {
		return chat.Errorf(chat.EINVALID, "message_ids required: a list of message ids")
	}
	if err := inboxIDs("message_ids", req.MessageIDs, false); err != nil {
		return err
	}
	if err := inboxIDs("also_ids", req.AlsoIDs, false); err != nil {
		return err
	}
	if len(req.MessageIDs)+len(req.AlsoIDs) > editor.MaxInboxIDs {
		return chat.Errorf(chat.EINVALID, "at most %d message ids in all", editor.MaxInboxIDs)
	}
	var a editor.Applied
	var err error
	switch {
	case req.Intent != "" && req.Article != "":
		return chat.Errorf(chat.EINVALID, "intent or article, not both")
	case req.Article != "":
		a, err = s.opts.Editor.ApplyQuestion(c.Request().Context(), staff(c), req.MessageIDs, req.AlsoIDs, req.Article)
	case req.Intent != "":
		a, err = s.opts.Editor.ApplyIntent(c.Request().Context(), staff(c), req.MessageIDs, req.AlsoIDs, req.Intent)
	default:
		return chat.Errorf(chat.EINVALID, "intent required (or article)")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAppliedJSON(a))
}

type inboxArticleBody struct {
	MessageID int64 `json:"message_id"`
}

func (s *Server) handleInboxArticle(c echo.Context) error {
	var req inboxArticleBody
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.MessageID <= 0 {
		return chat.Errorf(chat.EINVALID, "message_id required")
	}
	a, err := s.opts.Editor.StartArticle(c.Request().Context(), staff(c), req.MessageID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAppliedJSON(a))
}

type inboxDismissBody struct {
	MessageIDs []int64 `json:"message_ids"`
}

func (s *Server) handleInboxDismiss(c echo.Context) error {
	var req inboxDismissBody
	if err := decodeJSONMax(c, &req, inboxMaxBody); err != nil {
		return err
	}
	if err := inboxIDs("message_ids", req.MessageIDs, true); err != nil {
		return err
	}
	n, err := s.opts.Editor.Dismiss(c.Request().Context(), staff(c), req.MessageIDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"dismissed": n})
}
