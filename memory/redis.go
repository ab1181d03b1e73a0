package memory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"reportbot/answer"
	"reportbot/feedback"
)

// ErrUnavailable is returned while the store cannot be reached: the bot
// answers without memory meanwhile.
var ErrUnavailable = errors.New("memory store unavailable")

// Timeouts that keep a dead Redis from slowing answers: a few milliseconds
// lost, not seconds, and a pause between tries while it stays down.
const (
	redisTimeout = 250 * time.Millisecond
	probeEvery   = time.Second
)

// Redis keeps memory in Redis (a single server, Sentinel or Cluster), shared
// by every replica of the bot. Each Load and each Save is one round trip.
// Key names put one conversation, and one user's counters, in one hash slot.
type Redis struct {
	client  redis.UniversalClient
	cluster *redis.ClusterClient // the same client, when it is a cluster's
	opt     Options
	log     *slog.Logger
	id      string // this process's, on the claims it holds

	tallyMu sync.Mutex
	tally   tally         // what questions counted, for the shared counters
	flushMu sync.Mutex    // one flush at a time
	stop    chan struct{} // closed by Close: the last flush
	flushed chan struct{} // closed once it is done

	mu       sync.Mutex
	down     bool      // memory is off: every call failed of late
	retryAt  time.Time // when a server that was down is tried again
	lastErr  time.Time // a cluster's last failed call
	failing  time.Time // the first failed call since one went well; zero while they do
	reloaded time.Time // a cluster's last reload of its slot map on an error
}

// NewRedis connects to the Redis that rawURL names:
//
//	redis://[user:password@]host:port[/db]            a single server (rediss:// for TLS)
//	redis://host:26379?master_name=mymaster[&addr=…]  Sentinel
//	redis://host:7000?addr=host2:7001&addr=…          Cluster (two or more addresses)
//
// It does not wait for the server: a Redis that is down now is used when it
// comes up.
func NewRedis(rawURL string, opt Options, log *slog.Logger) (*Redis, error) {
	uo, err := universalOptions(rawURL)
	if err != nil {
		return nil, err
	}
	uo.DialTimeout, uo.ReadTimeout, uo.WriteTimeout, uo.PoolTimeout = redisTimeout, redisTimeout, redisTimeout, redisTimeout
	uo.MaxRetries = -1 // no retries: a failed call costs one timeout at most
	uo.DialerRetries = 1
	uo.ContextTimeoutEnabled = true
	routeLogs.Do(func() { redis.SetLogger(slogPrintf{log}) })
	r := &Redis{opt: opt.withDefaults(), log: log, id: strconv.FormatUint(rand.Uint64(), 36), stop: make(chan struct{}), flushed: make(chan struct{})}
	if uo.MasterName == "" && (len(uo.Addrs) > 1 || uo.IsClusterMode) {
		// A cluster's slot map is reloaded every few seconds, and at once
		// on a connection error: a replica promoted after its master died
		// is used within seconds, not after go-redis's default minute.
		co := uo.Cluster()
		co.ClusterStateReloadInterval = clusterReload
		r.cluster = redis.NewClusterClient(co)
		r.client = r.cluster
	} else {
		r.client = redis.NewUniversalClient(uo)
	}
	go r.flushEvery(r.stop, r.flushed)
	return r, nil
}

// routeLogs sends go-redis's own log lines, once per process, to the first
// Redis's logger at debug level: the outages they report are logged once
// per change of state by observe.
var routeLogs sync.Once

type slogPrintf struct{ log *slog.Logger }

func (s slogPrintf) Printf(ctx context.Context, format string, v ...any) {
	s.log.DebugContext(ctx, fmt.Sprintf(format, v...))
}

