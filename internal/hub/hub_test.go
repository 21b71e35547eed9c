package hub

import (
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestFanOutByPlayer(t *testing.T) {
	h := New()
	a1, a2, b := h.Subscribe("a"), h.Subscribe("a"), h.Subscribe("b")
	h.Notify(chat.Event{Type: chat.EventTyping, PlayerID: "a", Sender: chat.SenderBot})
	for _, s := range []*Subscription{a1, a2} {
		if ev := <-s.C; ev.Type != chat.EventTyping || ev.Sender != chat.SenderBot {
			t.Errorf("got %+v", ev)
		}
	}
	select {
	case ev := <-b.C:
		t.Fatalf("b got a's event %+v", ev)
	default:
	}
	a1.Close()
	a1.Close() // idempotent
	if n := h.Subscribers(); n != 2 {
		t.Fatalf("subscribers = %d, want 2", n)
	}
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	h := New()
	s := h.Subscribe("a")
	for range subscriberBuffer + 1 {
		h.Notify(chat.Event{Type: chat.EventTyping, PlayerID: "a"})
	}
	n := 0
	for range s.C {
		n++
	}
	if n != subscriberBuffer {
		t.Fatalf("received %d events before the drop, want %d", n, subscriberBuffer)
	}
	if h.Subscribers() != 0 {
		t.Fatal("dropped subscriber still registered")
	}
}

func TestShutdown(t *testing.T) {
	h := New()
	s := h.Subscribe("a")
	h.Shutdown()
	if _, ok := <-s.C; ok {
		t.Fatal("channel open after shutdown")
	}
	if h.Subscribe("a") != nil {
		t.Fatal("subscribed after shutdown")
	}
	s.Close()
}

func TestStaffSeeEverythingPlayersSeeTheirOwn(t *testing.T) {
	h := New()
	staff, a := h.SubscribeStaff(), h.Subscribe("a")
	h.Notify(chat.Event{Type: chat.EventMessage, PlayerID: "a"})
	h.Notify(chat.Event{Type: chat.EventMessage, PlayerID: "b"})
	h.NotifyStaff(chat.Event{Type: chat.EventQueue, PlayerID: "a"})
	for _, want := range []string{"a", "b", "a"} {
		if ev := <-staff.C; ev.PlayerID != want {
			t.Fatalf("staff got %+v, want player %s", ev, want)
		}
	}
	if ev := <-a.C; ev.Type != chat.EventMessage {
		t.Fatalf("player got %+v", ev)
	}
	select {
	case ev := <-a.C:
		t.Fatalf("player got a staff-only or foreign event %+v", ev)
	default:
	}
}

// A player id spelt like any internal key never reaches the staff feed
// (notes, queue changes, other players' messages).
func TestPlayerCannotNameTheStaffFeed(t *testing.T) {
	h := New()
	staff := h.SubscribeStaff()
	for _, id := range []string{"\x00staff", "staff", "", "*"} {
		p := h.Subscribe(id)
		h.NotifyStaff(chat.Event{Type: chat.EventQueue})
		h.Notify(chat.Event{Type: chat.EventTyping, PlayerID: "someone-else"})
		select {
		case ev := <-p.C:
			t.Fatalf("player %q got %+v", id, ev)
		default:
		}
		for range 2 {
			<-staff.C
		}
		p.Close()
	}
	if n := h.Subscribers(); n != 1 {
		t.Fatalf("subscribers = %d, want the staff one", n)
	}
	h.Shutdown()
	if _, ok := <-staff.C; ok {
		t.Fatal("staff subscription open after shutdown")
	}
}
