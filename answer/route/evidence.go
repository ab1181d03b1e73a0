package route

import (
	"math"
	"slices"

	"reportbot/knowledge"
)

// evidence shortlists the reports whose words a question's stand in,
// without searching each report alone: the terms of every report, each
// with the reports that hold it. A library of thousands of reports finds
// the few that may answer in a millisecond; only those are searched.
type evidence struct {
	docs     []*knowledge.Document
	at       map[*knowledge.Document]int32 // each report's index in docs
	postings map[string][]int32            // a term → the reports (indexes of docs) that hold it
}

// evidenceShare is how much of a question's words, rarer ones weighing
// more, a report must hold to be searched for its answer.
const evidenceShare = 0.6

func newEvidence(docs []*knowledge.Document) *evidence {
	ev := &evidence{docs: docs, at: make(map[*knowledge.Document]int32, len(docs)), postings: map[string][]int32{}}
	for i, d := range docs {
		ev.at[d] = int32(i)
		for _, s := range d.Sections {
			for _, t := range knowledge.Terms(knowledge.Fold(s.Heading + " " + s.Text)) {
				p := ev.postings[t]
				if n := len(p); n == 0 || p[n-1] != int32(i) {
					ev.postings[t] = append(p, int32(i))
				}
			}
		}
	}
	return ev
}

// holding are the reports among in that hold evidenceShare of terms'
// weight, in in's order. A term no report holds tells none apart
// and weighs nothing; none held at all, none holds them.
func (ev *evidence) holding(terms []string, in []*knowledge.Document) []*knowledge.Document {
	score := make([]float64, len(ev.docs))
	total := 0.0
	for _, t := range slices.Compact(slices.Sorted(slices.Values(terms))) {
		p := ev.postings[t]
		if len(p) == 0 {
			continue
		}
		w := math.Log(1 + float64(len(ev.docs))/float64(len(p)))
		total += w
		for _, i := range p {
			score[i] += w
		}
	}
	var out []*knowledge.Document
	if total == 0 {
		return nil
	}
	for _, d := range in {
		if i, ok := ev.at[d]; ok && score[i] >= evidenceShare*total {
			out = append(out, d)
		}
	}
	return out
}

// holds reports whether one report holds every term of w (as its words,
// 代办专区 in 代办专区, and not in pieces across reports).
func (ev *evidence) holds(w string) bool {
	var in []int32 // the reports that hold every term so far
	for i, t := range knowledge.Terms(knowledge.Fold(w)) {
		p := ev.postings[t]
		if i == 0 {
			in = slices.Clone(p)
			continue
		}
		in = slices.DeleteFunc(in, func(d int32) bool { _, ok := slices.BinarySearch(p, d); return !ok })
	}
	return len(in) > 0
}
