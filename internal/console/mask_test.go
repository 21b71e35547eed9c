package console_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/console"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/desk"
	"github.com/switchboard-support/switchboard/internal/hub"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
	"github.com/switchboard-support/switchboard/internal/web"
)

// With MaskContacts, staff see that the player wrote an e-mail address or
// a phone number, not the address itself: in messages and ticket reasons.
func TestContactsMaskedForStaff(t *testing.T) {
	e := &env{t: t, st: storetest.Default(t), now: time.Now().UTC()}
	h := hub.New()
	e.svc = conversation.New(e.st, engine, conversation.Options{Notifier: h})
	e.desk = desk.New(e.st, h, engine, desk.Options{AnswerTimeout: 3 * time.Minute, Now: e.clock})
	ec := echo.New()
	ec.HTTPErrorHandler = web.ErrorHandler(nil)
	console.New(console.Options{Store: e.st, Desk: e.desk, Hub: h, MaskContacts: true}).Register(ec)
	e.srv = httptest.NewServer(ec)
	t.Cleanup(e.srv.Close)
	e.staff("sue", handoff.RoleSupervisor)
	res, err := e.svc.Send(context.Background(), conversation.Inbound{Player: chat.Player{ID: "p1", Locale: "en"},
		Channel: chat.ChannelWebchat, ClientID: "c1", Text: "I want a person, mail me at anna.petrova@mail.ru or +7 916 123-45-67"})
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Messages []struct {
			Sender string `json:"sender"`
			Text   string `json:"text"`
		} `json:"messages"`
		Tickets []struct {
			Reason string `json:"reason"`
		} `json:"tickets"`
	}
	if code := e.login("sue").do("GET", fmt.Sprintf("/console/api/conversations/%d", res.Conversation.ID), nil, &view); code != 200 {
		t.Fatalf("read: %d", code)
	}
	all := ""
	for _, m := range view.Messages {
		all += m.Text + "\n"
	}
	for _, tk := range view.Tickets {
		all += tk.Reason + "\n"
	}
	if strings.Contains(all, "anna.petrova") || strings.Contains(all, "916 123") {
		t.Fatalf("contacts shown to staff:\n%s", all)
	}
	if !strings.Contains(all, "a***@mail.ru") || !strings.Contains(all, "-67") {
		t.Fatalf("the masked contacts are not shown:\n%s", all)
	}
}
