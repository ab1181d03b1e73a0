// Package feedback holds what citizens' votes on answers and the bot's
// statistics are, for the stores that keep them (memory) and the channels
// that show them (bot), neither of which imports the other.
package feedback

// Summary is what /stats tells an admin: answers and fallbacks of the last
// month, the votes, and the most asked questions.
type Summary struct {
	Answers, Fallbacks, Up, Down int
	Top                          []QuestionCount // most asked first
}

// QuestionCount is how often a question was asked.
type QuestionCount struct {
	Question string
	Count    int
}
