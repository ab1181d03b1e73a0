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

// Vote is what a press of 👍 or 👎 did. A voter has one vote on an answer:
// a second press of the same button withdraws it, of the other changes it.
type Vote int

// The outcomes of a press.
const (
	Unknown   Vote = iota // no answer has that name (forged, or older than a week)
	Counted               // a first vote
	Changed               // 👍 became 👎, or the reverse
	Withdrawn             // the same button again: the vote is taken back
)

// String names the outcome: unknown, counted, changed or withdrawn.
func (v Vote) String() string {
	return [...]string{"unknown", "counted", "changed", "withdrawn"}[v]
}

// Stands reports whether the press left a vote standing (counted or
// changed), which metrics count.
func (v Vote) Stands() bool { return v == Counted || v == Changed }

// Next is what a press of up does to a voter's earlier vote (had is
// whether there was one, wasUp which): the outcome, and the counts of up
// and down votes to add.
func Next(had, wasUp, up bool) (v Vote, dUp, dDown int64) {
	switch {
	case !had:
		v = Counted
	case wasUp == up:
		v = Withdrawn
	default:
		v = Changed
	}
	add := func(up bool, n int64) {
		if up {
			dUp += n
		} else {
			dDown += n
		}
	}
	if had {
		add(wasUp, -1)
	}
	if v != Withdrawn {
		add(up, 1)
	}
	return v, dUp, dDown
}
