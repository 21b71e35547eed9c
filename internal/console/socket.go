package console

import (
	"context"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// closeSessionEnded closes a console socket whose session is gone.
const closeSessionEnded = websocket.StatusCode(4401)

// defaultHeartbeat is how often a console socket is pinged, its session
// checked, and — when the browser answers — the operator's heartbeat
// recorded (Options.Heartbeat).
const defaultHeartbeat = 10 * time.Second

type frame struct {
	Type           string       `json:"type"`
	Message        *messageJSON `json:"message,omitempty"`
	ConversationID int64        `json:"conversation_id,omitempty"`
	Sender         chat.Sender  `json:"sender,omitempty"`
}

// handleSocket pushes the desk's live events to a logged-in console. The
// session cookie authenticates it; the origin must be this server's, so a
// foreign page cannot ride the cookie. The socket is also the operator's
// presence: every Options.Heartbeat it is pinged, and each answered ping
// is recorded as a heartbeat (store.Heartbeat). An operator counts as
// connected only while one of their sockets keeps answering
// (handoff.Liveness); the socket ends with its session.
func (s *Server) handleSocket(c echo.Context) error {
	conn, err := websocket.Accept(c.Response(), c.Request(), nil) // same-origin check by default
	if err != nil {
		return nil
	}
	defer conn.CloseNow()
	ctx, cancel := context.WithCancel(c.Request().Context())
	defer cancel()
	sess := c.Get(sessionKey).(store.Session)
	op := staff(c)
	sub := s.opts.Hub.SubscribeStaff()
	if sub == nil {
		_ = conn.Close(websocket.StatusServiceRestart, "shutting down")
		return nil
	}
	defer sub.Close()
	go func() { // reader: answers pings, notices the close
		defer cancel()
		for {
			var f frame
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				return
			}
			if f.Type == "ping" {
				_ = write(ctx, conn, frame{Type: "pong"})
			}
		}
	}()
	names := s.staffNames(ctx)
	s.opts.Desk.Heartbeat(ctx, op)
	ping := time.NewTicker(s.opts.Heartbeat)
	defer ping.Stop()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				_ = conn.Close(websocket.StatusTryAgainLater, "reconnect")
				return nil
			}
			f, send := s.staffFrame(ev, names)
			if !send {
				continue
			}
			if f.Message != nil && f.Message.Sender == chat.SenderOperator && f.Message.SenderName == "" {
				names = s.staffNames(ctx) // an operator added since the socket opened
				f.Message.SenderName = names[f.Message.SenderID]
			}
			if err := write(ctx, conn, f); err != nil {
				return nil
			}
		case <-ping.C:
			// The session may have ended (logout, disable, password change):
			// the socket ends with it.
			if _, err := s.opts.Store.Session(ctx, sess.TokenHash); err != nil {
				_ = conn.Close(closeSessionEnded, "session ended")
				return nil
			}
			pctx, cancelPing := context.WithTimeout(ctx, s.opts.Heartbeat)
			err := conn.Ping(pctx)
			cancelPing()
			if err != nil {
				return nil // a lost connection: no more heartbeats
			}
			s.opts.Desk.Heartbeat(ctx, op)
		case <-ctx.Done():
			return nil
		}
	}
}

func (s *Server) staffFrame(ev chat.Event, names map[string]string) (frame, bool) {
	switch ev.Type {
	case chat.EventMessage:
		if ev.Message == nil {
			return frame{}, false
		}
		m := s.messageJSON(*ev.Message, names)
		return frame{Type: "message", Message: &m, ConversationID: ev.Message.ConversationID}, true
	case chat.EventTyping:
		if ev.Sender != chat.SenderPlayer {
			return frame{}, false
		}
		return frame{Type: "typing", ConversationID: ev.Conversation.ID, Sender: chat.SenderPlayer}, true
	case chat.EventStatus, chat.EventQueue:
		return frame{Type: "queue", ConversationID: ev.Conversation.ID}, true
	}
	return frame{}, false
}

func write(ctx context.Context, conn *websocket.Conn, f frame) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return wsjson.Write(ctx, conn, f)
}
