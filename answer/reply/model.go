package reply

import (
	"encoding/json"
	"errors"
)

// Message is one message of a conversation with a language model.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Request is one call to a model: its messages, and the JSON schema its
// reply must follow (sent as response_format where the provider takes
// one; the reply is read as plain JSON either way).
type Request struct {
	Messages []Message
	Schema   json.RawMessage
}

// Errors a Model wraps, so that each fallback has its reason.
var (
	ErrModelUnavailable = errors.New("language model unavailable")
	ErrModelConfig      = errors.New("language model rejected the configuration")
	ErrModelTimeout     = errors.New("language model did not answer in time")
	ErrModelResponse    = errors.New("language model response unusable")
)

// Reasons a selection is refused; the answer is then the extractive one.
const (
	RefuseMalformed  = "malformed"          // not the JSON asked for, or a field out of bounds
	RefuseUnknownID  = "unknown_id"         // an ID the prompt did not give: invented, or of a report out of scope
	RefuseFactCount  = "fact_count"         // too few or too many facts for its kind
	RefuseRestated   = "restatement"        // the question restated does not name what a fact counts
	RefuseSibling    = "another_figure"     // the question names what another figure of the fact's sentence counts
	RefuseUnanchored = "unanchored"         // a fact shares nothing with the question
	RefuseDecline    = "decline_hides_fact" // "the report does not say" where it does
)

// RefusalReasons are the reasons a selection is refused, for metrics.
var RefusalReasons = []string{RefuseMalformed, RefuseUnknownID, RefuseFactCount, RefuseRestated, RefuseSibling, RefuseUnanchored, RefuseDecline}

// Kinds of answer a selection asks for.
const (
	KindValue      = "value"      // the figures (or sentences) selected
	KindYesNo      = "yes_no"     // a figure or statement of the question checked against them
	KindCompare    = "compare"    // which of two figures is larger, and by how much
	KindSum        = "sum"        // figures added up
	KindDifference = "difference" // one figure less another
	KindShare      = "share"      // the first figure as a share of the second
	KindReport     = "report"     // the report's own metadata (Field)
	KindNone       = "none"       // the report does not answer
)

// Selection is a language model's reply for a question: which of the
// report's facts and sentences answer it, by the IDs the prompt gave them,
// the kind of answer, and the question restated in the report's terms. A
// model writes nothing a user reads: the program validates a selection
// (validate) and renders the answer from the report and its own
// computations (render). docs/model.md gives the protocol.
type Selection struct {
	Kind      string   `json:"kind"`
	Facts     []string `json:"facts"`
	Sentences []string `json:"sentences"`
	// Field is what a question about the report itself asks (kind report):
	// title, publisher, published, year or place.
	Field    string `json:"field"`
	Restated string `json:"restated"`
}
