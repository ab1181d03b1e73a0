package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// Telegram's limits on what a bot sends: about one message a second to a
// chat, twenty a minute to a group, thirty a second in all.
const (
	DefaultChatInterval  = time.Second
	DefaultGroupInterval = 3 * time.Second
	overall              = rate.Limit(30)
)

// Pace spaces what every replica of the bot sends, through a store they
// share: Take takes a turn under each key of every, all at once or none,
// at most one a key every its interval, and returns how long to wait when
// a turn is not yet due.
type Pace interface {
	Take(ctx context.Context, every map[string]time.Duration) (wait time.Duration, err error)
}

// sender sends within Telegram's limits, waiting its turn rather than being
// refused, and sends again after each 429 once its retry_after has passed,
// for as long as the answer's context lasts: nothing is dropped for a flood.
// With a shared Pace the limits hold for all replicas together; while the
// store is unreachable, for this replica alone.
type sender struct {
	api               *tgbotapi.BotAPI
	log               *slog.Logger
	global            *rate.Limiter
	perChat, perGroup rate.Limit
	shared            Pace // nil: this replica alone
	alone             rate.Sometimes

	mu    sync.Mutex
	chats map[int64]*chatLimiter
}

type chatLimiter struct {
	*rate.Limiter
	used time.Time
}

// Every limiter has a burst of one: thirty a second is then never more than
// thirty in any second, as a burst of thirty would allow sixty.
func newSender(api *tgbotapi.BotAPI, overall, perChat, perGroup rate.Limit, shared Pace, log *slog.Logger) *sender {
	return &sender{api: api, log: log, global: rate.NewLimiter(overall, 1), perChat: perChat, perGroup: perGroup,
		shared: shared, alone: rate.Sometimes{Interval: time.Minute}, chats: map[int64]*chatLimiter{}}
}

// wait takes a turn to send to a chat: from the shared pace, or when it
// cannot be reached, from this replica's own limiters.
//
// The bot's turn and the chat's are taken together or not at all, right
// before the send: a chat's turn taken, then a wait for the bot's, would
// let the chat's next message follow sooner than a second after this one
// is sent; and the bot's taken for a chat not yet ready would be lost to
// every other chat.
func (s *sender) wait(ctx context.Context, chatID int64, group bool) error {
	every := interval(s.perChat, group, s.perGroup)
	shared := s.shared != nil
	for {
		var wait time.Duration
		var err error
		if shared {
			wait, err = s.shared.Take(ctx, map[string]time.Duration{"all": interval(s.global.Limit(), false, 0),
				"chat:" + strconv.FormatInt(chatID, 10): every})
		} else {
			wait = s.localTurn(chatID, group)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return err
		case err != nil:
			s.alone.Do(func() {
				s.log.Warn("send limits shared by replicas unreachable; pacing this replica alone", "err", err)
			})
			shared = false
			continue
		case wait <= 0:
			return nil
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// localTurn takes the bot's turn and the chat's from this replica's own
// limiters, both or neither, or says how long until both may be had. What
// is not taken is only looked at: a turn reserved and given back after
// others were reserved could not be given back whole.
func (s *sender) localTurn(chatID int64, group bool) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	limiters := []*rate.Limiter{s.global, s.chatLimiter(chatID, group, now)}
	var wait time.Duration
	for _, l := range limiters {
		if short := 1 - l.TokensAt(now); short > 0 {
			wait = max(wait, time.Microsecond, time.Duration(short/float64(l.Limit())*float64(time.Second)))
		}
	}
	if wait > 0 {
		return wait
	}
	for _, l := range limiters {
		l.AllowN(now, 1)
	}
	return 0
}

// interval is the time between two sends at limit l, or at g in a group.
func interval(l rate.Limit, group bool, g rate.Limit) time.Duration {
	if group {
		l = g
	}
	return time.Duration(float64(time.Second) / float64(l))
}

// chatLimiter is this replica's own limiter of a chat; s.mu is held.
func (s *sender) chatLimiter(chatID int64, group bool, now time.Time) *rate.Limiter {
	l := s.chats[chatID]
	if l == nil {
		limit := s.perChat
		if group {
			limit = s.perGroup
		}
		l = &chatLimiter{Limiter: rate.NewLimiter(limit, 1)}
		s.chats[chatID] = l
		if len(s.chats) > 10000 { // forget chats idle for a while
			for id, c := range s.chats {
				if now.Sub(c.used) > time.Minute {
					delete(s.chats, id)
				}
			}
		}
	}
	l.used = now
	return l.Limiter
}

// send sends a message to a chat and returns it.
func (s *sender) send(ctx context.Context, chatID int64, group bool, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	var msg tgbotapi.Message
	err := s.retry(ctx, chatID, group, func() error {
		var err error
		msg, err = s.api.Send(c)
		return err
	})
	return msg, err
}

// request sends a request whose result is no message (chat actions,
// callback answers, commands).
func (s *sender) request(ctx context.Context, chatID int64, group bool, c tgbotapi.Chattable) error {
	return s.retry(ctx, chatID, group, func() error {
		_, err := s.api.Request(c)
		return err
	})
}

func (s *sender) retry(ctx context.Context, chatID int64, group bool, do func() error) error {
	failures := 0
	for {
		if chatID != 0 {
			if err := s.wait(ctx, chatID, group); err != nil {
				return err
			}
		}
		err := do()
		wait, limited := retryAfter(err)
		switch {
		case limited:
			s.log.Info("telegram asked to slow down", "chat_hash", hashID(chatID), "retry_after", wait)
		case transient(err) && failures < maxFailures:
			// Telegram's own trouble (5xx, a reply that is not its JSON,
			// the network): try again shortly rather than drop the answer.
			wait = time.Duration(1<<failures) * 500 * time.Millisecond
			failures++
			s.log.Warn("telegram request failed; retrying", "chat_hash", hashID(chatID), "err", err, "wait", wait)
		default:
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// maxFailures bounds the tries after Telegram's own failures.
const maxFailures = 3

// transient reports whether err is Telegram's or the network's passing
// trouble, worth another try: not a refusal of the request itself.
func transient(err error) bool {
	if err == nil {
		return false
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return te.Code >= 500
	}
	return true // a reply that did not decode, or no reply at all
}
