// Package store persists Switchboard's domain types with gorm, on SQLite (the
// default, pure Go) or PostgreSQL. It is the only package that imports gorm.
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// postgresMaxConns bounds the PostgreSQL pool of one instance.
const postgresMaxConns = 16

// Store is the one storage type of the product.
type Store struct {
	db      *gorm.DB // reads
	wdb     *gorm.DB // writes; on SQLite one connection, so writers queue in Go instead of polling the file lock
	dialect string   // "sqlite" or "postgres"
	wmu     sync.Mutex
	now     func() time.Time

	stopCheckpoints func()
	commits         *groupCommitter // SQLite only: turns share transactions

	// liveness turns stored statuses and heartbeats into the presence the
	// desk acts on (SetLiveness); the zero value trusts the stored status.
	liveness handoff.Liveness
}

// SetLiveness makes every operator the store returns — and every claim it
// decides — see presence as l derives it from console heartbeats
// (handoff.Liveness.Apply). Call it once, before the store is shared.
func (s *Store) SetLiveness(l handoff.Liveness) { s.liveness = l }

// checkpointInterval is how often the SQLite WAL is copied back into the
// database file.
const checkpointInterval = time.Second

// checkpointer runs passive WAL checkpoints until stop closes. A passive
// checkpoint never blocks the writer or readers.
func (s *Store) checkpointer(stop <-chan struct{}) {
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			_ = s.db.Exec("PRAGMA wal_checkpoint(PASSIVE)").Error
		}
	}
}

// Open connects to dsn and migrates the schema. A dsn starting with
// "postgres://" or "postgresql://" selects PostgreSQL; anything else is a
// SQLite file path (optionally prefixed "sqlite:"), created with its
// directory when missing.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, Options{})
}

// Options tune Open.
type Options struct {
	// SQLiteSynchronous is "normal" (the default) or "full". In WAL mode
	// NORMAL loses nothing when the process dies (kill -9) but may lose the
	// last commits on a power loss or OS crash; FULL syncs every commit to
	// disk, surviving those too, at the cost of slower writes.
	SQLiteSynchronous string
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, opts Options) (*Store, error) {
	sync := strings.ToUpper(opts.SQLiteSynchronous)
	switch sync {
	case "":
		sync = "NORMAL"
	case "NORMAL", "FULL":
	default:
		return nil, chat.Errorf(chat.EINVALID, "sqlite synchronous must be normal or full, not %q", opts.SQLiteSynchronous)
	}
	cfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() },
		PrepareStmt: true, SkipDefaultTransaction: true}
	var (
		db      *gorm.DB
		err     error
		dialect string
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		dialect = "postgres"
		db, err = gorm.Open(postgres.Open(dsn), cfg)
	default:
		dialect = "sqlite"
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, chat.Errorf(chat.EINVALID, "empty database path")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: create database directory: %w", err)
			}
		}
		db, err = gorm.Open(sqlite.Open(sqliteDSN(path, sync)), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	s := &Store{db: db, wdb: db, dialect: dialect, now: func() time.Time { return time.Now().UTC() }}
	if dialect == "postgres" {
		sqlDB, err := db.DB()
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		// Bounded: a burst of requests queues here instead of exhausting
		// the server's max_connections (100 by default).
		sqlDB.SetMaxOpenConns(postgresMaxConns)
		sqlDB.SetMaxIdleConns(postgresMaxConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if dialect == "sqlite" {
		// SQLite has one writer at a time. Many writer connections would
		// take turns by sleeping in the busy handler; one writer
		// connection makes them queue in the pool instead. Readers use
		// their own pool, which WAL lets run beside the writer.
		path := strings.TrimPrefix(dsn, "sqlite:")
		// The writer never checkpoints on commit; checkpointer does it in
		// the background, so a commit never pays for copying the WAL.
		// Savepoint journals stay in memory (temp_store), and a larger page
		// cache keeps a batch's pages until commit.
		wdb, err := gorm.Open(sqlite.Open(sqliteDSN(path, sync)+
			"&_pragma=wal_autocheckpoint(0)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"), cfg)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite writer: %w", err)
		}
		w, err := wdb.DB()
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		w.SetMaxOpenConns(1)
		r, err := db.DB()
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		r.SetMaxOpenConns(4)
		s.wdb = wdb
		stop := make(chan struct{})
		s.stopCheckpoints = func() { close(stop) }
		go s.checkpointer(stop)
		s.commits = newGroupCommitter(s)
	}
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDSN adds the pragmas that keep SQLite usable under concurrency:
// WAL, a busy timeout, and immediate transactions so that read-then-write
// transactions never fail with "database is locked".
func sqliteDSN(path, synchronous string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)" +
		"&_pragma=synchronous(" + synchronous + ")&_pragma=foreign_keys(ON)&_txlock=immediate"
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks the database connection.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return chat.Errorf(chat.EUNAVAILABLE, "database unreachable: %v", err)
	}
	return nil
}

// Close closes the database connections.
func (s *Store) Close() error {
	if s.commits != nil {
		s.commits.close() // the field stays: later turns get EUNAVAILABLE
	}
	if s.stopCheckpoints != nil {
		s.stopCheckpoints()
		s.stopCheckpoints = nil
		_ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
	}
	var errs []error
	for _, g := range []*gorm.DB{s.db, s.wdb} {
		sqlDB, err := g.DB()
		if err == nil {
			err = sqlDB.Close()
		}
		errs = append(errs, err)
		if s.wdb == s.db {
			break
		}
	}
	return errors.Join(errs...)
}

// w returns the handle for writes and the func that releases it. On SQLite
// writers take a mutex first: it hands over in FIFO order under load (the
// pool's own queue picks waiters at random, which makes a long latency
// tail), and the one writer connection is then free at once.
func (s *Store) w(ctx context.Context) (*gorm.DB, func()) {
	if s.dialect != "sqlite" {
		return s.wdb.WithContext(ctx), func() {}
	}
	s.wmu.Lock()
	return s.wdb.WithContext(ctx), s.wmu.Unlock
}

func (s *Store) migrate(ctx context.Context) error {
	db, done := s.w(ctx)
	defer done()
	err := db.AutoMigrate(
		&playerRow{}, &conversationRow{}, &messageRow{}, &flowStateRow{},
		&contentVersionRow{}, &contentPublicationRow{}, &ticketRow{},
		&staffRow{}, &sessionRow{}, &cannedRow{},
		&identityRow{}, &linkCodeRow{}, &deliveryRow{}, &inboundUpdateRow{},
		&auditRow{}, &draftRow{}, &draftFileRow{}, &loginAttemptRow{}, &botTurnRow{},
		&missedStateRow{},
	)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	// Tickets queued before priority_rank existed got rank 0: rank them.
	err = db.Exec(`UPDATE tickets SET priority_rank = CASE priority
		WHEN 'high' THEN 1 WHEN 'normal' THEN 2 WHEN 'low' THEN 3 ELSE 4 END
		WHERE priority_rank = 0 AND priority <> 'critical'`).Error
	if err != nil {
		return fmt.Errorf("store: migrate: rank tickets: %w", err)
	}
	// Tickets queued before queued_at existed entered the queue when created.
	if err := db.Exec(`UPDATE tickets SET queued_at = created_at WHERE queued_at IS NULL AND status = 'queued'`).Error; err != nil {
		return fmt.Errorf("store: migrate: queued_at: %w", err)
	}
	return nil
}

// notFound translates gorm's not-found into a coded error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return chat.Errorf(chat.ENOTFOUND, format, args...)
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint failure on
// either database.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") ||
		strings.Contains(msg, "duplicate key value")
}
