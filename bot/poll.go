package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// pollTimeout is how long one getUpdates waits for updates; minEmptyPoll
// is the least time between two polls that found nothing.
const (
	pollTimeout  = 25 * time.Second
	minEmptyPoll = time.Second
)

// tracker knows which updates are being handled and which are done, so
// that the offset given to Telegram confirms only updates already handled,
// and an update Telegram sends again is not taken twice.
type tracker struct {
	mu       sync.Mutex
	inFlight map[int]*flight
	handled  map[int]bool // done, above an update still in flight
	pending  map[int]bool // polled, but held by another process: to poll again
	floor    int          // every update below is done
	maxSeen  int
	done     chan struct{} // signalled when an update is done
}

// flight is an update being handled here.
type flight struct {
	landed chan struct{} // closed when it is done here
	polled bool          // polled, not from the webhook
	held   bool          // found held by another process; set before landed closes
}

func newTracker() *tracker {
	return &tracker{inFlight: map[int]*flight{}, handled: map[int]bool{}, pending: map[int]bool{}, maxSeen: -1,
		done: make(chan struct{}, 1)}
}

// start records an update as being handled; not ok if it already is, or
// was. Polled updates come in order, so one below the floor was handled; a
// webhook's may come in any order (Telegram retries), and only those in
// flight are known here: memory knows the handled ones. again says it is
// one given back (release) and polled again.
func (t *tracker) start(id int, polled bool) (ok, again bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.inFlight[id]; ok || polled && (t.handled[id] || id < t.floor) {
		return false, false
	}
	t.inFlight[id] = &flight{landed: make(chan struct{}), polled: polled}
	t.maxSeen = max(t.maxSeen, id)
	return true, t.pending[id]
}

// flightOf is the flight of an update in flight here; one already landed
// when it is not.
func (t *tracker) flightOf(id int) *flight {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f, ok := t.inFlight[id]; ok {
		return f
	}
	f := &flight{landed: make(chan struct{})}
	close(f.landed)
	return f
}

// finish records an update as done: answered here, or by another replica.
func (t *tracker) finish(id int) {
	t.mu.Lock()
	t.land(id)
	delete(t.pending, id)
	t.handled[id] = true
	t.settle()
	for h := range t.handled {
		if h < t.floor {
			delete(t.handled, h)
		}
	}
	t.mu.Unlock()
	select {
	case t.done <- struct{}{}:
	default:
	}
}

// land ends an update's flight here, telling those who wait for it.
func (t *tracker) land(id int) {
	if f, ok := t.inFlight[id]; ok {
		close(f.landed)
	}
	delete(t.inFlight, id)
}

// settle moves the floor to the lowest update not yet done: in flight
// here, or held by another process.
func (t *tracker) settle() {
	t.floor = t.maxSeen + 1
	for id := range t.inFlight {
		t.floor = min(t.floor, id)
	}
	for id := range t.pending {
		t.floor = min(t.floor, id)
	}
}

// release gives back an update that another process holds (one that may
// have died while it answered it). Polled, it is not confirmed, so that it
// is polled again, and answered here once that process's claim runs out;
// from the webhook, its flight says so (held), and Telegram is asked to
// send it again.
func (t *tracker) release(id int) {
	t.mu.Lock()
	if f, ok := t.inFlight[id]; ok && !f.polled {
		f.held = true
		t.land(id)
		t.mu.Unlock()
		return
	}
	t.land(id)
	t.pending[id] = true
	t.settle()
	t.mu.Unlock()
}

// offset is what to confirm to Telegram: every update below it is done.
func (t *tracker) offset() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.floor
}

