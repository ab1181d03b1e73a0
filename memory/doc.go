// Package memory keeps what reportbot remembers between questions: the
// recent turns of each conversation, cached answers, per-user rate limits and
// the day's count of language model calls. Redis keeps them for bots that run
// as several replicas, and a bounded log of the questions answered, which
// exports read (Log); InProcess keeps them, but no log, in this process, the
// zero-configuration default. Both behave the same, and one test suite runs
// against both.
package memory
