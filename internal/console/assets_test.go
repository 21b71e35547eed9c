package console

import (
	"io/fs"
	"regexp"
	"testing"
)

// inlineCode finds what a strict CSP refuses in a page: a <style> element,
// a style attribute, an inline <script> or an event-handler attribute.
var inlineCode = regexp.MustCompile(`(?i)<style|\sstyle\s*=|<script(\s[^>]*)?>\s*[^<\s]|\son[a-z]+\s*=`)

// The console's and the editor's pages carry no inline script or style:
// their CSP would block it (a violation in the page as it loads, before
// any script could notice).
func TestPagesHaveNothingInline(t *testing.T) {
	for _, fsys := range []fs.FS{assets, editorAssets} {
		pages, err := fs.Glob(fsys, "assets/*.html")
		if err != nil || len(pages) == 0 {
			t.Fatalf("no pages: %v", err)
		}
		for _, p := range pages {
			b, _ := fs.ReadFile(fsys, p)
			if loc := inlineCode.FindIndex(b); loc != nil {
				t.Errorf("%s: inline code at byte %d: %q", p, loc[0], b[loc[0]:min(len(b), loc[1]+30)])
			}
		}
	}
}
