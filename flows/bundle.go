package flows

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/kb"
)

// Bundle is a complete, validated set of content: settings, intent
// examples, articles and flows. It is immutable once parsed.
type Bundle struct {
	Settings Settings
	Examples map[string][]intents.Example // by locale
	Articles []kb.Article
	Flows    map[string]*Flow
	Files    map[string][]byte // the source files, byte for byte
	Hash     string            // identifies Files

	flowByIntent map[string]*Flow
}

// Bundle file layout.
const (
	SettingsFile = "settings.yaml"
	intentsDir   = "intents/"
	flowsDir     = "flows/"
	kbDir        = "kb/"
)

// ReadFS reads every regular file of a content tree into memory, keyed by
// slash-separated path. Hidden files and directories are skipped.
func ReadFS(fsys fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[p] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("flows: read content: %w", err)
	}
	return files, nil
}

// ParseBundle parses and validates content files. It reports every problem
// it finds, each with file:line, as a *ValidationError; a bundle with any
// problem is refused whole. hash identifies the files (any stable digest).
func ParseBundle(files map[string][]byte, hash string) (*Bundle, error) {
	ps := &problems{}
	b := &Bundle{Files: files, Hash: hash, Examples: map[string][]intents.Example{}, Flows: map[string]*Flow{},
		flowByIntent: map[string]*Flow{}}
	data, ok := files[SettingsFile]
	if !ok {
		ps.add(SettingsFile, 0, "missing: a bundle needs settings.yaml")
		return nil, ps.err()
	}
	var parsed bool
	b.Settings, parsed = parseSettings(SettingsFile, data, ps)
	if !parsed {
		// Every other file is checked against the settings (skills,
		// locales, priorities): against defaults it would only report
		// problems that are not there.
		return nil, ps.err()
	}
	s := b.Settings

	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		data := files[p]
		switch {
		case strings.HasPrefix(p, intentsDir) && path.Ext(p) == ".yaml" && path.Dir(p)+"/" == intentsDir:
			locale := strings.TrimSuffix(path.Base(p), ".yaml")
			if !slices.Contains(s.Locales, locale) {
				ps.add(p, 0, "locale %q is not in settings.yaml locales %v", locale, s.Locales)
				continue
			}
			ex, err := intents.ParseYAML(p, data)
			if err != nil {
				ps.addErr(p, err)
				continue
			}
			b.Examples[locale] = ex
		case strings.HasPrefix(p, flowsDir) && path.Ext(p) == ".yaml" && path.Dir(p)+"/" == flowsDir:
			if f := parseFlow(p, data, s, ps); f != nil {
				b.Flows[f.Name] = f
			}
		case strings.HasPrefix(p, kbDir) && path.Ext(p) == ".md":
			locale := path.Base(path.Dir(p))
			if path.Dir(path.Dir(p))+"/" != kbDir || !slices.Contains(s.Locales, locale) {
				ps.add(p, 0, "articles live in kb/<locale>/<id>.md with a locale from settings.yaml %v", s.Locales)
				continue
			}
			a, err := kb.ParseArticle(p, data)
			if err != nil {
				ps.addErr(p, err)
				continue
			}
			if a.Locale != locale {
				ps.add(p, 0, "article locale %q does not match its directory %q", a.Locale, locale)
				continue
			}
			b.Articles = append(b.Articles, a)
		}
	}
	b.check(ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return b, nil
}

