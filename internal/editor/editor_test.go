package editor_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

var models = flows.NewModelCache(8)

type fixture struct {
	svc    *editor.Service
	store  *store.Store
	engine *flows.Engine
	ann    handoff.Operator
	bob    handoff.Operator
}

func setup(t *testing.T, s *store.Store) fixture {
	t.Helper()
	ctx := context.Background()
	engine := flows.NewEngine(nil)
	t.Cleanup(engine.Close)
	content := live.New(s, engine, flows.RuntimeOptions{Models: models}, nil)
	if err := content.Start(ctx, os.DirFS("testdata/bundle")); err != nil {
		t.Fatal(err)
	}
	f := fixture{svc: editor.New(s, content), store: s, engine: engine}
	for i, login := range []string{"ann", "bob"} {
		op, err := s.CreateStaff(ctx, handoff.Operator{Login: login, Name: strings.ToUpper(login[:1]) + login[1:],
			Role: handoff.RoleEditor, Status: handoff.Offline}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.ann = op
		} else {
			f.bob = op
		}
	}
	return f
}

func (f fixture) file(t *testing.T, p string) string {
	t.Helper()
	live, err := f.store.LiveRelease(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return string(live.Files[p])
}

func (f fixture) liveHash(t *testing.T) string {
	t.Helper()
	rt := f.engine.Runtime()
	if rt == nil {
		t.Fatal("no runtime")
	}
	return rt.Bundle.Hash
}

func TestInvalidYAMLIsRefusedAtItsLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		before := f.liveHash(t)
		broken := "description: deposits\nintents: [deposit\nsteps:\n  - id: answer\n"
		if err := f.svc.SaveFile(ctx, f.ann, "flows/deposit.yaml", []byte(broken)); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Validate(ctx, f.ann)
		if err != nil || c.OK || len(c.Problems) == 0 {
			t.Fatalf("validate: %+v, %v", c, err)
		}
		p := c.Problems[0]
		if p.Path != "flows/deposit.yaml" || p.Line < 2 || p.Line > 3 {
			t.Fatalf("problem %s, want flows/deposit.yaml at line 2 or 3", p)
		}
		_, err = f.svc.Publish(ctx, f.ann, "broken flow")
		var ve *flows.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), p.String()) {
			t.Fatalf("publish: %v, want the validation error naming %s", err, p)
		}
		if f.liveHash(t) != before {
			t.Fatal("the live content changed")
		}
		if _, err := f.svc.Publish(ctx, f.ann, "  "); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("empty summary: %v", err)
		}
		if _, err := f.svc.Publish(ctx, f.ann, strings.Repeat("é", editor.MaxSummary+1)); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("long summary: %v", err)
		}
	})
}

func TestFailingTestBlocksPublishThenPublishAndRollback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		first, err := f.svc.Live(ctx)
		if err != nil {
			t.Fatal(err)
		}
		flow := strings.Replace(f.file(t, "flows/deposit.yaml"), `"Anything else?"`, `"Something more?"`, 1)
		if err := f.svc.SaveFile(ctx, f.ann, "flows/deposit.yaml", []byte(flow)); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Test(ctx, f.ann)
		if err != nil || c.OK || c.Tests == nil || len(c.Tests.Failures) != 1 {
			t.Fatalf("test: %+v, %v", c, err)
		}
		if fl := c.Tests.Failures[0]; fl.Path != "tests/deposit_en.yaml" || fl.Line == 0 || !strings.Contains(fl.Message, "Anything else?") {
			t.Fatalf("failure %+v", fl)
		}
		_, err = f.svc.Publish(ctx, f.ann, "reword the menu")
		var tf *live.TestsFailedError
		if !errors.As(err, &tf) {
			t.Fatalf("publish: %v, want failed tests", err)
		}
		// Fix the test too: the draft now passes and publishes.
		test := strings.Replace(f.file(t, "tests/deposit_en.yaml"), "Anything else?", "Something more?", 1)
		if err := f.svc.SaveFile(ctx, f.ann, "tests/deposit_en.yaml", []byte(test)); err != nil {
			t.Fatal(err)
		}
		if c, err := f.svc.Test(ctx, f.ann); err != nil || !c.OK {
			t.Fatalf("fixed: %+v, %v", c, err)
		}
		second, err := f.svc.Publish(ctx, f.ann, "reword the menu")
		if err != nil || second.Number <= first.Number || second.Summary != "reword the menu" || second.Author != "ann" {
			t.Fatalf("publish: %+v, %v", second, err)
		}
		if f.liveHash(t) != second.Hash {
			t.Fatal("the engine does not run the published version")
		}
		if d, _ := f.svc.Draft(ctx, f.ann); len(d.Changes) != 0 || d.BasedOn != second.Number {
			t.Fatalf("draft after publish: %+v", d)
		}
		rb, err := f.svc.Rollback(ctx, f.bob, first.Number, "")
		if err != nil || rb.Number <= second.Number || rb.Summary != "rollback to 1" && rb.Summary != "rollback to "+itoa(first.Number) || rb.Author != "bob" {
			t.Fatalf("rollback: %+v, %v", rb, err)
		}
		if f.liveHash(t) != first.Hash || !strings.Contains(f.file(t, "flows/deposit.yaml"), "Anything else?") {
			t.Fatal("the rollback is not live")
		}
		if _, err := f.svc.Rollback(ctx, f.bob, first.Number, ""); chat.ErrorCode(err) != chat.EINVALID {
			t.Fatalf("rollback to the live files: %v", err)
		}
		list, liveN, err := f.svc.Versions(ctx, 0, 10)
		if err != nil || liveN != rb.Number || len(list) != 3 {
			t.Fatalf("versions: %+v %d, %v", list, liveN, err)
		}
		log, _ := s.AuditLog(ctx, 0, 10)
		if len(log) != 2 || log[0].Action != store.AuditRollback || log[1].Action != store.AuditPublish || log[1].Actor != "ann" {
			t.Fatalf("audit: %+v", log)
		}
	})
}