// universalOptions reads a Redis URL into go-redis's options, with errors
// that say what was expected.
func universalOptions(rawURL string) (*redis.UniversalOptions, error) {
	const expect = "expected redis://host:port/db, or with ?master_name= for Sentinel, or &addr= for Cluster"
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL itself may hold a password
		}
		return nil, fmt.Errorf("REDIS_URL: %w; %s", err, expect)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" || u.Host == "" {
		return nil, fmt.Errorf("REDIS_URL: %q has no redis:// scheme and host; %s", redactURL(u), expect)
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		f, err := redis.ParseFailoverURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w; %s", err, expect)
		}
		return &redis.UniversalOptions{Addrs: f.SentinelAddrs, MasterName: f.MasterName, DB: f.DB,
			Username: f.Username, Password: f.Password, SentinelUsername: f.SentinelUsername,
			SentinelPassword: f.SentinelPassword, TLSConfig: f.TLSConfig}, nil
	case len(q["addr"]) > 0:
		c, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w; %s", err, expect)
		}
		return &redis.UniversalOptions{Addrs: c.Addrs, Username: c.Username, Password: c.Password, TLSConfig: c.TLSConfig}, nil
	}
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w; %s", err, expect)
	}
	return &redis.UniversalOptions{Addrs: []string{o.Addr}, DB: o.DB, Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig}, nil
}

// redactURL hides a URL's password for messages.
func redactURL(u *url.URL) string { return u.Redacted() }

// Close adds what this process counted to the shared counters, then
// closes the connections.
func (r *Redis) Close() error {
	close(r.stop)
	<-r.flushed
	return r.client.Close()
}

// Ping checks that Redis answers, for readiness probes.
func (r *Redis) Ping(ctx context.Context) error {
	return r.observe(r.client.Ping(ctx).Err())
}

// tag escapes an ID for a hash tag: {conv} keeps a key in conv's slot.
func tag(id string) string {
	return "{" + strings.NewReplacer("{", "(", "}", ")").Replace(id) + "}"
}

func (r *Redis) convKey(conv string) string { return r.opt.Prefix + ":conv:" + tag(conv) }
func (r *Redis) cacheKey(key string) string { return r.opt.Prefix + ":cache:" + key }
func (r *Redis) modelKey(day string) string { return r.opt.Prefix + ":llm:" + day }
func (r *Redis) askedKey(user, w string) string {
	return r.opt.Prefix + ":asked:" + tag(user) + ":" + w
}

// Load reads the conversation and the cached answer, counts the question
// against the user's limits and reads the day's model calls, in one round
// trip.
func (r *Redis) Load(ctx context.Context, k answer.Key) (answer.Session, error) {
	if err := r.available(); err != nil {
		if k.Asked != "" {
			err = r.claimUnknown(err)
		}
		return answer.Session{}, err
	}
	now := r.opt.Now()
	pipe := r.client.Pipeline()
	var turns *redis.StringSliceCmd
	if k.Conv != "" {
		turns = pipe.LRange(ctx, r.convKey(k.Conv), 0, -1)
	}
	var cached *redis.StringCmd
	if k.Cache != "" {
		cached = pipe.Get(ctx, r.cacheKey(k.Cache))
	}
	var claimed func() error
	if k.Asked != "" {
		claimed = r.claim(ctx, pipe, k)
	}
	var ws []window
	var incrs []*redis.IntCmd
	if k.User != "" {
		// A user's questions in each window are a set of their askings: one
		// asked again (handled again after its replica died) counts once.
		asked := k.Asked
		if asked == "" {
			asked = strconv.FormatInt(now.UnixNano(), 36) + ":" + strconv.FormatUint(rand.Uint64(), 36)
		}
		ws = r.opt.windows(now)
		for _, w := range ws {
			key := r.askedKey(k.User, w.name)
			pipe.SAdd(ctx, key, asked)
			incrs = append(incrs, pipe.SCard(ctx, key))
			pipe.ExpireAt(ctx, key, w.ends.Add(time.Minute))
		}
	}
	_, err := pipe.Exec(ctx)
	if failed(err) {
		err = r.observe(err)
	} else {
		r.observe(nil)
	}
	// A cluster serves each key from its own node: a node down fails only
	// its keys. The asking's claim and the conversation's turns are what
	// memory is; a counter or the cache on another node is taken as empty.
	if claimed != nil {
		if err := claimed(); err != nil {
			return answer.Session{}, err
		}
	}
	if failed(err) && (turns == nil || failed(turns.Err())) {
		return answer.Session{}, err
	}
	var s answer.Session
	if turns != nil {
		for _, v := range turns.Val() {
			var t answer.Turn
			if err := json.Unmarshal([]byte(v), &t); err == nil {
				s.Turns = append(s.Turns, t)
			}
		}
	}
	if cached != nil && cached.Err() == nil {
		var c cachedAnswer
		if err := json.Unmarshal([]byte(cached.Val()), &c); err == nil {
			c.Answer.Resolved = c.Resolved
			s.Cached = &c.Answer
		}
	}
	if len(incrs) > 0 {
		counts := make([]int64, len(incrs))
		for i, c := range incrs {
			counts[i] = c.Val()
		}
		s.RetryAfter = retryAfter(now, ws, counts)
	}
	s.ModelCalls = r.modelCallsToday(now)
	return s, nil
}

