package conversation

import (
	"context"
	"strconv"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// StaffName returns the display name of the staff member an operator
// message names in its SenderID, so a player can see who answers; "" when
// the id names no account. Nothing else about the account (its id, login,
// role) is for players.
func (s *Service) StaffName(ctx context.Context, senderID string) (string, error) {
	id, err := strconv.ParseInt(senderID, 10, 64)
	if err != nil || id <= 0 {
		return "", nil
	}
	op, err := s.store.Staff(ctx, id)
	if chat.ErrorCode(err) == chat.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return op.Name, nil
}
