package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

type seededTurn struct {
	player, locale, text string
	rec                  store.TurnRecord
	handoff              bool
	at                   time.Time
}

// seedTurns stores one turn per entry, each in a conversation of its
// own, at its time; it returns the player messages' ids.
func seedTurns(t *testing.T, s *store.Store, turns []seededTurn) []int64 {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, len(turns))
	for i, tt := range turns {
		at := tt.at
		s.SetClockForTest(func() time.Time { return at })
		if _, err := s.UpsertPlayer(ctx, chat.Player{ID: tt.player, Name: tt.player, Locale: tt.locale}); err != nil {
			t.Fatal(err)
		}
		conv, err := s.OpenConversation(ctx, tt.player, chat.ChannelWebchat, tt.locale)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.FlowState(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := tt.rec
		res := store.TurnResult{ConversationID: conv.ID, State: st, Record: &rec,
			Inbound: chat.Message{Sender: chat.SenderPlayer, SenderID: tt.player, Channel: chat.ChannelWebchat,
				Text: tt.text, ClientID: fmt.Sprintf("c%d", i)},
			Replies: []chat.Message{{Text: "reply"}}}
		if tt.handoff {
			res.Ticket = &handoff.Ticket{Skill: "general", Priority: handoff.PriorityNormal, CreatedAt: at}
		}
		out, err := s.CompleteTurn(ctx, res)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = out.Inbound.ID
	}
	s.SetClockForTest(func() time.Time { return time.Now().UTC() })
	return ids
}

