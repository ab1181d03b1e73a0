package memory

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// takeTurns takes a turn under each of its keys, all at once or none: a
// key holds when its next turn is due (microseconds of Redis's clock) and
// lives until then; ARGV are the keys' intervals in microseconds. It
// returns 0 when the turns are taken, else the microseconds until every
// one is due. With one turn at most each interval, none banked while idle,
// and intervals rounded up, n a second never lets n+1 through in a second.
var takeTurns = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
for _, k in ipairs(KEYS) do
  local due = tonumber(redis.call("GET", k) or "0")
  if due - now > wait then wait = due - now end
end
if wait > 0 then return wait end
for i, k in ipairs(KEYS) do
  local every = tonumber(ARGV[i])
  redis.call("SET", k, string.format("%.0f", now + every), "PX", math.ceil(every / 1000))
end
return 0`)

// Take takes a turn under each key for what every replica sends, all at
// once or none, at most one a key every its interval, so that the limits
// hold for all replicas together. It returns how long to wait when a turn
// is not yet due; then none is taken, so that a chat not yet ready costs
// the bot's turn nothing. Every key of a pace lives in one hash slot.
func (r *Redis) Take(ctx context.Context, every map[string]time.Duration) (time.Duration, error) {
	keys, intervals := make([]string, 0, len(every)), make([]any, 0, len(every))
	for k, d := range every {
		keys = append(keys, r.opt.Prefix+":send:{pace}:"+k)
		intervals = append(intervals, strconv.FormatInt(int64((d+time.Microsecond-1)/time.Microsecond), 10)) // rounded up
	}
	var wait int64
	if _, err := r.call(ctx, keys[0], func() (err error) {
		wait, err = takeTurns.Run(ctx, r.client, keys, intervals...).Int64()
		return err
	}); err != nil {
		return 0, err
	}
	return time.Duration(wait) * time.Microsecond, nil
}
