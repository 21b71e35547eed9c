package handoff

import (
	"strings"
	"testing"
	"time"
)

func TestWaitNoticeTellsTheQueueAsItIs(t *testing.T) {
	def := func(locale string) func(string) string {
		return func(k string) string { return DefaultWaitText(k, locale) }
	}
	tests := []struct {
		name    string
		w       Wait
		locale  string
		want    []string
		notWant []string
	}{
		{"first and someone there", Wait{Position: 1, Available: 2}, "en", []string{"You are first in the queue"}, []string{"Lately"}},
		{"behind others", Wait{Position: 3, Available: 1, RecentFirstResponse: 4 * time.Minute}, "en",
			[]string{"number 3 in the queue", "available now: 1", "about 4 minutes"}, []string{"first in the queue"}},
		{"nobody: first but not told so", Wait{Position: 1, Available: 0, RecentFirstResponse: time.Minute}, "en",
			[]string{"Nobody who handles this is available right now", "stays in the queue", "answer will wait for you here", "close this page"},
			[]string{"first in the queue", "Lately"}},
		{"russian", Wait{Position: 2, Available: 1, RecentFirstResponse: 2 * time.Minute}, "ru",
			[]string{"Вы 2-й в очереди", "на связи: 1", "2 минуты"}, nil},
	}
	for _, tt := range tests {
		got := WaitNotice(tt.w, tt.locale, def(tt.locale))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tt.name, got, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(got, w) {
				t.Errorf("%s: %q says %q", tt.name, got, w)
			}
		}
	}
	custom := WaitNotice(Wait{Position: 4, Available: 1}, "en", func(k string) string { return k + ":{{position}}" })
	if custom != "wait_queue:4" {
		t.Errorf("configured text not used: %q", custom)
	}
	if got := LateWaitNotice(Wait{Assigned: true}, "en", def("en")); !strings.Contains(got, "a specialist has your conversation") {
		t.Errorf("late, assigned: %q", got)
	}
	if got := LateWaitNotice(Wait{Position: 2}, "ru", def("ru")); !strings.Contains(got, "нет свободных специалистов") {
		t.Errorf("late, nobody: %q", got)
	}
}
