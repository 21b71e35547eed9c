package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// CreateStaff stores a staff account with its password hash and returns it
// with its id. The login is stored lower-cased (logins are
// case-insensitive). It fails with EINVALID when op does not pass
// op.Validate, and ECONFLICT when the login is taken.
func (s *Store) CreateStaff(ctx context.Context, op handoff.Operator, passwordHash []byte) (handoff.Operator, error) {
	return s.createStaff(ctx, op, passwordHash, nil)
}

// createStaff is CreateStaff, appending audit (when given, its Target and
// Details filled in here) in the same transaction.
func (s *Store) createStaff(ctx context.Context, op handoff.Operator, passwordHash []byte, audit *AuditEntry) (handoff.Operator, error) {
	op.Login = normalLogin(op.Login)
	if err := op.Validate(); err != nil {
		return handoff.Operator{}, err
	}
	skills, err := encodeSkills(op.Skills)
	if err != nil {
		return handoff.Operator{}, err
	}
	if passwordHash == nil {
		passwordHash = []byte{}
	}
	row := staffRow{Login: op.Login, Name: op.Name, Role: string(op.Role), Skills: skills, Capacity: op.Capacity,
		Presence: string(op.Status), LastSeen: nullTime(op.LastSeen), Disabled: op.Disabled,
		PasswordHash: passwordHash, CreatedAt: s.now()}
	db, done := s.w(ctx)
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil || audit == nil {
			return err
		}
		a := *audit
		a.Target = staffTarget(row.ID, row.Login)
		a.Details = AuditDetails(map[string]any{"login": op.Login, "name": op.Name, "role": op.Role,
			"skills": op.Skills, "capacity": op.Capacity})
		return s.appendAudit(tx, a)
	})
	done()
	if isUniqueViolation(err) {
		return handoff.Operator{}, chat.Errorf(chat.ECONFLICT, "login %q is taken", op.Login)
	}
	if err != nil {
		return handoff.Operator{}, fmt.Errorf("store: create staff %s: %w", op.Login, err)
	}
	out, err := row.domain()
	return out, err
}

// StaffByLogin returns the account with the given login (any case) and its
// password hash, or ENOTFOUND. Active is not counted here: login needs
// only the account.
func (s *Store) StaffByLogin(ctx context.Context, login string) (handoff.Operator, []byte, error) {
	var row staffRow
	if err := s.db.WithContext(ctx).Where("login = ?", normalLogin(login)).First(&row).Error; err != nil {
		return handoff.Operator{}, nil, notFound(err, "no staff account %q", login)
	}
	op, err := row.domain()
	if err != nil {
		return handoff.Operator{}, nil, err
	}
	return op, row.PasswordHash, nil
}

// Staff returns the account with the given id, Active counting its
// assigned tickets and its presence as the store's Liveness sees it now, or
// ENOTFOUND.
func (s *Store) Staff(ctx context.Context, id int64) (handoff.Operator, error) {
	db := s.db.WithContext(ctx)
	var row staffRow
	if err := db.First(&row, id).Error; err != nil {
		return handoff.Operator{}, notFound(err, "staff %d not found", id)
	}
	op, err := row.domain()
	if err != nil {
		return handoff.Operator{}, err
	}
	op = s.liveness.Apply(op, s.now())
	var n int64
	if err := db.Model(&ticketRow{}).Where("status = ? AND operator_id = ?", handoff.StatusAssigned, id).
		Count(&n).Error; err != nil {
		return handoff.Operator{}, fmt.Errorf("store: count tickets of operator %d: %w", id, err)
	}
	op.Active = int(n)
	return op, nil
}

// ListStaff returns every account by id, Active counting each one's
// assigned tickets and presence as the store's Liveness sees it now.
func (s *Store) ListStaff(ctx context.Context) ([]handoff.Operator, error) {
	db := s.db.WithContext(ctx)
	var rows []staffRow
	if err := db.Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list staff: %w", err)
	}
	var counts []struct {
		OperatorID int64
		N          int
	}
	if err := db.Model(&ticketRow{}).Select("operator_id, count(*) AS n").
		Where("status = ?", handoff.StatusAssigned).Group("operator_id").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("store: count assigned tickets: %w", err)
	}
	active := make(map[int64]int, len(counts))
	for _, c := range counts {
		active[c.OperatorID] = c.N
	}
	out := make([]handoff.Operator, 0, len(rows))
	now := s.now()
	for _, r := range rows {
		op, err := r.domain()
		if err != nil {
			return nil, err
		}
		op = s.liveness.Apply(op, now)
		op.Active = active[op.ID]
		out = append(out, op)
	}
	return out, nil
}

