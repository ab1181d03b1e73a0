package answer

import (
	"context"
	"maps"
	"sync"
	"time"
)

// Stats is an Observer that counts what the model did, for eval to print;
// safe for concurrent use.
type Stats struct {
	mu        sync.Mutex
	answers   int            // answers in the model's words, checked
	rejected  map[string]int // replies the claim check rejected, by kind
	fallbacks map[string]int
}

var _ Observer = (*Stats)(nil)

// Counts returns the model answers, the replies rejected by the claim
// check by kind, and the fallbacks by reason.
func (s *Stats) Counts() (answers int, rejected, fallbacks map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answers, maps.Clone(s.rejected), maps.Clone(s.fallbacks)
}

// ObserveAnswer counts a checked answer of the model, or a fallback.
func (s *Stats) ObserveAnswer(_ context.Context, a Answer, _ time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case a.Cached:
	case a.Mode == ModeLLM:
		s.answers++
	case a.Fallback != "":
		if s.fallbacks == nil {
			s.fallbacks = map[string]int{}
		}
		s.fallbacks[a.Fallback]++
	}
}

// ObserveRejection counts a reply the claim check rejected, by its kind.
func (s *Stats) ObserveRejection(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rejected == nil {
		s.rejected = map[string]int{}
	}
	s.rejected[kind]++
}

// ObserveLimited is nothing to Stats.
func (s *Stats) ObserveLimited(context.Context) {}

// Observers tells each of obs, in turn.
type Observers []Observer

var _ Observer = Observers(nil)

// ObserveAnswer tells each observer of an answer.
func (o Observers) ObserveAnswer(ctx context.Context, a Answer, d time.Duration) {
	for _, x := range o {
		x.ObserveAnswer(ctx, a, d)
	}
}

// ObserveRejection tells each observer of a rejection.
func (o Observers) ObserveRejection(kind string) {
	for _, x := range o {
		x.ObserveRejection(kind)
	}
}

// ObserveLimited tells each observer of a rate-limited question.
func (o Observers) ObserveLimited(ctx context.Context) {
	for _, x := range o {
		x.ObserveLimited(ctx)
	}
}