// cachedAnswer is an answer as the cache stores it: with the fields that
// JSON answers leave out.
type cachedAnswer struct {
	answer.Answer
	Resolved string `json:"resolved"`
}

// Save marks the asking answered, appends the turn and trims the
// conversation to its last Turns, caches the answer and keeps its name for
// feedback, in one round trip; every key it writes expires. The model calls
// and the statistics are tallied, and flushed every tallyEvery.
func (r *Redis) Save(ctx context.Context, k answer.Key, rec answer.Record) error {
	if err := r.available(); err != nil {
		return err
	}
	turn, err := json.Marshal(rec.Turn)
	if err != nil {
		return fmt.Errorf("encode turn: %w", err)
	}
	pipe := r.client.Pipeline()
	if k.Asked != "" { // first: the answer was given
		pipe.Set(ctx, r.seenKey(k), doneMark, seenTTL)
	}
	var pushed *redis.IntCmd
	if k.Conv != "" {
		key := r.convKey(k.Conv)
		pushed = pipe.RPush(ctx, key, turn)
		pipe.LTrim(ctx, key, int64(-r.opt.Turns), -1)
		pipe.Expire(ctx, key, r.opt.TTL)
	}
	if rec.Cache != nil && k.Cache != "" {
		a, err := json.Marshal(cachedAnswer{*rec.Cache, rec.Cache.Resolved})
		if err != nil {
			return fmt.Errorf("encode answer: %w", err)
		}
		pipe.Set(ctx, r.cacheKey(k.Cache), a, r.opt.CacheTTL)
	}
	if rec.Ref != "" {
		ref, _ := json.Marshal(answered{Question: rec.Turn.Question, Sections: rec.Turn.Sections})
		pipe.Set(ctx, r.refKey(k.Conv, rec.Ref), ref, refTTL)
	}
	r.countModelCalls(rec.ModelCalls)
	_, err = pipe.Exec(ctx)
	if err := r.observe(err); err != nil && (pushed == nil || failed(pushed.Err())) {
		return err // the turn itself is lost; statistics on a node down are not worth failing for
	}
	return nil
}

// failed reports whether err is a failure, not a key's absence.
func failed(err error) bool { return err != nil && !errors.Is(err, redis.Nil) }

func (r *Redis) key(kind, name string) string { return r.opt.Prefix + ":" + kind + ":" + name }

// refKey is where what an answer was about is kept for feedback: in its
// conversation's hash slot.
func (r *Redis) refKey(conv, ref string) string {
	return r.opt.Prefix + ":ref:" + tag(conv) + ":" + ref
}

