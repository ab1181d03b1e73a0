// Package openaiapi serves the reports as OpenAI-compatible "models": POST
// /v1/chat/completions answers the conversation's last question from one
// report, or from all of them, and GET /v1/models lists them, so that any
// chat front end or script that speaks OpenAI's API can ask them. Each
// choice carries what ordinary clients ignore: the answer's citations and
// whether its figures were checked against them.
//
// Callers are the sites named in Keys, each by a key of its own
// (Authorization: Bearer), each with its own rate limit; Keys.Authorize is
// the hook other surfaces reuse. With no keys the API is off, unless it is
// opened to all on purpose.
package openaiapi
