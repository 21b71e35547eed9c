package store

import (
	"context"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// AuditPlayerErase is a player anonymised (ErasePlayer).
const AuditPlayerErase = "player.erase"

// ErasedText replaces the text of every message of an erased player's
// conversations.
const ErasedText = "[erased]"

// Erasure is what ErasePlayer changed.
type Erasure struct {
	PlayerID      string `json:"-"`
	Conversations int    `json:"conversations"`
	Messages      int64  `json:"messages"`
	Tickets       int64  `json:"tickets"`
	Identities    int64  `json:"identities"`
	LinkCodes     int64  `json:"link_codes"`
	Deliveries    int64  `json:"deliveries_stopped"`
	Updates       int64  `json:"updates_deleted"`
}

// ErasePlayer anonymises one player everywhere, in one transaction with
// its audit row (AuditPlayerErase by actor, target "player:ID", the counts
// as details — never a name or a text):
//
//   - the player row keeps its id (the casino's opaque account key: sender
//     ids, tickets and conversations stay consistent, and erasing again is
//     a no-op that succeeds) and loses its name and attributes;
//   - every message of the player's conversations — the player's, the
//     bot's, operators' and notes, which may quote the player — becomes
//     ErasedText without buttons or articles (client ids stay, so a
//     redelivered Telegram update is still recognised as a duplicate);
//   - ticket reasons and CSAT comments are blanked, open tickets resolved
//     and open conversations closed (a returning player starts afresh);
//   - flow states are reset to empty (slots cleared, version bumped, so a
//     turn computed before loses);
//   - identities (Telegram links) and link codes are deleted, deliveries
//     of the conversations stopped and their targets blanked, and the
//     stored Telegram updates of the player's chats deleted (the newest
//     stored update id survives as an empty, processed row: polling
//     resumes after it).
//
// An unknown player is ENOTFOUND.
func (s *Store) ErasePlayer(ctx context.Context, playerID string, actor AuditEntry) (Erasure, error) {
	if playerID == "" {
		return Erasure{}, chat.Errorf(chat.EINVALID, "player id required")
	}
	now := dbTime(s.now())
	out := Erasure{PlayerID: playerID}
	db, done := s.w(ctx)
	defer done()
	err := db.Transaction(func(tx *gorm.DB) error {
		var p playerRow
		if err := tx.Select("id").First(&p, "id = ?", playerID).Error; err != nil {
			return notFound(err, "player %s not found", playerID)
		}
		if err := tx.Model(&playerRow{}).Where("id = ?", playerID).
			Updates(map[string]any{"name": "", "attributes": "{}", "updated_at": now}).Error; err != nil {
			return err
		}
		// Writers of messages lock the conversation first: lock them all,
		// so no message lands half-way through.
		q := tx.Where("player_id = ?", playerID).Order("id")
		if isPostgres(tx) {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var convs []conversationRow
		if err := q.Find(&convs).Error; err != nil {
			return err
		}
		out.Conversations = len(convs)
		ids := make([]int64, len(convs))
		for i, c := range convs {
			ids[i] = c.ID
		}
		// The player's Telegram chats: linked now, delivered to before, and
		// the updates their messages came from (client id tg:<update id>).
		chats, updateIDs, err := playerTelegram(tx, playerID)
		if err != nil {
			return err
		}
		inConvs := tx.Model(&conversationRow{}).Select("id").Where("player_id = ?", playerID)
		res := tx.Model(&messageRow{}).Where("conversation_id IN (?)", inConvs).
			Updates(map[string]any{"text": ErasedText, "buttons": "null", "articles": "null"})
		if res.Error != nil {
			return res.Error
		}
		out.Messages = res.RowsAffected
		res = tx.Model(&ticketRow{}).Where("player_id = ? OR conversation_id IN (?)", playerID, inConvs).
			Updates(map[string]any{"reason": "", "csat_comment": "", "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		out.Tickets = res.RowsAffected
		if err := tx.Model(&ticketRow{}).
			Where("(player_id = ? OR conversation_id IN (?)) AND status IN ?", playerID, inConvs,
				[]string{string(handoff.StatusQueued), string(handoff.StatusAssigned)}).
			Updates(map[string]any{"status": string(handoff.StatusResolved), "resolved_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&conversationRow{}).Where("player_id = ? AND state <> ?", playerID, chat.StateClosed).
			Updates(map[string]any{"state": string(chat.StateClosed), "closed_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&flowStateRow{}).Where("conversation_id IN (?)", inConvs).
			Updates(map[string]any{"state": "{}", "version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return err
		}
		res = tx.Model(&deliveryRow{}).Where("conversation_id IN (?) AND state = ?", inConvs, deliveryPending).
			Updates(map[string]any{"state": deliveryStopped, "done_at": now, "leased_until": nil, "last_error": "the player was erased"})
		if res.Error != nil {
			return res.Error
		}
		out.Deliveries = res.RowsAffected
		if err := tx.Model(&deliveryRow{}).Where("conversation_id IN (?)", inConvs).Update("target", "").Error; err != nil {
			return err
		}
		for _, c := range chats {
			if err := stopTargetDeliveries(tx, chat.ChannelTelegram, c, now, "the player was erased"); err != nil {
				return err
			}
		}
		if res = tx.Where("player_id = ?", playerID).Delete(&identityRow{}); res.Error != nil {
			return res.Error
		}
		out.Identities = res.RowsAffected
		if res = tx.Where("player_id = ?", playerID).Delete(&linkCodeRow{}); res.Error != nil {
			return res.Error
		}
		out.LinkCodes = res.RowsAffected
		var lastUpdate *int64
		if err := tx.Model(&inboundUpdateRow{}).Where("channel = ?", string(chat.ChannelTelegram)).
			Select("MAX(update_id)").Scan(&lastUpdate).Error; err != nil {
			return err
		}
		for c := range chunks(chats, 500) {
			res = tx.Where("channel = ? AND chat_id IN ?", string(chat.ChannelTelegram), c).Delete(&inboundUpdateRow{})
			if res.Error != nil {
				return res.Error
			}
			out.Updates += res.RowsAffected
		}
		for c := range chunks(updateIDs, 500) {
			res = tx.Where("channel = ? AND update_id IN ?", string(chat.ChannelTelegram), c).Delete(&inboundUpdateRow{})
			if res.Error != nil {
				return res.Error
			}
			out.Updates += res.RowsAffected
		}
		if lastUpdate != nil && out.Updates > 0 {
			// Polling resumes after the highest stored update id: should
			// the newest one have gone, an empty processed stand-in keeps
			// the offset (pruned with the other processed updates).
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&inboundUpdateRow{
				Channel: string(chat.ChannelTelegram), UpdateID: *lastUpdate, ChatID: "", Payload: "{}",
				Done: true, CreatedAt: now, DoneAt: &now}).Error; err != nil {
				return err
			}
		}
		actor.Action, actor.Target, actor.Details = AuditPlayerErase, "player:"+playerID, AuditDetails(out)
		return s.appendAudit(tx, actor)
	})
	if err != nil {
		return Erasure{}, wrapTx(err, "erase player %s", playerID)
	}
	return out, nil
}

// playerTelegram returns the Telegram chats of a player (the linked
// account and every chat a delivery of their conversations went to) and
// the update ids their Telegram messages were stored from.
func playerTelegram(tx *gorm.DB, playerID string) (chats []string, updateIDs []int64, err error) {
	seen := map[string]bool{}
	var linked []string
	if err := tx.Model(&identityRow{}).Where("player_id = ? AND channel = ?", playerID, string(chat.ChannelTelegram)).
		Pluck("external_id", &linked).Error; err != nil {
		return nil, nil, err
	}
	var targets []string
	if err := tx.Model(&deliveryRow{}).Distinct("target").
		Where("channel = ? AND target <> '' AND conversation_id IN (?)", string(chat.ChannelTelegram),
			tx.Model(&conversationRow{}).Select("id").Where("player_id = ?", playerID)).
		Pluck("target", &targets).Error; err != nil {
		return nil, nil, err
	}
	for _, c := range append(linked, targets...) {
		if !seen[c] {
			seen[c] = true
			chats = append(chats, c)
		}
	}
	var clientIDs []string
	if err := tx.Model(&messageRow{}).
		Where("sender = ? AND sender_id = ? AND channel = ? AND client_id LIKE ?", string(chat.SenderPlayer), playerID,
			string(chat.ChannelTelegram), "tg:%").
		Pluck("client_id", &clientIDs).Error; err != nil {
		return nil, nil, err
	}
	for _, c := range clientIDs {
		if id, err := strconv.ParseInt(strings.TrimPrefix(c, "tg:"), 10, 64); err == nil {
			updateIDs = append(updateIDs, id)
		}
	}
	return chats, updateIDs, nil
}

// chunks yields s in pieces of at most n, so an IN list stays under the
// databases' parameter limits.
func chunks[T any](s []T, n int) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}
