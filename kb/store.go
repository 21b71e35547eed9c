package kb

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// On-disk layout: dir/<version>/kb-index.json (the marker) and
// dir/<version>/bleve (the index). Builds happen in dir/.kb-build-* and are
// renamed into place when complete.
const (
	markerName     = "kb-index.json"
	bleveDirName   = "bleve"
	buildPrefix    = ".kb-build-"
	indexFormat    = 3 // bump when the mapping or the indexed documents change
	maxVersionName = 64
	staleBuildAge  = time.Hour // an unfinished build this old was abandoned
)

// marker records a complete index: written only after a successful build.
type marker struct {
	Format      int    `json:"format"`
	Version     string `json:"version"`
	Fingerprint string `json:"fingerprint"`
	Articles    int    `json:"articles"`
}

// openVersion opens the index of version under dir, building it first when
// it is missing, incomplete or of other articles, and then removes other
// versions' index directories.
func openVersion(dir, version string, articles []Article, opts Options) (bleve.Index, error) {
	name, err := versionDirName(version)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("kb: create index dir: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	target := filepath.Join(dir, name)
	want := marker{Format: indexFormat, Version: version, Fingerprint: fingerprint(articles), Articles: len(articles)}
	built := false
	if !hasMarker(target, want) {
		if err := build(dir, name, want, articles); err != nil {
			return nil, err
		}
		built = true
	}
	idx, err := bleve.OpenUsing(filepath.Join(target, bleveDirName), map[string]any{"read_only": true})
	if err != nil && !built {
		// A complete-looking index that does not open: build it again.
		log.Warn("kb: rebuilding an index that does not open", "dir", target, "err", err)
		if err := build(dir, name, want, articles); err != nil {
			return nil, err
		}
		built = true
		idx, err = bleve.OpenUsing(filepath.Join(target, bleveDirName), map[string]any{"read_only": true})
	}
	if err != nil {
		return nil, fmt.Errorf("kb: open index %s: %w", target, err)
	}
	if built {
		log.Info("kb: built index", "dir", target, "articles", len(articles))
		if opts.OnBuild != nil {
			opts.OnBuild(target)
		}
	} else {
		log.Info("kb: reusing index", "dir", target)
	}
	removeOtherVersions(dir, name, log)
	return idx, nil
}

// build indexes articles in a temporary directory under dir, writes the
// marker and renames the directory to dir/name, replacing whatever was
// there. When another process completed the same index first, its copy is
// kept.
func build(dir, name string, m marker, articles []Article) (err error) {
	tmp, err := os.MkdirTemp(dir, buildPrefix+name+"-")
	if err != nil {
		return fmt.Errorf("kb: build index: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	idx, err := bleve.NewUsing(filepath.Join(tmp, bleveDirName), newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return fmt.Errorf("kb: build index: %w", err)
	}
	if err := indexArticles(idx, articles); err != nil {
		_ = idx.Close()
		return err
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("kb: build index: close: %w", err)
	}
	if err := writeMarker(tmp, m); err != nil {
		return err
	}
	target := filepath.Join(dir, name)
	if hasMarker(target, m) { // another process completed it meanwhile
		_ = os.RemoveAll(tmp)
		return nil
	}
	if err := os.RemoveAll(target); err != nil {
		return fmt.Errorf("kb: replace index %s: %w", target, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		if hasMarker(target, m) { // another process won the race
			_ = os.RemoveAll(tmp)
			return nil
		}
		return fmt.Errorf("kb: install index %s: %w", target, err)
	}
	return nil
}

// writeMarker writes and syncs the marker file in dir.
func writeMarker(dir string, m marker) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("kb: write index marker: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, markerName))
	if err != nil {
		return fmt.Errorf("kb: write index marker: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		_ = f.Close()
		return fmt.Errorf("kb: write index marker: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("kb: write index marker: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("kb: write index marker: %w", err)
	}
	return nil
}

// hasMarker reports whether dir holds a complete index matching want.
func hasMarker(dir string, want marker) bool {
	data, err := os.ReadFile(filepath.Join(dir, markerName))
	if err != nil {
		return false
	}
	var got marker
	if err := json.Unmarshal(data, &got); err != nil {
		return false
	}
	return got == want
}

// removeOtherVersions removes the index directories under dir other than
// keep, and builds abandoned long ago. Directories that do not look like
// ours are left alone. Failures are logged: the next Open tries again.
func removeOtherVersions(dir, keep string, log *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		log.Warn("kb: list old index versions", "dir", dir, "err", err)
		return
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if e.Name() == keep || !e.IsDir() {
			continue
		}
		if strings.HasPrefix(e.Name(), buildPrefix) {
			// Possibly another process's build in progress: only old ones go.
			info, err := e.Info()
			if err != nil || time.Since(info.ModTime()) < staleBuildAge {
				continue
			}
		} else if !looksLikeIndex(path) {
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			log.Warn("kb: remove old index version", "dir", path, "err", err)
			continue
		}
		log.Info("kb: removed old index version", "dir", path)
	}
}

// looksLikeIndex reports whether path is one of our index directories,
// complete (with a marker) or not (with a bleve index).
func looksLikeIndex(path string) bool {
	for _, p := range []string{markerName, filepath.Join(bleveDirName, "index_meta.json")} {
		if _, err := os.Stat(filepath.Join(path, p)); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return err == nil
		}
	}
	return false
}

// versionDirName turns a version into a directory name: letters, digits,
// ".", "_" and "-" are kept (a leading "." is not), anything else becomes
// "_", and a name that had to change or be shortened gets a hash of the
// version so that different versions never share a directory.
func versionDirName(version string) (string, error) {
	if strings.TrimSpace(version) == "" {
		return "", chat.Errorf(chat.EINVALID, "empty index version")
	}
	var b strings.Builder
	changed := false
	for i, r := range version {
		ok := r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' && i > 0)
		if !ok {
			r, changed = '_', true
		}
		b.WriteRune(r)
	}
	name := b.String()
	if len(name) > maxVersionName {
		name, changed = name[:maxVersionName], true
	}
	if changed {
		sum := sha256.Sum256([]byte(version))
		name += "-" + hex.EncodeToString(sum[:6])
	}
	return name, nil
}

// fingerprint identifies what an index holds: the index format and every
// indexed field of every article, in (locale, id) order.
func fingerprint(articles []Article) string {
	sorted := slices.Clone(articles)
	slices.SortFunc(sorted, func(a, b Article) int {
		return strings.Compare(docID(a.Locale, a.ID), docID(b.Locale, b.ID))
	})
	h := sha256.New()
	fmt.Fprintf(h, "kb-index-format %d\n", indexFormat)
	for _, a := range sorted {
		enc, _ := json.Marshal([]any{a.Locale, a.ID, a.Title, a.Tags, a.Body, a.Questions})
		h.Write(enc)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
