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

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/internal/logtest"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
)

// marks is a Memory that records what is marked handled, and the claims
// renewed, in order.
type marks struct {
	mu      sync.Mutex
	asked   []string
	events  []string
	renewed chan struct{} // told of each renewal, when not nil
}

func (m *marks) Claim(context.Context, reply.Key) (bool, bool, error) { return true, false, nil }
func (m *marks) MarkHandled(_ context.Context, k reply.Key) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = append(m.asked, k.Asked)
	m.events = append(m.events, "done")
	return nil
}
func (m *marks) Extend(context.Context, reply.Key) error {
	m.mu.Lock()
	m.events = append(m.events, "renew")
	m.mu.Unlock()
	if m.renewed != nil {
		m.renewed <- struct{}{}
	}
	return nil
}
func (m *marks) Forget(context.Context, string) error { return nil }

func TestChainOrder(t *testing.T) {
	var got []string
	mw := func(name string) Middleware {
		return func(next Handler) Handler {
			return func(ctx context.Context, u tgbotapi.Update) error {
				got = append(got, name)
				return next(ctx, u)
			}
		}
	}
	chain(func(context.Context, tgbotapi.Update) error { got = append(got, "handler"); return nil }, mw("a"), mw("b"))(context.Background(), tgbotapi.Update{})
	if strings.Join(got, ",") != "a,b,handler" {
		t.Errorf("order %v, want the first middleware outermost", got)
	}
}

func TestRecovered(t *testing.T) {
	for _, v := range []any{"text", errors.New("an error"), 42, nil} {
		h := recovered()(func(context.Context, tgbotapi.Update) error { panic(v) })
		err := h(context.Background(), tgbotapi.Update{})
		if v == nil {
			// panic(nil) is a *runtime.PanicNilError since Go 1.21.
			if !errors.Is(err, errPanic) {
				t.Errorf("panic(nil): %v", err)
			}
			continue
		}
		if !errors.Is(err, errPanic) {
			t.Errorf("panic(%v): error %v, want errPanic", v, err)
		}
	}
}

func TestDeadline(t *testing.T) {
	h := deadline(time.Minute)(func(ctx context.Context, _ tgbotapi.Update) error {
		if d, ok := ctx.Deadline(); !ok || time.Until(d) > time.Minute {
			t.Errorf("no deadline within a minute: %v %v", d, ok)
		}
		return nil
	})
	h(context.Background(), tgbotapi.Update{})
}

// TestChannel: what an update asks is answered as come through Telegram.
// (Each asking is named by its update, which route passes to the answerer
// in its key: the bot's tests' echo refuses a question without one.)
func TestChannel(t *testing.T) {
	doc := testreport.Parse(t, "r.txt", []byte("某县2023年法治政府建设年度报告\n一、行政复议\n2023年收到84件行政复议申请。\n"))
	mem := &keyMemory{}
	ans := &answer.Answerer{Index: knowledge.NewIndex(doc), Memory: mem}
	var got string
	channel(func(ctx context.Context, _ tgbotapi.Update) error {
		got = reply.ChannelOf(ctx)
		_, err := ans.AskFor(ctx, reply.Key{Conv: "tg:1", User: "tg:u1"}, "行政复议收到多少件申请?", nil)
		return err
	})(context.Background(), tgbotapi.Update{UpdateID: 77})
	if got != "telegram" || len(mem.keys) != 1 {
		t.Errorf("channel = %q, memory asked with %+v", got, mem.keys)
	}
}

// keyMemory records the keys memory is asked with.
type keyMemory struct{ keys []reply.Key }

func (m *keyMemory) Load(_ context.Context, k reply.Key) (reply.Session, error) {
	m.keys = append(m.keys, k)
	return reply.Session{}, nil
}
func (m *keyMemory) Save(context.Context, reply.Key, reply.Record) error { return nil }

// TestHandled: an update is marked handled, in memory and among those in
// flight, whether it is answered, fails or panics. A question answered was
// marked by its answer's Save, and is not marked again; one answered
// before is only landed; one another process holds is given back, so that
// it is not confirmed to Telegram.
func TestHandled(t *testing.T) {
	mem, track := &marks{}, newTracker()
	questions := func(u tgbotapi.Update) bool { return u.UpdateID >= 3 }
	for id, h := range []Handler{
		func(context.Context, tgbotapi.Update) error { return nil },
		func(context.Context, tgbotapi.Update) error { return errors.New("failed") },
		func(context.Context, tgbotapi.Update) error { panic("boom") },
		func(context.Context, tgbotapi.Update) error { return nil },                  // a question answered
		func(context.Context, tgbotapi.Update) error { return reply.ErrAnswered },    // answered before
		func(context.Context, tgbotapi.Update) error { return reply.ErrInFlight },    // another process's
		func(context.Context, tgbotapi.Update) error { return errors.New("failed") }, // a question failed
	} {
		track.start(id, true)
		chain(h, recovered(), handled(mem, track, 0, questions, slog.New(slog.DiscardHandler)))(context.Background(), tgbotapi.Update{UpdateID: id})
	}
	if want := []string{"tg:0", "tg:1", "tg:2", "tg:6"}; !slices.Equal(mem.asked, want) || track.offset() != 5 {
		t.Errorf("marked %v, offset %d; want %v marked, and offset 5 (update 5 held elsewhere, to poll again)", mem.asked, track.offset(), want)
	}
	if ok, again := track.start(5, true); !ok || !again {
		t.Errorf("update 5 polled again: ok %v, again %v; want it taken, known as one given back", ok, again)
	}
	// From the webhook, one held elsewhere is said so to the webhook.
	track.start(7, false)
	f := track.flightOf(7)
	handled(mem, track, 0, questions, slog.New(slog.DiscardHandler))(func(context.Context, tgbotapi.Update) error {
		return reply.ErrInFlight
	})(context.Background(), tgbotapi.Update{UpdateID: 7})
	<-f.landed
	if !f.held || track.offset() != 5 {
		t.Errorf("update 7 from the webhook: held %v, offset %d; want it said held elsewhere, and the offset unmoved", f.held, track.offset())
	}
}

