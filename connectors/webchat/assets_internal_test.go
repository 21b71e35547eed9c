package webchat

import (
	"regexp"
	"testing"
)

// The demo page carries no inline script or style: its CSP would block it.
func TestDemoPageHasNothingInline(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<style|\sstyle\s*=|<script(\s[^>]*)?>\s*[^<\s]|\son[a-z]+\s*=`)
	b, err := assets.ReadFile("assets/demo.html")
	if err != nil {
		t.Fatal(err)
	}
	if loc := inline.FindIndex(b); loc != nil {
		t.Errorf("demo.html: inline code at byte %d: %q", loc[0], b[loc[0]:min(len(b), loc[1]+30)])
	}
}
