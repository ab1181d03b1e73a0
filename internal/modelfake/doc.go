// Package modelfake is a stand-in language model for tests. It speaks the
// selection protocol of docs/model.md: it reads the prompt it is given (the
// facts F…, the sentences S…, the question) and replies with a selection,
// honestly or with a lie of a chosen kind built from that prompt. What an
// honest model understands a question to ask comes from a table (Answers),
// as a test set states it, or, for a question the table lacks, from the
// facts that share the most words with it.
package modelfake
