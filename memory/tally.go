package memory

import (
	"context"
	"reportbot/answer/reply"
	"time"

	"github.com/redis/go-redis/v9"
)

// tallyEvery is how often a process adds what its questions counted to the
// counters the whole bot shares (the day's model calls, the statistics):
// no key is then written by every question, and none is a hot slot.
const tallyEvery = time.Second

// tally is what this process's questions counted since the last flush,
// and the day's model calls of the whole bot as last read.
type tally struct {
	answers, fallbacks, modelCalls int64
	questions                      map[string]float64
	flushing                       int64  // model calls being flushed: in neither modelCalls nor modelTotal
	day                            string // of modelTotal
	modelTotal                     int64
}

// countModelCalls adds a question's model calls to the tally.
func (r *Redis) countModelCalls(n int) {
	r.tallyMu.Lock()
	defer r.tallyMu.Unlock()
	r.tally.modelCalls += int64(n)
}

// ObserveAnswer tallies an answer given, for the statistics admins read.
func (r *Redis) ObserveAnswer(_ context.Context, a reply.Answer, _ time.Duration) {
	r.tallyMu.Lock()
	defer r.tallyMu.Unlock()
	t := &r.tally
	t.answers++
	if a.Fallback != "" {
		t.fallbacks++
	}
	if t.questions == nil {
		t.questions = map[string]float64{}
	}
	t.questions[a.Question]++
}

// ObserveRefusal and ObserveLimited are not in the statistics.
func (r *Redis) ObserveRefusal(string)          {}
func (r *Redis) ObserveLimited(context.Context) {}

// modelCallsToday is the day's model calls of the whole bot: as last read,
// with this process's since.
func (r *Redis) modelCallsToday(now time.Time) int {
	r.tallyMu.Lock()
	defer r.tallyMu.Unlock()
	n := r.tally.modelCalls + r.tally.flushing
	if r.tally.day == day(now) {
		n += r.tally.modelTotal
	}
	return int(n)
}

// flush adds the tally to the shared counters and reads the day's model
// calls back, in one round trip. The statistics a failed flush held are
// dropped, never counted twice by a flush that half succeeded; its model
// calls are kept for the next, as a budget had better count a call twice
// than not at all.
func (r *Redis) flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.tallyMu.Lock()
	t := r.tally
	r.tally.answers, r.tally.fallbacks, r.tally.modelCalls, r.tally.questions = 0, 0, 0, nil
	r.tally.flushing = t.modelCalls
	r.tallyMu.Unlock()
	d := day(r.opt.Now())
	pipe := r.client.Pipeline()
	calls := pipe.IncrBy(ctx, r.modelKey(d), t.modelCalls)
	pipe.Expire(ctx, r.modelKey(d), dayTTL)
	for name, n := range map[string]int64{"answers": t.answers, "fallbacks": t.fallbacks} {
		if n > 0 {
			r.addStat(ctx, pipe, name, n)
		}
	}
	if len(t.questions) > 0 {
		top := r.key("stats", "questions")
		for q, n := range t.questions {
			pipe.ZIncrBy(ctx, top, n, q)
		}
		pipe.ZRemRangeByRank(ctx, top, 0, -1001) // keep the thousand most asked
		pipe.Expire(ctx, top, statsTTL)
	}
	_, err := pipe.Exec(ctx)
	r.tallyMu.Lock()
	if err == nil {
		r.tally.day, r.tally.modelTotal = d, calls.Val()
	} else {
		r.tally.modelCalls += r.tally.flushing
	}
	r.tally.flushing = 0
	r.tallyMu.Unlock()
	// Not tried twice: what reached a node would count twice.
	return r.note(ctx, r.node(ctx, r.modelKey(d)), r.modelKey(d), calls.Err())
}

// flushEvery flushes the tally every tallyEvery until stop is closed, then
// once more.
func (r *Redis) flushEvery(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(tallyEvery)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
		r.flush(ctx)
		cancel()
		select {
		case <-stop:
			ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
			defer cancel()
			r.flush(ctx)
			return
		case <-tick.C:
		}
	}
}

// addStat adds n to a statistic, kept for statsTTL after its last change.
func (r *Redis) addStat(ctx context.Context, pipe redis.Pipeliner, name string, n int64) {
	k := r.key("stats", name)
	pipe.IncrBy(ctx, k, n)
	pipe.Expire(ctx, k, statsTTL)
}
