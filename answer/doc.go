// Package answer turns a citizen's question, in its conversation, into an
// Answer: the report's facts that answer it, their figures exactly as
// printed, and the sections they come from. Without a model the program
// finds them (extract.go, lead.go, select.go); with one, the model selects
// them by ID and the program validates the selection (selection.go). Either
// way the program writes every sentence shown (compose.go, render.go), from
// the report's clauses and its own computations (compute.go).
//
// Answerer.AskFor is the pipeline a question goes through: memory (turns,
// limits, the cache, the update's claim), the model and its budget, the
// fallback to the extractive answer, and memory again once delivered.
package answer
