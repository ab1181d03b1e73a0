package memory

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
)

// Take takes a turn under key for what every replica sends, at most one
// every interval (a GCRA limiter in Redis, so that the limit holds for all
// replicas together). It returns how long to wait when it is not yet this
// replica's turn; each key lives only as long as its pace needs.
func (r *Redis) Take(ctx context.Context, key string, every time.Duration) (time.Duration, error) {
	if err := r.available(); err != nil {
		return 0, err
	}
	res, err := r.pace.Allow(ctx, r.key("send", key), redis_rate.Limit{Rate: 1, Burst: 1, Period: every})
	if err := r.observe(err); err != nil {
		return 0, err
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return res.RetryAfter, nil
}
