package conversation

import (
	"context"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// cardNoticeSender marks the card-data warning, given once per conversation.
const cardNoticeSender = "card-data"

// warnCardData tells the player, once per conversation, that the card
// number they wrote was hidden and never to send card data; the notice is
// stored (and delivered) like any system message and added to res.
func (s *Service) warnCardData(ctx context.Context, p chat.Player, res *Result) error {
	told, err := s.store.NoticeSent(ctx, res.Conversation.ID, cardNoticeSender)
	if err != nil || told {
		return err
	}
	locale := res.Conversation.Locale
	text := s.engine.SystemText(flows.MsgCardData, locale, nil)
	m, _, err := s.store.AppendInbound(ctx, chat.Message{ConversationID: res.Conversation.ID, Sender: chat.SenderSystem,
		SenderID: cardNoticeSender, Text: text})
	if err != nil {
		return err
	}
	res.Replies = append(res.Replies, m)
	s.notify(chat.Event{Type: chat.EventMessage, PlayerID: p.ID, Conversation: res.Conversation, Message: &m})
	return nil
}
