package kb

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCutTextCountsCharacters: Russian text is cut at the same number of
// characters as English (not bytes), at a sentence end.
func TestCutTextCountsCharacters(t *testing.T) {
	for _, s := range []string{strings.Repeat("Пополнение счёта проходит быстро. ", 40), strings.Repeat("Deposits are credited at once. ", 40)} {
		got := CutText(s, 300)
		n := utf8.RuneCountInString(got)
		if n > 300 || n < 250 || !strings.HasSuffix(got, ". …") {
			t.Errorf("CutText = %q (%d characters)", got, n)
		}
	}
	if CutText("short", 300) != "short" {
		t.Error("short text changed")
	}
}

// TestExcerptShowsTheMatchingSection: a question about one part of a long
// article gets that part (by heading), not the article's top.
func TestExcerptShowsTheMatchingSection(t *testing.T) {
	body := "Withdrawals are reviewed, then paid out.\n\n## How long does it take?\n" + strings.Repeat("Review takes up to 24 hours and then the method's own time applies. ", 8) +
		"\n\n## Fees\nWe charge no fees on withdrawals; a 10% processing fee applies to deposits not wagered once.\n\n## Cancelling\n" + strings.Repeat("A pending request can be cancelled in the cashier. ", 8)
	a := Article{ID: "withdrawal-guide", Locale: LocaleEN, Title: "Withdrawals", Tags: []string{"withdrawal"}, Body: body}
	ix, err := Open("", "v1", []Article{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got, ok := ix.Excerpt(LocaleEN, a.ID, "what are the fees", 300, "")
	if !ok || got.Whole || got.Section != "Fees" || !strings.Contains(got.Text, "no fees") || strings.Contains(got.Text, "cancelled") {
		t.Errorf("Excerpt(fees) = %+v, ok %v", got, ok)
	}
	got, _ = ix.Excerpt(LocaleEN, a.ID, "how do i cancel it", 300, "")
	if !strings.HasPrefix(strings.TrimPrefix(got.Text, "Withdrawals are reviewed, then paid out.\n\n"), "Cancelling") {
		t.Errorf("Excerpt(cancel) = %q", got.Text)
	}
	// The section already shown is skipped; with no other match, nothing.
	if got, ok := ix.Excerpt(LocaleEN, a.ID, "fees", 300, "Fees"); ok {
		t.Errorf("Excerpt(fees, skip Fees) = %+v", got)
	}
	if _, ok := ix.Excerpt(LocaleEN, "nope", "x", 300, ""); ok {
		t.Error("unknown article found")
	}
}

// TestExcerptFollowUpInTitleWords: a follow-up on the article just shown
// that asks only in its title's words ("and a VPN?" on "Countries and
// VPNs") still finds the section about them.
func TestExcerptFollowUpInTitleWords(t *testing.T) {
	body := "Players from most countries are welcome; a VPN is not allowed.\n\n## Travelling\nAbroad you can log in and withdraw.\n\n" +
		"## Can I use a VPN?\nNo. Accounts used through a VPN are closed.\n\n## Moving\nTell us before you play again."
	a := Article{ID: "countries", Locale: LocaleEN, Title: "Restricted countries and VPNs", Tags: []string{"country"}, Body: body}
	ix, err := Open("", "v1", []Article{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got, ok := ix.Excerpt(LocaleEN, a.ID, "what if i just use a vpn", 300, "Travelling")
	if !ok || got.Section != "Can I use a VPN?" || !strings.Contains(got.Text, "are closed") {
		t.Errorf("Excerpt(vpn, skip Travelling) = %+v, ok %v", got, ok)
	}
	// On a first answer, title words still say "the article": its top.
	if got, _ := ix.Excerpt(LocaleEN, a.ID, "vpn", 300, ""); got.Section != "" && !got.Whole {
		t.Errorf("Excerpt(vpn) = %+v", got)
	}
}

// TestExcerptCoversEveryPart: the section that has every part of the
// question beats one whose heading shares two of its words ("withdrawal
// limits for VIP": what the levels give, not "Does VIP change my limits?").
func TestExcerptCoversEveryPart(t *testing.T) {
	body := "Five levels, earned with points.\n\n## How do I earn points?\n" + strings.Repeat("Every €10 of real-money bets gives one point. ", 6) +
		"\n\n## What do the levels give?\nFrom level 3, VIP players have higher withdrawal limits: €10,000 a day.\n\n" +
		"## Does VIP change my limits?\nNo. VIP never changes your deposit, loss or session limits.\n\n## Cashback\nCashback is separate."
	a := Article{ID: "levels", Locale: LocaleEN, Title: "Loyalty levels", Tags: []string{"levels"}, Body: body}
	ix, err := Open("", "v1", []Article{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got, ok := ix.Excerpt(LocaleEN, a.ID, "what are the withdrawal limits for vip", 300, "")
	if !ok || got.Section != "What do the levels give?" {
		t.Errorf("Excerpt(withdrawal limits) = %+v, ok %v", got, ok)
	}
	// Fewer parts asked: the heading decides.
	if got, _ := ix.Excerpt(LocaleEN, a.ID, "does vip change my limits", 300, ""); got.Section != "Does VIP change my limits?" {
		t.Errorf("Excerpt(change limits) = %+v", got)
	}
}

// TestExcerptFollowUpOnTheShownSection: a follow-up that the section just
// shown answers gets its matching lines, not another section that covers
// no more of it ("and the min deposit for it?" after the steps).
func TestExcerptFollowUpOnTheShownSection(t *testing.T) {
	body := "A 100% bonus on the first deposit.\n\n## How do I get it?\n1. Register.\n2. Open the cashier.\n3. Make a first deposit of at least €20.\n\n" +
		"## How much will I get?\nThe bonus matches your deposit: deposit €50, get €50.\n\n## Rules\nWagering x35."
	a := Article{ID: "welcome", Locale: LocaleEN, Title: "Welcome bonus", Tags: []string{"bonus"}, Body: body}
	ix, err := Open("", "v1", []Article{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got, ok := ix.Excerpt(LocaleEN, a.ID, "and what about the first deposit then", 300, "How do I get it?")
	if !ok || got.Section != "How do I get it?" || !strings.Contains(got.Text, "at least €20") || strings.Contains(got.Text, "Register") {
		t.Errorf("Excerpt(skip the steps) = %+v, ok %v", got, ok)
	}
	// A part the shown section does not have still moves on, even beside
	// one it has.
	if got, _ := ix.Excerpt(LocaleEN, a.ID, "and the wagering?", 300, "How do I get it?"); got.Section != "Rules" {
		t.Errorf("Excerpt(wagering) = %+v", got)
	}
	if got, _ := ix.Excerpt(LocaleEN, a.ID, "and the wagering on the first deposit?", 300, "How do I get it?"); got.Section != "Rules" {
		t.Errorf("Excerpt(wagering on the first deposit) = %+v", got)
	}
}