// Vote records a 👍 or 👎 of voter on the answer ref names, with its
// question and sections: one vote a voter, which a second press withdraws
// or changes.
func (r *Redis) Vote(ctx context.Context, conv, ref, voter string, up bool) (feedback.Vote, error) {
	if err := r.available(); err != nil {
		return feedback.Unknown, err
	}
	pipe := r.client.Pipeline()
	refCmd := pipe.Get(ctx, r.refKey(conv, ref))
	votersKey := r.refKey(conv, ref) + ":votes"
	prev := pipe.HGet(ctx, votersKey, voter)
	_, err := pipe.Exec(ctx)
	if errors.Is(refCmd.Err(), redis.Nil) {
		return feedback.Unknown, nil
	}
	if err != nil && !errors.Is(err, redis.Nil) {
		return feedback.Unknown, r.observe(err)
	}
	var a answered
	if err := json.Unmarshal([]byte(refCmd.Val()), &a); err != nil {
		return feedback.Unknown, nil
	}
	had := prev.Err() == nil
	v, dUp, dDown := feedback.Next(had, prev.Val() == "up", up)
	pipe = r.client.Pipeline()
	if v == feedback.Withdrawn {
		pipe.HDel(ctx, votersKey, voter)
	} else {
		pipe.HSet(ctx, votersKey, voter, voteName(up))
		rec, _ := json.Marshal(Vote{Up: up, Question: a.Question, Sections: a.Sections, At: r.opt.Now()})
		list := r.key("stats", "feedback")
		pipe.RPush(ctx, list, rec)
		pipe.LTrim(ctx, list, -feedbackKept, -1)
		pipe.Expire(ctx, list, statsTTL)
	}
	pipe.Expire(ctx, votersKey, refTTL)
	r.addStat(ctx, pipe, "up", dUp)
	r.addStat(ctx, pipe, "down", dDown)
	_, err = pipe.Exec(ctx)
	return v, r.observe(err)
}

func voteName(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// Summary reads the statistics of the last month's activity.
func (r *Redis) Summary(ctx context.Context) (feedback.Summary, error) {
	if err := r.available(); err != nil {
		return feedback.Summary{}, err
	}
	r.flush(ctx) // this process's counts too
	pipe := r.client.Pipeline()
	names := []string{"answers", "fallbacks", "up", "down"}
	gets := make([]*redis.StringCmd, len(names))
	for i, n := range names {
		gets[i] = pipe.Get(ctx, r.key("stats", n))
	}
	top := pipe.ZRevRangeWithScores(ctx, r.key("stats", "questions"), 0, 4)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return feedback.Summary{}, r.observe(err)
	}
	var n [4]int
	for i, g := range gets {
		n[i], _ = g.Int()
	}
	s := feedback.Summary{Answers: n[0], Fallbacks: n[1], Up: n[2], Down: n[3]}
	for _, z := range top.Val() {
		s.Top = append(s.Top, feedback.QuestionCount{Question: fmt.Sprint(z.Member), Count: int(z.Score)})
	}
	return s, nil
}

// claimUnknown is what comes of an asking whose claim could not be made
// (err): while calls have failed for less than a claim's lifetime (a
// cluster's master failing over, a blip), it is answered later, as one
// another replica holds (answer.ErrInFlight), rather than maybe twice; past
// that, err: it is answered without memory rather than not at all.
func (r *Redis) claimUnknown(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.failing.IsZero() && r.opt.Now().Sub(r.failing) < r.opt.ClaimTTL {
		return fmt.Errorf("%w: %w", answer.ErrInFlight, err)
	}
	return err
}

// available fails fast while Redis is down and not yet due another try.
func (r *Redis) available() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	// A cluster is never switched off whole: losing one master of three
	// fails only the calls for its keys, each within its timeout.
	if r.cluster == nil && r.down && r.opt.Now().Before(r.retryAt) {
		return ErrUnavailable
	}
	return nil
}

