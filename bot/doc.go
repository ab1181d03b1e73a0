// Package bot is reportbot's Telegram front end: it turns Telegram updates
// into questions and answers into Telegram messages. It is the only package
// that knows Telegram's formats and limits.
package bot
