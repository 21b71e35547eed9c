package telegram

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

// Three chats send 8 messages each at once: each chat gets its own in order,
// exactly once, a burst of 3 then one a second; no second carries more than 25.
func TestSenderPacesInOrder(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	srv := telegramtest.New(t, telegramtest.WithClock(clock.Now))
	s := &Sender{Client: newClient(t, srv, Options{}), Pacer: NewPacer(clock, PaceOptions{})}
	chats := []int64{11, 22, 33}
	stop := make(chan struct{})
	for _, chat := range chats {
		go func() {
			for i := range 8 {
				if _, o := s.Send(context.Background(), chat, fmt.Sprintf("m%d", i), nil); o.Kind != Sent {
					t.Errorf("chat %d message %d: %v", chat, i, o.Err)
				}
			}
			// Park on the clock, so that every sender always ends up waiting on it.
			select {
			case <-clock.After(time.Hour):
			case <-stop:
			}
		}()
	}
	// Time moves only when every sender waits on the clock: the server's
	// clock then reads the time each request was really sent.
	ctx := testContext(t)
	for len(srv.Messages(0)) < 8*len(chats) {
		if err := clock.WaitTimers(ctx, len(chats)); err != nil {
			t.Fatal(err)
		}
		d, _ := clock.NextTimer()
		clock.Advance(d)
	}
	close(stop)
	for _, chat := range chats {
		msgs := srv.Messages(chat)
		if len(msgs) != 8 {
			t.Fatalf("chat %d got %d messages, want 8", chat, len(msgs))
		}
		for i, m := range msgs {
			if m.Text != fmt.Sprintf("m%d", i) {
				t.Fatalf("chat %d message %d is %q: out of order", chat, i, m.Text)
			}
			if i >= 3 {
				if gap := m.Time.Sub(msgs[i-1].Time); gap < time.Second && i > 3 || m.Time.Sub(msgs[0].Time) < time.Duration(i-2)*time.Second {
					t.Fatalf("chat %d message %d only %v after the previous", chat, i, gap)
				}
			}
		}
	}
	var prev time.Time
	for i, m := range srv.Messages(0) {
		if i > 0 && m.Time.Sub(prev) < 40*time.Millisecond {
			t.Fatalf("messages %d and %d %v apart, want ≥ 40 ms (25/s)", i-1, i, m.Time.Sub(prev))
		}
		prev = m.Time
	}
}

// After a 429 nothing goes to the chat before retry_after has passed, and the
// retried message is delivered once.
func TestSenderHonoursRetryAfter(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	srv := telegramtest.New(t, telegramtest.WithClock(clock.Now))
	s := &Sender{Client: newClient(t, srv, Options{}), Pacer: NewPacer(clock, PaceOptions{})}
	srv.Inject(telegramtest.Fault{Method: "sendMessage", ChatID: 5, Status: 429, RetryAfter: 12})
	ctx := testContext(t)
	_, o := s.Send(ctx, 5, "first", nil)
	if o.Kind != Retry || o.RetryAfter != 12*time.Second {
		t.Fatalf("outcome %v after %v, want retry after 12s", o.Kind, o.RetryAfter)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, o := s.Send(ctx, 5, "first", nil); o.Kind != Sent {
			t.Errorf("resend: %v", o.Err)
		}
	}()
	clock.Drive(done)
	reqs := srv.Requests("sendMessage")
	if len(reqs) != 2 || reqs[1].Time.Sub(reqs[0].Time) < 12*time.Second {
		t.Fatalf("requests at %v and %v: resent before retry_after", reqs[0].Time, reqs[len(reqs)-1].Time)
	}
	if msgs := srv.Messages(5); len(msgs) != 1 {
		t.Fatalf("%d messages delivered, want 1", len(msgs))
	}
}

func TestSenderBlocked(t *testing.T) {
	srv := telegramtest.New(t)
	s := &Sender{Client: newClient(t, srv, Options{}), Pacer: NewPacer(nil, PaceOptions{})}
	srv.Block(8)
	if _, o := s.Send(testContext(t), 8, "hi", nil); o.Kind != Blocked {
		t.Fatalf("outcome %v, want blocked", o.Kind)
	}
	if err := s.Client.Typing(testContext(t), 8); Classify(err).Kind != Blocked {
		t.Fatalf("typing to a blocked chat: %v", err)
	}
	if _, o := s.Send(testContext(t), 9, "hi", nil); o.Kind != Sent {
		t.Fatalf("another chat: %v", o.Err)
	}
}

// A message split into parts goes out as parts, in order, the keyboard on
// the last one, every part accepted by Telegram's length and HTML checks.
func TestSendSplitArticle(t *testing.T) {
	srv := telegramtest.New(t)
	s := &Sender{Client: newClient(t, srv, Options{}), Pacer: NewPacer(nil, PaceOptions{ChatBurst: 100, Global: time.Nanosecond})}
	var md string
	for len([]rune(md)) < 10000 {
		for _, a := range articles(t, "ru") {
			md += a.body + "\n\n"
		}
	}
	parts := Split(Render(md))
	kb := NewKeyboard(3, []Button{{Label: "Помогло"}, {Label: "Нужен человек", Payload: "handoff"}})
	for i, p := range parts {
		var k Keyboard
		if i == len(parts)-1 {
			k = kb
		}
		if _, o := s.Send(testContext(t), 77, p, k); o.Kind != Sent {
			t.Fatalf("part %d: %v", i, o.Err)
		}
	}
	msgs := srv.Messages(77)
	if len(msgs) != len(parts) || len(parts) < 3 {
		t.Fatalf("%d messages for %d parts", len(msgs), len(parts))
	}
	for i, m := range msgs {
		if m.Text != parts[i] || (m.Keyboard != nil) != (i == len(parts)-1) {
			t.Fatalf("message %d differs from its part or has the wrong keyboard", i)
		}
	}
}
