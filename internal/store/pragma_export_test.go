package store

import "context"

// SQLitePragma reads a pragma on the writer connection (tests only).
func (s *Store) SQLitePragma(ctx context.Context, name string) int {
	var v int
	db, done := s.w(ctx)
	defer done()
	db.Raw("PRAGMA " + name).Scan(&v)
	return v
}