// Poll receives updates by long polling until ctx (intake) is done, hands
// each to its conversation's queue, then waits for the queued updates to be
// handled and confirms them to Telegram. It returns ErrToken if Telegram
// rejects the token.
func (b *Bot) Poll(ctx context.Context) error {
	// A webhook left set makes getUpdates fail; its pending updates stay.
	if _, err := b.poll.MakeRequest("deleteWebhook", nil); err != nil {
		b.log.Warn("telegram deleteWebhook failed", "err", err)
	}
	backoff := time.Second
	for ctx.Err() == nil {
		cfg := tgbotapi.NewUpdate(b.track.offset())
		cfg.Timeout = int(pollTimeout / time.Second)
		cfg.AllowedUpdates = allowedUpdates
		asked := time.Now()
		updates, err := b.poll.GetUpdates(cfg)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var te *tgbotapi.Error
			if errors.As(err, &te) && (te.Code == 401 || te.Code == 404) {
				return ErrToken
			}
			wait, ok := retryAfter(err)
			if !ok {
				wait, backoff = backoff, min(backoff*2, 30*time.Second)
			}
			b.log.Warn("telegram getUpdates failed; retrying", "err", err, "wait", wait)
			sleep(ctx, wait)
			continue
		}
		backoff = time.Second
		if len(updates) == 0 {
			// A server that answers a long poll at once with nothing (one
			// under load, an emulator) is not asked again at once.
			if took := time.Since(asked); took < minEmptyPoll/10 {
				sleep(ctx, minEmptyPoll-took)
			}
			continue
		}
		fresh := 0
		for _, u := range updates {
			if b.receive(ctx, u, true) == taken {
				fresh++
			}
		}
		if fresh == 0 && len(updates) > 0 {
			// Only updates still being handled came back: wait for one to
			// finish before asking again, rather than spinning.
			select {
			case <-ctx.Done():
			case <-b.track.done:
			case <-time.After(time.Second):
			}
		}
	}
	return nil
}

// intake is what came of an update received.
type intake int

const (
	taken    intake = iota // claimed here and queued
	inFlight               // being handled, here or by another replica
	answered               // handled before (a redelivery)
	dropped                // of a kind the bot does not handle
)

// receive takes one update in, polled or from the webhook: it claims the
// update, atomically across replicas and before any work, and queues it in
// its conversation. A redelivery of an update claimed or answered is not
// taken again, and counts against no limit.
func (b *Bot) receive(ctx context.Context, u tgbotapi.Update, polled bool) intake {
	ok, again := b.track.start(u.UpdateID, polled)
	if !ok {
		return inFlight
	}
	if b.cfg.Observer != nil && !again {
		b.cfg.Observer.ObserveUpdate(updateKind(u))
	}
	// A question's asking is claimed by memory's Load, in its round trip.
	claimed, done, err := true, false, error(nil)
	if !b.asks(u) {
		claimed, done, err = b.mem.Claim(ctx, claimKey(u))
	}
	switch {
	case err == nil && !claimed && done:
		b.track.finish(u.UpdateID)
		return answered
	case err == nil && !claimed && polled:
		// Held by a process that died answering it (only one polls): polled
		// again until its claim runs out, never confirmed unanswered.
		b.track.release(u.UpdateID)
		return inFlight
	case err == nil && !claimed:
		b.track.finish(u.UpdateID) // the webhook's 503 has Telegram send it again
		return inFlight
	}
	if q := u.InlineQuery; q != nil && q.From != nil {
		b.inline.seen(q.From.ID, q.ID)
	}
	conv, ok := conversationOf(u)
	if !ok {
		b.track.finish(u.UpdateID)
		b.mem.MarkHandled(ctx, claimKey(u))
		return dropped
	}
	b.queues.dispatch(conv, u)
	return taken
}

func updateKind(u tgbotapi.Update) string {
	switch {
	case u.Message != nil:
		return "message"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.InlineQuery != nil:
		return "inline_query"
	}
	return "other"
}

// Shutdown waits for the updates being handled, then, after polling,
// confirms them to Telegram, all within ctx.
func (b *Bot) Shutdown(ctx context.Context, polled bool) error {
	done := make(chan struct{})
	go func() { b.queues.wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return errors.New("shutdown deadline passed with answers still in flight; Telegram will send their updates again")
	}
	offset := b.track.offset()
	if !polled || offset == 0 {
		return nil
	}
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Limit, cfg.Timeout = 1, 0
	return b.out.request(ctx, 0, false, cfg)
}
