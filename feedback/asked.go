package feedback

import (
	"time"

	"reportbot/answer/reply"
)

// Asked is one question the bot answered, as memory's log keeps it, with
// the votes its answer has: what an export of conversations reads. Conv and
// User are the raw identities, which an export never writes as they are.
type Asked struct {
	Channel   string    // the channel it came through: telegram, web, cli
	At        time.Time // when it was answered
	Conv      string    // the conversation
	User      string    // who asked; "" when the channel names no one
	Question  string
	Mode      reply.Mode
	Found     bool // false when the report did not answer it
	Citations []reply.Citation
	Ref       string // the answer's name, which votes are kept by
	Up, Down  int    // the votes on the answer while they are kept (a week)
}
