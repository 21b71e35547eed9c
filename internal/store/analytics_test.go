package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// The seeded history of TestAnalytics. The period is Mon 16 to Sat 21
// November 2026 (UTC, 21 excluded); now is 20 November 12:00, so the
// containment cutoff is 19 November 12:00.
var (
	aFrom = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	aTo   = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	aNow  = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC)
}

type seedTurn struct {
	at       time.Time
	intent   string // "" when not classified
	flow     string
	step     string
	handoff  bool
	feedback *flows.Feedback
}

type seedConv struct {
	player, locale string
	start          time.Time
	ticket         bool
	turns          []seedTurn
}

func yes(article string) *flows.Feedback { return &flows.Feedback{Article: article, Helpful: true} }
func no(article string) *flows.Feedback  { return &flows.Feedback{Article: article, Helpful: false} }

// analyticsSeed: conversations C1…C9 (p3 comes back three times).
var analyticsSeed = []seedConv{
	// C1: answered, "yes" to the deposit article, ended. Contained.
	{"p1", "en", at(16, 9, 0), false, []seedTurn{
		{at(16, 9, 0), "deposit", "deposit", "answer", false, nil},
		{at(16, 9, 1), "", "deposit", "done", false, yes("deposit-methods")}}},
	// C2: handed off. Not contained.
	{"p2", "en", at(16, 10, 0), true, []seedTurn{
		{at(16, 10, 0), "withdrawal", "withdrawal", "answer", false, nil},
		{at(16, 10, 1), "", "withdrawal", "human", true, nil}}},
	// C3: out of scope; p3 is back 23 h later (C4). Not contained.
	{"p3", "en", at(16, 11, 0), false, []seedTurn{
		{at(16, 11, 0), "oos", "out_of_scope", "decline", false, nil}}},
	// C4: "no" to the deposit article, then silence; p3 is back 25 h later. Contained.
	{"p3", "en", at(17, 10, 0), false, []seedTurn{
		{at(17, 10, 0), "deposit", "deposit", "answer", false, nil},
		{at(17, 10, 2), "", "deposit", "not_solved_choice", false, no("deposit-methods")}}},
	// C5: opened, never written in. Contained.
	{"p4", "en", at(17, 0, 0), false, nil},
	// C6: a button first (not classified), then withdrawal, then deposit. Contained.
	{"p3", "ru", at(18, 11, 0), false, []seedTurn{
		{at(18, 11, 0), "", "greeting", "menu", false, nil},
		{at(18, 11, 1), "withdrawal", "withdrawal", "answer", false, nil},
		{at(18, 11, 2), "deposit", "deposit", "answer", false, yes("withdrawal-time")}}},
	// C7: handed off; younger than 24 h at now: pending.
	{"p5", "en", at(19, 13, 0), true, []seedTurn{
		{at(19, 13, 0), "deposit", "deposit", "answer", false, nil},
		{at(19, 13, 4), "", "human", "handoff", true, nil}}},
	// C8: started before the period; its turn on the 16th counts (turns are by their own day).
	{"p6", "en", at(15, 23, 0), false, []seedTurn{
		{at(16, 0, 30), "oos", "out_of_scope", "decline", false, nil}}},
	// C9: after the period: counted nowhere.
	{"p7", "en", at(21, 1, 0), true, []seedTurn{
		{at(21, 1, 0), "oos", "out_of_scope", "decline", false, no("deposit-methods")}}},
}

func seedAnalytics(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	for i, c := range analyticsSeed {
		id, err := s.SeedConversationForTest(ctx, c.player, c.locale, c.start)
		if err != nil {
			t.Fatalf("C%d: %v", i+1, err)
		}
		for _, tu := range c.turns {
			r := store.TurnRecord{Intent: tu.intent, Classified: tu.intent != "", OutOfScope: tu.intent == "oos",
				Flow: tu.flow, Step: tu.step, Feedback: tu.feedback}
			if err := s.SeedTurnForTest(ctx, id, tu.at, r, tu.handoff); err != nil {
				t.Fatalf("C%d turn: %v", i+1, err)
			}
		}
		if c.ticket {
			if err := s.SeedTicketForTest(ctx, id, c.turns[len(c.turns)-1].at); err != nil {
				t.Fatalf("C%d ticket: %v", i+1, err)
			}
		}
	}
}

