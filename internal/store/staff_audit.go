package store

import (
	"context"
	"fmt"

	"github.com/switchboard-support/switchboard/handoff"
)

// Audited staff-account changes: each writes the account and its audit
// row (actor given by the caller) in one transaction.

func staffTarget(id int64, login string) string { return fmt.Sprintf("staff:%d:%s", id, login) }

// CreateStaffAudited is CreateStaff recording AuditStaffCreate by actor.
func (s *Store) CreateStaffAudited(ctx context.Context, actor AuditEntry, op handoff.Operator, passwordHash []byte) (handoff.Operator, error) {
	actor.Action = AuditStaffCreate
	return s.createStaff(ctx, op, passwordHash, &actor)
}

// UpdateStaffAudited is UpdateStaff recording AuditStaffUpdate (the new
// name, role, skills and capacity) by actor.
func (s *Store) UpdateStaffAudited(ctx context.Context, actor AuditEntry, op handoff.Operator) error {
	updates, err := staffUpdates(op)
	if err != nil {
		return err
	}
	actor.Action, actor.Target = AuditStaffUpdate, staffTarget(op.ID, op.Login)
	actor.Details = AuditDetails(map[string]any{"name": op.Name, "role": op.Role, "skills": op.Skills, "capacity": op.Capacity})
	return s.updateStaffAudited(ctx, op.ID, updates, &actor)
}

// SetStaffPasswordAudited is SetStaffPassword recording AuditStaffPassword
// (never the hash) by actor.
func (s *Store) SetStaffPasswordAudited(ctx context.Context, actor AuditEntry, op handoff.Operator, hash []byte) error {
	if hash == nil {
		hash = []byte{}
	}
	actor.Action, actor.Target, actor.Details = AuditStaffPassword, staffTarget(op.ID, op.Login), nil
	return s.updateStaffAudited(ctx, op.ID, map[string]any{"password_hash": hash}, &actor)
}

// SetStaffDisabledAudited is SetStaffDisabled recording AuditStaffDisable
// or AuditStaffEnable by actor.
func (s *Store) SetStaffDisabledAudited(ctx context.Context, actor AuditEntry, op handoff.Operator, disabled bool) error {
	actor.Action = AuditStaffEnable
	if disabled {
		actor.Action = AuditStaffDisable
	}
	actor.Target, actor.Details = staffTarget(op.ID, op.Login), nil
	return s.updateStaffAudited(ctx, op.ID, map[string]any{"disabled": disabled}, &actor)
}