func TestTwoEditorsNeverOverwriteEachOther(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		article := "kb/en/deposit-methods.md"
		text := f.file(t, article)
		if err := f.svc.SaveFile(ctx, f.ann, article, []byte(strings.Replace(text, "€10", "€5", 1))); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SaveFile(ctx, f.bob, article, []byte(strings.Replace(text, "€10", "€15", 1))); err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.Draft(ctx, f.ann)
		if err != nil || len(d.Others[article]) != 1 || d.Others[article][0].Login != "bob" || !d.Others[article][0].Editing {
			t.Fatalf("ann's draft does not show bob: %+v, %v", d, err)
		}
		annV, err := f.svc.Publish(ctx, f.ann, "minimum deposit €5")
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Publish(ctx, f.bob, "minimum deposit €15")
		var ce *editor.ConflictError
		if !errors.As(err, &ce) || chat.ErrorCode(err) != chat.ECONFLICT || len(ce.Files) != 1 || ce.Files[0] != article || ce.Live != annV.Number {
			t.Fatalf("bob's publish: %v, want a conflict on %s", err, article)
		}
		if !strings.Contains(f.file(t, article), "€5") {
			t.Fatal("ann's change was overwritten")
		}
		if d, _ := f.svc.Draft(ctx, f.bob); len(d.Changes) != 1 {
			t.Fatalf("bob's draft lost: %+v", d)
		}
		// Bob drops his change and edits another file: his draft, still on
		// the old base, rebases onto ann's version and keeps her change.
		if err := f.svc.RevertFile(ctx, f.bob, article); err != nil {
			t.Fatal(err)
		}
		other := "kb/en/withdrawal-how-to.md"
		if err := f.svc.SaveFile(ctx, f.bob, other, []byte(strings.Replace(f.file(t, other), "€20", "€25", 1))); err != nil {
			t.Fatal(err)
		}
		bobV, err := f.svc.Publish(ctx, f.bob, "minimum withdrawal €25")
		if err != nil {
			t.Fatalf("rebased publish: %v", err)
		}
		if bobV.Number <= annV.Number || !strings.Contains(f.file(t, article), "€5") || !strings.Contains(f.file(t, other), "€25") {
			t.Fatalf("rebase lost a change: %+v", bobV)
		}
	})
}

func TestDraftFilesAndDiscard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		for _, bad := range []string{"", "/etc/passwd", "../x", "a/../b", ".hidden", "kb/.x.md", `a\b`} {
			if err := f.svc.SaveFile(ctx, f.ann, bad, []byte("x")); chat.ErrorCode(err) != chat.EINVALID {
				t.Fatalf("path %q: %v", bad, err)
			}
		}
		if err := f.svc.SaveFile(ctx, f.ann, "kb/en/new.md", []byte("x")); err != nil {
			t.Fatal(err)
		}
		// Saving a file as it is live is no change.
		if err := f.svc.SaveFile(ctx, f.ann, "flows/human.yaml", []byte(f.file(t, "flows/human.yaml"))); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.DeleteFile(ctx, f.ann, "flows/withdrawal.yaml"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.DeleteFile(ctx, f.ann, "kb/en/new.md"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.DeleteFile(ctx, f.ann, "kb/en/new.md"); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}
		d, err := f.svc.Draft(ctx, f.ann)
		if err != nil || len(d.Changes) != 1 || d.Changes[0].Path != "flows/withdrawal.yaml" || !d.Changes[0].Deleted {
			t.Fatalf("draft: %+v, %v", d, err)
		}
		files, _, _ := f.svc.Files(ctx, f.ann)
		if _, ok := files["flows/withdrawal.yaml"]; ok {
			t.Fatal("deleted file still in the draft bundle")
		}
		if err := f.svc.Discard(ctx, f.ann); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Discard(ctx, f.ann); chat.ErrorCode(err) != chat.ENOTFOUND {
			t.Fatalf("discard twice: %v", err)
		}
		if log, _ := s.AuditLog(ctx, 0, 10); len(log) != 1 || log[0].Action != store.AuditDraftDiscard || log[0].Actor != "ann" {
			t.Fatalf("audit: %+v", log)
		}
	})
}
