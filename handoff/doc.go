// Package handoff is the human side of Switchboard as plain data and pure
// functions: tickets and their lifecycle, priority rules, the queue order,
// operators with roles, skills, presence and capacity, assignment plans,
// reassignment of stale tickets, SLA targets and breach notices, CSAT and
// per-operator quality figures.
//
// Nothing here reads a clock, a database or the network. The storage layer
// loads rows (inside a transaction, with FOR UPDATE SKIP LOCKED where it
// claims), calls these functions with an explicit "now", and writes back the
// result; the console maps the coded errors (chat.Error) to HTTP statuses.
//
// Times that have not happened yet (AssignedAt, FirstResponseAt, ResolvedAt)
// are zero time.Time values, never pointers: a Ticket copies by value with no
// shared state, and the store maps NULL to the zero time and back.
//
// The package imports only the standard library and internal/chat.
package handoff
