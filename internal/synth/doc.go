// Package synth makes synthetic reports for tests and benchmarks: the seed
// report's text with its place, year and figures varied, so that many
// governments' reports can be loaded side by side.
package synth
