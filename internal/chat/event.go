package chat

// EventType names a live event.
type EventType string

// Live events pushed to the player's open clients (and, later, operators).
const (
	EventMessage EventType = "message" // a message was stored
	EventTyping  EventType = "typing"  // Sender is composing
	EventStatus  EventType = "status"  // the conversation's state changed
	EventQueue   EventType = "queue"   // tickets changed (staff only)
)

// Event is something a connected client should learn at once.
type Event struct {
	Type         EventType
	PlayerID     string
	Conversation Conversation
	Message      *Message // EventMessage
	Sender       Sender   // EventTyping
}
