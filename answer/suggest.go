package answer

import (
	"reportbot/answer/suggest"
	"slices"
	"strings"
)

// Prepare makes ahead what a library of many reports would otherwise make
// on its first question naming no place (a server calls it as it starts,
// and on each reload, in the background).
func (a *Answerer) Prepare() { a.reports().Prepare() }

// Suggestions are up to n (at most suggest.MaxFirst) first questions a
// newcomer may ask, each one the reports answer with a figure first, made
// once for the reports loaded.
func (a *Answerer) Suggestions(n int) []string {
	a.suggested.Do(func() { a.suggestions = suggest.First(a.reports().Library(), suggest.MaxFirst) })
	return slices.Clip(a.suggestions[:min(n, len(a.suggestions))])
}

// Places are the places a question may be about, as an answer that asks
// back offers them (Answer.Choices): found again, for a page of them,
// without memory, limits or a model.
func (a *Answerer) Places(question string) []string {
	return a.reports().Answer(strings.TrimSpace(plainText(question)), nil).Choices
}
