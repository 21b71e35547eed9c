package flows

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Any text as a flow file, or as settings, is parsed or refused with
// problems that name the file; nothing panics.
func FuzzParseBundleFile(f *testing.F) {
	base := fixture()
	var flowPath string
	for p := range base {
		if strings.HasPrefix(p, flowsDir) {
			flowPath = p
			break
		}
	}
	f.Add(flowPath, base[flowPath])
	f.Add(SettingsFile, base[SettingsFile])
	f.Add(flowPath, []byte("name: x\nsteps:\n  - id: a\n    goto: a\n"))
	f.Add(flowPath, []byte("steps: [{id: a, say: {en: \"{{\"}}]\n"))
	f.Add(SettingsFile, []byte("locales: [\n"))
	f.Add("kb/en/x.md", []byte("---\ntitle: [\n---\nbody"))
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		if path != flowPath && path != SettingsFile && !strings.HasPrefix(path, "kb/") {
			return
		}
		files := fixture()
		files[path] = data
		_, err := ParseBundle(files, "fuzz")
		var ve *ValidationError
		if err != nil && errors.As(err, &ve) && !strings.Contains(err.Error(), path) && !strings.Contains(err.Error(), "settings") {
			t.Fatalf("a problem in %s not named by file: %v", path, err)
		}
	})
}

// Any message is read for a wait without panicking, and a wait it finds
// is positive and at most a thousand months.
func FuzzParseWaited(f *testing.F) {
	for _, s := range []string{"часа 3 уже", "полтора часа", "больше часа", "over an hour", "a couple of days", "48h",
		"со вчера", "минут 40 назад", "half an hour ago", "час", "полторы", "more than", "1000000ч"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, ok := parseWaited(text)
		if ok != (d > 0) || d < 0 || d > 1000*30*24*time.Hour {
			t.Fatalf("parseWaited(%q) = %v, %v", text, d, ok)
		}
	})
}
