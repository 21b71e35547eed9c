package handoff

import "time"

// Liveness derives an operator's presence from their console connections:
// an operator is available only while at least one console socket of theirs
// answers heartbeats. The zero Liveness trusts the stored status and
// counts everyone as connected (tools and tests that have no consoles).
type Liveness struct {
	// Grace is how long after the last answered heartbeat an operator still
	// counts as connected: a reload or a short network hiccup changes
	// nothing. Past it the operator is away.
	Grace time.Duration
	// OfflineAfter is how long after the last heartbeat the operator is
	// offline and loses every ticket back to the queue. It is at least
	// Grace.
	OfflineAfter time.Duration
}

// DefaultLiveness is the server's default: 30 s of grace, offline after
// 5 minutes without a console.
func DefaultLiveness() Liveness {
	return Liveness{Grace: 30 * time.Second, OfflineAfter: 5 * time.Minute}
}

// Apply returns op with Disconnected and Status as the desk sees them at
// now, and Chosen as the operator set it. Connected means a heartbeat within Grace; the status is then the
// operator's own choice. Without a connection an operator who chose online
// or away is away until OfflineAfter has passed since the last heartbeat,
// and offline afterwards (and at once when they never connected). The zero
// Liveness returns op connected, its status unchanged.
func (l Liveness) Apply(op Operator, now time.Time) Operator {
	op.Chosen = op.Status
	if l.Grace <= 0 {
		op.Disconnected = false
		return op
	}
	since := now.Sub(op.HeartbeatAt)
	op.Disconnected = op.HeartbeatAt.IsZero() || since > l.Grace
	switch {
	case !op.Disconnected, op.Status == Offline:
	case !op.HeartbeatAt.IsZero() && since <= max(l.OfflineAfter, l.Grace):
		op.Status = Away
	default:
		op.Status = Offline
	}
	return op
}
