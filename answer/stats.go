package answer

import (
	"context"
	"maps"
	"reportbot/answer/reply"
	"sync"
	"time"
)

// Stats is an Observer that counts what the model did, for eval to print;
// safe for concurrent use.
type Stats struct {
	mu        sync.Mutex
	answers   int            // answers in the model's words, checked
	refused   map[string]int // selections refused, by reason
	fallbacks map[string]int
}

var _ Observer = (*Stats)(nil)

// Counts returns the answers rendered from a model's selection, the
// selections refused by reason, and the fallbacks by reason.
func (s *Stats) Counts() (answers int, refused, fallbacks map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answers, maps.Clone(s.refused), maps.Clone(s.fallbacks)
}

// ObserveAnswer counts an answer of the model's selection, or a fallback.
func (s *Stats) ObserveAnswer(_ context.Context, a reply.Answer, _ time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case a.Cached:
	case a.Mode == reply.ModeLLM:
		s.answers++
	case a.Fallback != "":
		if s.fallbacks == nil {
			s.fallbacks = map[string]int{}
		}
		s.fallbacks[a.Fallback]++
	}
}

// ObserveRefusal counts a selection refused, by its reason.
func (s *Stats) ObserveRefusal(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = map[string]int{}
	}
	s.refused[reason]++
}

// ObserveLimited is nothing to Stats.
func (s *Stats) ObserveLimited(context.Context) {}

// Observers tells each of obs, in turn.
type Observers []Observer

var _ Observer = Observers(nil)

// ObserveAnswer tells each observer of an answer.
func (o Observers) ObserveAnswer(ctx context.Context, a reply.Answer, d time.Duration) {
	for _, x := range o {
		x.ObserveAnswer(ctx, a, d)
	}
}

// ObserveRefusal tells each observer of a selection refused.
func (o Observers) ObserveRefusal(reason string) {
	for _, x := range o {
		x.ObserveRefusal(reason)
	}
}

// ObserveLimited tells each observer of a rate-limited question.
func (o Observers) ObserveLimited(ctx context.Context) {
	for _, x := range o {
		x.ObserveLimited(ctx)
	}
}
