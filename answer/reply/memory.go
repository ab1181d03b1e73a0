package reply

import (
	"errors"
	"time"
)

// Turn is one question and answer of a conversation, as memory keeps it.
type Turn struct {
	Question string    `json:"question"`
	Resolved string    `json:"resolved"`
	Sections []string  `json:"sections"`
	Found    bool      `json:"found"`
	At       time.Time `json:"at"`
	// Scope names the reports the answer was about, by title, when several
	// are loaded: a follow-up that names no place keeps to them.
	Scope []string `json:"scope,omitempty"`
}

// Key names what one question touches in memory.
type Key struct {
	Conv  string // the conversation: a private chat, or one user in a group
	User  string // who asks, for rate limits; "" for none
	Cache string // the question's key in the answer cache; "" without a model
	// Asked names this asking of the question (a Telegram update), so that
	// asked again, as when a replica died while answering it, it counts
	// once against the user's limits; "" counts each asking. Load claims
	// it for this process, and fails with ErrInFlight or ErrAnswered when
	// another holds it or it was answered; Save marks it answered.
	Asked string
}

// Session is what memory holds for a question before it is answered.
type Session struct {
	Turns      []Turn        // the conversation's recent turns, oldest first
	Cached     *Answer       // the cached answer to the question, if any
	RetryAfter time.Duration // > 0: the user is over a rate limit until then
	ModelCalls int           // language model calls the whole bot made today
}

// Record is what memory keeps once a question is answered.
type Record struct {
	Turn       Turn
	Cache      *Answer // the answer to cache under Key.Cache; nil for none
	ModelCalls int     // language model calls the answer made
	Ref        string  // the answer's name for feedback
	// Mode and Citations are how the answer was made and what it cited,
	// for a log of what was asked and answered.
	Mode      Mode
	Citations []Citation
}

// Errors of an asking (Key.Asked) not to answer here, now: no one is told.
// ErrInFlight is also memory's while, for a moment, it cannot tell (its
// store failing over): the asking is tried again later.
var (
	ErrInFlight = errors.New("another replica is answering this asking")
	ErrAnswered = errors.New("this asking was answered before")
)
