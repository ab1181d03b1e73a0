package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

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
// request without the secret token (compared in constant time), answers 200
// at once, and handles the update in its conversation's queue. An update
// sent again is recognised by its update_id and not answered twice.
func (b *Bot) Webhook(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			b.log.Warn("webhook request with a wrong secret token rejected", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusUnauthorized)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, maxUpdateBytes)).Decode(&u); err != nil {
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		b.receive(r.Context(), u)
		w.WriteHeader(http.StatusOK)
	})
}

// ServeWebhook sets the webhook and serves it on addr until ctx is done,
// then stops taking requests and waits for the updates in flight.
func (b *Bot) ServeWebhook(ctx context.Context, addr, publicURL, secret string) error {
	u, err := url.Parse(publicURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("webhook URL %q: expected https://host/path", publicURL)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen for the webhook: %w", err)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.Handle(path, b.Webhook(secret))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if err := b.SetWebhook(ctx, publicURL, secret); err != nil {
		srv.Close()
		return err
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("webhook server: %w", err)
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stop the webhook server: %w", err)
	}
	return nil
}
