package memory

import (
	"fmt"
	"time"
)

// Defaults for Options fields left zero.
const (
	DefaultTurns    = 10
	DefaultTTL      = 24 * time.Hour
	DefaultCacheTTL = 24 * time.Hour
	DefaultPrefix   = "reportbot"
	// DefaultClaimTTL is how long a claim on an update lasts unless it is
	// renewed: the replica handling the update renews it every third of
	// this (see Extend), so that one that died loses its updates to another
	// within it.
	DefaultClaimTTL = 15 * time.Second
	// DefaultDownAfter is how long a Redis node's calls fail before the
	// askings kept on it are answered without memory: twice Redis's
	// default cluster-node-timeout, clearly longer than a failover takes
	// (the node timeout, then an election of about a second). Until then
	// they wait (a webhook's 503, an update polled again), so that none is
	// answered twice.
	DefaultDownAfter = 30 * time.Second
	// DefaultLogEntries is about how many answered questions Redis's log
	// keeps (Options.LogEntries): some 20 MB at about a kilobyte each, three
	// months of a county's questions at two hundred a day.
	DefaultLogEntries = 20000
)

// Options bound what is kept and say the rate limits.
type Options struct {
	Turns     int           // turns a conversation keeps
	TTL       time.Duration // how long a conversation is kept after its last turn
	CacheTTL  time.Duration // how long an answer is cached
	PerMinute int           // questions a user may ask a minute; 0 for no limit
	PerDay    int           // questions a user may ask a day; 0 for no limit
	Prefix    string        // of every Redis key
	ClaimTTL  time.Duration // how long a claim on an update lasts unless renewed
	// DownAfter is how long a node's calls fail before its askings are
	// answered without memory; never less than ClaimTTL.
	DownAfter time.Duration
	// LogEntries is about how many answered questions Redis keeps in its
	// log, for exports (trimmed to at least this many, a little more at
	// times); 0 means DefaultLogEntries, less than 0 keeps no log.
	LogEntries int
	// Now is the clock; nil means time.Now. Days begin at midnight China
	// Standard Time.
	Now func() time.Time
	// Observer is told of each failed Redis call; may be nil.
	Observer interface{ ObserveRedisError() }
}

func (o Options) withDefaults() Options {
	if o.Turns <= 0 {
		o.Turns = DefaultTurns
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.CacheTTL <= 0 {
		o.CacheTTL = DefaultCacheTTL
	}
	if o.ClaimTTL <= 0 {
		o.ClaimTTL = DefaultClaimTTL
	}
	if o.DownAfter <= 0 {
		o.DownAfter = DefaultDownAfter
	}
	o.DownAfter = max(o.DownAfter, o.ClaimTTL)
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.LogEntries == 0 {
		o.LogEntries = DefaultLogEntries
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// china is the zone whose midnight starts a day for the daily limits.
var china = time.FixedZone("CST", 8*60*60)

// window is one rate-limit window: its name in keys, when it ends, and the
// limit in it.
type window struct {
	name  string
	ends  time.Time
	limit int
}

// windows returns the rate-limit windows that now falls in.
func (o Options) windows(now time.Time) []window {
	var ws []window
	if o.PerMinute > 0 {
		start := now.Truncate(time.Minute)
		ws = append(ws, window{fmt.Sprintf("m%d", start.Unix()/60), start.Add(time.Minute), o.PerMinute})
	}
	if o.PerDay > 0 {
		ws = append(ws, window{"d" + day(now), midnightAfter(now), o.PerDay})
	}
	return ws
}

// retryAfter is how long a user over a limit waits: until the last window
// they are over ends.
func retryAfter(now time.Time, ws []window, counts []int64) time.Duration {
	var wait time.Duration
	for i, w := range ws {
		if counts[i] > int64(w.limit) {
			wait = max(wait, w.ends.Sub(now))
		}
	}
	return wait
}

func day(now time.Time) string { return now.In(china).Format("20060102") }

func midnightAfter(now time.Time) time.Time {
	c := now.In(china)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, china)
}

// dayTTL keeps a day's counters until the day is surely over everywhere.
const dayTTL = 48 * time.Hour

// Lifetimes of what feedback and statistics keep.
const (
	refTTL        = 7 * 24 * time.Hour     // an answer can be rated for a week
	clusterReload = 2 * time.Second        // how often a cluster's slot map is reloaded while it is used
	reloadWait    = 500 * time.Millisecond // how long a failed call waits for a reloaded slot map
	statsTTL      = 30 * 24 * time.Hour    // statistics cover the last month of activity
	feedbackKept  = 1000                   // votes kept with their question
)

// Vote is one 👍 or 👎 on an answer, with what the answer was about.
type Vote struct {
	Up       bool      `json:"up"`
	Question string    `json:"question"`
	Sections []string  `json:"sections"`
	At       time.Time `json:"at"`
}

// answered is what an answer's Ref names.
type answered struct {
	Question string   `json:"question"`
	Sections []string `json:"sections"`
	// Voters are the votes on it, by voter: true for 👍 (in process;
	// Redis keeps them in a hash of their own).
	Voters map[string]bool `json:"-"`
}

// doneMark is what an asking's seen key holds once it is answered; before,
// a claim holds the ID of the process answering it.
const doneMark = "done"
