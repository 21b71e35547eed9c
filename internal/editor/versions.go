package editor

import (
	"context"

	"github.com/switchboard-support/switchboard/internal/store"
)

// Versions returns up to limit versions numbered below before (0: from
// the newest), newest first, and the live version's number.
func (s *Service) Versions(ctx context.Context, before int64, limit int) ([]store.Release, int64, error) {
	live, err := s.store.LiveReleaseNumber(ctx)
	if err != nil {
		return nil, 0, err
	}
	list, err := s.store.Releases(ctx, before, limit)
	return list, live, err
}

// Version returns version n with its files.
func (s *Service) Version(ctx context.Context, n int64) (store.Release, error) {
	return s.releases.get(ctx, n)
}
