// Package wait is how tests wait for something to happen: a condition
// polled until it holds or a deadline passes, never a bare sleep that
// hopes the thing has happened by then.
package wait
