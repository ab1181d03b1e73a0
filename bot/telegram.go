package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ErrToken is returned when Telegram rejects the bot token.
var ErrToken = errors.New("TELEGRAM_BOT_TOKEN rejected by Telegram; check it with @BotFather")

// ctxClient sends the Telegram library's requests, which carry no context,
// within ctx, so that stopping the bot cancels them; and it strips the token
// from the request URL that the library's errors embed.
type ctxClient struct {
	ctx     context.Context
	client  *http.Client
	token   string
	timeout time.Duration // per request; long polls ask for their own
}

func (c *ctxClient) Do(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(c.ctx, c.timeout)
	resp, err := c.client.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, &url.Error{Op: ue.Op, URL: c.redact(ue.URL), Err: ue.Err}
		}
		return nil, errors.New(c.redact(err.Error()))
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

func (c *ctxClient) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "***")
}

// cancelBody releases a request's context once its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// newAPI connects to the Bot API at endpoint (the library's format,
// http://host/bot%s/%s) and checks the token with getMe. Requests run within
// ctx.
func newAPI(ctx context.Context, token, endpoint string, client *http.Client, timeout time.Duration) (*tgbotapi.BotAPI, error) {
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, &ctxClient{ctx: ctx, client: client, token: token, timeout: timeout})
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && (te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound) {
			return nil, ErrToken
		}
		if strings.Contains(err.Error(), "Unauthorized") || strings.Contains(err.Error(), "Not Found") {
			return nil, ErrToken
		}
		return nil, fmt.Errorf("reach the Telegram Bot API: %w", err)
	}
	return api, nil
}

// withContext is a copy of api whose requests run within ctx.
func withContext(api *tgbotapi.BotAPI, ctx context.Context, client *http.Client, timeout time.Duration) *tgbotapi.BotAPI {
	c := *api
	c.Client = &ctxClient{ctx: ctx, client: client, token: api.Token, timeout: timeout}
	return &c
}

// retryAfter returns how long Telegram asked to wait, if it did.
func retryAfter(err error) (time.Duration, bool) {
	var te *tgbotapi.Error
	if errors.As(err, &te) && te.RetryAfter > 0 {
		return time.Duration(te.RetryAfter) * time.Second, true
	}
	return 0, false
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
