package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Session is a staff login session. Only a hash of the cookie's token is
// stored, so a copy of the database cannot be replayed as a login.
type Session struct {
	TokenHash string
	StaffID   int64
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession stores a session. It fails with EINVALID without a token
// hash, a CSRF token or an expiry, ENOTFOUND for an unknown staff id, and
// ECONFLICT when the token hash exists.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	return s.createSession(ctx, sess, nil)
}

// CreateSessionAudited is CreateSession recording AuditStaffLogin by actor
// (the staff member logging in) in the same transaction.
func (s *Store) CreateSessionAudited(ctx context.Context, actor AuditEntry, sess Session) error {
	actor.Action, actor.Target = AuditStaffLogin, staffTarget(sess.StaffID, actor.Actor)
	return s.createSession(ctx, sess, &actor)
}

func (s *Store) createSession(ctx context.Context, sess Session, audit *AuditEntry) error {
	if sess.TokenHash == "" || sess.CSRFToken == "" || sess.ExpiresAt.IsZero() {
		return chat.Errorf(chat.EINVALID, "session needs a token hash, a CSRF token and an expiry")
	}
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = s.now()
	}
	row := sessionRow{TokenHash: sess.TokenHash, StaffID: sess.StaffID, CSRFToken: sess.CSRFToken,
		CreatedAt: dbTime(sess.CreatedAt), ExpiresAt: dbTime(sess.ExpiresAt)}
	db, done := s.w(ctx)
	defer done()
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := staffExists(tx, sess.StaffID); err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return s.appendAudit(tx, *audit)
	})
	if isUniqueViolation(err) {
		return chat.Errorf(chat.ECONFLICT, "session exists")
	}
	if err != nil {
		return wrapTx(err, "create session for staff %d", sess.StaffID)
	}
	return nil
}

// Session returns the session with the given token hash, or ENOTFOUND when
// there is none or it has expired.
func (s *Store) Session(ctx context.Context, tokenHash string) (Session, error) {
	var row sessionRow
	err := s.db.WithContext(ctx).Where("token_hash = ? AND expires_at > ?", tokenHash, s.now()).First(&row).Error
	if err != nil {
		return Session{}, notFound(err, "session not found")
	}
	return Session{TokenHash: row.TokenHash, StaffID: row.StaffID, CSRFToken: row.CSRFToken,
		CreatedAt: row.CreatedAt.UTC(), ExpiresAt: row.ExpiresAt.UTC()}, nil
}

// DeleteSession ends a session (logout); deleting a missing one is not an
// error. Expired sessions are removed too, while the writer is held.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.deleteSession(ctx, tokenHash, nil)
}

// DeleteSessionAudited is DeleteSession recording AuditStaffLogout by actor
// (the session's staff member) in the same transaction, when the session
// was still there: a second logout of it records nothing.
func (s *Store) DeleteSessionAudited(ctx context.Context, actor AuditEntry, tokenHash string) error {
	actor.Action, actor.Target = AuditStaffLogout, staffTarget(actor.ActorID, actor.Actor)
	return s.deleteSession(ctx, tokenHash, &actor)
}

func (s *Store) deleteSession(ctx context.Context, tokenHash string, audit *AuditEntry) error {
	db, done := s.w(ctx)
	defer done()
	err := db.Transaction(func(tx *gorm.DB) error {
		res := tx.Where("token_hash = ?", tokenHash).Delete(&sessionRow{})
		if res.Error != nil {
			return res.Error
		}
		if audit != nil && res.RowsAffected > 0 {
			if err := s.appendAudit(tx, *audit); err != nil {
				return err
			}
		}
		return tx.Where("expires_at <= ?", s.now()).Delete(&sessionRow{}).Error
	})
	if err != nil {
		return wrapTx(err, "delete session")
	}
	return nil
}

// DeleteStaffSessions ends every session of an account (password change,
// disabling).
func (s *Store) DeleteStaffSessions(ctx context.Context, staffID int64) error {
	db, done := s.w(ctx)
	defer done()
	if err := db.Where("staff_id = ?", staffID).Delete(&sessionRow{}).Error; err != nil {
		return fmt.Errorf("store: delete sessions of staff %d: %w", staffID, err)
	}
	return nil
}
