package answer

import "strings"

// Suggestions are up to n first questions a newcomer may ask, each one the
// reports answer with a figure first, made once for the reports loaded.
func (a *Answerer) Suggestions(n int) []string { return a.reports().Library().Suggestions(n) }

// Places are the places a question may be about, as an answer that asks
// back offers them (Answer.Choices): found again, for a page of them,
// without memory, limits or a model.
func (a *Answerer) Places(question string) []string {
	return a.reports().Answer(strings.TrimSpace(plainText(question)), nil).Choices
}
