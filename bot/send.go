package bot

import (
	"context"
	"errors"
	"log/slog"
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

// sender sends within Telegram's limits, waiting its turn rather than being
// refused, and sends again after each 429 once its retry_after has passed,
// for as long as the answer's context lasts: nothing is dropped for a flood.
type sender struct {
	api               *tgbotapi.BotAPI
	log               *slog.Logger
	global            *rate.Limiter
	perChat, perGroup rate.Limit

	mu    sync.Mutex
	chats map[int64]*chatLimiter
}

type chatLimiter struct {
	*rate.Limiter
	used time.Time
}

func newSender(api *tgbotapi.BotAPI, overall, perChat, perGroup rate.Limit, log *slog.Logger) *sender {
	return &sender{api: api, log: log, global: rate.NewLimiter(overall, max(1, int(overall))), perChat: perChat, perGroup: perGroup,
		chats: map[int64]*chatLimiter{}}
}

// wait takes a turn to send to a chat.
func (s *sender) wait(ctx context.Context, chatID int64, group bool) error {
	s.mu.Lock()
	l := s.chats[chatID]
	if l == nil {
		limit, burst := s.perChat, 1
		if group {
			limit, burst = s.perGroup, 3
		}
		l = &chatLimiter{Limiter: rate.NewLimiter(limit, burst)}
		s.chats[chatID] = l
		if len(s.chats) > 10000 { // forget chats idle for a while
			for id, c := range s.chats {
				if time.Since(c.used) > time.Minute {
					delete(s.chats, id)
				}
			}
		}
	}
	l.used = time.Now()
	s.mu.Unlock()
	if err := l.Wait(ctx); err != nil {
		return err
	}
	return s.global.Wait(ctx)
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
