package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Audit actions.
const (
	AuditPublish       = "content.publish"
	AuditRollback      = "content.rollback"
	AuditDraftDiscard  = "draft.discard"
	AuditStaffCreate   = "staff.create"
	AuditStaffUpdate   = "staff.update"
	AuditStaffPassword = "staff.password"
	AuditStaffDisable  = "staff.disable"
	AuditStaffEnable   = "staff.enable"
	// AuditConversationRead is a staff member opening a conversation.
	AuditConversationRead = "conversation.read"
	// Acts on a ticket (target ticket:ID) by the staff member the
	// transaction read: ActOnTicketAudited, TransferToOperator.
	AuditTicketTransfer = "ticket.transfer"
	AuditTicketResolve  = "ticket.resolve"
	AuditTicketReturn   = "ticket.return_to_bot"
	// Staff sessions: CreateSessionAudited, DeleteSessionAudited (target
	// staff:ID:LOGIN) and RecordLoginFailureAudited (the login as typed;
	// never the password).
	AuditStaffLogin       = "staff.login"
	AuditStaffLogout      = "staff.logout"
	AuditStaffLoginFailed = "staff.login_failed"
)

// AuditEntry is one row of the append-only audit log: who did what to
// which target, when, with details as a JSON object.
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID int64  // staff id; 0 for the CLI or the system
	Actor   string // staff login, or "cli:USER"
	Action  string
	Target  string
	Details json.RawMessage
}

// auditRow is never updated nor deleted.
type auditRow struct {
	ID      int64     `gorm:"primaryKey;autoIncrement"`
	At      time.Time `gorm:"not null"`
	ActorID int64     `gorm:"not null;default:0"`
	Actor   string    `gorm:"size:128;not null"`
	Action  string    `gorm:"size:64;not null;index"`
	Target  string    `gorm:"size:256;not null"`
	Details string    `gorm:"type:text;not null"`
}

func (auditRow) TableName() string { return "audit_log" }

// AuditDetails encodes v as an entry's details.
func AuditDetails(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}

// appendAudit writes e inside tx: the change and its audit row commit
// together or not at all.
func (s *Store) appendAudit(tx *gorm.DB, e AuditEntry) error {
	if e.Action == "" || e.Actor == "" {
		return chat.Errorf(chat.EINVALID, "audit entry needs an actor and an action")
	}
	details := string(e.Details)
	if details == "" || details == "null" {
		details = "{}"
	} else if !json.Valid(e.Details) {
		return chat.Errorf(chat.EINVALID, "audit details are not JSON")
	}
	row := auditRow{At: s.now(), ActorID: e.ActorID, Actor: e.Actor, Action: e.Action, Target: e.Target, Details: details}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("store: append audit %s: %w", e.Action, err)
	}
	return nil
}

// AppendAudit records a change that is not itself a store write.
func (s *Store) AppendAudit(ctx context.Context, e AuditEntry) error {
	db, done := s.w(ctx)
	defer done()
	return s.appendAudit(db, e)
}

// AuditLog returns up to limit entries older than before (0: from the
// newest), newest first.
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := s.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: read audit log: %w", err)
	}
	out := make([]AuditEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, AuditEntry{ID: r.ID, At: r.At, ActorID: r.ActorID, Actor: r.Actor, Action: r.Action,
			Target: r.Target, Details: json.RawMessage(r.Details)})
	}
	return out, nil
}
