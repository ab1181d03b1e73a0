package engine

import (
	"sync"

	"reportbot/answer/place"

	"reportbot/answer/reply"
	"reportbot/knowledge"
)

// Engine answers questions from the reports of an index, without a model:
// it reads a question, finds the report's sentences and facts that answer
// it, and writes the answer from them and its own computations.
type Engine struct {
	Index *knowledge.Index
	// Words is the index a question is read with (its typos fixed by
	// sound): with several reports loaded, one report's, so that a library
	// is never indexed as one. nil: Index.
	Words *knowledge.Index
	// Several answers a question, read and screened, when Index holds
	// several reports: the router's, which answers from each report's own
	// engine.
	Several func(question, norm string, history []reply.Turn) reply.Answer

	*caches
}

// caches are what an engine works out once, shared by the engines of one
// library's reports.
type caches struct {
	sections sync.Map // *knowledge.Section → *parsedSection

	library  *knowledge.Index // the reports loaded, all of them
	bookOnce sync.Once
	book     *place.Book // their places by name, made on first use (Places)
}

// New returns the engine of ix.
func New(ix *knowledge.Index) *Engine { return &Engine{Index: ix, caches: &caches{library: ix}} }

// Of returns the engine of ix, a part of e's library: it shares e's
// caches.
func (e *Engine) Of(ix *knowledge.Index) *Engine { return &Engine{Index: ix, caches: e.caches} }

// vocabulary is the index whose words a question is read with.
func (e *Engine) vocabulary() *knowledge.Index {
	if e.Words != nil {
		return e.Words
	}
	return e.Index
}
