package kb

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// contentDir is the default content bundle's knowledge base, relative to
// this package.
const contentDir = "../content/kb"

// minContentArticles is how many articles per locale content/kb must have
// before TestContent runs (the bundle is written in parallel with this
// package).
const minContentArticles = 40

// loadContent parses every content/kb/<locale>/*.md, failing on any error,
// or skips the test while the bundle is too small.
func loadContent(t *testing.T) []Article {
	t.Helper()
	var out []Article
	for _, loc := range []string{LocaleRU, LocaleEN} {
		files, err := filepath.Glob(filepath.Join(contentDir, loc, "*.md"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) < minContentArticles {
			t.Skipf("%s/%s has %d articles, fewer than %d: the bundle is not written yet", contentDir, loc, len(files), minContentArticles)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseArticle(f, data)
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			out = append(out, a)
		}
	}
	return out
}

func TestContent(t *testing.T) {
	articles := loadContent(t)
	ix, err := Open("", "", articles, Options{})
	if err != nil {
		t.Fatalf("Open content: %v", err)
	}
	defer ix.Close()

	// Typical questions: the first hit must be an article that lists the
	// intent.
	tests := []struct{ locale, text, intent string }{
		{"en", "how do I withdraw", "withdrawal"},
		{"en", "promo code not working", "bonus_activation"},
		{"en", "how long does a withdrawal take", "withdrawal"},
		{"en", "my deposit has not arrived", "deposit"},
		{"en", "which payment methods can I use to deposit", "deposit"},
		{"en", "I forgot my password", "password_reset"},
		{"en", "what documents do I need for verification", "verification"},
		{"en", "how do I register an account", "registration"},
		{"en", "my account is blocked after login from a new device", "login_problem"},
		{"en", "how do I set a deposit limit", "responsible_gaming"},
		{"en", "self exclusion", "responsible_gaming"},
		{"en", "welcome bonus wagering", "bonus_activation"},
		{"ru", "забыл пароль", "password_reset"},
		{"ru", "как вывести деньги", "withdrawal"},
		{"ru", "не пришел депозит", "deposit"},
		{"ru", "не пришёл депозит", "deposit"},
		{"ru", "как пополнить счёт", "deposit"},
		{"ru", "промокод не работает", "bonus_activation"},
		{"ru", "сколько идет вывод", "withdrawal"},
		{"ru", "как пройти верификацию", "verification"},
		{"ru", "какие документы нужны для верификации", "verification"},
		{"ru", "как зарегистрироваться", "registration"},
		{"ru", "аккаунт заблокирован после входа с нового устройства", "login_problem"},
		{"ru", "как поставить лимит на депозит", "responsible_gaming"},
		{"ru", "самоисключение", "responsible_gaming"},
		{"ru", "отыгрыш бонуса", "bonus_activation"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.text, func(t *testing.T) {
			hits := mustSearch(t, ix, Query{Locale: tt.locale, Text: tt.text})
			if len(hits) == 0 {
				t.Fatalf("no hits, want an article for %s", tt.intent)
			}
			a, _ := ix.Article(tt.locale, hits[0].ArticleID)
			if !slices.Contains(a.Intents, tt.intent) {
				t.Errorf("first hit %s lists intents %v, want %s (hits %v)", a.ID, a.Intents, tt.intent, ids(hits))
			}
		})
	}

	// Off-topic questions find nothing.
	for _, q := range []Query{
		{Locale: "en", Text: "what's the weather in Paris"},
		{Locale: "en", Text: "who won the football"},
		{Locale: "en", Text: "tell me a joke"},
		{Locale: "en", Text: "recipe for pancakes"},
		{Locale: "ru", Text: "рецепт борща"},
		{Locale: "ru", Text: "погода в москве"},
		{Locale: "ru", Text: "кто выиграл чемпионат мира"},
		{Locale: "ru", Text: "как приготовить плов"},
	} {
		if hits := mustSearch(t, ix, q); len(hits) != 0 {
			t.Errorf("%s %q: %v, want no hits", q.Locale, q.Text, ids(hits))
		}
	}
}
