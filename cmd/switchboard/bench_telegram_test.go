package main

import (
	"context"
	"strings"
	"testing"
)

// bench telegram runs end to end for a second, so it cannot rot.
func TestBenchTelegram(t *testing.T) {
	benchTelegramModels = testModels
	defer func() { benchTelegramModels = nil }()
	// No deadline of its own: publishing the default content runs its
	// conversation tests, minutes under -race on a loaded machine (go
	// test's own timeout bounds it).
	ctx := context.Background()
	var out, errb syncBuffer
	err := cmdBench(ctx, []string{"telegram", "--rate", "40", "--duration", "1s", "--chats", "4",
		"--chat-interval", "50ms", "--global-rate", "200"}, &out, &errb)
	if err != nil {
		t.Fatalf("bench telegram: %v\n%s\n%s", err, out.String(), errb.String())
	}
	t.Log(out.String())
	for _, want := range []string{"linked 4 chats", "webhook acknowledgement (POST→200)", "updates processed",
		"deliveries overall", "deliveries per chat (median)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
