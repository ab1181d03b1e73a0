// Package memory keeps conversations: the last turns of each one, for
// follow-up questions. InProcess is the zero-configuration store.
package memory

import (
	"context"
	"sync"

	"reportbot/answer"
)

// DefaultTurns is how many turns a conversation keeps by default.
const DefaultTurns = 10

var _ answer.Memory = (*InProcess)(nil)

// InProcess keeps the last turns of each conversation in this process.
type InProcess struct {
	mu    sync.Mutex
	turns map[string][]answer.Turn
	max   int
}

// NewInProcess returns a store that keeps at most maxTurns turns a
// conversation (DefaultTurns when maxTurns ≤ 0).
func NewInProcess(maxTurns int) *InProcess {
	if maxTurns <= 0 {
		maxTurns = DefaultTurns
	}
	return &InProcess{turns: map[string][]answer.Turn{}, max: maxTurns}
}

// Load returns the conversation's turns, oldest first.
func (m *InProcess) Load(_ context.Context, conv string) ([]answer.Turn, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]answer.Turn(nil), m.turns[conv]...), nil
}

// Append adds a turn, dropping the oldest beyond the limit.
func (m *InProcess) Append(_ context.Context, conv string, t answer.Turn) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := append(m.turns[conv], t)
	if len(ts) > m.max {
		ts = append([]answer.Turn(nil), ts[len(ts)-m.max:]...)
	}
	m.turns[conv] = ts
	return nil
}
