package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// Close codes of the player socket.
const (
	closeUnauthorized = websocket.StatusCode(4401) // bad or missing auth frame
	authTimeout       = 10 * time.Second
	pingInterval      = 30 * time.Second
	writeTimeout      = 10 * time.Second
	maxFrameBytes     = 16 << 10
	backlogPage       = 200 // messages replayed per history read on resume
	typingEvery       = 2 * time.Second
)

type clientFrame struct {
	Type  string `json:"type"`
	Token string `json:"token,omitempty"`
	After int64  `json:"after,omitempty"`
}

type serverFrame struct {
	Type         string            `json:"type"`
	Message      *messageJSON      `json:"message,omitempty"`
	Conversation *conversationJSON `json:"conversation,omitempty"`
	Sender       chat.Sender       `json:"sender,omitempty"`
}

// handleSocket serves one player's live connection: auth frame, backlog
// after the client's last seen message, then live events.
func (s *Server) handleSocket(c echo.Context) error {
	// Auth is by token in the first frame, never by cookie, so a cross-site
	// page gains nothing from opening a socket: any origin may connect.
	conn, err := websocket.Accept(c.Response(), c.Request(), &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return nil // Accept has written the HTTP error
	}
	conn.SetReadLimit(maxFrameBytes)
	s.countSockets(1)
	defer s.countSockets(-1)
	s.open.Add(1)
	defer s.open.Done()
	ctx, cancel := context.WithCancel(c.Request().Context())
	defer cancel()
	code, reason := s.serveSocket(ctx, conn)
	_ = conn.Close(code, reason)
	return nil
}

func (s *Server) serveSocket(ctx context.Context, conn *websocket.Conn) (websocket.StatusCode, string) {
	authCtx, cancel := context.WithTimeout(ctx, authTimeout)
	var hello clientFrame
	err := wsjson.Read(authCtx, conn, &hello)
	cancel()
	if err != nil || hello.Type != "auth" {
		return closeUnauthorized, "auth frame required"
	}
	p, expires, err := s.opts.Verifier.VerifyExpiry(hello.Token)
	if err != nil {
		return closeUnauthorized, chat.ErrorMessage(err)
	}
	// The socket ends with its token: the client reconnects with a fresh
	// one (or learns the player logged out).
	expiry := time.NewTimer(time.Until(expires))
	defer expiry.Stop()
	// Subscribe before reading the backlog, so nothing falls in between;
	// duplicates are dropped by id below.
	sub := s.opts.Hub.Subscribe(p.ID)
	if sub == nil {
		_ = s.write(ctx, conn, serverFrame{Type: "reconnect"})
		return websocket.StatusServiceRestart, "shutting down"
	}
	defer sub.Close()
	conv, _, _, err := s.opts.Service.Open(ctx, p, chat.ChannelWebchat, 0)
	if err != nil {
		return websocket.StatusInternalError, "cannot open conversation"
	}
	cj := toConversationJSON(conv)
	if err := s.write(ctx, conn, serverFrame{Type: "ready", Conversation: &cj}); err != nil {
		return websocket.StatusGoingAway, ""
	}
	last := hello.After
	for {
		// Page through everything after the client's last message: a
		// player away for long may have missed more than one page.
		backlog, err := s.opts.Service.History(ctx, p.ID, conv.ID, store.Page{After: last, Limit: backlogPage})
		if err != nil {
			return websocket.StatusInternalError, "cannot read history"
		}
		for _, m := range backlog {
			mj := toMessageJSON(m)
			if err := s.write(ctx, conn, serverFrame{Type: "message", Message: &mj}); err != nil {
				return websocket.StatusGoingAway, ""
			}
			last = m.ID
		}
		if len(backlog) < backlogPage {
			break
		}
	}

	frames := make(chan clientFrame)
	readErr := make(chan error, 1)
	go func() {
		for {
			var f clientFrame
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				readErr <- err
				return
			}
			select {
			case frames <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	var lastTyping time.Time
	for {
		select {
		case <-s.shutdown:
			_ = s.write(ctx, conn, serverFrame{Type: "reconnect"})
			return websocket.StatusServiceRestart, "server restarting"
		case err := <-readErr:
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return websocket.StatusNormalClosure, ""
			}
			if errors.Is(err, websocket.ErrMessageTooBig) {
				return websocket.StatusMessageTooBig, "frame too large"
			}
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) {
				return websocket.StatusInvalidFramePayloadData, "malformed JSON"
			}
			return websocket.StatusGoingAway, ""
		case f := <-frames:
			if f.Type == "ping" {
				if err := s.write(ctx, conn, serverFrame{Type: "pong"}); err != nil {
					return websocket.StatusGoingAway, ""
				}
			}
			// Typing reaches the console at most every typingEvery, and only
			// while a human holds or awaits the conversation.
			if f.Type == "typing" && time.Since(lastTyping) >= typingEvery {
				lastTyping = time.Now()
				if cur, err := s.opts.Service.Current(ctx, p.ID); err == nil && cur.State != chat.StateBot {
					s.opts.Hub.NotifyStaff(chat.Event{Type: chat.EventTyping, PlayerID: p.ID, Conversation: cur, Sender: chat.SenderPlayer})
				}
			}
		case ev, ok := <-sub.C:
			if !ok {
				// Dropped as too slow, or the hub shut down: resume later.
				_ = s.write(ctx, conn, serverFrame{Type: "reconnect"})
				return websocket.StatusTryAgainLater, "resume with after"
			}
			frame, send := eventFrame(ev, &last)
			if !send {
				continue
			}
			if err := s.write(ctx, conn, frame); err != nil {
				return websocket.StatusGoingAway, ""
			}
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, writeTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return websocket.StatusGoingAway, ""
			}
		case <-expiry.C:
			return closeUnauthorized, "token expired"
		case <-ctx.Done():
			return websocket.StatusGoingAway, ""
		}
	}
}

// eventFrame turns a hub event into a frame; messages already sent are
// skipped.
func eventFrame(ev chat.Event, last *int64) (serverFrame, bool) {
	cj := toConversationJSON(ev.Conversation)
	switch ev.Type {
	case chat.EventMessage:
		if ev.Message == nil || ev.Message.ID <= *last {
			return serverFrame{}, false
		}
		*last = ev.Message.ID
		mj := toMessageJSON(*ev.Message)
		return serverFrame{Type: "message", Message: &mj}, true
	case chat.EventTyping:
		return serverFrame{Type: "typing", Sender: ev.Sender}, true
	case chat.EventStatus:
		return serverFrame{Type: "status", Conversation: &cj}, true
	}
	return serverFrame{}, false
}

func (s *Server) write(ctx context.Context, conn *websocket.Conn, f serverFrame) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return wsjson.Write(ctx, conn, f)
}
