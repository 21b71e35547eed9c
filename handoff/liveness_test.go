package handoff

import (
	"testing"
	"time"
)

func TestLivenessApply(t *testing.T) {
	l := Liveness{Grace: 30 * time.Second, OfflineAfter: 5 * time.Minute}
	now := at(10)
	beat := func(ago time.Duration, status Presence) Operator {
		o := op(1, 0, 3)
		o.Status = status
		if ago >= 0 {
			o.HeartbeatAt = now.Add(-ago)
		}
		return o
	}
	tests := []struct {
		name      string
		op        Operator
		status    Presence
		connected bool
	}{
		{"heartbeat just now", beat(0, Online), Online, true},
		{"within grace", beat(30*time.Second, Online), Online, true},
		{"chose away while connected", beat(time.Second, Away), Away, true},
		{"chose offline while connected", beat(time.Second, Offline), Offline, true},
		{"grace over: away", beat(31*time.Second, Online), Away, false},
		{"long gone: offline", beat(5*time.Minute+time.Second, Online), Offline, false},
		{"never connected", beat(-1, Online), Offline, false},
	}
	for _, tt := range tests {
		got := l.Apply(tt.op, now)
		if got.Status != tt.status || got.Disconnected == tt.connected {
			t.Errorf("%s: status %s connected %v, want %s %v", tt.name, got.Status, !got.Disconnected, tt.status, tt.connected)
		}
	}
	if got := (Liveness{}).Apply(beat(-1, Online), now); got.Status != Online || got.Disconnected {
		t.Errorf("zero Liveness changed the operator: %+v", got)
	}
}
