package openaiapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// The API's own request and reply types: only the fields it reads or
// writes (go-openai's server-side structs carry Azure's too).

// chatRequest is the body of POST /v1/chat/completions. Fields it does not
// use (temperature, max_tokens, tools…) are accepted and ignored: the
// answer is the report's, however sampled.
type chatRequest struct {
	Model         string         `json:"model"`
	Messages      []message      `json:"messages"`
	Stream        bool           `json:"stream"`
	StreamOptions *streamOptions `json:"stream_options"`
	N             *int           `json:"n"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// message is one message of the conversation.
type message struct {
	Role    string  `json:"role"`
	Content content `json:"content"`
}

// content is a message's text: a string, or an array of content parts of
// type text, joined.
type content struct {
	Text    string
	NonText bool // it had a part that is not text (an image, a file, audio)
}

func (c *content) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &c.Text)
	case len(b) > 0 && b[0] == '[':
		var parts []struct {
			Type string  `json:"type"`
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		var texts []string
		for _, p := range parts {
			if p.Type != "text" || p.Text == nil {
				c.NonText = true
				continue
			}
			texts = append(texts, *p.Text)
		}
		c.Text = strings.Join(texts, "\n")
		return nil
	}
	return errors.New("content: expected a string or an array of content parts")
}

// chatCompletion is the reply of POST /v1/chat/completions.
type chatCompletion struct {
	ID      string   `json:"id"`
	Object  string   `json:"object"` // chat.completion
	Created int64    `json:"created"`
	Model   string   `json:"model"`
	Choices []choice `json:"choices"`
	Usage   usage    `json:"usage"`
}

// choice is the one answer, with what ordinary clients ignore: its
// citations and whether its figures were found in them.
type choice struct {
	Index        int        `json:"index"`
	Message      outMessage `json:"message"`
	FinishReason string     `json:"finish_reason"`
	Logprobs     *struct{}  `json:"logprobs"` // always null
	Citations    []citation `json:"citations"`
	Verified     bool       `json:"verified"`
}

type outMessage struct {
	Role    string  `json:"role"`
	Content string  `json:"content"`
	Refusal *string `json:"refusal"` // always null
}

// citation is a section an answer uses, and the report's exact words.
type citation struct {
	Section string `json:"section"`
	Heading string `json:"heading"`
	Quote   string `json:"quote"`
	Report  string `json:"report"` // the report's title
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// chunk is one server-sent event of a streamed reply.
type chunk struct {
	ID      string        `json:"id"`
	Object  string        `json:"object"` // chat.completion.chunk
	Created int64         `json:"created"`
	Model   string        `json:"model"`
	Choices []chunkChoice `json:"choices"`
	Usage   *usage        `json:"usage,omitempty"` // the last chunk, with stream_options.include_usage
}

type chunkChoice struct {
	Index        int        `json:"index"`
	Delta        delta      `json:"delta"`
	FinishReason *string    `json:"finish_reason"`
	Logprobs     *struct{}  `json:"logprobs"`
	Citations    []citation `json:"citations,omitempty"` // the last chunk's
	Verified     *bool      `json:"verified,omitempty"`  // the last chunk's
}

type delta struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

// model is one model of GET /v1/models, with the report's title besides.
type model struct {
	ID      string `json:"id"`
	Object  string `json:"object"` // model
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
	Title   string `json:"title,omitempty"` // the report's, or none for AllModel
}

type modelList struct {
	Object string  `json:"object"` // list
	Data   []model `json:"data"`
}

// apiError is every error, in OpenAI's shape.
type apiError struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}