// observe records whether Redis answered, logging once when memory
// degrades and once when it is back, never per question. A cluster is back
// once its calls have gone well for clusterSettle; a failed call reloads
// its slot map, at most once a second.
func (r *Redis) observe(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opt.Now()
	if err == nil {
		r.failing = time.Time{}
		if r.down && (r.cluster == nil || now.Sub(r.lastErr) > clusterSettle) {
			r.down = false
			r.log.Info("redis reachable again; memory restored")
		}
		return nil
	}
	if r.opt.Observer != nil {
		r.opt.Observer.ObserveRedisError()
	}
	if r.failing.IsZero() {
		r.failing = now
	}
	if !r.down {
		r.down = true
		r.log.Warn("redis unreachable; answering without memory until it is back", "err", err)
	}
	r.retryAt, r.lastErr = now.Add(probeEvery), now
	if r.cluster != nil && now.Sub(r.reloaded) > time.Second {
		r.reloaded = now
		go r.cluster.ReloadState(context.Background())
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// seenKey is where an asking's claim, then its done-mark, is kept: in its
// conversation's hash slot.
func (r *Redis) seenKey(k answer.Key) string {
	if k.Conv == "" {
		return r.opt.Prefix + ":seen:" + k.Asked
	}
	return r.opt.Prefix + ":seen:" + tag(k.Conv) + ":" + k.Asked
}

// Claim takes an asking (a Telegram update) for this process, atomically,
// before any work: claimed when no process had it, or this one did;
// otherwise done tells whether it was answered (else another process is at
// it, or, as claimUnknown says, memory cannot tell yet). A claim holds its
// process's ID and runs out after Options.ClaimTTL unless renewed (Extend),
// so that the asking of a process that died is taken again. A question's
// Load claims its asking itself.
func (r *Redis) Claim(ctx context.Context, k answer.Key) (claimed, done bool, err error) {
	if err := r.available(); err != nil {
		return claimResult(r.claimUnknown(err))
	}
	pipe := r.client.Pipeline()
	outcome := r.claim(ctx, pipe, k)
	if _, err := pipe.Exec(ctx); failed(err) {
		r.observe(err)
	} else {
		r.observe(nil)
	}
	return claimResult(outcome())
}

// claim queues in pipe the claim of k's asking for this process. Once pipe
// has run, the outcome is nil when the asking is this process's,
// answer.ErrAnswered, answer.ErrInFlight when another holds it (or held it
// until a moment ago), or what claimUnknown makes of a failure.
func (r *Redis) claim(ctx context.Context, pipe redis.Pipeliner, k answer.Key) (outcome func() error) {
	pipe.SetNX(ctx, r.seenKey(k), r.id, r.opt.ClaimTTL)
	holder := pipe.Get(ctx, r.seenKey(k))
	return func() error {
		switch v, err := holder.Result(); {
		case failed(err):
			return r.claimUnknown(err)
		case v == r.id:
			return nil
		case v == doneMark:
			return answer.ErrAnswered
		default:
			return answer.ErrInFlight
		}
	}
}

// claimResult is Claim's answer for a claim's outcome.
func claimResult(outcome error) (claimed, done bool, err error) {
	switch {
	case outcome == nil:
		return true, false, nil
	case errors.Is(outcome, answer.ErrAnswered):
		return false, true, nil
	case errors.Is(outcome, answer.ErrInFlight):
		return false, false, nil
	}
	return false, false, outcome
}

// extendClaim renews a claim that is still this process's: never a
// done-mark, whose day it would cut short, nor another's claim.
var extendClaim = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)

// Extend renews this process's claim on an asking being answered, for
// another Options.ClaimTTL.
func (r *Redis) Extend(ctx context.Context, k answer.Key) error {
	if err := r.available(); err != nil {
		return err
	}
	return r.observe(extendClaim.Run(ctx, r.client, []string{r.seenKey(k)}, r.id, r.opt.ClaimTTL.Milliseconds()).Err())
}

// MarkHandled records an asking as answered, for a day, in place of its
// claim. A question's Save marks its asking itself.
func (r *Redis) MarkHandled(ctx context.Context, k answer.Key) error {
	if err := r.available(); err != nil {
		return err
	}
	return r.observe(r.client.Set(ctx, r.seenKey(k), doneMark, seenTTL).Err())
}

// Forget drops a conversation's turns.
func (r *Redis) Forget(ctx context.Context, conv string) error {
	if err := r.available(); err != nil {
		return err
	}
	return r.observe(r.client.Del(ctx, r.convKey(conv)).Err())
}
