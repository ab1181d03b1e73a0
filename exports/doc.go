// Package exports writes what reportbot holds for use elsewhere, streamed:
// the questions it answered, read from memory's log, with their askers'
// identities hashed so that no export names anyone (Conversations); and the
// loaded reports' facts as the entries of a 12345 hotline's knowledge base,
// after GB/T 44191-2024 (Knowledge). docs/export.md gives the fields.
package exports
