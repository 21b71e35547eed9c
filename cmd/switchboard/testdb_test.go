package main

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/internal/store/storetest"
)

// Command tests name a data dir; under SWITCHBOARD_TEST_DB=postgres each
// data dir gets a PostgreSQL schema of its own (the same for every command
// run on it), so they run on both databases like the rest.
var dirDSNs = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

// dataDirDSN is the database the commands run on a data dir use.
func dataDirDSN(t *testing.T, dir string) string {
	t.Helper()
	if os.Getenv("SWITCHBOARD_TEST_DB") != "postgres" {
		return filepath.Join(dir, "switchboard.db")
	}
	dirDSNs.Lock()
	defer dirDSNs.Unlock()
	if dsn, ok := dirDSNs.m[dir]; ok {
		return dsn
	}
	dsn := storetest.PostgresDSN(t)
	dirDSNs.m[dir] = dsn
	t.Cleanup(func() {
		dirDSNs.Lock()
		delete(dirDSNs.m, dir)
		dirDSNs.Unlock()
	})
	return dsn
}

// withTestDB adds --db for the data dir a command names, under
// SWITCHBOARD_TEST_DB=postgres.
func withTestDB(t *testing.T, args []string) []string {
	t.Helper()
	if os.Getenv("SWITCHBOARD_TEST_DB") != "postgres" || slices.Contains(args, "--db") {
		return args
	}
	for i, a := range args {
		if a == "--data-dir" && i+1 < len(args) {
			out := append(slices.Clone(args[:i+2]), "--db", dataDirDSN(t, args[i+1]))
			return append(out, args[i+2:]...)
		}
	}
	return args
}
