package flows

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// BenchmarkTurn runs first turns of the default content (classifier,
// flow, knowledge base, answer text) and reports the p50 and p99 of one
// turn, in microseconds.
func BenchmarkTurn(b *testing.B) {
	files, err := ReadFS(os.DirFS("../content"))
	if err != nil {
		b.Skipf("content: %v", err)
	}
	bundle, err := ParseBundle(files, "bench")
	if err != nil {
		b.Fatal(err)
	}
	rt, err := NewRuntime(context.Background(), bundle, RuntimeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	e := NewEngine(rt)
	defer e.Close()
	msgs := []string{
		"how do i deposit with visa", "deposited 100 via skrill not showing", "withdrawal pending 3 days",
		"как вывести деньги на карту", "бонус не начислился", "zabyl parol", "what's the weather",
		"не могу войти в аккаунт", "are you a bot", "hi",
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		_, err := e.Turn(context.Background(), Input{Player: chat.Player{ID: "b"}, Channel: chat.ChannelWebchat, Locale: "en", Text: msgs[i%len(msgs)]})
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds()), "p99-µs")
}
