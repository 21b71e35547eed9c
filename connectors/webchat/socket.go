package webchat

import (
	"context"
	"encoding/json"
	"errors"
	"math"
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
	if !s.live.reserve(s.opts.MaxSockets) {
		c.Response().Header().Set("Retry-After", "30")
		return chat.Errorf(chat.EUNAVAILABLE, "too many open connections; retry later")
	}
	defer s.live.unreserve()
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
	hello, ok := readAuthFrame(ctx, conn, s.opts.AuthTimeout)
	if !ok {
		return closeUnauthorized, "auth frame required"
	}
	p, expires, err := s.opts.Verifier.VerifyExpiry(hello.Token)
	if err != nil {
		return closeUnauthorized, chat.ErrorMessage(err)
	}
	// A (re)connect replays history: it spends the player's history budget.
	if ok, _ := s.history.allow(p.ID, time.Now()); !ok {
		return websocket.StatusTryAgainLater, "reconnecting too often; retry later"
	}
	mine := s.live.admit(p.ID, s.opts.MaxSocketsPerPlayer)
	defer s.live.release(p.ID, mine)
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
	if last <= 0 {
		// A new device gets the latest page; older messages are paged in
		// over HTTP on demand, not replayed whole on every connect.
		latest, err := s.opts.Service.History(ctx, p.ID, conv.ID, store.Page{Before: math.MaxInt64, Limit: backlogPage})
		if err != nil {
			return websocket.StatusInternalError, "cannot read history"
		}
		for _, m := range latest {
			mj := s.messageJSON(ctx, m)
			if err := s.write(ctx, conn, serverFrame{Type: "message", Message: &mj}); err != nil {
				return websocket.StatusGoingAway, ""
			}
			last = m.ID
		}
	}
	if code, reason, ok := s.sendAfter(ctx, conn, p.ID, conv.ID, &last); !ok {
		return code, reason
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
			// Take whatever else is already queued: one history read then
			// serves every message event among them.
			events := []chat.Event{ev}
			for more := true; more; {
				select {
				case next, open := <-sub.C:
					if open {
						events = append(events, next)
					} else {
						more = false
					}
				default:
					more = false
				}
			}
			if code, reason, ok := s.sendEvents(ctx, conn, p.ID, &conv, &last, events); !ok {
				return code, reason
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
		case <-mine.kicked:
			return closeReplaced, "replaced by a newer connection"
		case <-ctx.Done():
			return websocket.StatusGoingAway, ""
		}
	}
}

// readAuthFrame waits up to wait for the first frame. A missing, late or
// malformed one is refused by the caller with 4401, as PROTOCOL.md says:
// the frame is read raw (wsjson closes with its own 1007 on bad JSON) and
// the wait is a timer (an expired read context would drop the connection
// without a close frame).
func readAuthFrame(ctx context.Context, conn *websocket.Conn, wait time.Duration) (clientFrame, bool) {
	type read struct {
		data []byte
		err  error
	}
	got := make(chan read, 1)
	go func() {
		_, data, err := conn.Read(ctx)
		got <- read{data, err}
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case r := <-got:
		var f clientFrame
		if r.err != nil || json.Unmarshal(r.data, &f) != nil || f.Type != "auth" {
			return clientFrame{}, false
		}
		return f, true
	case <-timer.C:
		return clientFrame{}, false
	case <-ctx.Done():
		return clientFrame{}, false
	}
}

// sendEvents sends a batch of hub events in their order. A message event
// says a message was stored; the conversation's sequence says what to
// send: reading after the last id sent sends every message once and in
// order, even when events arrive out of order or one was never sent, and
// one read usually serves every message event of the batch.
func (s *Server) sendEvents(ctx context.Context, conn *websocket.Conn, playerID string, conv *chat.Conversation, last *int64, events []chat.Event) (websocket.StatusCode, string, bool) {
	for _, ev := range events {
		if ev.Type == chat.EventMessage {
			if ev.Message == nil || ev.Message.ID <= *last || ev.Message.Sender == chat.SenderNote {
				continue
			}
			if conv.ID != ev.Conversation.ID {
				*conv = ev.Conversation // the player's next conversation
			}
			if code, reason, ok := s.sendAfter(ctx, conn, playerID, conv.ID, last); !ok {
				return code, reason, false
			}
			continue
		}
		frame, send := s.eventFrame(ev)
		if !send {
			continue
		}
		if err := s.write(ctx, conn, frame); err != nil {
			return websocket.StatusGoingAway, "", false
		}
	}
	return 0, "", true
}

// sendAfter sends the conversation's messages after *last, in id order,
// a page at a time (a player away for long may have missed many), and
// advances *last. ok is false when the socket must close with code.
func (s *Server) sendAfter(ctx context.Context, conn *websocket.Conn, playerID string, conversationID int64, last *int64) (websocket.StatusCode, string, bool) {
	for {
		page, err := s.opts.Service.History(ctx, playerID, conversationID, store.Page{After: *last, Limit: backlogPage})
		if err != nil {
			return websocket.StatusInternalError, "cannot read history", false
		}
		for _, m := range page {
			mj := s.messageJSON(ctx, m)
			if err := s.write(ctx, conn, serverFrame{Type: "message", Message: &mj}); err != nil {
				return websocket.StatusGoingAway, "", false
			}
			*last = m.ID
		}
		if len(page) < backlogPage {
			return 0, "", true
		}
	}
}

// eventFrame turns a typing or status event into a frame.
func (s *Server) eventFrame(ev chat.Event) (serverFrame, bool) {
	cj := toConversationJSON(ev.Conversation)
	switch ev.Type {
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
