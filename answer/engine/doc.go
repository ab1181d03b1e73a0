// Package engine answers a question from one report without a model:
// it reads the question (what it asks for, its words, a claim it states,
// an operation), finds the candidate sentences, picks those that cover it,
// says first the facts asked for (the lead), works out a rate, sum or
// difference the report does not state (package compute), and composes
// the answer's lines from the report's own clauses, each cited. An Engine
// holds one report's index and its caches; package route holds one per
// report when several are loaded.
package engine
