package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Every write that adds messages to a conversation locks the conversation
// row first (conversationForUpdate: FOR UPDATE on PostgreSQL; SQLite has a
// single writer). A message id is drawn after that lock, so the messages of
// one conversation commit in id order and a reader that has seen id N has
// seen every earlier message: the web chat delivers by that sequence, and a
// socket never skips a message that committed late.

// pushChannels are the channels a deliverer sends to (deliveries). The web
// chat needs no record: its sockets and history read the conversation by
// sequence.
var pushChannels = map[chat.Channel]bool{chat.ChannelTelegram: true}

// playerFacing reports whether messages from sender are for the player.
func playerFacing(sender chat.Sender) bool {
	return sender == chat.SenderBot || sender == chat.SenderOperator || sender == chat.SenderSystem
}

// noteInbound makes the channel of a player's message the one the
// conversation's replies go to, and an account that writes again is no
// longer treated as having blocked the bot. conv must be locked.
func noteInbound(tx *gorm.DB, conv *conversationRow, m chat.Message, now time.Time) error {
	if m.Sender != chat.SenderPlayer || m.Channel == "" {
		return nil
	}
	if conv.Channel != string(m.Channel) {
		if err := tx.Model(&conversationRow{}).Where("id = ?", conv.ID).
			Updates(map[string]any{"channel": string(m.Channel), "updated_at": now}).Error; err != nil {
			return fmt.Errorf("store: set channel of conversation %d: %w", conv.ID, err)
		}
		conv.Channel = string(m.Channel)
	}
	if pushChannels[m.Channel] {
		err := tx.Model(&identityRow{}).Where("channel = ? AND player_id = ? AND blocked_at IS NOT NULL", m.Channel, conv.PlayerID).
			Update("blocked_at", nil).Error
		if err != nil {
			return fmt.Errorf("store: unblock %s identity of %s: %w", m.Channel, conv.PlayerID, err)
		}
	}
	return nil
}

// queueDeliveries records, in the caller's transaction, a delivery for each
// player-facing message bound for a push channel the player is linked on
// (and has not blocked). Messages for other channels stay in the history,
// where the player reads them on any channel.
func queueDeliveries(tx *gorm.DB, playerID string, msgs []chat.Message, now time.Time) error {
	targets := map[chat.Channel]string{}
	var rows []deliveryRow
	for _, m := range msgs {
		if !playerFacing(m.Sender) || !pushChannels[m.Channel] {
			continue
		}
		target, seen := targets[m.Channel]
		if !seen {
			var id identityRow
			err := tx.Where("channel = ? AND player_id = ? AND blocked_at IS NULL", m.Channel, playerID).
				Limit(1).Find(&id).Error
			if err != nil {
				return fmt.Errorf("store: find %s identity of %s: %w", m.Channel, playerID, err)
			}
			target, targets[m.Channel] = id.ExternalID, id.ExternalID
		}
		if target == "" {
			continue
		}
		rows = append(rows, deliveryRow{MessageID: m.ID, ConversationID: m.ConversationID, Channel: string(m.Channel),
			Target: target, State: deliveryPending, NextAttemptAt: dbTime(now), CreatedAt: now})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("store: queue deliveries: %w", err)
	}
	return nil
}

// Delivery states.
const (
	deliveryPending = "pending"
	deliverySent    = "sent"
	deliveryFailed  = "failed"  // refused for good (a bad request); later ones go on
	deliveryStopped = "stopped" // the account blocked the bot or was unlinked
)
