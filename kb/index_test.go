package kb

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

func TestOpenDuplicate(t *testing.T) {
	articles := fixtures(t)
	dup := articles[0]
	dup.Path = "elsewhere/" + dup.ID + ".md"
	_, err := Open("", "", append(articles, dup), Options{})
	if chat.ErrorCode(err) != chat.EINVALID {
		t.Fatalf("Open with a duplicate: err %v, want %s", err, chat.EINVALID)
	}
	msg := chat.ErrorMessage(err)
	if !strings.Contains(msg, articles[0].Path) || !strings.Contains(msg, dup.Path) {
		t.Errorf("error %q does not name both %s and %s", msg, articles[0].Path, dup.Path)
	}
	// The same id in two locales is one article translated, not a duplicate.
	if _, err := Open("", "", fixtures(t), Options{}); err != nil {
		t.Errorf("Open fixtures: %v", err)
	}
}

func TestOpenInvalidArticles(t *testing.T) {
	for _, a := range []Article{
		{ID: "", Locale: "en", Title: "T", Body: "B", Path: "a.md"},
		{ID: "x", Locale: "de", Title: "T", Body: "B", Path: "x.md"},
	} {
		if _, err := Open("", "", []Article{a}, Options{}); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("Open(%+v): err %v, want %s", a, err, chat.EINVALID)
		}
	}
	if _, err := Open(t.TempDir(), "", fixtures(t), Options{}); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("Open with a dir and no version: err %v, want %s", err, chat.EINVALID)
	}
}

func TestArticles(t *testing.T) {
	ix := openFixtures(t, Options{})
	for _, loc := range []string{"ru", "en"} {
		list := ix.Articles(loc)
		if len(list) != 7 {
			t.Fatalf("Articles(%s): %d, want 7", loc, len(list))
		}
		if !slices.IsSortedFunc(list, func(a, b Article) int { return strings.Compare(a.ID, b.ID) }) {
			t.Errorf("Articles(%s) not sorted by id", loc)
		}
		for _, a := range list {
			if a.Locale != loc {
				t.Errorf("Articles(%s) has %s/%s", loc, a.Locale, a.ID)
			}
		}
	}
	if got := ix.Articles("de"); len(got) != 0 {
		t.Errorf("Articles(de) = %v, want none", got)
	}
	a, ok := ix.Article("ru", "password-reset")
	if !ok || a.Title != "Восстановление пароля" || a.Locale != "ru" || a.Path != "kb/ru/password-reset.md" {
		t.Fatalf("Article(ru, password-reset) = %+v, %v", a, ok)
	}
	// Callers get copies.
	a.Tags[0] = "changed"
	if b, _ := ix.Article("ru", "password-reset"); b.Tags[0] == "changed" {
		t.Error("Article returned the index's own tags slice")
	}
	if _, ok := ix.Article("en", "no-such-article"); ok {
		t.Error("Article(en, no-such-article) found")
	}
}

// builds counts the builds Open reports.
type builds struct{ dirs []string }

func (b *builds) options() Options {
	return Options{OnBuild: func(dir string) { b.dirs = append(b.dirs, dir) }}
}

// openDisk opens an on-disk index and checks that it answers.
func openDisk(t *testing.T, dir, version string, articles []Article, opts Options) *Index {
	t.Helper()
	ix, err := Open(dir, version, articles, opts)
	if err != nil {
		t.Fatalf("Open(%s, %s): %v", dir, version, err)
	}
	hits, err := ix.Search(context.Background(), Query{Locale: "ru", Text: "как пополнить счёт"})
	if err != nil || len(hits) == 0 || hits[0].ArticleID != "deposit-methods" {
		t.Fatalf("Search on %s/%s: %v, %v", dir, version, ids(hits), err)
	}
	return ix
}

