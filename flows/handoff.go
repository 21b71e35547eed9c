package flows

// HandoffRequest asks for the conversation to go to the human queue. The
// engine only decides; the conversation service records the ticket and stops
// the bot from answering until an operator hands the conversation back.
type HandoffRequest struct {
	Skill    string `json:"skill"`
	Priority string `json:"priority"`
	Reason   string `json:"reason"`
}
