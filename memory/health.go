package memory

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// health tells, node by node, whether Redis answers. A cluster's master
// that dies fails only the calls for its slots, and only until its replica
// is promoted: the other masters' conversations keep their memory, and an
// asking kept on the dead master waits for the failover (claimUnknown)
// until its node has failed for DownAfter. A single server, or Sentinel's
// master, is one node, named "".
type health struct {
	route     func(ctx context.Context, key string) string // the node that serves key now
	now       func() time.Time
	downAfter time.Duration
	log       *slog.Logger
	observer  interface{ ObserveRedisError() }

	mu    sync.Mutex
	nodes map[string]*failure // the nodes failing now, by address
}

// failure is a node's run of failed calls.
type failure struct {
	since   time.Time // its first failed call since one went well
	retryAt time.Time // a single server is not called again before this
	key     string    // its last failed call's key: the cluster moves it elsewhere
}

func newHealth(route func(ctx context.Context, key string) string, opt Options, log *slog.Logger) *health {
	return &health{route: route, now: opt.Now, downAfter: opt.DownAfter, log: log, observer: opt.Observer, nodes: map[string]*failure{}}
}

// fault records a failed call to node for key. The first of a run is
// logged, once.
func (h *health) fault(node, key string, err error) {
	if h.observer != nil {
		h.observer.ObserveRedisError()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	f := h.nodes[node]
	if f == nil {
		f = &failure{since: now}
		h.nodes[node] = f
		h.log.Warn(fmt.Sprintf("redis unreachable; the askings kept there wait for it (a failover) up to %v, then are answered without memory", h.downAfter),
			"node", node, "err", err)
	}
	f.retryAt, f.key = now.Add(probeEvery), key
}

// ok records a call to node that went well, and ends its run of failures.
// A failing node whose keys another node now serves has failed over: its
// run ends too.
func (h *health) ok(ctx context.Context, node string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.nodes) == 0 {
		return
	}
	if f, was := h.nodes[node]; was {
		delete(h.nodes, node)
		h.log.Info("redis reachable again; memory restored", "node", node, "after", h.now().Sub(f.since).Round(time.Millisecond))
	}
	for n, f := range h.nodes {
		if to := h.route(ctx, f.key); to != n && to != "" {
			delete(h.nodes, n)
			h.log.Info("redis failed over; memory restored", "node", n, "to", to, "after", h.now().Sub(f.since).Round(time.Millisecond))
		}
	}
}

// down reports whether node has failed for DownAfter or longer: down, not
// failing over.
func (h *health) down(node string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.nodes[node]
	return f != nil && h.now().Sub(f.since) >= h.downAfter
}

// resting reports whether a node that failed is not yet due another try.
func (h *health) resting(node string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.nodes[node]
	return f != nil && h.now().Before(f.retryAt)
}
