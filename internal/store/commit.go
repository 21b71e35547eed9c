package store

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// groupCommitter writes the turns that arrive together in one SQLite
// transaction. SQLite has one writer, and a commit's cost is mostly the
// pages it writes to the WAL; turns committed together share those pages
// (the same table and index pages), so a busy server writes far less. Each
// turn runs inside its own savepoint, so one turn's conflict (a duplicate
// message, a stale flow state) never affects the others in the batch.
type groupCommitter struct {
	s     *Store
	queue chan *commitRequest
	stop  chan struct{}
	done  chan struct{}

	mu     sync.RWMutex // submitters hold it shared; close exclusively
	closed bool
}

type commitRequest struct {
	turn      TurnResult
	stateJSON string
	result    chan commitResult
}

type commitResult struct {
	out TurnOutcome
	err error
}

// maxBatch bounds one transaction, so a burst cannot hold the writer long.
const maxBatch = 64

func newGroupCommitter(s *Store) *groupCommitter {
	g := &groupCommitter{s: s, queue: make(chan *commitRequest, 1024), stop: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

// submit queues a turn and waits for its transaction to commit.
func (g *groupCommitter) submit(ctx context.Context, t TurnResult, stateJSON string) (TurnOutcome, error) {
	req := &commitRequest{turn: t, stateJSON: stateJSON, result: make(chan commitResult, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return TurnOutcome{}, chat.Errorf(chat.EUNAVAILABLE, "store closed")
	}
	select {
	case g.queue <- req:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return TurnOutcome{}, ctx.Err()
	}
	// Once queued the turn will be written: wait for the outcome even if
	// the caller gives up, so it never reports failure for a stored turn.
	r := <-req.result
	return r.out, r.err
}

func (g *groupCommitter) run() {
	defer close(g.done)
	for {
		var first *commitRequest
		select {
		case first = <-g.queue:
		case <-g.stop:
			// Finish what was queued before the stop.
			for {
				select {
				case req := <-g.queue:
					g.write([]*commitRequest{req})
				default:
					return
				}
			}
		}
		batch := []*commitRequest{first}
	fill:
		for len(batch) < maxBatch {
			select {
			case req := <-g.queue:
				batch = append(batch, req)
			default:
				break fill
			}
		}
		g.write(batch)
	}
}

// write commits a batch; a failure of the transaction itself fails every
// turn in it.
func (g *groupCommitter) write(batch []*commitRequest) {
	results := make([]commitResult, len(batch))
	db, done := g.s.w(context.Background())
	err := db.Transaction(func(tx *gorm.DB) error {
		now := g.s.now()
		for i, req := range batch {
			var err error
			if results[i], err = g.writeInSavepoint(tx, "t"+strconv.Itoa(i), req, now); err != nil {
				return err // the transaction's state is unknown: fail the whole batch
			}
		}
		return nil
	})
	done()
	for i, req := range batch {
		if err != nil {
			results[i] = commitResult{err: fmt.Errorf("store: commit turns: %w", err)}
		}
		req.result <- results[i]
	}
}

// writeInSavepoint writes one turn in its own savepoint. The turn's own
// failure is its result; a failure of the savepoint machinery itself is
// returned as fatal, and fails the batch.
func (g *groupCommitter) writeInSavepoint(tx *gorm.DB, name string, req *commitRequest, now time.Time) (commitResult, error) {
	if err := tx.SavePoint(name).Error; err != nil {
		return commitResult{}, fmt.Errorf("store: savepoint: %w", err)
	}
	out, err := completeTurn(tx, req.turn, req.stateJSON, now, g.s.liveness)
	if err != nil {
		if rbErr := tx.RollbackTo(name).Error; rbErr != nil {
			return commitResult{}, fmt.Errorf("store: roll back turn: %w (after %v)", rbErr, err)
		}
		return commitResult{err: err}, nil
	}
	return commitResult{out: out}, nil
}

// close stops the committer after the queued turns are written; later
// submits fail with EUNAVAILABLE. It is safe to call more than once.
func (g *groupCommitter) close() {
	g.mu.Lock()
	if !g.closed {
		g.closed = true
		close(g.stop)
	}
	g.mu.Unlock()
	<-g.done
}
