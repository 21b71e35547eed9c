package console

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
)

type searchHitJSON struct {
	ConversationID int64     `json:"conversation_id"`
	Player         playerRef `json:"player"`
	State          string    `json:"state"`
	Text           string    `json:"text"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// handleSearch finds conversations by player id, player name or message
// text (store.SearchConversations).
func (s *Server) handleSearch(c echo.Context) error {
	q := c.QueryParam("q")
	if !utf8.ValidString(q) || strings.ContainsRune(q, 0) {
		return chat.Errorf(chat.EINVALID, "search text must be UTF-8 without NUL")
	}
	hits, err := s.opts.Store.SearchConversations(c.Request().Context(), q, 20)
	if err != nil {
		return err
	}
	out := make([]searchHitJSON, 0, len(hits))
	for _, h := range hits {
		out = append(out, searchHitJSON{ConversationID: h.ConversationID, Player: playerRef{ID: h.PlayerID, Name: h.PlayerName},
			State: string(h.State), Text: s.private(h.Text), UpdatedAt: h.UpdatedAt})
	}
	return c.JSON(http.StatusOK, map[string]any{"results": out})
}
