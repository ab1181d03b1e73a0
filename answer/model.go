package answer

import (
	"context"
	"reportbot/answer/reply"
)

// Model replies to a request: a language model behind any
// OpenAI-compatible API. It selects what answers a question; nothing it
// writes reaches a user.
type Model interface {
	Complete(ctx context.Context, req reply.Request) (string, error)
}
