package engine

import (
	"strings"

	"reportbot/answer/place"
)

// Places is the book of the library's places, made on first use.
func (e *Engine) Places() *place.Book {
	e.bookOnce.Do(func() { e.book = place.NewBook(e.library.Docs()) })
	return e.book
}

// OwnPlace is the name of the one loaded report's place that norm holds,
// longest first; "" for none.
func (e *Engine) OwnPlace(norm string) string {
	for _, n := range place.Aliases(e.Index.Docs()[0]) {
		if strings.Contains(norm, n) {
			return n
		}
	}
	return ""
}
