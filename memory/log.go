package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"reportbot/answer/reply"
	"reportbot/feedback"
)

// The log is one Redis stream of answered questions, <prefix>:log, trimmed
// to about Options.LogEntries: one key, so one hash slot (one node of a
// cluster), written by a command of its own in Save's round trip. It never
// expires; it holds the raw conversation and user IDs, which exports hash.
const (
	// logPage is how many entries a read of the log takes a round trip:
	// well within the client's timeouts, a few hundred kilobytes at most.
	logPage = 100
	// logSkew is how much earlier than since a read of the log starts:
	// an entry's ID is Redis's clock, its time the replica's that answered.
	logSkew = 5 * time.Minute
)

// Fields of a log entry.
const (
	logChannel   = "channel"
	logAt        = "at"
	logConv      = "conv"
	logUser      = "user"
	logQuestion  = "question"
	logMode      = "mode"
	logFound     = "found"
	logCitations = "citations"
	logRef       = "ref"
)

func (r *Redis) logKey() string { return r.opt.Prefix + ":log" }

// logEntry is the log's entry for the question k and rec keep, its fields
// in one order (Redis stores those of a stream's entries once); nil when no
// log is kept or Save keeps no turn.
func (r *Redis) logEntry(ctx context.Context, k reply.Key, rec reply.Record) []string {
	if r.opt.LogEntries < 0 || k.Conv == "" {
		return nil
	}
	at := rec.Turn.At
	if at.IsZero() {
		at = r.opt.Now()
	}
	cits := rec.Citations
	if cits == nil {
		cits = []reply.Citation{}
	}
	cj, _ := json.Marshal(cits) // strings alone: never fails
	return []string{
		logChannel, reply.ChannelOf(ctx),
		logAt, at.UTC().Format(time.RFC3339Nano),
		logConv, k.Conv,
		logUser, k.User,
		logQuestion, rec.Turn.Question,
		logMode, string(rec.Mode),
		logFound, strconv.FormatBool(rec.Turn.Found),
		logCitations, string(cj),
		logRef, rec.Ref,
	}
}

// appendLog queues in pipe the entry's addition to the log, trimmed to
// about Options.LogEntries (whole blocks of entries, cheaply).
func (r *Redis) appendLog(ctx context.Context, pipe redis.Pipeliner, entry []string) *redis.StringCmd {
	return pipe.XAdd(ctx, &redis.XAddArgs{Stream: r.logKey(), MaxLen: int64(r.opt.LogEntries), Approx: true, Values: entry})
}

// Log calls each for every question the log holds that was answered at
// since or later (all of them for a zero since), oldest first, with the
// votes its answer has; it stops at each's first error, and returns it. It
// reads logPage entries and their votes a round trip or two: an export
// streams the log, never holding it whole.
func (r *Redis) Log(ctx context.Context, since time.Time, each func(feedback.Asked) error) error {
	start := "-"
	if !since.IsZero() {
		start = strconv.FormatInt(max(0, since.Add(-logSkew).UnixMilli()), 10)
	}
	for {
		msgs, err := r.client.XRangeN(ctx, r.logKey(), start, "+", logPage).Result()
		if err != nil {
			return fmt.Errorf("read the log in Redis: %w", err)
		}
		page := make([]feedback.Asked, len(msgs))
		votes := make([]*redis.MapStringStringCmd, len(msgs))
		pipe := r.client.Pipeline()
		for i, m := range msgs {
			page[i] = askedOf(m)
			if a := page[i]; a.Ref != "" {
				votes[i] = pipe.HGetAll(ctx, r.votesKey(a.Conv, a.Ref))
			}
		}
		if pipe.Len() > 0 {
			if _, err := pipe.Exec(ctx); failed(err) {
				return fmt.Errorf("read the votes in Redis: %w", err)
			}
		}
		for i, a := range page {
			if a.At.Before(since) {
				continue
			}
			if votes[i] != nil {
				for _, v := range votes[i].Val() {
					if v == voteName(true) {
						a.Up++
					} else {
						a.Down++
					}
				}
			}
			if err := each(a); err != nil {
				return err
			}
		}
		if len(msgs) < logPage {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

// askedOf reads a log entry; its time, when it has none that reads, is
// its ID's.
func askedOf(m redis.XMessage) feedback.Asked {
	s := func(field string) string { v, _ := m.Values[field].(string); return v }
	a := feedback.Asked{Channel: s(logChannel), Conv: s(logConv), User: s(logUser), Question: s(logQuestion),
		Mode: reply.Mode(s(logMode)), Found: s(logFound) == "true", Ref: s(logRef)}
	var err error
	if a.At, err = time.Parse(time.RFC3339Nano, s(logAt)); err != nil {
		ms, _, _ := strings.Cut(m.ID, "-")
		n, _ := strconv.ParseInt(ms, 10, 64)
		a.At = time.UnixMilli(n).UTC()
	}
	json.Unmarshal([]byte(s(logCitations)), &a.Citations) // none, when it does not read
	return a
}
