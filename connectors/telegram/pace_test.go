package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/connectors/telegram/telegramtest"
)

var t0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func TestPacerPerChat(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	p := NewPacer(clock, PaceOptions{})
	// A burst of 3 (40 ms apart: the global spacing), then one a second.
	for i := range 3 {
		if ok, _ := p.Reserve(1); !ok {
			t.Fatalf("burst message %d refused", i)
		}
		clock.Advance(40 * time.Millisecond)
	}
	ok, at := p.Reserve(1)
	if ok || at.Sub(t0) != time.Second {
		t.Fatalf("4th message: ok=%v at +%v, want refused until +1s", ok, at.Sub(t0))
	}
	if ok, _ := p.Reserve(2); !ok {
		t.Fatal("another chat is held back by chat 1")
	}
	clock.Advance(880 * time.Millisecond)
	if ok, _ := p.Reserve(1); !ok {
		t.Fatal("refused after 1 s")
	}
	if ok, _ := p.Reserve(1); ok {
		t.Fatal("sustained rate above 1/s")
	}
	// Over a minute of steady sending, one a second.
	sent := 0
	for range 60 {
		clock.Advance(time.Second)
		for {
			if ok, _ := p.Reserve(1); !ok {
				break
			}
			sent++
		}
	}
	if sent != 60 {
		t.Fatalf("%d messages in 60 s, want 60", sent)
	}
}

func TestPacerGlobal(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	p := NewPacer(clock, PaceOptions{})
	// 1,000 chats with something to send: no second carries more than 25.
	perSecond := map[int64]int{}
	chat := int64(0)
	for clock.Now().Sub(t0) < 10*time.Second {
		if ok, _ := p.Reserve(chat%1000 + 1); ok {
			perSecond[int64(clock.Now().Sub(t0)/time.Second)]++
			chat++
			continue
		}
		clock.Advance(10 * time.Millisecond)
	}
	for s, n := range perSecond {
		if n > 25 {
			t.Errorf("second %d carried %d messages, want ≤ 25", s, n)
		}
	}
	if chat < 240 {
		t.Errorf("only %d messages in 10 s, want ≈ 250", chat)
	}
}

func TestPacerThrottled(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	p := NewPacer(clock, PaceOptions{})
	p.Throttled(1, 7*time.Second)
	if ok, at := p.Reserve(1); ok || at.Sub(t0) != 7*time.Second {
		t.Fatalf("chat 1 after a 429: ok=%v at +%v, want paused until +7s", ok, at.Sub(t0))
	}
	if ok, _ := p.Reserve(2); !ok {
		t.Fatal("a single chat's 429 paused chat 2")
	}
	clock.Advance(6999 * time.Millisecond)
	if ok, _ := p.Reserve(1); ok {
		t.Fatal("sent before retry_after passed")
	}
	clock.Advance(time.Millisecond)
	if ok, _ := p.Reserve(1); !ok {
		t.Fatal("still paused after retry_after")
	}

	// A second chat's 429 right after: a flood, everything pauses.
	p.Throttled(3, 5*time.Second)
	clock.Advance(100 * time.Millisecond)
	p.Throttled(4, 5*time.Second)
	if ok, at := p.Reserve(5); ok || at.Sub(clock.Now()) != 5*time.Second {
		t.Fatalf("chat 5 during a flood: ok=%v, wait %v; want paused 5s", ok, at.Sub(clock.Now()))
	}
	// A 429 on a call without a chat is global at once.
	clock.Advance(10 * time.Second)
	p.Throttled(0, 3*time.Second)
	if ok, _ := p.Reserve(6); ok {
		t.Fatal("a global 429 did not pause chat 6")
	}
}

func TestPacerWait(t *testing.T) {
	clock := telegramtest.NewClock(t0)
	p := NewPacer(clock, PaceOptions{ChatBurst: 1})
	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 5 {
			if err := p.Wait(ctx, 1); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	clock.Drive(done)
	if got := clock.Now().Sub(t0); got != 4*time.Second {
		t.Fatalf("5 messages took %v of clock time, want 4s", got)
	}
	// A cancelled wait returns at once.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.Wait(cctx, 1); err == nil {
		t.Fatal("Wait on a cancelled context returned nil")
	}
}
