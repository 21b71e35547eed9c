package flows

import (
	"strings"
	"testing"
)

// A system text comes from the bundle's messages when it has one, in the
// player's language, with its variables filled; else the built-in text.
func TestSystemText(t *testing.T) {
	files := fixture()
	files["settings.yaml"] = []byte(strings.Replace(string(files["settings.yaml"]), "messages:\n",
		"messages:\n  operator_joined: {en: \"Hi, {{operator}} here.\", ru: \"Здравствуйте, это {{operator}}.\"}\n", 1))
	e := fixtureEngine(t, files)
	vars := map[string]string{"operator": "Mia"}
	if got := e.SystemText(MsgOperatorJoined, "ru", vars); got != "Здравствуйте, это Mia." {
		t.Errorf("from the bundle, ru: %q", got)
	}
	if got := e.SystemText(MsgOperatorJoined, "en", vars); got != "Hi, Mia here." {
		t.Errorf("from the bundle, en: %q", got)
	}
	if got := e.SystemText(MsgCSATPrompt, "ru", nil); !strings.HasPrefix(got, "Ваш вопрос решён") {
		t.Errorf("built-in, ru: %q", got)
	}
	if got := e.SystemText(MsgBackToBot, "en", nil); !strings.HasPrefix(got, "You are chatting with the support assistant again") {
		t.Errorf("built-in, en: %q", got)
	}
	for _, k := range SystemTexts() {
		if e.SystemText(k, "en", nil) == "" || e.SystemText(k, "ru", nil) == "" {
			t.Errorf("system text %s is empty", k)
		}
	}
}
