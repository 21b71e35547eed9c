package store

import "context"

// LiveContentVersionID returns the id of the most recently published
// version without reading its files — what instances poll to notice a
// publication — or ENOTFOUND when nothing was ever published.
func (s *Store) LiveContentVersionID(ctx context.Context) (int64, error) {
	var pub contentPublicationRow
	if err := s.db.WithContext(ctx).Select("id", "version_id").Order("id DESC").First(&pub).Error; err != nil {
		return 0, notFound(err, "no content version published")
	}
	return pub.VersionID, nil
}
