package main

import (
	"context"
	"testing"

	"github.com/switchboard-support/switchboard/internal/store"
)

// TestUsersChangesAreAudited: every staff-account change of the CLI is in
// the audit log, by cli:$USER.
func TestUsersChangesAreAudited(t *testing.T) {
	t.Setenv("USER", "root")
	dir := t.TempDir()
	for _, args := range [][]string{
		{"users", "add", "--data-dir", dir, "--login", "anna", "--name", "Anna", "--skills", "general"},
		{"users", "update", "anna", "--data-dir", dir, "--role", "editor"},
		{"users", "passwd", "--data-dir", dir, "anna"},
		{"users", "disable", "--data-dir", dir, "anna"},
		{"users", "enable", "--data-dir", dir, "anna"},
	} {
		if code, _, stderr := runCmd(t, "a-long-password\n", args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, stderr)
		}
	}
	if code, _, _ := runCmd(t, "", "users", "disable", "--data-dir", dir, "nobody"); code == 0 {
		t.Fatal("disabling an unknown login succeeded")
	}
	st, err := store.Open(context.Background(), dataDirDSN(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.AuditLog(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{store.AuditStaffEnable, store.AuditStaffDisable, store.AuditStaffPassword, store.AuditStaffUpdate, store.AuditStaffCreate}
	if len(log) != len(want) {
		t.Fatalf("audit: %+v", log)
	}
	for i, e := range log {
		if e.Action != want[i] || e.Actor != "cli:root" || e.Target == "" {
			t.Fatalf("entry %d: %+v, want %s by cli:root", i, e, want[i])
		}
	}
}
