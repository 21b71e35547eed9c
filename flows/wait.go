package flows

import (
	"fmt"
	"time"
)

// waitWords renders a first-answer target for a player: "3 minutes",
// "6 hours", "3 минуты", "6 часов". Zero (no target for the channel) reads
// as a few minutes.
func waitWords(d time.Duration, locale string) string {
	if d <= 0 {
		d = 3 * time.Minute
	}
	n, unit := int(d.Round(time.Minute)/time.Minute), "minute"
	if d >= time.Hour && d%time.Hour == 0 {
		n, unit = int(d/time.Hour), "hour"
	}
	if locale == "ru" {
		forms := map[string][3]string{"minute": {"минуту", "минуты", "минут"}, "hour": {"час", "часа", "часов"}}[unit]
		return fmt.Sprintf("%d %s", n, pluralRU(n, forms))
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// pluralRU picks the Russian form for n: 1 минуту, 2 минуты, 5 минут.
func pluralRU(n int, forms [3]string) string {
	n %= 100
	switch {
	case n >= 11 && n <= 14:
		return forms[2]
	case n%10 == 1:
		return forms[0]
	case n%10 >= 2 && n%10 <= 4:
		return forms[1]
	}
	return forms[2]
}
