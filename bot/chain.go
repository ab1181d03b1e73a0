package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"reportbot/answer"
	"reportbot/answer/reply"
)

// Handler handles one update. An error it returns that carries a message
// to answer (*replyError) is told to the user by toUser; any other is
// logged.
type Handler func(ctx context.Context, u tgbotapi.Update) error

// Middleware wraps a Handler in what every update needs.
type Middleware func(next Handler) Handler

// chain wraps h in mws, the first outermost.
func chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// replyError is an error to tell the user, in reply to the message that
// asked.
type replyError struct {
	to  *tgbotapi.Message
	err error
}

func (e *replyError) Error() string { return e.err.Error() }
func (e *replyError) Unwrap() error { return e.err }

// errPanic is wrapped by the error of a handler that panicked.
var errPanic = errors.New("update handler panicked")

// channel marks what an update asks as come through Telegram, for the
// metrics of its answers.
func channel(next Handler) Handler {
	return func(ctx context.Context, u tgbotapi.Update) error {
		return next(reply.WithChannel(ctx, "telegram"), u)
	}
}

// askingOf names an update's asking, in memory's claims and done-marks: a
// question handled again (its replica died answering it) counts once
// against its user's limits.
func askingOf(u tgbotapi.Update) string { return "tg:" + strconv.Itoa(u.UpdateID) }

// claimKey is what memory claims and marks an update under: its asking,
// in its conversation (as its question's Load and Save name it).
func claimKey(u tgbotapi.Update) reply.Key {
	conv, _ := conversationOf(u)
	return reply.Key{Conv: conv, Asked: askingOf(u)}
}

// recovered turns a panic of any value into an error, so that one update
// cannot stop the bot.
func recovered() Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, u tgbotapi.Update) (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("%w: %v", errPanic, r)
				}
			}()
			return next(ctx, u)
		}
	}
}

// deadline bounds the handling of each update.
func deadline(d time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, u tgbotapi.Update) error {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, u)
		}
	}
}

// handled records each update as handled, in memory and among those in
// flight, whatever came of it: an update is never answered twice.
// While it is handled, its claim is renewed every refresh, so that no
// other replica takes it; once the claim is no longer renewed, the
// done-mark follows. A question (asks) is claimed by memory's Load and
// marked by its Save, in their round trips, once its answer is sent; one
// found held by another process is given back (tracker.release).
func handled(mem Memory, track *tracker, refresh time.Duration, asks func(tgbotapi.Update) bool, log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, u tgbotapi.Update) (err error) {
			key := claimKey(u)
			stop := renewClaim(ctx, mem, key, refresh, log)
			saved := false // by the answer's Save
			defer func() {
				stop()
				switch {
				case errors.Is(err, reply.ErrInFlight):
					track.release(u.UpdateID)
					return
				case saved || errors.Is(err, reply.ErrAnswered):
				default:
					mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
					defer cancel()
					if err := mem.MarkHandled(mctx, key); err != nil {
						log.Debug("update not recorded as handled", "update", u.UpdateID, "err", err)
					}
				}
				track.finish(u.UpdateID)
			}()
			question := asks(u)
			err = next(ctx, u)
			saved = question && err == nil
			return err
		}
	}
}

// renewClaim renews the claim on an update every refresh until the
// returned stop is called, which returns once no renewal is under way.
func renewClaim(ctx context.Context, mem Memory, key reply.Key, refresh time.Duration, log *slog.Logger) (stop func()) {
	if refresh <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(refresh)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := mem.Extend(ctx, key); err != nil && ctx.Err() == nil {
					log.Debug("claim on update not renewed", "asking", key.Asked, "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// logged logs each update's latency, and the error of one that failed.
func logged(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, u tgbotapi.Update) error {
			start := time.Now()
			err := next(ctx, u)
			switch {
			case errors.Is(err, errPanic):
				log.Error("update handler panicked; update skipped", "update", u.UpdateID, "err", err)
			case err != nil && !expected(err):
				log.Error("update failed", "update", u.UpdateID, "err", err)
			}
			log.Debug("update handled", "update", u.UpdateID, "latency", time.Since(start))
			return err
		}
	}
}

// expected reports whether an error is a user's, not the bot's (a limit,
// an empty or too long question), or an asking another process holds.
func expected(err error) bool {
	return errors.As(err, new(*answer.RateLimitError)) || errors.Is(err, answer.ErrEmptyQuestion) || errors.Is(err, answer.ErrQuestionTooLong) ||
		errors.Is(err, reply.ErrInFlight) || errors.Is(err, reply.ErrAnswered)
}

// toUser is the one place where errors become words for the user: a
// handler's *replyError is answered, through reply, with
// answer.UserMessage's words for it.
func toUser(reply func(ctx context.Context, to *tgbotapi.Message, text string)) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, u tgbotapi.Update) error {
			err := next(ctx, u)
			var re *replyError
			if errors.As(err, &re) && re.to != nil && re.to.Chat != nil {
				reply(ctx, re.to, answer.UserMessage(re.err))
			}
			return err
		}
	}
}

// limitedCommands refuses the commands of a user past their limit, as
// questions past theirs are (those limits are kept with the conversations,
// in memory, shared by replicas): commands are no way around it.
func limitedCommands(limit *perUser, self string) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, u tgbotapi.Update) error {
			if m := u.Message; m != nil && m.IsCommand() && forBot(m, self) {
				if asker, ok := askerOf(m); ok {
					if wait, ok := limit.allow(asker, time.Now()); !ok {
						return &replyError{m, &answer.RateLimitError{RetryAfter: wait}}
					}
				}
			}
			return next(ctx, u)
		}
	}
}