func TestInboxMisses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		base := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		no := false
		turns := []seededTurn{
			{player: "p0", locale: "en", text: "is there a casino in Oslo", at: base,
				rec: store.TurnRecord{Classified: true, OutOfScope: true, Confidence: 0.2}},
			{player: "p1", locale: "en", text: "deposit crypto?", at: base.Add(time.Minute),
				rec: store.TurnRecord{Classified: true, Intent: "deposit", Confidence: 0.3}},
			{player: "p2", locale: "en", text: "how do I deposit", at: base.Add(2 * time.Minute),
				rec: store.TurnRecord{Classified: true, Intent: "deposit", Confidence: 0.9}},
			{player: "p3", locale: "ru", text: "нет", at: base.Add(3 * time.Minute),
				rec: store.TurnRecord{Feedback: &flows.Feedback{Article: "deposit-methods", Helpful: no}}},
			{player: "p4", locale: "en", text: "my weird issue", at: base.Add(4 * time.Minute), handoff: true,
				rec: store.TurnRecord{Classified: true, Intent: "deposit", Confidence: 0.8, NoAnswer: true}},
			{player: "p5", locale: "en", text: "last week", at: base.Add(-8 * 24 * time.Hour),
				rec: store.TurnRecord{Classified: true, OutOfScope: true}},
			{player: "p6", locale: "en", text: "secret to erase", at: base.Add(5 * time.Minute),
				rec: store.TurnRecord{Classified: true, OutOfScope: true}},
			{player: "p7", locale: "en", text: "handed off with an answer", at: base.Add(6 * time.Minute), handoff: true,
				rec: store.TurnRecord{Classified: true, Intent: "human", Confidence: 0.95}},
			// In scope (above intents.threshold) but below switch_threshold: a guess.
			{player: "p8", locale: "en", text: "bonus wagering?", at: base.Add(7 * time.Minute),
				rec: store.TurnRecord{Classified: true, Intent: "bonus", Confidence: 0.6}},
			// Out of scope, but the knowledge base answered it: not missed.
			{player: "p9", locale: "en", text: "can I bet on football?", at: base.Add(8 * time.Minute),
				rec: store.TurnRecord{Classified: true, OutOfScope: true, Confidence: 0.3, Article: "sports-betting"}},
		}
		ids := seedTurns(t, s, turns)
		if _, err := s.ErasePlayer(ctx, "p6", store.AuditEntry{Actor: "cli:test"}); err != nil {
			t.Fatal(err)
		}
		q := store.MissQuery{Since: base.Add(-time.Hour), SwitchThreshold: 0.7}
		got, more, err := s.Misses(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if more {
			t.Error("more = true with 5 misses")
		}
		want := []struct {
			id     int64
			reason string
		}{{ids[8], store.MissLowConfidence}, {ids[4], store.MissNoAnswer}, {ids[3], store.MissNotHelpful}, {ids[1], store.MissLowConfidence},
			{ids[0], store.MissOutOfScope}}
		if len(got) != len(want) {
			t.Fatalf("got %d misses, want %d: %+v", len(got), len(want), got)
		}
		for i, w := range want {
			g := got[i]
			if g.MessageID != w.id || !slices.Equal(g.Reasons, []string{w.reason}) || g.State != store.MissNew {
				t.Errorf("miss %d = %+v, want message %d reason %s, new", i, g, w.id, w.reason)
			}
		}
		if g := got[4]; g.Text != "is there a casino in Oslo" || g.Locale != "en" || !g.At.Equal(base) || g.ConversationID == 0 {
			t.Errorf("first miss = %+v", g)
		}
		if got[2].Locale != "ru" || got[2].Text != "нет" {
			t.Errorf("ru miss = %+v", got[2])
		}
		// A window and a limit.
		got, more, err = s.Misses(ctx, store.MissQuery{Since: base.Add(-time.Hour), Until: base.Add(2 * time.Minute), SwitchThreshold: 0.7, Limit: 1})
		if err != nil || !more || len(got) != 1 || got[0].MessageID != ids[1] {
			t.Errorf("window, limit 1: %+v more=%v err=%v", got, more, err)
		}

		ann := store.AuditEntry{ActorID: 42, Actor: "ann"}
		if err := s.SetMissState(ctx, ann, []int64{ids[0], ids[1], ids[0]}, store.MissApplied, "intent:deposit"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMissState(ctx, ann, []int64{ids[3]}, store.MissDismissed, "ignored"); err != nil {
			t.Fatal(err)
		}
		// Applied and dismissed are final: only the new message changes, and
		// only it is audited.
		n, err := s.ResolveMisses(ctx, ann, []int64{ids[1], ids[3], ids[8]}, store.MissApplied, "article:kb/en/crypto.md", nil)
		if err != nil || n != 1 {
			t.Fatalf("apply again: %d marked, %v", n, err)
		}
		if n, err := s.ResolveMisses(ctx, ann, []int64{ids[1]}, store.MissDismissed, "", nil); err != nil || n != 0 {
			t.Errorf("dismiss an applied message: %d marked, %v", n, err)
		}
		got, _, err = s.Misses(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		states := map[int64][2]string{}
		for _, m := range got {
			states[m.MessageID] = [2]string{m.State, m.Applied}
			if m.State != store.MissNew && (m.StateBy != 42 || m.StateAt.IsZero()) {
				t.Errorf("state of %d by %d at %v", m.MessageID, m.StateBy, m.StateAt)
			}
		}
		wantStates := map[int64][2]string{ids[0]: {"applied", "intent:deposit"}, ids[1]: {"applied", "intent:deposit"},
			ids[3]: {"dismissed", ""}, ids[4]: {"new", ""}, ids[8]: {"applied", "article:kb/en/crypto.md"}}
		for id, w := range wantStates {
			if states[id] != w {
				t.Errorf("state of %d = %v, want %v", id, states[id], w)
			}
		}

		log, err := s.AuditLog(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, e := range log {
			if e.Action == store.AuditMissApply || e.Action == store.AuditMissDismiss {
				acts = append(acts, e.Action+" "+e.Target)
			}
		}
		wantActs := []string{
			fmt.Sprintf("missed.apply messages:%d", ids[8]),
			fmt.Sprintf("missed.dismiss messages:%d", ids[3]),
			fmt.Sprintf("missed.apply messages:%d,%d", ids[0], ids[1]),
		}
		if !slices.Equal(acts, wantActs) {
			t.Errorf("audit = %q, want %q", acts, wantActs)
		}
		var details struct {
			IDs     []int64 `json:"message_ids"`
			Applied string  `json:"applied"`
		}
		if err := json.Unmarshal(log[0].Details, &details); err != nil || details.Applied != "article:kb/en/crypto.md" ||
			!slices.Equal(details.IDs, []int64{ids[8]}) {
			t.Errorf("details %s: %v", log[0].Details, err)
		}

		// Refusals: nothing written.
		for _, c := range []struct {
			ids           []int64
			state, what   string
			code          string
			desc          string
			wantNoWriteID int64
		}{
			{[]int64{ids[4], 999999}, store.MissDismissed, "", chat.ENOTFOUND, "unknown id", ids[4]},
			{[]int64{ids[4], ids[6]}, store.MissDismissed, "", chat.ENOTFOUND, "erased id", ids[4]},
			{[]int64{ids[6]}, "", "", chat.EINVALID, "no state", ids[6]},
			{[]int64{ids[4]}, store.MissApplied, "", chat.EINVALID, "applied without what", ids[4]},
			{nil, store.MissDismissed, "", chat.EINVALID, "no ids", 0},
		} {
			if err := s.SetMissState(ctx, ann, c.ids, c.state, c.what); chat.ErrorCode(err) != c.code {
				t.Errorf("%s: err = %v, want %s", c.desc, err, c.code)
			}
		}
		got, _, _ = s.Misses(ctx, q)
		if got[1].MessageID != ids[4] || got[1].State != store.MissNew {
			t.Errorf("a refused change was written: %+v", got[1])
		}

		// By id: any bot-answered message, never an erased one.
		byID, err := s.MissesByID(ctx, []int64{ids[2], ids[0]}, 0.7)
		if err != nil || len(byID) != 2 || byID[0].Text != "how do I deposit" || len(byID[0].Reasons) != 0 || byID[1].State != "applied" {
			t.Errorf("by id = %+v, %v", byID, err)
		}
		if _, err := s.MissesByID(ctx, []int64{ids[0], ids[6]}, 0.7); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Errorf("erased message by id: %v", err)
		}
	})
}