// TestAnalytics checks every analytics query against figures computed by
// hand from analyticsSeed, on both databases.
func TestAnalytics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seedAnalytics(t, s)
		ctx := context.Background()
		check := func(name string, got, want any, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
			}
		}

		// Started per day: 16th C1 C2 C3, 17th C4 C5, 18th C6, 19th C7;
		// with a ticket: C2, C7. Handoff rate 2/7.
		handoff, err := s.HandoffDays(ctx, aFrom, aTo)
		check("handoff", handoff, []store.HandoffDay{
			{"2026-11-16", 3, 1}, {"2026-11-17", 2, 0}, {"2026-11-18", 1, 0}, {"2026-11-19", 1, 1}}, err)

		// Decided (started by the 19th 12:00): all but C7. Contained: C1
		// (16th), C4 and C5 (17th), C6 (18th); C2 has a ticket, C3 a
		// return within 24 h. Containment 4/6, one pending.
		containment, err := s.ContainmentDays(ctx, aFrom, aTo, aNow)
		check("containment", containment, []store.ContainmentDay{
			{"2026-11-16", 3, 3, 1}, {"2026-11-17", 2, 2, 2}, {"2026-11-18", 1, 1, 1}, {"2026-11-19", 1, 0, 0}}, err)

		// Classified turns per day: 16th C8 C1 C2 C3 (C8 and C3 out of
		// scope), 17th C4, 18th C6 twice, 19th C7; C9's is after the
		// period. Out-of-scope rate 2/8.
		oos, err := s.OutOfScopeDays(ctx, aFrom, aTo)
		check("out of scope", oos, []store.OutOfScopeDay{
			{"2026-11-16", 4, 2}, {"2026-11-17", 1, 0}, {"2026-11-18", 2, 0}, {"2026-11-19", 1, 0}}, err)

		// First classified intent: C1 C4 C7 deposit, C2 C6 withdrawal (C6's
		// first turn was not classified), C3 oos; C5 has none.
		intents, err := s.TopIntents(ctx, aFrom, aTo, 10)
		check("top intents", intents, []store.IntentCount{{"deposit", 3}, {"withdrawal", 2}, {"oos", 1}}, err)
		top1, err := s.TopIntents(ctx, aFrom, aTo, 1)
		check("top intent", top1, []store.IntentCount{{"deposit", 3}}, err)

		// Last step per conversation and flow. deposit: C1 done (silent),
		// C4 not_solved_choice (silent), C6 answer (silent), C7 answer (it
		// wrote again); withdrawal: C2 human (handoff), C6 answer (wrote
		// again); greeting: C6 menu (wrote again); human: C7 handoff;
		// out_of_scope: C3 decline (silent). C8 and C9 are outside.
		dropoff, err := s.DropOff(ctx, aFrom, aTo)
		check("drop-off", dropoff, []store.StepCount{
			{"deposit", "answer", 2, 0, 1}, {"deposit", "done", 1, 0, 1}, {"deposit", "not_solved_choice", 1, 0, 1},
			{"greeting", "menu", 1, 0, 0},
			{"human", "handoff", 1, 1, 0},
			{"out_of_scope", "decline", 1, 0, 1},
			{"withdrawal", "answer", 1, 0, 0}, {"withdrawal", "human", 1, 1, 0}}, err)

		// Feedback in the period: deposit-methods yes (C1) and no (C4),
		// withdrawal-time yes (C6, Russian); C9's no is after the period.
		feedback, err := s.Feedback(ctx, aFrom, aTo)
		check("feedback", feedback, []store.ArticleFeedback{
			{"deposit-methods", "en", 1, 1}, {"withdrawal-time", "ru", 1, 0}}, err)

		// An empty period has no rows.
		empty, err := s.HandoffDays(ctx, aTo.AddDate(0, 0, 1), aTo.AddDate(0, 0, 2))
		check("empty", len(empty), 0, err)
	})
}
