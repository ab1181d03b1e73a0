package memory

import (
	"context"
	"strconv"
	"sync"
	"time"

	"reportbot/answer"
)

// InProcess keeps memory in this process, with the same bounds, lifetimes
// and limits as Redis. It forgets everything when the process ends.
type InProcess struct {
	opt   Options
	mu    sync.Mutex
	convs map[string]entry[[]answer.Turn]
	cache map[string]entry[answer.Answer]
	count map[string]entry[int64] // rate-limit and model-call counters
	saves int
}

type entry[T any] struct {
	v       T
	expires time.Time
}

// NewInProcess returns an empty in-process memory.
func NewInProcess(opt Options) *InProcess {
	return &InProcess{
		opt:   opt.withDefaults(),
		convs: map[string]entry[[]answer.Turn]{},
		cache: map[string]entry[answer.Answer]{},
		count: map[string]entry[int64]{},
	}
}

// Load returns the conversation's turns and the cached answer, counts the
// question against the user's limits, and reads the day's model calls.
func (m *InProcess) Load(_ context.Context, k answer.Key) (answer.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	var s answer.Session
	if e, ok := m.convs[k.Conv]; ok && now.Before(e.expires) {
		s.Turns = append([]answer.Turn(nil), e.v...)
	}
	if e, ok := m.cache[k.Cache]; ok && now.Before(e.expires) {
		a := e.v
		s.Cached = &a
	}
	if k.User != "" {
		ws := m.opt.windows(now)
		counts := make([]int64, len(ws))
		for i, w := range ws {
			counts[i] = m.incr("rate:"+k.User+":"+w.name, 1, now, w.ends.Add(time.Minute))
		}
		s.RetryAfter = retryAfter(now, ws, counts)
	}
	if e, ok := m.count["llm:"+day(now)]; ok && now.Before(e.expires) {
		s.ModelCalls = int(e.v)
	}
	return s, nil
}

// Save appends the turn, keeping the last Turns, caches the answer, and adds
// the model calls to the day's count.
func (m *InProcess) Save(_ context.Context, k answer.Key, r answer.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	var turns []answer.Turn
	if e, ok := m.convs[k.Conv]; ok && now.Before(e.expires) {
		turns = e.v
	}
	turns = append(turns, r.Turn)
	if len(turns) > m.opt.Turns {
		turns = append([]answer.Turn(nil), turns[len(turns)-m.opt.Turns:]...)
	}
	m.convs[k.Conv] = entry[[]answer.Turn]{turns, now.Add(m.opt.TTL)}
	if r.Cache != nil && k.Cache != "" {
		m.cache[k.Cache] = entry[answer.Answer]{*r.Cache, now.Add(m.opt.CacheTTL)}
	}
	if r.ModelCalls > 0 {
		m.incr("llm:"+day(now), int64(r.ModelCalls), now, now.Add(dayTTL))
	}
	if m.saves++; m.saves%1000 == 0 {
		m.sweep(now)
	}
	return nil
}

func (m *InProcess) incr(key string, n int64, now, expires time.Time) int64 {
	e, ok := m.count[key]
	if !ok || !now.Before(e.expires) {
		e = entry[int64]{0, expires}
	}
	e.v += n
	m.count[key] = e
	return e.v
}

// sweep drops what has expired, so that memory stays bounded.
func (m *InProcess) sweep(now time.Time) {
	for k, e := range m.convs {
		if !now.Before(e.expires) {
			delete(m.convs, k)
		}
	}
	for k, e := range m.cache {
		if !now.Before(e.expires) {
			delete(m.cache, k)
		}
	}
	for k, e := range m.count {
		if !now.Before(e.expires) {
			delete(m.count, k)
		}
	}
}

// seenTTL is how long a handled update is remembered: Telegram sends an
// update again for at most a day.
const seenTTL = 24 * time.Hour

// Handled reports whether the update was handled already.
func (m *InProcess) Handled(_ context.Context, updateID int) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.count["seen:"+strconv.Itoa(updateID)]
	return ok && m.opt.Now().Before(e.expires), nil
}

// MarkHandled records the update as handled.
func (m *InProcess) MarkHandled(_ context.Context, updateID int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	m.count["seen:"+strconv.Itoa(updateID)] = entry[int64]{1, now.Add(seenTTL)}
	return nil
}

// Forget drops a conversation's turns.
func (m *InProcess) Forget(_ context.Context, conv string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.convs, conv)
	return nil
}
