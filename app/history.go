package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/opsbot/opsbot/checks"
)

// historyEvery is how often the buffered check results are written.
const historyEvery = time.Minute

// finalFlush bounds the last write at shutdown: with the bot's drain
// (bot.shutdown_timeout, 10 s) it stays within systemd's 30 s stop timeout.
// With a thousand checks on the embedded store part of the last minute is
// lost.
const finalFlush = 15 * time.Second

// maxHistoryBuffer bounds the results kept while the store cannot take
// them (an outage); beyond it the oldest are dropped.
const maxHistoryBuffer = 200_000

// historyWriter stores a batch of results; storage.History implements it.
type historyWriter interface {
	RecordResults(ctx context.Context, rs []checks.Result) error
}

// historyBuffer is the checks' result sink: it keeps the results in
// memory and writes them once a minute, one update per check and day, from
// one goroutine. Writing each result as it came made a store of 1,000
// checks queue a thousand writes on the embedded server's one connection,
// every update scanning the history, so commands and pages waited behind
// them (22 s for /status in the benchmark). A crash loses at most a
// minute of history, which only the digests read.
type historyBuffer struct {
	mu      sync.Mutex
	pending []checks.Result
}

func (h *historyBuffer) RecordResult(_ context.Context, r checks.Result) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.pending) >= maxHistoryBuffer {
		h.pending = h.pending[1:]
	}
	h.pending = append(h.pending, r)
	return nil
}

// flush writes what is buffered, one check at a time; on an error it
// keeps the checks not written for the next flush, ahead of what came
// meanwhile.
func (h *historyBuffer) flush(ctx context.Context, w historyWriter, log *slog.Logger) {
	h.mu.Lock()
	batch := h.pending
	h.pending = nil
	h.mu.Unlock()
	var order []string
	byCheck := make(map[string][]checks.Result)
	for _, r := range batch {
		if byCheck[r.Check] == nil {
			order = append(order, r.Check)
		}
		byCheck[r.Check] = append(byCheck[r.Check], r)
	}
	for i, check := range order {
		err := w.RecordResults(ctx, byCheck[check])
		if err == nil {
			continue
		}
		var rest []checks.Result
		for _, c := range order[i:] {
			rest = append(rest, byCheck[c]...)
		}
		log.Warn("could not record check results; trying again later", "results", len(rest), "err", err)
		h.mu.Lock()
		h.pending = append(rest, h.pending...)
		if n := len(h.pending) - maxHistoryBuffer; n > 0 {
			h.pending = h.pending[n:]
		}
		h.mu.Unlock()
		return
	}
}

// flushLoop flushes every historyEvery until ctx ends, and once more then.
func (h *historyBuffer) flushLoop(ctx context.Context, clock clockwork.Clock, w historyWriter, log *slog.Logger) {
	tick := clock.NewTicker(historyEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalFlush)
			h.flush(final, w, log)
			cancel()
			return
		case <-tick.Chan():
			h.flush(ctx, w, log)
		}
	}
}
