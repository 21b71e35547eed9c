package main

import (
	"strings"
	"testing"
)

// TestUsersSkillsFromSettings: accounts get only skills the content's
// settings.yaml lists, and update changes skills, capacity and role.
func TestUsersSkillsFromSettings(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCmd(t, "a-long-password\n", "users", "add", "--data-dir", dir, "--login", "anna", "--name", "Anna",
		"--skills", "payments,kyc")
	if code == 0 || !strings.Contains(stderr, `unknown skill "kyc"`) || !strings.Contains(stderr, "responsible_gaming") {
		t.Fatalf("add with an unknown skill: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, "a-long-password\n", "users", "add", "--data-dir", dir, "--login", "anna", "--name", "Anna",
		"--skills", "payments,general"); code != 0 {
		t.Fatalf("add: %d %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "", "users", "update", "anna", "--data-dir", dir, "--skills", "payments,kyc"); code == 0 ||
		!strings.Contains(stderr, `unknown skill "kyc"`) {
		t.Fatalf("update with an unknown skill: %d %q", code, stderr)
	}
	code, stdout, stderr := runCmd(t, "", "users", "update", "anna", "--data-dir", dir,
		"--skills", "payments,verification,technical,bonuses,general,responsible_gaming", "--capacity", "5", "--role", "supervisor")
	if code != 0 {
		t.Fatalf("update: %d %s", code, stderr)
	}
	if !strings.Contains(stdout, "anna: supervisor") {
		t.Fatalf("update said %q", stdout)
	}
	_, list, _ := runCmd(t, "", "users", "list", "--data-dir", dir)
	if !strings.Contains(list, "payments,verification,technical,bonuses,general,responsible_gaming") ||
		!strings.Contains(list, "supervisor") || !strings.Contains(list, "  5  ") || !strings.Contains(list, "Anna") {
		t.Fatalf("list after update:\n%s", list)
	}
	// Only what is given changes.
	if code, _, stderr := runCmd(t, "", "users", "update", "anna", "--data-dir", dir, "--name", "Anna K."); code != 0 {
		t.Fatalf("rename: %d %s", code, stderr)
	}
	_, list, _ = runCmd(t, "", "users", "list", "--data-dir", dir)
	if !strings.Contains(list, "Anna K.") || !strings.Contains(list, "supervisor") || !strings.Contains(list, "responsible_gaming") {
		t.Fatalf("list after rename:\n%s", list)
	}
	if code, _, _ := runCmd(t, "", "users", "update", "nobody", "--data-dir", dir, "--capacity", "2"); code == 0 {
		t.Fatal("update of an unknown login succeeded")
	}
}
