package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// loginAttemptRow counts recent failed staff logins under one key (a login
// or a client address), so throttling holds across instances.
type loginAttemptRow struct {
	Key          string    `gorm:"column:throttle_key;primaryKey;size:192"`
	Failures     int       `gorm:"not null"`
	WindowStart  time.Time `gorm:"not null"` // first failure counted
	BlockedUntil time.Time `gorm:"not null;index"`
}

func (loginAttemptRow) TableName() string { return "login_attempts" }

// LoginBlockedUntil returns the latest time one of keys is blocked until,
// or the zero time when none is blocked at now.
func (s *Store) LoginBlockedUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error) {
	var rows []loginAttemptRow
	err := s.db.WithContext(ctx).Where("throttle_key IN ? AND blocked_until > ?", keys, dbTime(now)).Find(&rows).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("store: login attempts: %w", err)
	}
	var until time.Time
	for _, r := range rows {
		if r.BlockedUntil.After(until) {
			until = r.BlockedUntil.UTC()
		}
	}
	return until, nil
}

// RecordLoginFailure counts a failure under key and blocks the key until
// now + block(failures). Failures are counted afresh once window has passed
// since the first one. Concurrent failures are all counted.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration,
	block func(failures int) time.Duration) (failures int, blockedUntil time.Time, err error) {
	return s.recordLoginFailure(ctx, key, now, window, block, nil)
}

// RecordLoginFailureAudited is RecordLoginFailure recording
// AuditStaffLoginFailed by actor (the client; the login as typed in its
// target or details, never the password) in the same transaction.
func (s *Store) RecordLoginFailureAudited(ctx context.Context, actor AuditEntry, key string, now time.Time, window time.Duration,
	block func(failures int) time.Duration) (failures int, blockedUntil time.Time, err error) {
	actor.Action = AuditStaffLoginFailed
	return s.recordLoginFailure(ctx, key, now, window, block, &actor)
}

func (s *Store) recordLoginFailure(ctx context.Context, key string, now time.Time, window time.Duration,
	block func(failures int) time.Duration, audit *AuditEntry) (failures int, blockedUntil time.Time, err error) {
	now = dbTime(now)
	db, done := s.w(ctx)
	defer done()
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := pruneLoginAttempts(tx, key, now, window); err != nil {
			return err
		}
		fresh := loginAttemptRow{Key: key, WindowStart: now, BlockedUntil: now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return err
		}
		var row loginAttemptRow
		q := tx
		if tx.Dialector.Name() == "postgres" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Where("throttle_key = ?", key).First(&row).Error; err != nil {
			return err
		}
		if now.Sub(row.WindowStart) > window {
			row.Failures, row.WindowStart = 0, now
		}
		row.Failures++
		row.BlockedUntil = now.Add(block(row.Failures))
		failures, blockedUntil = row.Failures, row.BlockedUntil
		if err := tx.Model(&loginAttemptRow{}).Where("throttle_key = ?", key).Updates(map[string]any{
			"failures": row.Failures, "window_start": row.WindowStart, "blocked_until": row.BlockedUntil}).Error; err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return s.appendAudit(tx, *audit)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: record login failure: %w", err)
	}
	return failures, blockedUntil, nil
}

// ClearLoginFailures forgets key's failures (a successful login), and
// every other key's that are stale.
func (s *Store) ClearLoginFailures(ctx context.Context, key string, now time.Time, window time.Duration) error {
	db, done := s.w(ctx)
	defer done()
	if err := db.Where("throttle_key = ?", key).Delete(&loginAttemptRow{}).Error; err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	if err := pruneLoginAttempts(db, key, dbTime(now), window); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// pruneLoginAttempts deletes the keys other than key whose count has
// lapsed (first failure over window ago) and that are not blocked, so a
// flood of distinct logins leaves no lasting rows.
func pruneLoginAttempts(tx *gorm.DB, key string, now time.Time, window time.Duration) error {
	return tx.Where("throttle_key <> ? AND window_start < ? AND blocked_until < ?", key, now.Add(-window), now).
		Delete(&loginAttemptRow{}).Error
}
