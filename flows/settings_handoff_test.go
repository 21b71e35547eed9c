package flows

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/handoff"
)

// TestHandoffSettingsValidated: a bundle whose handoff settings name what
// the handoff rules cannot map is refused with file:line, so a validated
// bundle never breaks a handoff.
func TestHandoffSettingsValidated(t *testing.T) {
	settings := string(fixture()["settings.yaml"])
	edit := func(old, new string) map[string][]byte {
		if !strings.Contains(settings, old) {
			t.Fatalf("fixture has no %q", old)
		}
		return withFile(fixture(), "settings.yaml", strings.Replace(settings, old, new, 1))
	}
	tests := []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"unknown priority in the list", edit("priorities: [critical, high, normal, low]", "priorities: [urgent, high, normal, low]"),
			`settings.yaml:6: handoff.priorities: unknown priority "urgent"`},
		{"rule with an unknown skill", edit("  default_priority: normal\n",
			"  default_priority: normal\n  priority_rules:\n    - {skill: kyc, set: high}\n"),
			`settings.yaml:10: priority rule #1: unknown skill "kyc"`},
		{"rule with a priority not listed", edit("priorities: [critical, high, normal, low]\n  default_skill: general\n  default_priority: normal\n",
			"priorities: [high, normal, low]\n  default_skill: general\n  default_priority: normal\n  priority_rules:\n    - {skill: payments, at_least: critical}\n"),
			`settings.yaml:10: priority rule #1: priority "critical" is not one of handoff.priorities`},
		{"priorities out of order", edit("priorities: [critical, high, normal, low]", "priorities: [low, high]"),
			`settings.yaml:6: handoff.priorities must list each priority once, most urgent first`},
		{"unknown default skill stays refused", edit("default_skill: general", "default_skill: kyc"),
			`handoff.default_skill "kyc"`},
		{"widening an unknown priority", edit("  default_priority: normal\n", "  default_priority: normal\n  widen:\n    urgent: {general: 1m}\n"),
			`settings.yaml:10: handoff.widen: unknown priority "urgent"`},
		{"widening to anyone before general", edit("  default_priority: normal\n", "  default_priority: normal\n  widen:\n    critical: {general: 2m, anyone: 1m}\n"),
			`settings.yaml:10: handoff.widen.critical: anyone (1m0s) comes before general (2m0s)`},
		{"widening with a bad duration", edit("  default_priority: normal\n", "  default_priority: normal\n  widen:\n    high: {general: soon}\n"),
			`settings.yaml:10: handoff.widen.high.general must be a positive duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBundle(tt.files, "h")
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("problems:\n%s\nwant one containing %q", err, tt.want)
			}
		})
	}
}

func TestHandoffWideningFromSettings(t *testing.T) {
	settings := string(fixture()["settings.yaml"])
	files := withFile(fixture(), "settings.yaml", strings.Replace(settings, "  default_priority: normal\n",
		"  default_priority: normal\n  widen:\n    critical: {general: 1m, anyone: 2m}\n    high: {general: 3m}\n", 1))
	b, err := ParseBundle(files, "h")
	if err != nil {
		t.Fatal(err)
	}
	w := b.Settings.Widening
	if len(w) != 2 || w["critical"] != (handoff.Widen{General: time.Minute, Anyone: 2 * time.Minute}) ||
		w["high"] != (handoff.Widen{General: 3 * time.Minute}) {
		t.Fatalf("widening %+v", w)
	}
	def, err := ParseBundle(fixture(), "h")
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Settings.Widening) != 4 {
		t.Fatalf("default widening %+v, want handoff.DefaultWidening", def.Settings.Widening)
	}
}
