package llm

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// retryDoer sends a request again after a 429 or a 5xx, waiting as long as
// the Retry-After header says, or backing off exponentially with jitter, but
// never past the request's deadline.
type retryDoer struct {
	client  *http.Client
	retries int
	log     *slog.Logger
}

const (
	baseBackoff = 500 * time.Millisecond
	maxBackoff  = 10 * time.Second
)

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := d.client.Do(req)
		if err != nil || !retryable(resp.StatusCode) || attempt >= d.retries || req.GetBody == nil {
			return resp, err
		}
		wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			wait = backoff(attempt)
		}
		if deadline, ok := req.Context().Deadline(); ok && time.Until(deadline) < wait {
			return resp, nil // no time to wait: the caller falls back now
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		d.log.Info("language model busy; retrying", "status", resp.StatusCode, "wait", wait, "attempt", attempt+1)
		t := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		case <-t.C:
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		req.Body = body
	}
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// retryAfter reads a Retry-After header: seconds or an HTTP date. ok is
// false when there is none to read.
func retryAfter(h string, now time.Time) (wait time.Duration, ok bool) {
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func backoff(attempt int) time.Duration {
	d := baseBackoff << attempt
	if d > maxBackoff {
		d = maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}
