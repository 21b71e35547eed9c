package conversation_test

import (
	"testing"

	"github.com/switchboard-support/switchboard/flows"
)

// The default content carries every system text in both languages, so
// editors change them in the content, not in code.
func TestDefaultContentHasEverySystemText(t *testing.T) {
	msgs := defaultEngine.Runtime().Bundle.Settings.Messages
	for _, k := range flows.SystemTexts() {
		m, ok := msgs[k]
		if !ok {
			t.Errorf("content/settings.yaml has no messages.%s", k)
			continue
		}
		for _, l := range []string{"en", "ru"} {
			if m.In(l, "") == "" {
				t.Errorf("messages.%s has no %s text", k, l)
			}
		}
	}
}