// TestInboxMissDraftEdit: the draft edit of an inbox action is written
// with the states only while the draft is as it was read.
func TestInboxMissDraftEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Now().UTC().Add(-time.Hour)
		oos := store.TurnRecord{Classified: true, OutOfScope: true}
		ids := seedTurns(t, s, []seededTurn{{player: "p0", locale: "en", text: "one", rec: oos, at: at},
			{player: "p1", locale: "en", text: "two", rec: oos, at: at.Add(time.Second)}})
		ann := store.AuditEntry{ActorID: 42, Actor: "ann"}
		const p = "intents/en.yaml"
		if _, err := s.SaveDraftChange(ctx, 42, 3, store.DraftChange{Path: p, Content: []byte("a\n")}); err != nil {
			t.Fatal(err)
		}
		read := &store.DraftChange{Path: p, Content: []byte("a\n")}
		// Saved again after it was read: refused, nothing written.
		if _, err := s.SaveDraftChange(ctx, 42, 3, store.DraftChange{Path: p, Content: []byte("b\n")}); err != nil {
			t.Fatal(err)
		}
		edit := &store.DraftEdit{StaffID: 42, HadDraft: true, BasedOn: 3,
			Writes: []store.DraftWrite{{Path: p, Content: []byte("a\nx\n"), Read: read}}}
		if _, err := s.ResolveMisses(ctx, ann, ids[:1], store.MissApplied, "intent:x", edit); chat.ErrorCode(err) != chat.ECONFLICT {
			t.Fatalf("stale draft: %v, want a conflict", err)
		}
		draftFile := func(staff int64) string {
			d, err := s.Draft(ctx, staff)
			if err != nil || len(d.Changes) == 0 {
				return fmt.Sprintf("no change (%v)", err)
			}
			return string(d.Changes[0].Content)
		}
		byID, _ := s.MissesByID(ctx, ids, 0)
		if got := draftFile(42); got != "b\n" || byID[0].State != store.MissNew {
			t.Errorf("after a conflict: draft %q, message %s", got, byID[0].State)
		}
		// Other guards: a draft that appeared, a base that moved.
		for _, e := range []store.DraftEdit{
			{StaffID: 42, HadDraft: false, BasedOn: 3, Writes: []store.DraftWrite{{Path: "kb/en/x.md", Content: []byte("x")}}},
			{StaffID: 42, HadDraft: true, BasedOn: 2, Writes: []store.DraftWrite{{Path: "kb/en/x.md", Content: []byte("x")}}},
			{StaffID: 42, HadDraft: true, BasedOn: 3, Writes: []store.DraftWrite{{Path: "kb/en/x.md", Content: []byte("x"),
				Read: &store.DraftChange{Deleted: true}}}},
		} {
			if _, err := s.ResolveMisses(ctx, ann, ids[:1], store.MissApplied, "article:kb/en/x.md", &e); chat.ErrorCode(err) != chat.ECONFLICT {
				t.Errorf("edit %+v: %v, want a conflict", e, err)
			}
		}
		// As read: the file, the state and the audit row together.
		edit.Writes[0].Read.Content = []byte("b\n")
		if n, err := s.ResolveMisses(ctx, ann, ids, store.MissApplied, "intent:x", edit); err != nil || n != 2 {
			t.Fatalf("apply: %d, %v", n, err)
		}
		if got := draftFile(42); got != "a\nx\n" {
			t.Errorf("draft = %q", got)
		}
		log, err := s.AuditLog(ctx, 0, 10)
		if err != nil || len(log) != 1 || log[0].Action != store.AuditMissApply || !strings.Contains(string(log[0].Details), p) {
			t.Errorf("audit = %+v, %v", log, err)
		}
		// A revert drops the change; a new draft starts on the base read.
		edit = &store.DraftEdit{StaffID: 42, HadDraft: true, BasedOn: 3,
			Writes: []store.DraftWrite{{Path: p, Revert: true, Read: &store.DraftChange{Content: []byte("a\nx\n")}}}}
		if _, err := s.ResolveMisses(ctx, ann, ids[:1], store.MissApplied, "intent:x", edit); err != nil {
			t.Fatal(err)
		}
		if d, err := s.Draft(ctx, 42); err != nil || len(d.Changes) != 0 || d.BasedOn != 3 {
			t.Errorf("after a revert: %+v, %v", d, err)
		}
		edit = &store.DraftEdit{StaffID: 7, BasedOn: 5, Writes: []store.DraftWrite{{Path: "kb/en/x.md", Content: []byte("x")}}}
		if _, err := s.ResolveMisses(ctx, ann, ids[:1], store.MissApplied, "article:kb/en/x.md", edit); err != nil {
			t.Fatal(err)
		}
		if d, err := s.Draft(ctx, 7); err != nil || d.BasedOn != 5 || len(d.Changes) != 1 || d.Changes[0].Path != "kb/en/x.md" {
			t.Errorf("new draft: %+v, %v", d, err)
		}
	})
}