// check validates references across files: intents, flows, steps, articles.
func (b *Bundle) check(ps *problems) {
	s := b.Settings
	known := map[string]bool{}
	perLocale := map[string]map[string]bool{}
	for _, l := range s.Locales {
		if _, ok := b.Files[intentsDir+l+".yaml"]; !ok {
			ps.add(intentsDir+l+".yaml", 0, "missing: every locale needs intent examples")
		}
		perLocale[l] = map[string]bool{}
		for _, ex := range b.Examples[l] {
			known[ex.Intent] = true
			perLocale[l][ex.Intent] = true
		}
	}
	for _, l := range s.Locales {
		if _, ok := b.Examples[l]; !ok {
			continue
		}
		for intent := range known {
			if !perLocale[l][intent] {
				ps.add(intentsDir+l+".yaml", 0, "intent %s has examples in another locale but none in %s", intent, l)
			}
		}
	}
	articles := map[string]map[string]bool{} // id → locales
	for _, a := range b.Articles {
		if articles[a.ID] == nil {
			articles[a.ID] = map[string]bool{}
		}
		articles[a.ID][a.Locale] = true
		for _, in := range a.Intents {
			if !known[in] {
				ps.add(a.Path, 0, "article lists unknown intent %q", in)
			}
		}
	}
	names := make([]string, 0, len(b.Flows))
	for name := range b.Flows {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f := b.Flows[name]
		for i, in := range f.Intents {
			line := f.intentLines[i]
			switch {
			case in == intents.OutOfScope:
				ps.add(f.Path, line, "intent %q marks out-of-scope examples; settings.yaml flows.fallback handles them", in)
			case !known[in]:
				ps.add(f.Path, line, "unknown intent %q (not in intents/*.yaml)", in)
			case b.flowByIntent[in] != nil:
				ps.add(f.Path, line, "intent %q already starts flow %s", in, b.flowByIntent[in].Name)
			default:
				b.flowByIntent[in] = f
			}
		}
		for _, r := range f.topicRefs {
			if st, ok := f.Step(r.target); !ok {
				ps.add(f.Path, r.line, "step %q is not a step of flow %s", r.target, f.Name)
			} else if r.target == f.Followup && (st.Kind != KindKBAnswer || len(st.Articles) > 0) {
				ps.add(f.Path, r.line, "followup must name a kb_answer step that searches (no articles list)")
			}
		}
		for _, st := range f.Steps {
			for _, r := range st.refs {
				if msg := b.checkTarget(f, r.target); msg != "" {
					ps.add(f.Path, r.line, "%s", msg)
				}
			}
			for _, r := range st.articleRefs {
				for _, l := range s.Locales {
					if !articles[r.target][l] {
						ps.add(f.Path, r.line, "article %q does not exist in kb/%s", r.target, l)
					}
				}
			}
		}
	}
	if _, ok := b.Flows[s.FallbackFlow]; !ok {
		ps.add(SettingsFile, 0, "flows.fallback names flow %q, which does not exist", s.FallbackFlow)
	}
	if _, ok := b.Flows[s.AckFlow]; s.AckFlow != "" && !ok {
		ps.add(SettingsFile, 0, "flows.acknowledgement names flow %q, which does not exist", s.AckFlow)
	}
	for _, iss := range s.Problems.List {
		for _, id := range iss.Articles {
			for _, l := range s.Locales {
				if !articles[id][l] {
					ps.add(SettingsFile, 0, "problem %s names article %q, which does not exist in kb/%s", iss.Name, id, l)
				}
			}
		}
	}
	if len(ps.list) == 0 { // loops are only meaningful once every target resolves
		b.checkLoops(ps)
	}
}

// checkTarget returns what is wrong with a goto target, or "".
func (b *Bundle) checkTarget(f *Flow, target string) string {
	if name, ok := strings.CutPrefix(target, flowTarget); ok {
		if _, exists := b.Flows[name]; !exists {
			return fmt.Sprintf("goto target flow %q does not exist", name)
		}
		return ""
	}
	if _, ok := f.Step(target); !ok {
		return fmt.Sprintf("goto target %q is not a step of flow %s", target, f.Name)
	}
	return ""
}

// FlowForIntent returns the flow an intent starts.
func (b *Bundle) FlowForIntent(intent string) (*Flow, bool) {
	f, ok := b.flowByIntent[intent]
	return f, ok
}

// AllExamples returns the intent examples of every locale, in locale order.
func (b *Bundle) AllExamples() []intents.Example {
	var all []intents.Example
	for _, l := range b.Settings.Locales {
		all = append(all, b.Examples[l]...)
	}
	return all
}

// errNoRuntime is returned by a turn before any content is loaded.
var errNoRuntime = chat.Errorf(chat.EUNAVAILABLE, "no content loaded")
