package answer

// Suggestions are up to n first questions a newcomer may ask, each one the
// reports answer with a figure first, made once for the reports loaded.
func (a *Answerer) Suggestions(n int) []string { return a.reports().Library().Suggestions(n) }