// TestInboxBigGroup: one action resolves more messages than the old cap
// of 5,000, changing only those still new.
func TestInboxBigGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Now().UTC().Add(-time.Hour)
		settled := seedTurns(t, s, []seededTurn{{player: "p0", locale: "en", text: "do you sell pizza?", at: at,
			rec: store.TurnRecord{Classified: true, OutOfScope: true}}})[0]
		ann := store.AuditEntry{ActorID: 42, Actor: "ann"}
		if err := s.SetMissState(ctx, ann, []int64{settled}, store.MissApplied, "intent:food"); err != nil {
			t.Fatal(err)
		}
		conv, err := s.OpenConversation(ctx, "p0", chat.ChannelWebchat, "en")
		if err != nil {
			t.Fatal(err)
		}
		ids, err := s.SeedMissesForTest(ctx, conv.ID, 6000, "do you sell pizza", at)
		if err != nil {
			t.Fatal(err)
		}
		misses, _, err := s.Misses(ctx, store.MissQuery{Since: at.Add(-time.Minute)})
		if err != nil || len(misses) != 6001 {
			t.Fatalf("misses: %d, %v", len(misses), err)
		}
		all := make([]int64, len(misses))
		for i, m := range misses {
			all[i] = m.MessageID
		}
		n, err := s.ResolveMisses(ctx, ann, all, store.MissDismissed, "", nil)
		if err != nil || n != len(ids) {
			t.Fatalf("dismiss 6,001 (one applied): %d, %v", n, err)
		}
		byID, err := s.MissesByID(ctx, []int64{settled, ids[0], ids[len(ids)-1]}, 0)
		if err != nil || byID[0].State != store.MissApplied || byID[0].Applied != "intent:food" ||
			byID[1].State != store.MissDismissed || byID[2].State != store.MissDismissed {
			t.Errorf("states: %+v, %v", byID, err)
		}
		if n, err := s.ResolveMisses(ctx, ann, all, store.MissApplied, "intent:food", nil); err != nil || n != 0 {
			t.Errorf("apply the dismissed: %d, %v", n, err)
		}
		if _, err := s.ResolveMisses(ctx, ann, make([]int64, store.MaxMisses+1), store.MissDismissed, "", nil); chat.ErrorCode(err) != chat.EINVALID {
			t.Errorf("over the cap: %v", err)
		}
	})
}
