package answer

import (
	"context"
	"encoding/json"
	"errors"
)

// Message is one message of a conversation with a language model.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Request is one call to a model: its messages, and the JSON schema its
// reply must follow (sent as response_format where the provider takes
// one; the reply is read as plain JSON either way).
type Request struct {
	Messages []Message
	Schema   json.RawMessage
}

// Model replies to a request: a language model behind any
// OpenAI-compatible API. It selects what answers a question; nothing it
// writes reaches a user.
type Model interface {
	Complete(ctx context.Context, req Request) (string, error)
}

// Errors a Model wraps, so that each fallback has its reason.
var (
	ErrModelUnavailable = errors.New("language model unavailable")
	ErrModelConfig      = errors.New("language model rejected the configuration")
	ErrModelTimeout     = errors.New("language model did not answer in time")
	ErrModelResponse    = errors.New("language model response unusable")
)
