package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// CreateLinkCode stores a one-time code (by its hash) that links an account
// on channel to playerID until expires.
func (s *Store) CreateLinkCode(ctx context.Context, playerID string, channel chat.Channel, codeHash string, expires time.Time) error {
	now := s.now()
	db, done := s.w(ctx)
	defer done()
	err := db.Create(&linkCodeRow{CodeHash: codeHash, PlayerID: playerID, Channel: string(channel),
		ExpiresAt: dbTime(expires), CreatedAt: now}).Error
	if err != nil {
		return fmt.Errorf("store: create link code: %w", err)
	}
	// Spent and expired codes are of no use: drop those a day old.
	return db.Where("created_at < ? AND (used_at IS NOT NULL OR expires_at < ?)", now.Add(-24*time.Hour), now).
		Delete(&linkCodeRow{}).Error
}

// RedeemLinkCode links the account externalID on channel to the player the
// code was made for, in one transaction: the code must exist for channel,
// be unexpired at now and unused; it is used up. A player has one account
// per channel (linking another replaces it) and an account one player
// (relinking moves it). ENOTFOUND for an unknown, foreign-channel, expired
// or used code — the caller cannot tell which, and neither can a guesser —
// except that the account that used a code may redeem it again (a
// re-processed update) and gets the same answer.
func (s *Store) RedeemLinkCode(ctx context.Context, channel chat.Channel, codeHash, externalID string, now time.Time) (string, error) {
	now = dbTime(now)
	var playerID string
	db, done := s.w(ctx)
	err := db.Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&linkCodeRow{}).
			Where("code_hash = ? AND channel = ? AND used_at IS NULL AND expires_at > ?", codeHash, string(channel), now).
			Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		var code linkCodeRow
		if err := tx.Limit(1).Find(&code, "code_hash = ? AND channel = ?", codeHash, string(channel)).Error; err != nil {
			return err
		}
		if res.RowsAffected == 0 {
			// The same account redeeming its code again (an update
			// processed twice) is answered as the first time.
			var linked identityRow
			if code.UsedAt != nil && tx.Limit(1).Find(&linked, "channel = ? AND external_id = ? AND player_id = ?",
				string(channel), externalID, code.PlayerID).Error == nil && linked.PlayerID != "" {
				playerID = linked.PlayerID
				return nil
			}
			return chat.Errorf(chat.ENOTFOUND, "link code unknown, expired or used")
		}
		playerID = code.PlayerID
		var old []identityRow
		if err := tx.Where("channel = ? AND (player_id = ? OR external_id = ?)", string(channel), playerID, externalID).
			Find(&old).Error; err != nil {
			return err
		}
		for _, o := range old {
			if err := tx.Where("channel = ? AND external_id = ?", o.Channel, o.ExternalID).Delete(&identityRow{}).Error; err != nil {
				return err
			}
			if err := stopTargetDeliveries(tx, channel, o.ExternalID, now, "the account was linked again"); err != nil {
				return err
			}
		}
		return tx.Create(&identityRow{Channel: string(channel), ExternalID: externalID, PlayerID: playerID, CreatedAt: now}).Error
	})
	done()
	if err != nil {
		return "", wrapTx(err, "redeem %s link code", channel)
	}
	return playerID, nil
}

// IdentityPlayer returns the player linked to the account, or ENOTFOUND.
func (s *Store) IdentityPlayer(ctx context.Context, channel chat.Channel, externalID string) (string, error) {
	var row identityRow
	err := s.db.WithContext(ctx).First(&row, "channel = ? AND external_id = ?", string(channel), externalID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", chat.Errorf(chat.ENOTFOUND, "%s account is not linked", channel)
	}
	if err != nil {
		return "", fmt.Errorf("store: read %s identity: %w", channel, err)
	}
	return row.PlayerID, nil
}

// PlayerIdentity returns the player's account on channel, or ENOTFOUND.
func (s *Store) PlayerIdentity(ctx context.Context, channel chat.Channel, playerID string) (string, error) {
	var row identityRow
	err := s.db.WithContext(ctx).First(&row, "channel = ? AND player_id = ?", string(channel), playerID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", chat.Errorf(chat.ENOTFOUND, "player has no %s account linked", channel)
	}
	if err != nil {
		return "", fmt.Errorf("store: read %s identity: %w", channel, err)
	}
	return row.ExternalID, nil
}

// Unlink removes the link of an account (externalID) or of a player's
// account (playerID) on channel — give one of the two — and stops what was
// still to be delivered there. It reports whether a link existed.
func (s *Store) Unlink(ctx context.Context, channel chat.Channel, externalID, playerID string) (bool, error) {
	if (externalID == "") == (playerID == "") {
		return false, chat.Errorf(chat.EINVALID, "unlink needs an account or a player")
	}
	now := dbTime(s.now())
	var found bool
	db, done := s.w(ctx)
	err := db.Transaction(func(tx *gorm.DB) error {
		var row identityRow
		q := tx.Where("channel = ? AND external_id = ?", string(channel), externalID)
		if playerID != "" {
			q = tx.Where("channel = ? AND player_id = ?", string(channel), playerID)
		}
		if err := q.Limit(1).Find(&row).Error; err != nil {
			return err
		}
		if row.ExternalID == "" {
			return nil
		}
		found = true
		if err := tx.Where("channel = ? AND external_id = ?", string(channel), row.ExternalID).Delete(&identityRow{}).Error; err != nil {
			return err
		}
		return stopTargetDeliveries(tx, channel, row.ExternalID, now, "the account was unlinked")
	})
	done()
	if err != nil {
		return false, fmt.Errorf("store: unlink %s account: %w", channel, err)
	}
	return found, nil
}

func stopTargetDeliveries(tx *gorm.DB, channel chat.Channel, target string, now time.Time, reason string) error {
	return tx.Model(&deliveryRow{}).Where("channel = ? AND target = ? AND state = ?", string(channel), target, deliveryPending).
		Updates(map[string]any{"state": deliveryStopped, "done_at": now, "leased_until": nil, "last_error": reason}).Error
}
