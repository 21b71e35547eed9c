package console_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboard-support/switchboard/handoff"
)

// socket opens c's console WebSocket.
func (c *client) socket(ctx context.Context) *websocket.Conn {
	c.e.t.Helper()
	url := "ws" + strings.TrimPrefix(c.e.srv.URL, "http") + "/console/ws"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: c.http})
	if err != nil {
		c.e.t.Fatalf("dial console socket: %v", err)
	}
	return conn
}

type meView struct {
	Operator struct {
		Presence  string
		Chosen    string `json:"chosen_presence"`
		Connected bool
	}
}

// waitMe polls /me until cond holds (the heartbeat is written by the
// socket's handler, concurrently with the dial returning).
func (c *client) waitMe(cond func(meView) bool) meView {
	c.e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var me meView
		c.do("GET", "/console/api/me", nil, &me)
		if cond(me) {
			return me
		}
		if time.Now().After(deadline) {
			c.e.t.Fatalf("/me never reached the expected state: %+v", me)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPresenceFromTheConsoleSocket: choosing "online" is not enough to get
// conversations; a connected console is.
func TestPresenceFromTheConsoleSocket(t *testing.T) {
	e := newEnv(t)
	e.st.SetLiveness(handoff.Liveness{Grace: 30 * time.Second, OfflineAfter: 5 * time.Minute})
	ctx := context.Background()
	e.staff("anna", handoff.RoleOperator, "payments")
	e.staff("sue", handoff.RoleSupervisor)
	anna, sue := e.login("anna"), e.login("sue")
	anna.do("POST", "/console/api/presence", map[string]string{"presence": "online"}, nil)
	me := anna.waitMe(func(meView) bool { return true })
	if me.Operator.Presence != "offline" || me.Operator.Chosen != "online" || me.Operator.Connected {
		t.Fatalf("online without a console: %+v, want offline (chosen online, not connected)", me.Operator)
	}
	ticket := e.handoff("p1", "i want to talk to a human")
	if code := anna.do("POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID), nil, nil); code != http.StatusConflict {
		t.Fatalf("claim without a console: %d, want 409", code)
	}
	conn := anna.socket(ctx)
	defer conn.CloseNow()
	anna.waitMe(func(m meView) bool { return m.Operator.Connected && m.Operator.Presence == "online" })
	var ops struct {
		Operators []struct {
			Login     string
			Presence  string
			Connected bool
		}
		Uncovered []string `json:"uncovered_skills"`
	}
	if code := sue.do("GET", "/console/api/operators", nil, &ops); code != 200 {
		t.Fatalf("operators: %d", code)
	}
	i := slices.IndexFunc(ops.Operators, func(o struct {
		Login     string
		Presence  string
		Connected bool
	}) bool {
		return o.Login == "anna"
	})
	if i < 0 || ops.Operators[i].Presence != "online" || !ops.Operators[i].Connected {
		t.Fatalf("supervisor sees %+v", ops.Operators)
	}
	if slices.Contains(ops.Uncovered, "payments") || !slices.Contains(ops.Uncovered, "verification") {
		t.Fatalf("uncovered skills %v: want verification, not payments", ops.Uncovered)
	}
	if code := anna.do("GET", "/console/api/operators", nil, nil); code != http.StatusForbidden {
		t.Fatalf("operator reads the operators view: %d", code)
	}
	if code := anna.do("POST", fmt.Sprintf("/console/api/tickets/%d/claim", ticket.ID), nil, nil); code != 200 {
		t.Fatalf("claim with a console connected: %d", code)
	}
}
