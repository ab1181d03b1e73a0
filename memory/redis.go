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

	"reportbot/answer/reply"
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

	health *health // of each node
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
	opt = opt.withDefaults()
	r := &Redis{opt: opt, log: log, id: strconv.FormatUint(rand.Uint64(), 36), stop: make(chan struct{}), flushed: make(chan struct{})}
	r.health = newHealth(r.node, opt, log)
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
// per node and change of state by health.
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
	_, err := r.call(ctx, "", func() error { return r.client.Ping(ctx).Err() })
	return err
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
// against the user's limits, claims the asking and reads the day's model
// calls, in one round trip.
func (r *Redis) Load(ctx context.Context, k reply.Key) (reply.Session, error) {
	now := r.opt.Now()
	// A user's questions in each window are a set of their askings: one
	// asked again (handled again after its replica died, or tried again on
	// a master promoted) counts once.
	asked := k.Asked
	if asked == "" && k.User != "" {
		asked = strconv.FormatInt(now.UnixNano(), 36) + ":" + strconv.FormatUint(rand.Uint64(), 36)
	}
	var s reply.Session
	var holder *redis.StringCmd
	node, err := r.call(ctx, r.slotKey(k), func() (err error) {
		s, holder, err = r.load(ctx, k, asked, now)
		return err
	})
	if k.Asked != "" {
		if err != nil {
			return reply.Session{}, r.claimUnknown(node, err)
		}
		if err := r.claimOutcome(holder); err != nil {
			return reply.Session{}, err
		}
	}
	if err != nil {
		return reply.Session{}, err
	}
	s.ModelCalls = r.modelCallsToday(now)
	return s, nil
}

// slotKey is the key whose hash slot holds what a question's memory is:
// its conversation and its asking's claim.
func (r *Redis) slotKey(k reply.Key) string {
	if k.Conv == "" {
		return r.seenKey(k)
	}
	return r.convKey(k.Conv)
}

