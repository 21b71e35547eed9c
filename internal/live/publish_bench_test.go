package live_test

import (
	"context"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// BenchmarkPublishToLive measures how long an edit takes to reach players:
// on the publishing instance, a publish (validate, build the runtime — the
// intent model comes from the cache when the intents did not change, the
// search index is built — run the conversation tests, store, swap); on
// another instance, Reload after its poll (validate, build, swap; add
// --reload-interval/2 on average). Each iteration publishes a changed
// article, as an editor's typical edit does.
//
// The 10x bundle adds nine copies of every article (title, tags and text
// word-reversed, no intents) and of every intent example (word-reversed, as
// out-of-scope examples): ten times the files to validate, index and train.
// The copies change the search's corpus statistics, and 10 of the 616 test
// turns then pick another article, so its publisher runs Publish's steps
// without refusing on them (publishSteps); the default bundle goes through
// Publish itself.
func BenchmarkPublishToLive(b *testing.B) {
	base, err := flows.ReadFS(content.FS)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name    string
		files   map[string][]byte
		publish func(context.Context, *live.Content, *flows.Engine, *store.Store, map[string][]byte) error
	}{{"default", base, publishGated}, {"10x", scaled(base, 10), publishSteps}} {
		b.Run(bc.name+"/publisher", func(b *testing.B) {
			ctx := context.Background()
			s := storetest.SQLite(b)
			e := flows.NewEngine(nil)
			c := live.New(s, e, flows.RuntimeOptions{IndexDir: b.TempDir(), Models: flows.NewModelCache(4)}, nil)
			if err := bc.publish(ctx, c, e, s, bc.files); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if err := bc.publish(ctx, c, e, s, edited(bc.files, i)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/follower", func(b *testing.B) {
			ctx := context.Background()
			s := storetest.SQLite(b)
			e := flows.NewEngine(nil)
			pub := live.New(s, e, flows.RuntimeOptions{IndexDir: b.TempDir(), Models: flows.NewModelCache(4)}, nil)
			if err := publishSteps(ctx, pub, e, s, bc.files); err != nil {
				b.Fatal(err)
			}
			follower := live.New(s, flows.NewEngine(nil), flows.RuntimeOptions{IndexDir: b.TempDir(), Models: flows.NewModelCache(4)}, nil)
			if _, err := follower.Reload(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				if err := publishSteps(ctx, pub, e, s, edited(bc.files, i)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if changed, err := follower.Reload(ctx); err != nil || !changed {
					b.Fatalf("reload: changed %v, %v", changed, err)
				}
			}
		})
	}
}

func publishGated(ctx context.Context, c *live.Content, _ *flows.Engine, _ *store.Store, files map[string][]byte) error {
	_, err := c.Publish(ctx, files, "edit", "bench")
	return err
}

// publishSteps does what Publish does — validate, build, run the
// conversation tests, store and record the version, swap — whatever the
// tests' outcome.
func publishSteps(ctx context.Context, _ *live.Content, e *flows.Engine, s *store.Store, files map[string][]byte) error {
	b, err := live.Validate(files)
	if err != nil {
		return err
	}
	rt, err := flows.NewRuntime(ctx, b, flows.RuntimeOptions{})
	if err != nil {
		return err
	}
	if _, err := flowtest.RunRuntime(ctx, rt); err != nil {
		return err
	}
	v, err := s.SaveContentVersion(ctx, files, "edit", "bench")
	if err != nil {
		return err
	}
	if err := s.PublishContentVersion(ctx, v.ID, "bench"); err != nil {
		return err
	}
	e.Swap(rt)
	return nil
}

// edited changes one article's last line, differently for each i.
func edited(files map[string][]byte, i int) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for p, b := range files {
		out[p] = b
	}
	p := "kb/en/withdrawal-how-to.md"
	out[p] = append(append([]byte{}, files[p]...), fmt.Sprintf("\nLast checked: edit %d.\n", i)...)
	return out
}

// scaled returns files with n-1 word-reversed copies of every article and
// every intent example added.
func scaled(files map[string][]byte, n int) map[string][]byte {
	out := make(map[string][]byte, len(files)*n)
	for p, b := range files {
		out[p] = b
		switch {
		case strings.HasPrefix(p, "kb/") && strings.HasSuffix(p, ".md"):
			for k := 1; k < n; k++ {
				out[copyPath(p, k)] = copyArticle(string(b), k)
			}
		case strings.HasPrefix(p, "intents/") && strings.HasSuffix(p, ".yaml"):
			out[p] = scaleIntents(string(b), n)
		}
	}
	return out
}

func copyPath(p string, k int) string {
	dir, file := path.Split(p)
	return fmt.Sprintf("%s%s-copy%d.md", dir, strings.TrimSuffix(file, ".md"), k)
}

// copyArticle is the article under a new id with its title and body words
// reversed; its front matter otherwise stays (tags and intents too, so the
// search filters see as many candidates as they would).
func copyArticle(text string, k int) []byte {
	front, body, _ := strings.Cut(strings.TrimPrefix(text, "---\n"), "\n---\n")
	var fm []string
	for _, line := range strings.Split(front, "\n") {
		switch {
		case strings.HasPrefix(line, "id: "):
			line = fmt.Sprintf("%s-copy%d", line, k)
		case strings.HasPrefix(line, "title: "):
			line = fmt.Sprintf("title: %q", reverseWords(strings.Trim(strings.TrimPrefix(line, "title: "), `"'`)))
		case strings.HasPrefix(line, "tags: "):
			var tags []string
			for _, tag := range strings.Split(strings.Trim(strings.TrimPrefix(line, "tags: "), "[]"), ",") {
				tags = append(tags, fmt.Sprintf("%q", reverseWords(strings.Trim(strings.TrimSpace(tag), `"'`))))
			}
			line = "tags: [" + strings.Join(tags, ", ") + "]"
		case strings.HasPrefix(line, "intents: "):
			line = "intents: []"
		}
		fm = append(fm, line)
	}
	return []byte("---\n" + strings.Join(fm, "\n") + "\n---\n" + reverseWords(body))
}

// scaleIntents adds n-1 word-reversed copies of every example to the
// out-of-scope examples (oos), where gibberish belongs.
func scaleIntents(text string, n int) []byte {
	var copies []string
	for _, line := range strings.Split(text, "\n") {
		if ex, ok := strings.CutPrefix(line, "  - "); ok {
			for k := 1; k < n; k++ {
				copies = append(copies, fmt.Sprintf("  - %q", reverseWords(strings.Trim(ex, `"'`))+fmt.Sprint(" ", k)))
			}
		}
	}
	return []byte(strings.Replace(text, "\noos:\n", "\noos:\n"+strings.Join(copies, "\n")+"\n", 1))
}

// reverseWords reverses the letters of each word, keeping the lines.
func reverseWords(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue // headings stay: sections are cut at them
		}
		words := strings.Fields(line)
		for j, w := range words {
			r := []rune(w)
			for a, z := 0, len(r)-1; a < z; a, z = a+1, z-1 {
				r[a], r[z] = r[z], r[a]
			}
			words[j] = string(r)
		}
		lines[i] = strings.Join(words, " ")
	}
	return strings.Join(lines, "\n")
}
