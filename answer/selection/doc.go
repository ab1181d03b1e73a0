// Package selection is a language model's part in an answer: it reads,
// and selects by ID, and the program writes. New lists what the model is
// shown of the reports in scope (facts F1…, sentences S1…); Prompt and
// Schema are what it is sent; Shortlist.Answer reads its reply, refuses a
// selection that does not hold (an unknown ID, a restatement that names
// another figure, a fact the question does not name, a decline where the
// report answers), and renders the answer from the report's clauses and
// package compute's figures. Nothing the model writes reaches a user.
package selection
