package flows

import (
	"context"
	"testing"
)

// TestModelCache: a bundle trained before (even with other flows or
// tests) reuses its models; other articles train anew; a failed (cancelled)
// training is not kept.
func TestModelCache(t *testing.T) {
	ctx := context.Background()
	c := NewModelCache(2)
	parse := func(files map[string][]byte) *Bundle {
		t.Helper()
		b, err := ParseBundle(files, "x")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	base := parse(fixture())
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.get(cancelled, base, RuntimeOptions{}.Intents); err == nil {
		t.Fatal("training with a cancelled context succeeded")
	}
	m1, err := c.get(ctx, base, RuntimeOptions{}.Intents)
	if err != nil {
		t.Fatal(err)
	}
	otherTests := parse(withFile(fixture(), "tests/a.yaml", "turns:\n  - say: hi\n"))
	m2, err := c.get(ctx, otherTests, RuntimeOptions{}.Intents)
	if err != nil {
		t.Fatal(err)
	}
	if m1.Intents != m2.Intents {
		t.Error("a bundle with the same examples and articles was trained again")
	}
	files := fixture()
	for p := range files {
		if len(p) > 3 && p[:3] == "kb/" {
			files[p] = append(append([]byte(nil), files[p]...), []byte("\nMore text.\n")...)
			break
		}
	}
	m3, err := c.get(ctx, parse(files), RuntimeOptions{}.Intents)
	if err != nil {
		t.Fatal(err)
	}
	if m3.Intents == m1.Intents {
		t.Error("changed articles reused the old models")
	}
	if m3.Articles["en"] == nil || m1.Articles["en"] != m2.Articles["en"] {
		t.Error("article models are not trained or not shared")
	}
	if len(c.order) != 2 {
		t.Fatalf("cache keeps %d keys (a failed training must not hold a place)", len(c.order))
	}
	// The cache holds two bundles: a third pushes out the oldest (base).
	files = fixture()
	files["intents/en.yaml"] = append(append([]byte(nil), files["intents/en.yaml"]...), []byte("  - top up please\n")...)
	if _, err := c.get(ctx, parse(files), RuntimeOptions{}.Intents); err != nil {
		t.Fatal(err)
	}
	again, err := c.get(ctx, base, RuntimeOptions{}.Intents)
	if err != nil {
		t.Fatal(err)
	}
	if again.Intents == m1.Intents {
		t.Error("the oldest bundle's models outlived the cache's size")
	}
}
