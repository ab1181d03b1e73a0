package memory

import (
	"reportbot/answer"
	"reportbot/bot"
)

// Both memories are what the answerer and the bot consume; both count the
// answers for /stats.
var (
	_ answer.Memory   = (*InProcess)(nil)
	_ answer.Memory   = (*Redis)(nil)
	_ answer.Observer = (*InProcess)(nil)
	_ answer.Observer = (*Redis)(nil)
	_ bot.Memory      = (*InProcess)(nil)
	_ bot.Memory      = (*Redis)(nil)
	_ bot.Feedback    = (*InProcess)(nil)
	_ bot.Feedback    = (*Redis)(nil)
)
