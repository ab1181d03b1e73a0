package bot

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"reportbot/internal/logtest"
)

// pace is a shared Pace stand-in: it records the turns taken together,
// makes the first of each set wait once, or fails when down.
type pace struct {
	mu     sync.Mutex
	down   bool
	taken  []string
	waited map[string]bool
}

func (p *pace) Take(_ context.Context, every map[string]time.Duration) (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return 0, errors.New("connection refused")
	}
	var turns []string
	for k, d := range every {
		turns = append(turns, k+"@"+d.String())
	}
	slices.Sort(turns)
	key := strings.Join(turns, "+")
	if !p.waited[key] {
		p.waited[key] = true
		return time.Millisecond, nil
	}
	p.taken = append(p.taken, key)
	return 0, nil
}

// TestSharedPace: a turn to send is taken from the shared pace, the bot's
// and the chat's together, after the wait they ask; while it is down, from
// this replica's own limiters, said once in the log.
func TestSharedPace(t *testing.T) {
	p := &pace{waited: map[string]bool{}}
	logs := &logtest.Buffer{}
	s := newSender(nil, rate.Limit(30), rate.Every(time.Millisecond), rate.Every(3*time.Millisecond), p, slog.New(slog.NewTextHandler(logs, nil)))
	ctx := context.Background()
	if err := s.wait(ctx, 42, false); err != nil {
		t.Fatal(err)
	}
	if err := s.wait(ctx, -7, true); err != nil {
		t.Fatal(err)
	}
	want := []string{"all@33.333333ms+chat:42@1ms", "all@33.333333ms+chat:-7@3ms"}
	if strings.Join(p.taken, " ") != strings.Join(want, " ") {
		t.Errorf("turns taken %q, want %q", p.taken, want)
	}
	if len(s.chats) != 0 {
		t.Error("the local limiters were used while the shared pace worked")
	}
	p.down = true
	for range 3 {
		if err := s.wait(ctx, int64(100), false); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.chats) != 1 || strings.Count(logs.String(), "pacing this replica alone") != 1 {
		t.Errorf("down: %d local limiters, logs:\n%s", len(s.chats), logs.String())
	}
}
