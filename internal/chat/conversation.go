package chat

import "time"

// Channel is where a conversation's messages arrive from.
type Channel string

// Channels.
const (
	ChannelWebchat  Channel = "webchat"
	ChannelTelegram Channel = "telegram"
	ChannelTicket   Channel = "ticket"
	ChannelCLI      Channel = "cli"
)

// ConversationState says who answers the player.
type ConversationState string

// Conversation states. Only in StateBot does the bot reply.
const (
	StateBot          ConversationState = "bot"
	StateQueued       ConversationState = "queued"
	StateWithOperator ConversationState = "with_operator"
	StateClosed       ConversationState = "closed"
)

// Conversation is one player's thread with support. A player has at most one
// open conversation; it follows them across channels.
type Conversation struct {
	ID        int64
	PlayerID  string
	Channel   Channel // channel of the latest inbound message
	Locale    string
	State     ConversationState
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Sender says who wrote a message.
type Sender string

// Senders.
const (
	SenderPlayer   Sender = "player"
	SenderBot      Sender = "bot"
	SenderOperator Sender = "operator"
	SenderSystem   Sender = "system"
	// SenderNote is an operator's internal note: staff see it, the player
	// never does.
	SenderNote Sender = "note"
)

// Button is a quick reply. Payload is sent back as the player's message when
// pressed; it defaults to Label.
type Button struct {
	Label   string `json:"label"`
	Payload string `json:"payload,omitempty"`
}

// ArticleRef points at a knowledge-base article shown in a reply.
type ArticleRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Message is one line of a conversation, as stored.
type Message struct {
	ID             int64
	ConversationID int64
	Sender         Sender
	SenderID       string // player id for player messages, staff id for operator replies and notes
	Channel        Channel
	Text           string
	Buttons        []Button
	Articles       []ArticleRef
	ClientID       string // the sender's idempotency key; empty for bot messages
	CreatedAt      time.Time
}

// Reply is an outbound message the bot wants to send, before it is stored.
type Reply struct {
	Text     string
	Buttons  []Button
	Articles []ArticleRef
}
