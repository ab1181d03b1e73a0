// Package llm connects reportbot to a language model behind any
// OpenAI-compatible chat completions API (OpenAI, DeepSeek, Qwen, Ollama,
// vLLM) through github.com/sashabaranov/go-openai, with a deadline per
// request, retries that honour Retry-After, and a circuit breaker, so that a
// slow or dead model costs users nothing but the model's own answer.
package llm
