// Package storetest opens real databases for tests: a SQLite file per test and a
// fresh schema of the test PostgreSQL.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-support/switchboard/internal/store"
)

// defaultPostgresDSN is the database these machines provide for tests.
const defaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Each runs fn against a fresh SQLite database and, when reachable, a
// fresh schema of the test PostgreSQL. SWITCHBOARD_TEST_POSTGRES overrides
// the DSN ("off" disables it); SWITCHBOARD_REQUIRE_POSTGRES=1 (set by CI)
// turns an unreachable PostgreSQL into a failure instead of a skip.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Postgres(t))
	})
}

// Default opens the database the run names: SQLite, or PostgreSQL under
// SWITCHBOARD_TEST_DB=postgres. Tests that build a whole server (console,
// web chat, desk, Telegram, editor, commands) open their store here, and
// CI runs their packages once on each database.
func Default(t testing.TB) *store.Store {
	t.Helper()
	if os.Getenv("SWITCHBOARD_TEST_DB") == "postgres" {
		return Postgres(t)
	}
	return SQLite(t)
}

// SQLite opens a store on a new SQLite file in t's temp dir.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Postgres opens a store on a new schema of the test PostgreSQL and
// drops the schema when the test ends.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), PostgresDSN(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// PostgresDSN creates a new schema of the test PostgreSQL, dropped when
// the test ends, and returns a DSN that selects it (search_path): for tests
// that open the database themselves (commands, a server process). It skips
// the test, or fails it under SWITCHBOARD_REQUIRE_POSTGRES=1, as Each does.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("SWITCHBOARD_TEST_POSTGRES")
	if dsn == "" {
		dsn = defaultPostgresDSN
	}
	skip := func(reason string) {
		if os.Getenv("SWITCHBOARD_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required (SWITCHBOARD_REQUIRE_POSTGRES=1) but %s", reason)
		}
		t.Skipf("PostgreSQL tests skipped: %s (set SWITCHBOARD_TEST_POSTGRES to a reachable DSN)", reason)
	}
	if dsn == "off" {
		skip("SWITCHBOARD_TEST_POSTGRES=off")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		skip(fmt.Sprintf("cannot connect to %s: %v", dsn, err))
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			_ = c.Close(context.Background())
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse dsn: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
