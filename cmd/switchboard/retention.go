package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/switchboard-support/switchboard/internal/store"
)

// retentionEvery is how often the retention job runs.
const retentionEvery = time.Hour

// retentionActor is who the audit log records for the retention job.
const retentionActor = "system:retention"

// retentionWorker returns serve's retention job: with keep > 0 it deletes
// the conversations closed or idle for longer than keep (with their
// messages, flow states, tickets and deliveries) at start and then every
// retentionEvery, until ctx ends; with keep ≤ 0 (the default) it returns
// at once and transcripts are kept for ever.
func retentionWorker(st *store.Store, keep time.Duration, log *slog.Logger) func(context.Context) {
	return func(ctx context.Context) {
		if keep <= 0 {
			return
		}
		runRetention(ctx, st, keep, time.Now(), log)
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				runRetention(ctx, st, keep, now, log)
			}
		}
	}
}

// runRetention is one run of the retention job at now.
func runRetention(ctx context.Context, st *store.Store, keep time.Duration, now time.Time, log *slog.Logger) store.Purge {
	before := now.Add(-keep)
	p, err := st.PurgeConversations(ctx, before, 0, store.AuditEntry{Actor: retentionActor})
	if err != nil && ctx.Err() == nil {
		log.Error("retention: purge failed", "before", before, "conversations", p.Conversations, "err", err)
		return p
	}
	if p.Conversations > 0 {
		log.Info("retention: conversations deleted", "before", before, "conversations", p.Conversations,
			"messages", p.Messages, "tickets", p.Tickets)
	}
	return p
}
