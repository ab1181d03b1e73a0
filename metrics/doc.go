// Package metrics counts what the bot does for Prometheus: updates, answers
// by mode, model selections refused by reason, fallbacks, cache hits, rate-limited
// users, retrieval and language model latency, model and Redis errors. Each
// package that is counted declares the observer it needs; Metrics is all of
// them.
package metrics
