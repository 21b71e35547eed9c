package flows

import (
	"slices"
	"testing"
	"time"
)

func TestParseWaited(t *testing.T) {
	day := 24 * time.Hour
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"уже 3 дня жду", 3 * day},
		{"не могу вывести деньги уже третий день, заявка висит", 3 * day},
		{"withdrawal pending for a week", 7 * day},
		{"5 days and nothing", 5 * day},
		{"since yesterday", day},
		{"со вчера не пришли", day},
		{"48h already", 48 * time.Hour},
		{"пару дней назад", 2 * day},
		{"a couple of days", 2 * day},
		{"уже неделю", 7 * day},
		{"2 hours ago", 2 * time.Hour},
		{"добрый день", 0},
		{"have a nice day", 0},
		{"deposit 100 euro", 0},
		{"can i use a utility bill from 5 months ago", 0},
		{"выписка не старше 3 месяцев", 0},
		{"сколько процентов кэшбек в неделю", 0},
		{"limit per day", 0},
		{"это было минут 40 назад", 40 * time.Minute},
		{"письмо не приходит уже полчаса", 30 * time.Minute},
		{"half an hour ago", 30 * time.Minute},
		{"пополнил час назад", time.Hour},
		{"осталось 5 минут", 5 * time.Minute},
		{"пришли еще полтора часа назад", 90 * time.Minute},
		{"жду полторы недели", 21 * day / 2},
		{"больше часа не приходит", time.Hour + time.Minute},
		{"its been over an hour", time.Hour + time.Minute},
		{"more than 2 days", 2*day + time.Minute},
		{"часа 3 уже", 3 * time.Hour},
		{"письмо не приходит уже час", time.Hour},
		{"добрый день, уже", 0},
		{"ок. а за месяц сколько максимум вывести", 0}, // what a limit is per, not a wait
		{"max withdrawal a day?", 0},
		{"2 дня назад вывел, а за день максимум сколько", 2 * day},
		{"deposit limit per month? waited 2 days for the increase", 2 * day},
		{"вывод висит 3 дня, сколько еще ждать", 3 * day},
		{"sent it last monday, today's friday and still nothing", 4 * day},
		{"документы отправил в пятницу, сегодня вторник", 4 * day},
		{"since monday, and today is monday again", 7 * day},
		{"cashback comes on monday?", 0}, // one weekday: when, not how long
		{"в среду отправил, а сейчас четверг", day},
		{"today is friday, i sent it on monday", 4 * day},
		{"do you process withdrawals only monday to friday?", 0}, // a schedule, not a wait
		{"will it arrive by friday? i sent it wednesday", 0},
		{"i deposited with skrill 90 min and still not on my balance", 90 * time.Minute},
		{"вывод висит 3 дня, лимит не превышен", 3 * day},
		{"минимум 3 дня уже жду", 3 * day},
		{"а сколько можно вывести за месяц?", 0},
		{"how much can i withdraw in a month?", 0},
		{"а максимальный вывод за сутки какой?", 0},
	} {
		got, ok := parseWaited(tt.in)
		if got != tt.want || ok != (tt.want > 0) {
			t.Errorf("parseWaited(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	if got := waitedWords(3*day, "ru"); got != "3 дня" {
		t.Errorf("waitedWords = %q", got)
	}
	if got := waitedWords(26*time.Hour, "en"); got != "1 day" {
		t.Errorf("waitedWords = %q", got)
	}
}

func TestIssueStated(t *testing.T) {
	is := Issues{Cues: map[string][]string{"en": {"not", "hasn", "still", "pending", "where is my"}, "ru": {"не начисл", "висит"}}}
	for _, tt := range []struct {
		locale, in string
		want       bool
	}{
		{"en", "deposited 100 bucks via visa its not showing in my balance", true},
		{"en", "my withdrawal hasn't arrived", true},
		{"en", "how do i deposit with visa", false},
		{"ru", "заявка висит", true},
		{"ru", "пополнил картой 2 часа назад и ничего", true},
		{"ru", "ничего", false},
		{"ru", "бонус не начислился", true},
		{"ru", "как получить бонус", false},
		{"ru", "не понимаю как получить бонус", false},
		{"en", "deposit made 3 days ago", false},
		{"en", "where is my bonus??", true},
		// Hedges ask how or whether.
		{"en", "im not sure how to deposit", false},
		{"en", "im moving to london, can i still play", false},
		{"en", "i still can't log in", true},
		{"en", "not sure why but my deposit is still pending", true},
	} {
		if got := is.Stated(tt.locale, tt.in); got != tt.want {
			t.Errorf("Stated(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestIssueLimitByMethod(t *testing.T) {
	iss := Issue{OverdueAfter: 72 * time.Hour, OverdueWhen: []OverdueRule{
		{Words: []string{"bank", "банк"}, After: 120 * time.Hour},
		{Words: []string{"card", "карт", "visa"}, After: time.Hour},
	}}
	for _, tt := range []struct {
		text string
		want time.Duration
	}{
		{"deposited 100 via visa not showing", time.Hour},
		{"пополнил с карты, денег нет", time.Hour},
		{"bank transfer still not credited", 120 * time.Hour},
		{"my deposit is not credited", 72 * time.Hour},
		{"вывела на карту, а в банке денег нет", time.Hour},
	} {
		if got := iss.Limit(tt.text); got != tt.want {
			t.Errorf("Limit(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestIssuePreferOwnCues: a message with a problem's own cue prefers that
// problem's articles; without one, those of the problems with a time limit
// (something late, not something rejected).
func TestIssuePreferOwnCues(t *testing.T) {
	is := Issues{List: []Issue{
		{Name: "pending", Articles: []string{"w-pending"}, OverdueAfter: time.Hour, Cues: map[string][]string{"ru": {"висит"}, "en": {"pending"}}},
		{Name: "rejected", Articles: []string{"w-rejected"}, Cues: map[string][]string{"ru": {"отклон", "не принял"}, "en": {"rejected"}}},
		{Name: "bonus", Articles: []string{"b-missing"}, OverdueAfter: time.Hour},
	}}
	for _, tc := range []struct {
		locale, text string
		want         []string
	}{
		{"ru", "вывод отклонили", []string{"w-rejected"}},
		{"ru", "документы не приняли", []string{"w-rejected"}},
		{"en", "my withdrawal is pending", []string{"w-pending"}},
		{"en", "rejected and pending", []string{"w-pending", "w-rejected"}},
		{"ru", "где мой вывод?", []string{"w-pending", "b-missing"}},
		{"ru", "не пришло уже 3 дня", []string{"w-pending", "b-missing"}},
		{"ru", "отклонили, жду ответа уже 3 дня", []string{"w-rejected"}}, // the message names the problem
	} {
		if got := is.Prefer(tc.locale, tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("Prefer(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
