// Package answer is the pipeline a citizen's question goes through:
// Answerer.AskFor checks it, loads its conversation from memory (turns,
// rate limits, the cached answer, the update's claim), answers it from the
// reports (package route, one engine per report), asks the model to select
// the facts that answer it when there is one and the day's budget allows
// (package selection), falls back to the report's own sentences when the
// model fails or its selection is refused, and saves the turn once the
// answer is delivered. UserMessage is the one place its errors become words
// for a user.
//
// The values it hands out (Answer, Line, Citation, Key, Session, Record)
// are package reply's, so that adapters need not import this package to
// speak of them.
package answer