// TestClaimRenewed: while an update is handled its claim is renewed, so
// that no other replica takes it; the renewals stop before the done-mark.
func TestClaimRenewed(t *testing.T) {
	mem := &marks{renewed: make(chan struct{})}
	h := handled(mem, newTracker(), time.Millisecond, func(tgbotapi.Update) bool { return false }, slog.New(slog.DiscardHandler))(func(context.Context, tgbotapi.Update) error {
		<-mem.renewed // the handler outlasts two renewals
		<-mem.renewed
		return nil
	})
	go func() { // later renewals, if any, must not block
		for range mem.renewed {
		}
	}()
	h(context.Background(), tgbotapi.Update{UpdateID: 9})
	close(mem.renewed) // no renewal comes once the update is handled
	mem.mu.Lock()
	defer mem.mu.Unlock()
	n := len(mem.events)
	if n < 3 || mem.events[0] != "renew" || mem.events[n-1] != "done" || slices.Contains(mem.events[:n-1], "done") {
		t.Errorf("events %v: want renewals, then the done-mark last", mem.events)
	}
}

func TestLogged(t *testing.T) {
	var buf logtest.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := logged(log)(func(_ context.Context, u tgbotapi.Update) error {
		switch u.UpdateID {
		case 1:
			return &replyError{err: &answer.RateLimitError{RetryAfter: time.Second}}
		case 2:
			return errors.New("telegram down")
		}
		return nil
	})
	for id := range 3 {
		h(context.Background(), tgbotapi.Update{UpdateID: id})
	}
	logs := buf.String()
	if strings.Count(logs, "update handled") != 3 || strings.Count(logs, "level=ERROR") != 1 || !strings.Contains(logs, "telegram down") {
		t.Errorf("a user's limit is no error of the bot's; a failure is:\n%s", logs)
	}
}

// TestToUser: a handler's error for the user is answered with its words,
// in reply to the question; other errors are not the user's to read.
func TestToUser(t *testing.T) {
	var replies []string
	reply := func(_ context.Context, to *tgbotapi.Message, text string) { replies = append(replies, text) }
	m := &tgbotapi.Message{MessageID: 7, Chat: &tgbotapi.Chat{ID: 1}}
	for _, err := range []error{
		&replyError{m, &answer.RateLimitError{RetryAfter: 30 * time.Second}},
		&replyError{m, answer.ErrQuestionTooLong},
		errors.New("internal"),
	} {
		toUser(reply)(func(context.Context, tgbotapi.Update) error { return err })(context.Background(), tgbotapi.Update{})
	}
	if len(replies) != 2 || replies[0] != "提问太频繁了,请30秒后再试。" || !strings.Contains(replies[1], "问题太长") {
		t.Errorf("replies %q", replies)
	}
}

// TestLimitedCommands: a user's commands past the limit are refused with
// the time to wait, another user's are not, and questions and other bots'
// commands are not counted.
func TestLimitedCommands(t *testing.T) {
	var handled int
	h := limitedCommands(newPerUser(rate.Every(time.Hour), 2), "reportbot")(func(context.Context, tgbotapi.Update) error {
		handled++
		return nil
	})
	cmd := func(from int64, text string) tgbotapi.Update {
		return tgbotapi.Update{Message: &tgbotapi.Message{Text: text, From: &tgbotapi.User{ID: from}, Chat: &tgbotapi.Chat{ID: from},
			Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(strings.Fields(text)[0])}}}}
	}
	ctx := context.Background()
	for _, u := range []tgbotapi.Update{cmd(1, "/about"), cmd(1, "/help@otherbot"), cmd(1, "/help@reportbot"),
		{Message: &tgbotapi.Message{Text: "行政复议收到多少件申请?", From: &tgbotapi.User{ID: 1}, Chat: &tgbotapi.Chat{ID: 1}}}} {
		if err := h(ctx, u); err != nil {
			t.Fatalf("%q: %v", u.Message.Text, err)
		}
	}
	err := h(ctx, cmd(1, "/sections"))
	var re *replyError
	var limited *answer.RateLimitError
	if !errors.As(err, &re) || !errors.As(err, &limited) || limited.RetryAfter <= 0 {
		t.Errorf("a third command: %v", err)
	}
	if err := h(ctx, cmd(2, "/about")); err != nil {
		t.Errorf("another user's command: %v", err)
	}
	if handled != 5 {
		t.Errorf("%d updates handed on, want 5", handled)
	}
}
