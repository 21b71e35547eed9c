package store

import "time"

// Rows are the gorm shapes of the domain types; they never leave this package.

type playerRow struct {
	ID         string `gorm:"primaryKey;size:128"`
	Name       string `gorm:"size:256"`
	Locale     string `gorm:"size:8"`
	Attributes string `gorm:"type:text"` // JSON object
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (playerRow) TableName() string { return "players" }

type conversationRow struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	PlayerID  string    `gorm:"size:128;not null;index;uniqueIndex:idx_conversations_open,where:state <> 'closed'"`
	Channel   string    `gorm:"size:16;not null"`
	Locale    string    `gorm:"size:8;not null"`
	State     string    `gorm:"size:16;not null;index"`
	CreatedAt time.Time `gorm:"index"` // analytics count conversations by when they started
	UpdatedAt time.Time
	ClosedAt  *time.Time
}

func (conversationRow) TableName() string { return "conversations" }

type messageRow struct {
	ID             int64  `gorm:"primaryKey;autoIncrement"`
	ConversationID int64  `gorm:"not null;index:idx_messages_conversation,priority:1"`
	Sender         string `gorm:"size:16;not null;uniqueIndex:idx_messages_client,priority:1"`
	SenderID       string `gorm:"size:128;not null;uniqueIndex:idx_messages_client,priority:2"`
	// ClientID is NULL for messages without one (bot replies): NULLs never
	// collide in a unique index, so no partial index is needed, and a full
	// index serves the idempotency lookup on both databases.
	ClientID  *string `gorm:"size:128;uniqueIndex:idx_messages_client,priority:3"`
	Channel   string  `gorm:"size:16;not null"`
	Text      string  `gorm:"type:text;not null"`
	Buttons   string  `gorm:"type:text"`          // JSON array
	Articles  string  `gorm:"type:text"`          // JSON array
	ReplyTo   int64   `gorm:"not null;default:0"` // found within a conversation: no index of its own
	CreatedAt time.Time
}

func (messageRow) TableName() string { return "messages" }

type flowStateRow struct {
	ConversationID int64  `gorm:"primaryKey;autoIncrement:false"`
	State          string `gorm:"type:text;not null"` // JSON of flows.State
	Version        int64  `gorm:"not null"`
	UpdatedAt      time.Time
}

func (flowStateRow) TableName() string { return "flow_states" }

type contentVersionRow struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Hash      string `gorm:"size:64;not null;uniqueIndex"`
	Files     []byte `gorm:"not null"` // JSON object: path → base64 content
	Note      string `gorm:"type:text"`
	Author    string `gorm:"size:128"`
	CreatedAt time.Time
}

func (contentVersionRow) TableName() string { return "content_versions" }

type contentPublicationRow struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	VersionID   int64  `gorm:"not null;index"`
	PublishedBy string `gorm:"size:128"`
	Summary     string `gorm:"type:text"` // the change summary of an editor publish or rollback
	CreatedAt   time.Time
}

func (contentPublicationRow) TableName() string { return "content_publications" }

// ticketRow is a handoff.Ticket. Times that have not happened yet are NULL
// (the zero time.Time in the domain). PriorityRank is Priority.Rank(), so
// the queue scan orders by an integer: (status, priority_rank, due_at, id)
// is the index ClaimNext walks. Defaults equal Go's zero values: gorm leaves
// a zero field with a default out of an INSERT.
type ticketRow struct {
	ID                 int64      `gorm:"primaryKey;autoIncrement;index:idx_tickets_queue,priority:4"`
	ConversationID     int64      `gorm:"not null;index"`
	PlayerID           string     `gorm:"size:128;not null;default:'';index"`
	Skill              string     `gorm:"size:32;not null"`
	Priority           string     `gorm:"size:16;not null"`
	PriorityRank       int        `gorm:"not null;default:0;index:idx_tickets_queue,priority:2"`
	Reason             string     `gorm:"type:text"`
	Channel            string     `gorm:"size:16;not null"`
	Status             string     `gorm:"size:16;not null;index;index:idx_tickets_queue,priority:1"`
	OperatorID         int64      `gorm:"not null;default:0;index"`
	PreviousOperatorID int64      `gorm:"not null;default:0"`
	CreatedAt          time.Time  `gorm:"index"`
	QueuedAt           *time.Time // when it last entered the queue (NULL on rows older than the column: created_at counts)
	DueAt              *time.Time `gorm:"index:idx_tickets_queue,priority:3"`
	AssignedAt         *time.Time
	FirstResponseAt    *time.Time `gorm:"index"`
	FirstResponseBy    int64      `gorm:"not null;default:0"`
	ResolvedAt         *time.Time `gorm:"index"`
	ResolvedBy         int64      `gorm:"not null;default:0"`
	BreachNotified     bool       `gorm:"not null;default:false"`
	CSAT               int        `gorm:"column:csat;not null;default:0"`
	CSATComment        string     `gorm:"column:csat_comment;type:text"`
	Transfers          int        `gorm:"not null;default:0"`
	UpdatedAt          time.Time
}

func (ticketRow) TableName() string { return "tickets" }

// staffRow is a handoff.Operator with its password hash.
type staffRow struct {
	ID           int64  `gorm:"primaryKey;autoIncrement"`
	Login        string `gorm:"size:128;not null;uniqueIndex"` // lower-cased
	Name         string `gorm:"size:256;not null;default:''"`
	Role         string `gorm:"size:16;not null"`
	Skills       string `gorm:"type:text;not null;default:'[]'"` // JSON array
	Capacity     int    `gorm:"not null;default:0"`
	Presence     string `gorm:"size:16;not null"`
	LastSeen     *time.Time
	HeartbeatAt  *time.Time // the last heartbeat a console socket of the account answered
	Disabled     bool       `gorm:"not null;default:false"`
	PasswordHash []byte     `gorm:"not null"`
	CreatedAt    time.Time
}

func (staffRow) TableName() string { return "staff" }

type sessionRow struct {
	TokenHash string `gorm:"primaryKey;size:128"`
	StaffID   int64  `gorm:"not null;index"`
	CSRFToken string `gorm:"column:csrf_token;size:128;not null"`
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (sessionRow) TableName() string { return "staff_sessions" }

type cannedRow struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Title     string `gorm:"size:256;not null"`
	Text      string `gorm:"type:text;not null"`
	Locale    string `gorm:"size:8;not null;default:''"`
	CreatedBy int64  `gorm:"not null;default:0"`
	UpdatedAt time.Time
}

func (cannedRow) TableName() string { return "canned_responses" }