// load is one try at Load's round trip. Its error is that of the commands
// on the conversation's node, the turns and the claim (holder): a counter
// or the cached answer on another node that failed is taken as empty.
func (r *Redis) load(ctx context.Context, k reply.Key, asked string, now time.Time) (s reply.Session, holder *redis.StringCmd, err error) {
	pipe := r.client.Pipeline()
	var mine []redis.Cmder // the commands on the conversation's node
	var turns *redis.StringSliceCmd
	if k.Conv != "" {
		turns = pipe.LRange(ctx, r.convKey(k.Conv), 0, -1)
		mine = append(mine, turns)
	}
	var cached *redis.StringCmd
	if k.Cache != "" {
		cached = pipe.Get(ctx, r.cacheKey(k.Cache))
	}
	if k.Asked != "" {
		holder = r.claim(ctx, pipe, k)
		mine = append(mine, holder)
	}
	var ws []window
	var incrs []*redis.IntCmd
	if k.User != "" {
		ws = r.opt.windows(now)
		for _, w := range ws {
			key := r.askedKey(k.User, w.name)
			pipe.SAdd(ctx, key, asked)
			incrs = append(incrs, pipe.SCard(ctx, key))
			pipe.ExpireAt(ctx, key, w.ends.Add(time.Minute))
		}
	}
	pipe.Exec(ctx) // each command's error is read below
	if err := firstFailure(mine); err != nil {
		return s, nil, err
	}
	if turns != nil {
		for _, v := range turns.Val() {
			var t reply.Turn
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
	return s, holder, nil
}

// cachedAnswer is an answer as the cache stores it: with the fields that
// JSON answers leave out.
type cachedAnswer struct {
	reply.Answer
	Resolved string `json:"resolved"`
}

// Save marks the asking answered, appends the turn and trims the
// conversation to its last Turns, caches the answer, keeps its name for
// feedback and adds the question to the log, in one round trip; every key it
// writes expires but the log, which is trimmed to Options.LogEntries. The model calls
// and the statistics are tallied, and flushed every tallyEvery.
func (r *Redis) Save(ctx context.Context, k reply.Key, rec reply.Record) error {
	turn, err := json.Marshal(rec.Turn)
	if err != nil {
		return fmt.Errorf("encode turn: %w", err)
	}
	var cached []byte
	if rec.Cache != nil && k.Cache != "" {
		if cached, err = json.Marshal(cachedAnswer{*rec.Cache, rec.Cache.Resolved}); err != nil {
			return fmt.Errorf("encode answer: %w", err)
		}
	}
	r.countModelCalls(rec.ModelCalls)
	entry := r.logEntry(ctx, k, rec)
	logged := false // a try again after a failover does not log twice
	_, err = r.call(ctx, r.slotKey(k), func() error {
		pipe := r.client.Pipeline()
		var mine []redis.Cmder // the done-mark and the turn: statistics on a node down are not worth failing for
		if k.Asked != "" {     // first: the answer was given
			mine = append(mine, pipe.Set(ctx, r.seenKey(k), doneMark, seenTTL))
		}
		if k.Conv != "" {
			key := r.convKey(k.Conv)
			mine = append(mine, pipe.RPush(ctx, key, turn))
			pipe.LTrim(ctx, key, int64(-r.opt.Turns), -1)
			pipe.Expire(ctx, key, r.opt.TTL)
		}
		if cached != nil {
			pipe.Set(ctx, r.cacheKey(k.Cache), cached, r.opt.CacheTTL)
		}
		if rec.Ref != "" {
			ref, _ := json.Marshal(answered{Question: rec.Turn.Question, Sections: rec.Turn.Sections})
			pipe.Set(ctx, r.refKey(k.Conv, rec.Ref), ref, refTTL)
		}
		var xadd *redis.StringCmd // not one that matters: the answer is kept without its line in the log
		if entry != nil && !logged {
			xadd = r.appendLog(ctx, pipe, entry)
		}
		pipe.Exec(ctx) // each command's error is read below
		logged = logged || xadd != nil && xadd.Err() == nil
		return firstFailure(mine)
	})
	return err
}

// firstFailure is the first failure of cmds, once they have run.
func firstFailure(cmds []redis.Cmder) error {
	for _, c := range cmds {
		if failed(c.Err()) {
			return c.Err()
		}
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

// votesKey is where the votes on the answer ref names are kept, by voter.
func (r *Redis) votesKey(conv, ref string) string { return r.refKey(conv, ref) + ":votes" }

// Vote records a 👍 or 👎 of voter on the answer ref names, with its
// question and sections: one vote a voter, which a second press withdraws
// or changes.
func (r *Redis) Vote(ctx context.Context, conv, ref, voter string, up bool) (feedback.Vote, error) {
	key := r.refKey(conv, ref)
	votersKey := r.votesKey(conv, ref)
	var refCmd, prev *redis.StringCmd
	if _, err := r.call(ctx, key, func() error {
		pipe := r.client.Pipeline()
		refCmd = pipe.Get(ctx, key)
		prev = pipe.HGet(ctx, votersKey, voter)
		pipe.Exec(ctx) // each command's error is read below
		return firstFailure([]redis.Cmder{refCmd, prev})
	}); err != nil {
		return feedback.Unknown, err
	}
	var a answered
	if refCmd.Err() != nil || json.Unmarshal([]byte(refCmd.Val()), &a) != nil {
		return feedback.Unknown, nil
	}
	had := prev.Err() == nil
	v, dUp, dDown := feedback.Next(had, prev.Val() == "up", up)
	// Not tried twice: the statistics on other nodes would count twice.
	pipe := r.client.Pipeline()
	var voted redis.Cmder
	if v == feedback.Withdrawn {
		voted = pipe.HDel(ctx, votersKey, voter)
	} else {
		voted = pipe.HSet(ctx, votersKey, voter, voteName(up))
		rec, _ := json.Marshal(Vote{Up: up, Question: a.Question, Sections: a.Sections, At: r.opt.Now()})
		list := r.key("stats", "feedback")
		pipe.RPush(ctx, list, rec)
		pipe.LTrim(ctx, list, -feedbackKept, -1)
		pipe.Expire(ctx, list, statsTTL)
	}
	pipe.Expire(ctx, votersKey, refTTL)
	r.addStat(ctx, pipe, "up", dUp)
	r.addStat(ctx, pipe, "down", dDown)
	pipe.Exec(ctx) // the vote's error is read below; statistics on a node down are not worth failing for
	return v, r.note(ctx, r.node(ctx, key), key, voted.Err())
}

func voteName(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// Summary reads the statistics of the last month's activity.
func (r *Redis) Summary(ctx context.Context) (feedback.Summary, error) {
	r.flush(ctx) // this process's counts too
	names := []string{"answers", "fallbacks", "up", "down"}
	gets := make([]*redis.StringCmd, len(names))
	var top *redis.ZSliceCmd
	if _, err := r.call(ctx, r.key("stats", names[0]), func() error {
		pipe := r.client.Pipeline()
		for i, n := range names {
			gets[i] = pipe.Get(ctx, r.key("stats", n))
		}
		top = pipe.ZRevRangeWithScores(ctx, r.key("stats", "questions"), 0, 4)
		_, err := pipe.Exec(ctx)
		return err
	}); err != nil {
		return feedback.Summary{}, err
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
// on node (err): while the node has failed for less than DownAfter (a
// cluster's master failing over, a blip), it is answered later, as one
// another replica holds (reply.ErrInFlight), rather than maybe twice; past
// that, err: it is answered without memory rather than not at all.
func (r *Redis) claimUnknown(node string, err error) error {
	if !r.health.down(node) {
		return fmt.Errorf("%w: %w", reply.ErrInFlight, err)
	}
	return err
}

// node is the address of the node that serves key now: "" for a single
// server (or Sentinel's master), and for a cluster whose map is not known.
func (r *Redis) node(ctx context.Context, key string) string {
	if r.cluster == nil {
		return ""
	}
	c, err := r.cluster.MasterForKey(ctx, key)
	if err != nil {
		return ""
	}
	return c.Options().Addr
}

// call makes one try at a call whose commands that matter are kept on
// key's node, and returns the node and their error (a key's absence is no
// error). A cluster's call that fails reloads the slot map and is tried
// once more if the map names another node for key (its master failed
// over): memory is back with the first call after a promotion. try must
// be safe to make twice. A node that failed is not called again for
// probeEvery, so that a dead one costs a timeout once a second, not every
// call; a cluster's call meanwhile goes ahead when the map names another
// node for its key.
func (r *Redis) call(ctx context.Context, key string, try func() error) (node string, err error) {
	node = r.node(ctx, key)
	if r.health.resting(node) {
		if r.cluster == nil {
			return node, ErrUnavailable
		}
		r.cluster.ReloadState(ctx)
		to := r.node(ctx, key)
		if to == node || to == "" {
			return node, ErrUnavailable
		}
		node = to
	}
	err = try()
	if failed(err) && r.cluster != nil {
		if to := r.rerouted(ctx, key, node); to != "" {
			node, err = to, try()
		}
	}
	return node, r.note(ctx, node, key, err)
}

// note records whether node answered a call for key, and returns the
// call's failure, if any, as ErrUnavailable.
func (r *Redis) note(ctx context.Context, node, key string, err error) error {
	if failed(err) {
		r.health.fault(node, key, err)
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	r.health.ok(ctx, node)
	return nil
}

// rerouted reloads a cluster's slot map after a call for key failed on
// node, and returns the node the map names for key once it names another,
// within reloadWait; "" when it still names node (no replica promoted yet).
// go-redis reloads one map at a time, at most one every 200 ms, however
// many calls fail.
func (r *Redis) rerouted(ctx context.Context, key, node string) string {
	r.cluster.ReloadState(ctx)
	wait := time.NewTimer(reloadWait)
	defer wait.Stop()
	look := time.NewTicker(reloadWait / 50)
	defer look.Stop()
	for {
		if to := r.node(ctx, key); to != node && to != "" {
			return to
		}
		select {
		case <-ctx.Done():
			return ""
		case <-wait.C:
			return ""
		case <-look.C:
		}
	}
}

// seenKey is where an asking's claim, then its done-mark, is kept: in its
// conversation's hash slot.
func (r *Redis) seenKey(k reply.Key) string {
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
func (r *Redis) Claim(ctx context.Context, k reply.Key) (claimed, done bool, err error) {
	var holder *redis.StringCmd
	node, err := r.call(ctx, r.seenKey(k), func() error {
		pipe := r.client.Pipeline()
		holder = r.claim(ctx, pipe, k)
		pipe.Exec(ctx) // the holder's error is read below
		return holder.Err()
	})
	if err != nil {
		return claimResult(r.claimUnknown(node, err))
	}
	return claimResult(r.claimOutcome(holder))
}

// claim queues in pipe the claim of k's asking for this process, and
// returns the command that reads who holds it then (claimOutcome).
func (r *Redis) claim(ctx context.Context, pipe redis.Pipeliner, k reply.Key) (holder *redis.StringCmd) {
	pipe.SetNX(ctx, r.seenKey(k), r.id, r.opt.ClaimTTL)
	return pipe.Get(ctx, r.seenKey(k))
}

// claimOutcome is nil when the asking holder read is this process's,
// reply.ErrAnswered once it was answered, and reply.ErrInFlight when
// another process holds it (or held it until a moment ago).
func (r *Redis) claimOutcome(holder *redis.StringCmd) error {
	switch holder.Val() {
	case r.id:
		return nil
	case doneMark:
		return reply.ErrAnswered
	default:
		return reply.ErrInFlight
	}
}

// claimResult is Claim's answer for a claim's outcome.
func claimResult(outcome error) (claimed, done bool, err error) {
	switch {
	case outcome == nil:
		return true, false, nil
	case errors.Is(outcome, reply.ErrAnswered):
		return false, true, nil
	case errors.Is(outcome, reply.ErrInFlight):
		return false, false, nil
	}
	return false, false, outcome
}

// extendClaim renews a claim that is still this process's: never a
// done-mark, whose day it would cut short, nor another's claim.
var extendClaim = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)

// Extend renews this process's claim on an asking being answered, for
// another Options.ClaimTTL.
func (r *Redis) Extend(ctx context.Context, k reply.Key) error {
	_, err := r.call(ctx, r.seenKey(k), func() error {
		return extendClaim.Run(ctx, r.client, []string{r.seenKey(k)}, r.id, r.opt.ClaimTTL.Milliseconds()).Err()
	})
	return err
}

// MarkHandled records an asking as answered, for a day, in place of its
// claim. A question's Save marks its asking itself.
func (r *Redis) MarkHandled(ctx context.Context, k reply.Key) error {
	_, err := r.call(ctx, r.seenKey(k), func() error { return r.client.Set(ctx, r.seenKey(k), doneMark, seenTTL).Err() })
	return err
}

// Forget drops a conversation's turns.
func (r *Redis) Forget(ctx context.Context, conv string) error {
	_, err := r.call(ctx, r.convKey(conv), func() error { return r.client.Del(ctx, r.convKey(conv)).Err() })
	return err
}
