package webchat

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// senderNameTTL is how long an operator's display name is reused before it
// is read again (a renamed account shows its new name within it).
const senderNameTTL = time.Minute

// senderNames caches operators' display names by sender id: every operator
// message on the wire carries its author's name, and a history page would
// otherwise read the same account once per message.
type senderNames struct {
	mu    sync.Mutex
	names map[string]cachedName
}

type cachedName struct {
	name string
	read time.Time
}

// senderName is the display name players see on an operator's message; ""
// for other senders and for accounts that no longer exist. Only the name
// leaves the server, never the staff id.
func (s *Server) senderName(ctx context.Context, m chat.Message) string {
	if m.Sender != chat.SenderOperator || m.SenderID == "" {
		return ""
	}
	now := time.Now()
	s.names.mu.Lock()
	c, ok := s.names.names[m.SenderID]
	s.names.mu.Unlock()
	if ok && now.Sub(c.read) < senderNameTTL {
		return c.name
	}
	name, err := s.opts.Service.StaffName(ctx, m.SenderID)
	if err != nil {
		s.log.Warn("read operator name", "sender", m.SenderID, "err", err)
		return c.name // the last one known, if any
	}
	s.names.mu.Lock()
	if s.names.names == nil {
		s.names.names = map[string]cachedName{}
	}
	s.names.names[m.SenderID] = cachedName{name: name, read: now}
	s.names.mu.Unlock()
	return name
}

// messageJSON is m on the wire, with its author's name for operator replies.
func (s *Server) messageJSON(ctx context.Context, m chat.Message) messageJSON {
	j := toMessageJSON(m)
	j.SenderName = s.senderName(ctx, m)
	return j
}

func (s *Server) messagesJSON(ctx context.Context, ms []chat.Message) []messageJSON {
	out := make([]messageJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, s.messageJSON(ctx, m))
	}
	return out
}
