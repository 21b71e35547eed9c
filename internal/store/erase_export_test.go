package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// SetClockForTest makes the store read the time from now (tests only; call
// it before the store is shared).
func (s *Store) SetClockForTest(now func() time.Time) { s.now = now }

// TableTextForTest returns every row of every table as text, one line per
// row prefixed with its table name (tests only): a search for a string
// finds it wherever it is stored.
func (s *Store) TableTextForTest(ctx context.Context) (string, error) {
	tables, err := s.db.WithContext(ctx).Migrator().GetTables()
	if err != nil {
		return "", err
	}
	sort.Strings(tables)
	var b strings.Builder
	for _, table := range tables {
		var rows []map[string]any
		if err := s.db.WithContext(ctx).Table(table).Find(&rows).Error; err != nil {
			return "", fmt.Errorf("read %s: %w", table, err)
		}
		for _, r := range rows {
			keys := make([]string, 0, len(r))
			for k := range r {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString(table)
			for _, k := range keys {
				v := r[k]
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", k, v)
			}
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}
