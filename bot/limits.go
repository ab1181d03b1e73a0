package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// commandsPerMinute is how many commands a user may send a minute: as many
// as questions, so that commands are no way around the question limit.
const commandsPerMinute = 10

// perUser limits what each user may send, in this process.
type perUser struct {
	limit rate.Limit
	burst int

	mu    sync.Mutex
	users map[int64]*rate.Limiter
}

func newPerUser(limit rate.Limit, burst int) *perUser {
	return &perUser{limit: limit, burst: burst, users: map[int64]*rate.Limiter{}}
}

// allow takes a turn for user at now; when there is none it returns how
// long until there is.
func (p *perUser) allow(user int64, now time.Time) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.users[user]
	if l == nil {
		if len(p.users) > 10000 { // forget users whose turns are all back
			for id, u := range p.users {
				if u.TokensAt(now) >= float64(p.burst) {
					delete(p.users, id)
				}
			}
		}
		l = rate.NewLimiter(p.limit, p.burst)
		p.users[user] = l
	}
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// latestOf knows each user's latest inline query, as received.
type latestOf struct {
	mu  sync.Mutex
	ids map[int64]string
}

func (l *latestOf) seen(user int64, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ids) > 10000 {
		clear(l.ids)
	}
	l.ids[user] = id
}

// latest reports whether id is the user's latest inline query.
func (l *latestOf) latest(user int64, id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	got, ok := l.ids[user]
	return !ok || got == id
}
