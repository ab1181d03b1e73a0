package memory

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"reportbot/answer/reply"
	"reportbot/feedback"
)

// InProcess keeps memory in this process, with the same bounds, lifetimes
// and limits as Redis. It forgets everything when the process ends.
type InProcess struct {
	opt   Options
	mu    sync.Mutex
	convs map[string]entry[[]reply.Turn]
	cache map[string]entry[reply.Answer]
	count map[string]entry[int64] // rate-limit, model-call and statistics counters
	refs  map[string]entry[answered]
	votes []Vote
	asked map[string]int // questions, for the most asked
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
		convs: map[string]entry[[]reply.Turn]{},
		cache: map[string]entry[reply.Answer]{},
		count: map[string]entry[int64]{},
		refs:  map[string]entry[answered]{},
		asked: map[string]int{},
	}
}

// Load returns the conversation's turns and the cached answer, counts the
// question against the user's limits, and reads the day's model calls.
func (m *InProcess) Load(_ context.Context, k reply.Key) (reply.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	if k.Asked != "" && m.answered(k.Asked) {
		return reply.Session{}, reply.ErrAnswered
	}
	var s reply.Session
	if e, ok := m.convs[k.Conv]; ok && now.Before(e.expires) {
		s.Turns = append([]reply.Turn(nil), e.v...)
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
func (m *InProcess) Save(_ context.Context, k reply.Key, r reply.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	if k.Asked != "" {
		m.markAnswered(k.Asked)
	}
	var turns []reply.Turn
	if e, ok := m.convs[k.Conv]; ok && now.Before(e.expires) {
		turns = e.v
	}
	turns = append(turns, r.Turn)
	if len(turns) > m.opt.Turns {
		turns = append([]reply.Turn(nil), turns[len(turns)-m.opt.Turns:]...)
	}
	m.convs[k.Conv] = entry[[]reply.Turn]{turns, now.Add(m.opt.TTL)}
	if r.Cache != nil && k.Cache != "" {
		m.cache[k.Cache] = entry[reply.Answer]{*r.Cache, now.Add(m.opt.CacheTTL)}
	}
	if r.ModelCalls > 0 {
		m.incr("llm:"+day(now), int64(r.ModelCalls), now, now.Add(dayTTL))
	}
	if r.Ref != "" {
		m.refs[k.Conv+"\x00"+r.Ref] = entry[answered]{answered{Question: r.Turn.Question, Sections: r.Turn.Sections}, now.Add(refTTL)}
	}
	if m.saves++; m.saves%1000 == 0 {
		m.sweep(now)
	}
	return nil
}

// ObserveAnswer counts an answer given, for the statistics admins read.
func (m *InProcess) ObserveAnswer(_ context.Context, a reply.Answer, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	m.incr("stats:answers", 1, now, now.Add(statsTTL))
	if a.Fallback != "" {
		m.incr("stats:fallbacks", 1, now, now.Add(statsTTL))
	}
	m.asked[a.Question]++
	if len(m.asked) > 2*feedbackKept { // keep the most asked
		for q, n := range m.asked {
			if n <= 1 {
				delete(m.asked, q)
			}
		}
	}
}

// ObserveRefusal and ObserveLimited are not in the statistics.
func (m *InProcess) ObserveRefusal(string)          {}
func (m *InProcess) ObserveLimited(context.Context) {}

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
	expire(m.convs, now)
	expire(m.cache, now)
	expire(m.count, now)
	expire(m.refs, now)
}

// expire drops the entries of m that have expired by now.
func expire[T any](m map[string]entry[T], now time.Time) {
	maps.DeleteFunc(m, func(_ string, e entry[T]) bool { return !now.Before(e.expires) })
}

// Vote records a 👍 or 👎 on the answer ref names; false when no answer has
// that name.
func (m *InProcess) Vote(_ context.Context, conv, ref, voter string, up bool) (feedback.Vote, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	key := conv + "\x00" + ref
	e, ok := m.refs[key]
	if !ok || !now.Before(e.expires) {
		return feedback.Unknown, nil
	}
	if e.v.Voters == nil {
		e.v.Voters = map[string]bool{}
	}
	wasUp, had := e.v.Voters[voter]
	v, dUp, dDown := feedback.Next(had, wasUp, up)
	if v == feedback.Withdrawn {
		delete(e.v.Voters, voter)
	} else {
		e.v.Voters[voter] = up
		m.votes = append(m.votes, Vote{Up: up, Question: e.v.Question, Sections: e.v.Sections, At: now})
		if len(m.votes) > feedbackKept {
			m.votes = append([]Vote(nil), m.votes[len(m.votes)-feedbackKept:]...)
		}
	}
	m.refs[key] = e
	m.incr("stats:up", dUp, now, now.Add(statsTTL))
	m.incr("stats:down", dDown, now, now.Add(statsTTL))
	return v, nil
}

// Summary reads the statistics.
func (m *InProcess) Summary(context.Context) (feedback.Summary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opt.Now()
	get := func(k string) int {
		if e, ok := m.count["stats:"+k]; ok && now.Before(e.expires) {
			return int(e.v)
		}
		return 0
	}
	s := feedback.Summary{Answers: get("answers"), Fallbacks: get("fallbacks"), Up: get("up"), Down: get("down")}
	for q, n := range m.asked {
		s.Top = append(s.Top, feedback.QuestionCount{Question: q, Count: n})
	}
	slices.SortFunc(s.Top, func(a, b feedback.QuestionCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Question, b.Question)
	})
	s.Top = s.Top[:min(5, len(s.Top))]
	return s, nil
}

// seenTTL is how long a handled update is remembered: Telegram sends an
// update again for at most a day.
const seenTTL = 24 * time.Hour

// Claim takes an asking for this process, the only one memory kept in it
// serves: claimed unless it was answered (done).
func (m *InProcess) Claim(_ context.Context, k reply.Key) (claimed, done bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	done = m.answered(k.Asked)
	return !done, done, nil
}

// answered reports whether an asking was marked answered; m.mu is held.
func (m *InProcess) answered(asked string) bool {
	e, ok := m.count["seen:"+asked]
	return ok && m.opt.Now().Before(e.expires)
}

// Extend does nothing: no other process could take this one's askings.
func (m *InProcess) Extend(context.Context, reply.Key) error { return nil }

// MarkHandled records the asking as answered.
func (m *InProcess) MarkHandled(_ context.Context, k reply.Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.markAnswered(k.Asked)
	return nil
}

// markAnswered records an asking as answered for a day; m.mu is held.
func (m *InProcess) markAnswered(asked string) {
	now := m.opt.Now()
	m.count["seen:"+asked] = entry[int64]{1, now.Add(seenTTL)}
}

// Forget drops a conversation's turns.
func (m *InProcess) Forget(_ context.Context, conv string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.convs, conv)
	return nil
}
