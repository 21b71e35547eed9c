package store

import (
	"context"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// SeedConversationForTest stores a closed conversation of player started
// at `at` (tests only: analytics seed history directly).
func (s *Store) SeedConversationForTest(ctx context.Context, player, locale string, at time.Time) (int64, error) {
	at = dbTime(at)
	row := conversationRow{PlayerID: player, Channel: string(chat.ChannelWebchat), Locale: locale,
		State: string(chat.StateClosed), CreatedAt: at, UpdatedAt: at, ClosedAt: &at}
	db, done := s.w(ctx)
	defer done()
	return row.ID, db.Create(&row).Error
}

// SeedTicketForTest stores a resolved ticket of a conversation (tests only).
func (s *Store) SeedTicketForTest(ctx context.Context, conversationID int64, at time.Time) error {
	at = dbTime(at)
	row := ticketRow{ConversationID: conversationID, Skill: "general", Priority: "normal", Channel: string(chat.ChannelWebchat),
		Status: "resolved", CreatedAt: at, UpdatedAt: at, ResolvedAt: &at}
	db, done := s.w(ctx)
	defer done()
	return db.Create(&row).Error
}

// SeedTurnForTest stores a player message at `at` in a conversation and the
// record of the bot turn that answered it (tests only).
func (s *Store) SeedTurnForTest(ctx context.Context, conversationID int64, at time.Time, r TurnRecord, handoff bool) error {
	at = dbTime(at)
	db, done := s.w(ctx)
	defer done()
	var conv conversationRow
	if err := db.First(&conv, conversationID).Error; err != nil {
		return err
	}
	msg := messageRow{ConversationID: conv.ID, Sender: string(chat.SenderPlayer), SenderID: conv.PlayerID,
		Channel: conv.Channel, Text: "…", CreatedAt: at}
	if err := db.Create(&msg).Error; err != nil {
		return err
	}
	return saveTurnRecord(db, conv, chat.Message{ID: msg.ID, Channel: chat.Channel(conv.Channel)}, r, handoff, at)
}
