package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/sony/gobreaker/v2"

	"reportbot/answer/reply"
)

// Defaults for Config fields left zero.
const (
	DefaultModel     = "gpt-4o-mini"
	DefaultTimeout   = 20 * time.Second
	DefaultMaxTokens = 600
	DefaultRetries   = 2
	DefaultParallel  = 16
)

// Config says which model to use and how patiently.
type Config struct {
	BaseURL   string // e.g. https://api.deepseek.com/v1; empty for OpenAI
	APIKey    string
	Model     string
	Timeout   time.Duration // for one request, retries included
	MaxTokens int
	Retries   int // further tries after a 429 or 5xx
	// Parallel bounds the requests in flight at once; more wait their turn
	// (within their deadline).
	Parallel int
	// HTTPClient sends the requests; nil means a plain http.Client.
	HTTPClient *http.Client
	// Observer is told each request's latency and error; may be nil.
	Observer interface {
		ObserveLLM(d time.Duration, err error)
	}
}

// Client is a language model. It is safe for concurrent use.
type Client struct {
	api     *openai.Client
	cfg     Config
	breaker *gobreaker.CircuitBreaker[string]
	log     *slog.Logger
	slots   chan struct{}
	// plainJSON is set once the API has refused a response_format with a
	// JSON schema: its replies are then read as plain JSON.
	plainJSON atomic.Bool
}

// New returns a client for cfg; log gets one line per change of the
// breaker's state.
func New(cfg Config, log *slog.Logger) *Client {
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = DefaultMaxTokens
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = DefaultParallel
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	oc.HTTPClient = &retryDoer{client: httpClient, retries: cfg.Retries, log: log}
	c := &Client{api: openai.NewClientWithConfig(oc), cfg: cfg, log: log, slots: make(chan struct{}, cfg.Parallel)}
	c.breaker = gobreaker.NewCircuitBreaker[string](gobreaker.Settings{
		Name:        "llm",
		MaxRequests: 1,
		Interval:    time.Minute,
		Timeout:     30 * time.Second,
		ReadyToTrip: func(n gobreaker.Counts) bool { return n.ConsecutiveFailures >= 3 },
		// A bad answer is the model working; only a model that cannot be
		// reached, or that refuses the key, counts against it.
		IsSuccessful: func(err error) bool {
			return err == nil || errors.Is(err, reply.ErrModelResponse) || errors.Is(err, context.Canceled)
		},
		OnStateChange: func(_ string, from, to gobreaker.State) {
			log.Warn("language model circuit breaker", "from", from.String(), "to", to.String())
		},
	})
	return c
}

// Model is the model's name, as requests send it.
func (c *Client) Model() string { return c.cfg.Model }

// Complete sends a request and returns the model's reply. A request with a
// schema asks for it as response_format (json_schema, strict); an API that
// refuses that (400) is asked again without, once, and from then on. Errors
// wrap the answer package's ErrModel… sentinels.
func (c *Client) Complete(ctx context.Context, req reply.Request) (string, error) {
	out, err := c.breaker.Execute(func() (string, error) { return c.complete(ctx, req) })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return "", fmt.Errorf("%w: circuit breaker open after repeated failures", reply.ErrModelUnavailable)
	}
	return out, err
}

func (c *Client) complete(ctx context.Context, req reply.Request) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return "", fmt.Errorf("%w: waited for a turn: %v", reply.ErrModelTimeout, ctx.Err())
	}
	cr := openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		//lint:ignore SA1019 max_tokens is what OpenAI-compatible servers (DeepSeek, Qwen, Ollama, vLLM) read
		MaxTokens:   c.cfg.MaxTokens,
		Temperature: 0,
		Messages:    make([]openai.ChatCompletionMessage, len(req.Messages)),
	}
	for i, m := range req.Messages {
		cr.Messages[i] = openai.ChatCompletionMessage{Role: m.Role, Content: m.Content}
	}
	schema := req.Schema != nil && !c.plainJSON.Load()
	if schema {
		cr.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: "selection", Schema: req.Schema, Strict: true}}
	}
	start := time.Now()
	resp, err := c.api.CreateChatCompletion(ctx, cr)
	if schema && status(err) == http.StatusBadRequest {
		c.plainJSON.Store(true)
		c.log.Warn("the language model API refused a JSON schema (response_format); asking for plain JSON from now on")
		cr.ResponseFormat = nil
		resp, err = c.api.CreateChatCompletion(ctx, cr)
	}
	if c.cfg.Observer != nil {
		c.cfg.Observer.ObserveLLM(time.Since(start), err)
	}
	if err != nil {
		return "", classify(ctx, err)
	}
	if len(resp.Choices) == 0 || resp.Choices[0].Message.Content == "" {
		return "", fmt.Errorf("%w: no text in the reply", reply.ErrModelResponse)
	}
	return resp.Choices[0].Message.Content, nil
}

// status is the HTTP status an error of go-openai carries, or 0.
func status(err error) int {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		return reqErr.HTTPStatusCode
	}
	return 0
}

// classify wraps an error of go-openai in the sentinel that says what to do
// about it. Its text never holds the API key: go-openai sends the key in a
// header, and the errors hold the URL and status only.
func classify(ctx context.Context, err error) error {
	status := status(err)
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("%w: the API answered %d; check OPENAI_API_KEY and OPENAI_BASE_URL", reply.ErrModelConfig, status)
	case status == http.StatusNotFound:
		return fmt.Errorf("%w: the API answered 404; check OPENAI_BASE_URL and OPENAI_MODEL", reply.ErrModelConfig)
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", reply.ErrModelTimeout, err)
	case status == http.StatusTooManyRequests || status >= 500:
		return fmt.Errorf("%w: the API answered %d", reply.ErrModelUnavailable, status)
	case status != 0:
		return fmt.Errorf("%w: the API answered %d", reply.ErrModelResponse, status)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %v", reply.ErrModelUnavailable, ctx.Err())
	}
	var netErr interface{ Timeout() bool }
	if errors.As(err, &netErr) {
		return fmt.Errorf("%w: %v", reply.ErrModelUnavailable, err)
	}
	// Anything else is a reply that could not be read: not JSON, a stream.
	return fmt.Errorf("%w: %v", reply.ErrModelResponse, err)
}