func TestOpenPersistent(t *testing.T) {
	dir := t.TempDir()
	articles := fixtures(t)
	var b builds

	// First Open builds the index and marks it complete.
	ix := openDisk(t, dir, "v1", articles, b.options())
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	v1 := filepath.Join(dir, "v1")
	if len(b.dirs) != 1 || b.dirs[0] != v1 {
		t.Fatalf("builds %v, want [%s]", b.dirs, v1)
	}
	marker := filepath.Join(v1, markerName)
	before, err := os.Stat(marker)
	if err != nil {
		t.Fatalf("no marker after a build: %v", err)
	}

	// Same version: reused, not rebuilt; the marker is untouched.
	ix = openDisk(t, dir, "v1", articles, b.options())
	if len(b.dirs) != 1 {
		t.Errorf("reopening v1 built again: %v", b.dirs)
	}
	after, err := os.Stat(marker)
	if err != nil || !after.ModTime().Equal(before.ModTime()) || !os.SameFile(before, after) {
		t.Errorf("marker changed on reuse: %v → %v (%v)", before.ModTime(), after, err)
	}
	// Two instances may use the same version at once.
	other := openDisk(t, dir, "v1", articles, b.options())
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// A directory that is not ours survives version changes.
	foreign := filepath.Join(dir, "not-an-index")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}

	// New version: built, and the old version's directory removed.
	ix = openDisk(t, dir, "v2", articles, b.options())
	defer ix.Close()
	if len(b.dirs) != 2 || b.dirs[1] != filepath.Join(dir, "v2") {
		t.Errorf("builds %v, want a second one in v2", b.dirs)
	}
	if _, err := os.Stat(v1); !os.IsNotExist(err) {
		t.Errorf("old version %s still there: %v", v1, err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("foreign directory removed: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"not-an-index", "v2"}) {
		t.Errorf("dir holds %v, want [not-an-index v2]", names)
	}
}

func TestOpenRebuildsIncomplete(t *testing.T) {
	dir := t.TempDir()
	articles := fixtures(t)
	var b builds
	ix := openDisk(t, dir, "v1", articles, b.options())
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// A build that died before writing its marker.
	if err := os.Remove(filepath.Join(dir, "v1", markerName)); err != nil {
		t.Fatal(err)
	}
	ix = openDisk(t, dir, "v1", articles, b.options())
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if len(b.dirs) != 2 {
		t.Errorf("incomplete index not rebuilt: builds %v", b.dirs)
	}

	// Different articles under the same version: rebuilt, not served stale.
	changed := append(fixtures(t), Article{ID: "extra", Locale: "en", Title: "Extra", Body: "Extra article.", Path: "kb/en/extra.md"})
	ix = openDisk(t, dir, "v1", changed, b.options())
	defer ix.Close()
	if len(b.dirs) != 3 {
		t.Errorf("changed articles not rebuilt: builds %v", b.dirs)
	}
	if hits := mustSearch(t, ix, Query{Locale: "en", Text: "extra article"}); len(hits) == 0 || hits[0].ArticleID != "extra" {
		t.Errorf("rebuilt index misses the new article: %v", ids(hits))
	}
}

func TestOpenRemovesOnlyOurs(t *testing.T) {
	dir := t.TempDir()
	mk := func(path string, files ...string) {
		t.Helper()
		for _, f := range files {
			p := filepath.Join(dir, path, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("old-complete", markerName)
	mk("old-incomplete", filepath.Join(bleveDirName, "index_meta.json"))
	mk("someone-else", "data.txt")
	mk(buildPrefix+"v0-123", "partial") // possibly another process's build: kept
	mk(buildPrefix+"v0-456", "partial") // abandoned long ago: removed
	old := time.Now().Add(-2 * staleBuildAge)
	if err := os.Chtimes(filepath.Join(dir, buildPrefix+"v0-456"), old, old); err != nil {
		t.Fatal(err)
	}
	mk("", "a-file.txt")

	ix := openDisk(t, dir, "v1", fixtures(t), Options{})
	defer ix.Close()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{buildPrefix + "v0-123", "a-file.txt", "someone-else", "v1"}
	if !slices.Equal(names, want) {
		t.Errorf("dir holds %v, want %v", names, want)
	}
}

func TestVersionDirName(t *testing.T) {
	tests := []struct {
		version string
		want    string // "" for a name with a hash suffix
		prefix  string
	}{
		{"v1", "v1", ""},
		{"2026-11-05.3", "2026-11-05.3", ""},
		{"sha256_ab12", "sha256_ab12", ""},
		{"../../etc", "", "_._.._etc-"},
		{".hidden", "", "_hidden-"},
		{"a/b", "", "a_b-"},
		{"a b", "", "a_b-"},
		{"версия", "", "______-"},
		{strings.Repeat("a", 100), "", strings.Repeat("a", maxVersionName) + "-"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		got, err := versionDirName(tt.version)
		if err != nil {
			t.Fatalf("versionDirName(%q): %v", tt.version, err)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("versionDirName(%q) = %q, want %q", tt.version, got, tt.want)
		}
		if tt.prefix != "" && (!strings.HasPrefix(got, tt.prefix) || len(got) != len(tt.prefix)+12) {
			t.Errorf("versionDirName(%q) = %q, want %q + 12 hex digits", tt.version, got, tt.prefix)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("versions %q and %q share directory %q", prev, tt.version, got)
		}
		seen[got] = tt.version
	}
	// Versions that sanitize alike still differ.
	a, _ := versionDirName("a/b")
	b, _ := versionDirName("a_b")
	c, _ := versionDirName("a:b")
	if a == b || a == c {
		t.Errorf("a/b → %q, a_b → %q, a:b → %q: want distinct", a, b, c)
	}
	for _, v := range []string{"", "  "} {
		if _, err := versionDirName(v); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("versionDirName(%q): err %v, want %s", v, err, chat.EINVALID)
		}
	}
}
