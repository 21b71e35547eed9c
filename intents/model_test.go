package intents

import (
	"errors"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// fixture is a small bilingual training set. It deliberately leaves out
// the word forms and typos the tests classify.
func fixture() []Example {
	data := map[string][]string{
		"deposit": {
			"пополнить счет", "как пополнить баланс", "хочу внести деньги", "как закинуть деньги на счет",
			"внести депозит картой", "деньги не пришли на баланс после оплаты",
			"how to deposit", "how do i deposit money", "top up my balance", "add funds to my account",
			"deposit methods", "my deposit is not credited",
			"what is the minimum deposit", "i paid but the money is not in my account",
			"can i put money in with crypto", "какой минимальный депозит", "оплатил а на счету пусто",
		},
		"withdrawal": {
			"вывести деньги", "как вывести выигрыш", "вывод средств", "когда придут деньги на карту",
			"заявка на вывод висит", "хочу забрать выигрыш",
			"how to withdraw", "withdraw my winnings", "cash out", "payout status", "when will i get my payout",
			"withdrawal pending",
			"where is my money from the withdrawal", "how long does it take to get paid out",
			"why is my cashout taking so long", "сколько идет вывод на карту", "почему так долго выводят",
		},
		"password_reset": {
			"забыл пароль", "сбросить пароль", "не могу войти пароль не подходит", "восстановить пароль",
			"поменять пароль", "как сменить пароль",
			"forgot my password", "reset password", "can't remember my password", "change password",
			"password does not work", "how to recover my password",
			"i lost the password to my account", "the reset link does not come",
			"cannot log in with my password", "не приходит письмо для сброса пароля", "я не помню пароль от аккаунта",
		},
		"bonus": {
			"как активировать бонус", "промокод не работает", "где мой бонус", "условия отыгрыша бонуса",
			"приветственный бонус", "бесплатные вращения",
			"how to activate bonus", "promo code not working", "where is my bonus", "wagering requirements",
			"welcome bonus", "free spins",
			"what is the bonus code for today", "i did not get the bonus for my deposit",
			"how do i use free spins", "какие бонусы есть сейчас", "мне не дали бонус за депозит",
		},
		"registration": {
			"как зарегистрироваться", "создать аккаунт", "регистрация на сайте", "хочу открыть аккаунт",
			"не могу зарегистрироваться", "регистрация нового игрока",
			"open an account", "how to sign up", "create account", "registration", "sign up problem",
			"register new account",
			"how can i make an account in the casino", "is registration free",
			"the sign up form does not work", "что нужно для регистрации", "можно ли зарегистрироваться без почты",
		},
	}
	var out []Example
	for _, intent := range sortedKeys(data) {
		for _, t := range data[intent] {
			out = append(out, Example{Text: t, Intent: intent})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fixtureModel trains the fixture once per test binary run.
var fixtureModel = sync.OnceValues(func() (*Model, error) { return Train(fixture(), Options{}) })

func mustFixtureModel(t *testing.T) *Model {
	t.Helper()
	m, err := fixtureModel()
	if err != nil {
		t.Fatalf("Train: %v", err)
	}
	return m
}

func TestClassifyInScope(t *testing.T) {
	m := mustFixtureModel(t)
	tests := []struct {
		name, text, want string
	}{
		{"ru morphology: noun", "пополнение", "deposit"},
		{"ru morphology: past tense", "пополнил", "deposit"},
		{"ru morphology: phrase", "пополнил счет а денег нет", "deposit"},
		{"ru typo", "пополнитт", "deposit"},
		{"en typo", "depost", "deposit"},
		{"en typo in phrase", "how to withdrw", "withdrawal"},
		{"ru withdrawal", "вывел деньги", "withdrawal"},
		{"en password", "i forgot the password", "password_reset"},
		{"ru bonus", "бонус не начислился", "bonus"},
		{"en registration", "how do i register", "registration"},
		{"ё folds to е", "пополнить счёт", "deposit"},
		{"case and punctuation", "HOW TO DEPOSIT???", "deposit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.Classify(tt.text)
			if got := r.Ranked[0].Intent; got != tt.want {
				t.Errorf("Classify(%q) top = %q (%.3f), want %q; ranked %v", tt.text, got, r.Ranked[0].Confidence, tt.want, r.Ranked)
			}
			if r.OutOfScope {
				t.Errorf("Classify(%q) out of scope at confidence %.3f (threshold %.2f)", tt.text, r.Confidence, m.Threshold())
			}
		})
	}
}

func TestClassifyWrongLayout(t *testing.T) {
	m := mustFixtureModel(t)
	tests := []struct {
		name, text, wantText, want string
	}{
		{"ru typed on en layout", "rfr gjgjkybnm cxtn", "как пополнить счет", "deposit"},
		{"ru on en with punctuation keys", "pf,sk gfhjkm", "забыл пароль", "password_reset"},
		{"en typed on ru layout", "рщц ещ цшервкфц", "how to withdraw", "withdrawal"},
		{"mixed: one word wrong", "как gjgjkybnm баланс", "как пополнить баланс", "deposit"},
		{"right layout is kept", "how to deposit", "how to deposit", "deposit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.Classify(tt.text)
			if r.Text != tt.wantText {
				t.Errorf("Classify(%q).Text = %q, want %q", tt.text, r.Text, tt.wantText)
			}
			if r.Intent != tt.want {
				t.Errorf("Classify(%q) = %q (%.3f), want %q", tt.text, r.Intent, r.Confidence, tt.want)
			}
		})
	}
}

func TestClassifyOutOfScope(t *testing.T) {
	m := mustFixtureModel(t)
	for _, text := range []string{
		"what is the weather in paris tomorrow",
		"какая завтра погода в москве",
		"recipe for pancakes with blueberries",
		"посоветуй фильм на вечер",
		"",
		"?!...",
	} {
		r := m.Classify(text)
		if !r.OutOfScope || r.Intent != OutOfScope {
			t.Errorf("Classify(%q) = %q (%.3f), want out of scope", text, r.Intent, r.Confidence)
		}
	}
}

func TestClassifyRanking(t *testing.T) {
	m := mustFixtureModel(t)
	for _, text := range []string{"how to deposit", "забыл пароль", "weather", "bonus withdraw"} {
		r := m.Classify(text)
		if len(r.Ranked) != maxRanked {
			t.Fatalf("Classify(%q): %d ranked, want %d", text, len(r.Ranked), maxRanked)
		}
		if r.Confidence != r.Ranked[0].Confidence {
			t.Errorf("Classify(%q): Confidence %v != Ranked[0] %v", text, r.Confidence, r.Ranked[0].Confidence)
		}
		sum := 0.0
		for i, p := range r.Ranked {
			if p.Confidence <= 0 || p.Confidence >= 1 {
				t.Errorf("Classify(%q): confidence %v out of (0, 1)", text, p.Confidence)
			}
			if i > 0 && p.Confidence > r.Ranked[i-1].Confidence {
				t.Errorf("Classify(%q): ranked not in decreasing order: %v", text, r.Ranked)
			}
			sum += p.Confidence
		}
		if sum > 1+1e-9 {
			t.Errorf("Classify(%q): confidences sum to %v > 1", text, sum)
		}
	}
	// All intents plus the implicit background class make one distribution.
	s := &scratch{}
	p := m.probabilities("how to deposit", s)
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	if !(sum > 0.5 && sum <= 1+1e-9) {
		t.Errorf("in-scope probabilities sum to %v", sum)
	}
}

func TestClassifyWithThreshold(t *testing.T) {
	m := mustFixtureModel(t)
	r := m.ClassifyWithThreshold("how to deposit", 0)
	if r.OutOfScope {
		t.Fatalf("threshold 0: out of scope")
	}
	if r2 := m.ClassifyWithThreshold("how to deposit", math.Nextafter(r.Confidence, 2)); !r2.OutOfScope || r2.Confidence != r.Confidence {
		t.Errorf("threshold above confidence: %+v", r2)
	}
}

func TestTrainWithOOSClass(t *testing.T) {
	ex := append(fixture(),
		Example{"what is the weather like", OutOfScope},
		Example{"tell me a joke", OutOfScope},
		Example{"расскажи анекдот", OutOfScope},
		Example{"какая погода", OutOfScope},
		Example{"who won the football match", OutOfScope},
	)
	m, err := Train(ex, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Intents(), []string{"bonus", "deposit", "password_reset", "registration", "withdrawal"}; !slices.Equal(got, want) {
		t.Errorf("Intents() = %v, want %v", got, want)
	}
	for _, text := range []string{"how to deposit", "tell me a joke please", "какая погода"} {
		r := m.Classify(text)
		for _, p := range r.Ranked {
			if p.Intent == OutOfScope {
				t.Errorf("Classify(%q): ranked includes %q", text, OutOfScope)
			}
		}
	}
	if r := m.Classify("tell me a funny joke"); !r.OutOfScope {
		t.Errorf("joke: %+v, want out of scope", r)
	}
	if r := m.Classify("how to deposit"); r.Intent != "deposit" {
		t.Errorf("deposit: %+v", r)
	}
}

func TestTrainErrors(t *testing.T) {
	tests := []struct {
		name string
		ex   []Example
		opts Options
		want string
	}{
		{"no examples", nil, Options{}, "no training examples"},
		{"empty intent", []Example{{"a", "x"}, {"b", " "}}, Options{}, "has no intent"},
		{"empty text", []Example{{"a", "x"}, {" ", "y"}}, Options{}, "has no text"},
		{"one class", []Example{{"a", "x"}, {"b", "x"}}, Options{}, "at least two intents"},
		{"only oos", []Example{{"a", OutOfScope}}, Options{}, "at least two intents"},
		{"bad threshold", fixture(), Options{Threshold: 1.5}, "threshold"},
		{"negative C", fixture(), Options{C: -1}, "negative"},
		{"bad word weight", fixture(), Options{WordWeight: 2}, "word weight"},
		{"bad n-grams", fixture(), Options{CharMin: 5, CharMax: 3}, "n-gram"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Train(tt.ex, tt.opts)
			if chat.ErrorCode(err) != chat.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Train: %v, want EINVALID containing %q", err, tt.want)
			}
		})
	}
}

func TestTrainDeterministic(t *testing.T) {
	a, err := Train(fixture(), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(fixture(), Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.weights, b.weights) || !slices.Equal(a.bias, b.bias) || a.temperature != b.temperature {
		t.Fatal("two trainings on the same data differ")
	}
	for _, text := range []string{"how to deposit", "пополнение", "weather"} {
		ra, rb := a.Classify(text), b.Classify(text)
		if !slices.Equal(ra.Ranked, rb.Ranked) {
			t.Errorf("Classify(%q) differs: %v vs %v", text, ra.Ranked, rb.Ranked)
		}
	}
}

func TestModelConcurrentClassify(t *testing.T) {
	m := mustFixtureModel(t)
	want := m.Classify("как пополнить счет")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := m.Classify("как пополнить счет"); !slices.Equal(got.Ranked, want.Ranked) {
					errs <- errors.New("concurrent Classify gave a different result")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
