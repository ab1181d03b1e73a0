// Package tgfake is a Telegram Bot API for tests, as strict as Telegram
// about what a bot sends: it checks the token, rejects malformed HTML and
// over-long text, answers 429 with retry_after when a chat is flooded, and
// confirms updates by offset as getUpdates does.
package tgfake
