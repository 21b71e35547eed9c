package store

import "time"

// identityRow links an account on a channel (a Telegram user id) to a
// player. One account per player per channel: linking another replaces it.
type identityRow struct {
	Channel    string     `gorm:"primaryKey;size:16;uniqueIndex:idx_identities_player,priority:1"`
	ExternalID string     `gorm:"primaryKey;size:64"`
	PlayerID   string     `gorm:"size:128;not null;uniqueIndex:idx_identities_player,priority:2"`
	BlockedAt  *time.Time // the account blocked the bot: nothing is delivered there until it writes again
	CreatedAt  time.Time
}

func (identityRow) TableName() string { return "identities" }

// linkCodeRow is a one-time code that links a channel account to the
// player who asked for it. Only the code's hash is stored.
type linkCodeRow struct {
	CodeHash  string `gorm:"primaryKey;size:64"`
	PlayerID  string `gorm:"size:128;not null;index"`
	Channel   string `gorm:"size:16;not null"`
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time `gorm:"index"`
}

func (linkCodeRow) TableName() string { return "link_codes" }

// deliveryRow is a player-facing message on its way to a push channel. The
// deliverer sends the oldest pending one per target, so a chat receives
// messages in the order they were stored; PartsSent remembers how far a
// split message got, so a restart does not send a part twice.
type deliveryRow struct {
	ID             int64      `gorm:"primaryKey;autoIncrement"`
	MessageID      int64      `gorm:"not null;uniqueIndex"`
	ConversationID int64      `gorm:"not null"`
	Channel        string     `gorm:"size:16;not null;index:idx_deliveries_pending,priority:1"`
	Target         string     `gorm:"size:64;not null;index:idx_deliveries_pending,priority:3"`
	State          string     `gorm:"size:16;not null;index:idx_deliveries_pending,priority:2"`
	Attempts       int        `gorm:"not null;default:0"`
	PartsSent      int        `gorm:"not null;default:0"`
	NextAttemptAt  time.Time  `gorm:"not null"`
	LeasedUntil    *time.Time // a deliverer is sending it; another takes it only after this
	LastError      string     `gorm:"size:512;not null;default:''"`
	CreatedAt      time.Time
	DoneAt         *time.Time
}

func (deliveryRow) TableName() string { return "deliveries" }

// inboundUpdateRow is an update a channel pushed or we polled, stored
// before it is acknowledged and processed once, in order per chat.
type inboundUpdateRow struct {
	Channel   string `gorm:"primaryKey;size:16;index:idx_updates_pending,priority:1"`
	UpdateID  int64  `gorm:"primaryKey;autoIncrement:false;index:idx_updates_pending,priority:3"`
	ChatID    string `gorm:"size:64;not null"`
	Payload   string `gorm:"type:text;not null"`
	Done      bool   `gorm:"not null;default:false;index:idx_updates_pending,priority:2"` // (channel, done, update_id): the worker's scan reads pending rows only
	CreatedAt time.Time
	DoneAt    *time.Time
}

func (inboundUpdateRow) TableName() string { return "inbound_updates" }
