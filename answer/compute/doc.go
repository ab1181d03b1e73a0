// Package compute works out what a question asks of a report's figures
// when the report does not state it: a sum, a difference, a comparison or
// a share, each with its working in the report's own words, and says why
// when figures cannot be combined (other units, reports or years). It
// never reads a question; the engine and the model's selection say which
// operation is asked.
package compute
