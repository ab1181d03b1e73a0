package answer

import (
	"context"
	"errors"
)

// Message is one message of a conversation with a language model.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Model writes text from messages: a language model behind any
// OpenAI-compatible API. Nothing it writes reaches a user unchecked.
type Model interface {
	Complete(ctx context.Context, msgs []Message) (string, error)
}

// Errors a Model wraps, so that each fallback has its reason.
var (
	ErrModelUnavailable = errors.New("language model unavailable")
	ErrModelConfig      = errors.New("language model rejected the configuration")
	ErrModelTimeout     = errors.New("language model did not answer in time")
	ErrModelResponse    = errors.New("language model response unusable")
)
