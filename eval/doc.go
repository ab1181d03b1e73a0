// Package eval scores answering against a gold set of questions: answer
// accuracy (every expected figure exact, the right sections cited,
// unanswerable questions declined) and retrieval hit@1, hit@3 and MRR, per
// category and overall.
package eval
