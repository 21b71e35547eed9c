package kb

import (
	"fmt"
	"testing"
)

func TestCandidateCacheEvictsLeastRecent(t *testing.T) {
	c := newCandidateCache(2)
	c.put("a", []candidate{{score: 1}})
	c.put("b", []candidate{{score: 2}})
	if _, ok := c.get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.put("c", []candidate{{score: 3}})
	if _, ok := c.get("b"); ok {
		t.Error("b should have been evicted")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s evicted", k)
		}
	}
	for i := range 100 {
		c.put(fmt.Sprint(i), nil)
	}
	if c.order.Len() != 2 || len(c.items) != 2 {
		t.Fatalf("cache grew to %d/%d", c.order.Len(), len(c.items))
	}
}