// SetStaffPassword replaces an account's password hash; ENOTFOUND for an
// unknown id.
func (s *Store) SetStaffPassword(ctx context.Context, id int64, hash []byte) error {
	if hash == nil {
		hash = []byte{}
	}
	return s.updateStaff(ctx, id, map[string]any{"password_hash": hash})
}

// SetStaffDisabled disables or re-enables an account; ENOTFOUND for an
// unknown id. Disabling does not end sessions or release tickets: the
// caller does (DeleteStaffSessions, the SLA worker's Stale check).
func (s *Store) SetStaffDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.updateStaff(ctx, id, map[string]any{"disabled": disabled})
}

// SetPresence records an operator's availability and that it was seen at
// now; ENOTFOUND for an unknown id, EINVALID for an unknown presence.
func (s *Store) SetPresence(ctx context.Context, id int64, p handoff.Presence, now time.Time) error {
	if q, err := handoff.ParsePresence(string(p)); err != nil || q != p {
		return chat.Errorf(chat.EINVALID, "unknown status %q", p)
	}
	return s.updateStaff(ctx, id, map[string]any{"presence": string(p), "last_seen": nullTime(now)})
}

// Heartbeat records that a console socket of the account answered a
// heartbeat at now: the operator counts as connected for the grace period
// after it (handoff.Liveness). ENOTFOUND for an unknown id.
func (s *Store) Heartbeat(ctx context.Context, id int64, now time.Time) error {
	return s.updateStaff(ctx, id, map[string]any{"heartbeat_at": nullTime(now)})
}

// UpdateStaff changes an account's name, role, skills and capacity (the
// login, presence and password have their own calls). It fails with
// EINVALID for an unknown role or a negative capacity, ENOTFOUND for an
// unknown id.
func (s *Store) UpdateStaff(ctx context.Context, op handoff.Operator) error {
	updates, err := staffUpdates(op)
	if err != nil {
		return err
	}
	return s.updateStaff(ctx, op.ID, updates)
}

// staffUpdates checks op and returns the columns UpdateStaff writes.
func staffUpdates(op handoff.Operator) (map[string]any, error) {
	if r, err := handoff.ParseRole(string(op.Role)); err != nil || r != op.Role {
		return nil, chat.Errorf(chat.EINVALID, "unknown role %q", op.Role)
	}
	if op.Capacity < 0 {
		return nil, chat.Errorf(chat.EINVALID, "capacity must be zero or more, got %d", op.Capacity)
	}
	skills, err := encodeSkills(op.Skills)
	if err != nil {
		return nil, err
	}
	return map[string]any{"name": op.Name, "role": string(op.Role), "skills": skills, "capacity": op.Capacity}, nil
}

func (s *Store) updateStaff(ctx context.Context, id int64, updates map[string]any) error {
	return s.updateStaffAudited(ctx, id, updates, nil)
}

// updateStaffAudited applies updates and, when audit is given, appends it
// in the same transaction (heartbeats and presence take no transaction).
func (s *Store) updateStaffAudited(ctx context.Context, id int64, updates map[string]any, audit *AuditEntry) error {
	db, done := s.w(ctx)
	defer done()
	update := func(tx *gorm.DB) error {
		res := tx.Model(&staffRow{}).Where("id = ?", id).Updates(updates)
		if res.Error != nil {
			return fmt.Errorf("store: update staff %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return chat.Errorf(chat.ENOTFOUND, "staff %d not found", id)
		}
		return nil
	}
	if audit == nil {
		return update(db)
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := update(tx); err != nil {
			return err
		}
		return s.appendAudit(tx, *audit)
	})
}

func normalLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

func encodeSkills(skills []string) (string, error) {
	if skills == nil {
		skills = []string{}
	}
	b, err := json.Marshal(skills)
	if err != nil {
		return "", fmt.Errorf("store: encode skills: %w", err)
	}
	return string(b), nil
}

func (r staffRow) domain() (handoff.Operator, error) {
	op := handoff.Operator{ID: r.ID, Login: r.Login, Name: r.Name, Role: handoff.Role(r.Role),
		Status: handoff.Presence(r.Presence), Disabled: r.Disabled, Capacity: r.Capacity, LastSeen: fromNull(r.LastSeen),
		HeartbeatAt: fromNull(r.HeartbeatAt)}
	if r.Skills != "" && r.Skills != "null" {
		if err := json.Unmarshal([]byte(r.Skills), &op.Skills); err != nil {
			return handoff.Operator{}, fmt.Errorf("store: decode skills of staff %d: %w", r.ID, err)
		}
	}
	return op, nil
}

// staffExists reports ENOTFOUND inside tx for an unknown staff id.
func staffExists(tx *gorm.DB, id int64) error {
	var n int64
	if err := tx.Model(&staffRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("store: find staff %d: %w", id, err)
	}
	if n == 0 {
		return chat.Errorf(chat.ENOTFOUND, "staff %d not found", id)
	}
	return nil
}
