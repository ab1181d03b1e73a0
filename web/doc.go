// Package web serves the chat page, the widget that embeds it in any
// site, and the JSON API they use: the same answers, memory, limits and
// feedback as Telegram, through a browser.
package web
