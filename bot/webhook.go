package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// maxUpdateBytes bounds the body of a webhook request.
const maxUpdateBytes = 1 << 20

// allowedUpdates are the kinds of update the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query", "inline_query"}

// SetWebhook tells Telegram to send updates to publicURL with the secret
// token in a header. (v5.5.1 of the library has no field for secret_token:
// it goes as a raw parameter.)
func (b *Bot) SetWebhook(ctx context.Context, publicURL, secret string) error {
	allowed, _ := json.Marshal(allowedUpdates)
	params := tgbotapi.Params{"url": publicURL, "secret_token": secret, "allowed_updates": string(allowed)}
	err := b.out.retry(ctx, 0, false, func() error {
		_, err := b.out.api.MakeRequest("setWebhook", params)
		return err
	})
	if err != nil {
		return fmt.Errorf("set webhook: %w", err)
	}
	return nil
}

// Webhook returns the handler for Telegram's webhook requests: it rejects a
// request without the secret token (compared in constant time), claims the
// update and handles it in its conversation's queue, and answers 200 only
// once it is answered: a replica that dies with an update accepted has not
// acknowledged it, so Telegram sends it again and another replica answers
// it once the claim runs out. A redelivery of an update being answered, here
// or elsewhere, gets 503 (Telegram tries again later); of one answered, 200.
func (b *Bot) Webhook(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			// Anyone can send these: counted each, logged once a minute,
			// so that they cannot flood the log.
			if b.cfg.Observer != nil {
				b.cfg.Observer.ObserveUpdate("unauthorized")
			}
			b.unauthorized.Do(func() {
				b.log.Warn("webhook requests with a wrong secret token rejected (logged once a minute; all are counted in /metrics)", "remote", r.RemoteAddr)
			})
			http.Error(w, "forbidden", http.StatusUnauthorized)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, maxUpdateBytes)).Decode(&u); err != nil {
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		switch b.receive(r.Context(), u, false) {
		case taken:
			f := b.track.flightOf(u.UpdateID)
			select {
			case <-f.landed:
			case <-r.Context().Done():
				return // Telegram gave up waiting: it sends the update again
			}
			if f.held {
				http.Error(w, "being answered; send it again later", http.StatusServiceUnavailable)
				return
			}
		case inFlight:
			http.Error(w, "being answered; send it again later", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// Ready reports whether the Telegram Bot API answers, within ctx.
func (b *Bot) Ready(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() {
		_, err := b.out.api.MakeRequest("getMe", nil)
		errc <- err
	}()
	select {
	case err := <-errc:
		if err != nil {
			return fmt.Errorf("telegram: %w", err)
		}
		return nil
	case <-ctx.Done():
		return errors.New("telegram: no answer in time")
	}
}
