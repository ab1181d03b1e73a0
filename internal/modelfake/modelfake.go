package modelfake

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// Kinds of reply the stand-in gives.
const (
	Honest     = "honest"     // the facts that answer, the right kind, a faithful restatement
	Invented   = "invented"   // an ID the prompt did not give
	Stuffed    = "stuffed"    // text stuffed into the IDs and the restatement
	Restated   = "restated"   // the right facts, restated as something else
	Irrelevant = "irrelevant" // the fact that has least to do with the question
	Sibling    = "sibling"    // another figure of the right fact's section, in its unit: 收到84件 for 受理了几件
	Verdict    = "verdict"    // a verdict of its own in a field the schema lacks
	Obey       = "obey"       // an instruction in the question obeyed: the report declared silent
	Decline    = "decline"    // "the report does not say" where it does
	KindSwap   = "kindswap"   // a sum of one figure
)

// Lies are the kinds that lie.
var Lies = []string{Invented, Stuffed, Restated, Irrelevant, Sibling, Verdict, Obey, Decline, KindSwap}

// Ref names a fact as a test set does: its section, its figure as printed,
// and a word of its measure when the section has two such figures.
type Ref struct {
	Section string `json:"section"`
	Text    string `json:"text"`
	Measure string `json:"measure,omitempty"`
}

// Understood is what an honest model reads a question to ask.
type Understood struct {
	Kind  string
	Facts []Ref
	Field string
}

// Model replies in one kind. Answers, by question, is what it understands
// questions to ask.
type Model struct {
	Kind    string
	Answers map[string]Understood

	mu    sync.Mutex
	calls int
	lied  bool
}

// Reset forgets the replies given so far.
func (m *Model) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lied, m.calls = false, 0
}

// Lied reports whether a reply since the last Reset was a lie.
func (m *Model) Lied() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lied
}

// Calls is the number of replies since the last Reset.
func (m *Model) Calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

// fact is a fact line of the prompt.
type fact struct {
	id, section, text, measure, clause string
}

var (
	questionRE = regexp.MustCompile(`(?s)<问题>\n(.*)\n</问题>`)
	factsRE    = regexp.MustCompile(`(?s)<事实>\n(.*?)</事实>`)
)

// readPrompt reads the facts of a selection prompt and its question.
func readPrompt(req reply.Request) (facts []fact, question string) {
	user := req.Messages[len(req.Messages)-1].Content
	if m := questionRE.FindStringSubmatch(user); m != nil {
		question = m[1]
	}
	if m := factsRE.FindStringSubmatch(user); m != nil {
		for _, line := range strings.Split(strings.TrimSpace(m[1]), "\n") {
			f := strings.Split(line, " | ")
			if len(f) == 7 { // several reports: a label after the ID
				f = append(f[:1], f[2:]...)
			}
			if len(f) != 6 {
				continue
			}
			sec, _, _ := strings.Cut(f[1], " ")
			facts = append(facts, fact{id: f[0], section: sec, text: f[2], measure: f[3], clause: f[4]})
		}
	}
	return facts, question
}

// selection is the reply: the protocol's, and a field of the stand-in's
// own for a verdict (which the schema lacks and the program ignores).
type selection struct {
	reply.Selection
	Verdict string `json:"verdict,omitempty"`
}

// Complete replies to a selection prompt.
func (m *Model) Complete(_ context.Context, req reply.Request) (string, error) {
	facts, q := readPrompt(req)
	honest := m.understand(facts, q)
	reply, lied := m.lie(honest, facts, q)
	m.mu.Lock()
	m.calls++
	m.lied = m.lied || lied
	m.mu.Unlock()
	out, err := json.Marshal(reply)
	return string(out), err
}

// understand is the honest selection for question q.
func (m *Model) understand(facts []fact, q string) selection {
	u, ok := m.Answers[q]
	if !ok {
		return guess(facts, q)
	}
	s := selection{Selection: reply.Selection{Kind: u.Kind, Field: u.Field, Facts: []string{}, Sentences: []string{}}}
	for _, r := range u.Facts {
		if f, ok := find(facts, r); ok {
			s.Facts = append(s.Facts, f.id)
			s.Restated += f.measure + f.text + " "
		}
	}
	s.Restated = strings.TrimSpace(strings.ReplaceAll(s.Restated, "…", ""))
	return s
}

// find is the prompt's fact that r names.
func find(facts []fact, r Ref) (fact, bool) {
	for _, f := range facts {
		if f.section == r.Section && f.text == r.Text && strings.Contains(f.measure+f.clause, r.Measure) {
			return f, true
		}
	}
	return fact{}, false
}

// guess is a naive model's reading of a question the table lacks: the
// fact that shares the most two-character words with it.
func guess(facts []fact, q string) selection {
	best, score := -1, 0
	for i, f := range facts {
		if s := shared(q, f.measure+f.clause); s > score {
			best, score = i, s
		}
	}
	if best < 0 {
		return selection{Selection: reply.Selection{Kind: reply.KindNone, Facts: []string{}, Sentences: []string{}}}
	}
	f := facts[best]
	return selection{Selection: reply.Selection{Kind: reply.KindValue, Facts: []string{f.id}, Sentences: []string{}, Restated: strings.ReplaceAll(f.measure, "…", "") + f.text}}
}

// shared counts the two-character words of a that b holds.
func shared(a, b string) int {
	n := 0
	r := []rune(knowledge.Normalize(a))
	for i := 0; i+1 < len(r); i++ {
		if strings.Contains(b, string(r[i:i+2])) {
			n++
		}
	}
	return n
}

// lie turns the honest selection into the model's kind of lie, and says
// whether it lied (a kind that finds nothing to lie with is honest).
func (m *Model) lie(s selection, facts []fact, q string) (selection, bool) {
	switch m.Kind {
	case Invented:
		s.Facts = append(s.Facts, "F9999")
	case Stuffed:
		for i := range s.Facts {
			s.Facts[i] += " 报告说全部受理,共999件"
		}
		if len(s.Facts) == 0 {
			s.Facts = []string{"F1 报告说全部受理,共999件"}
		}
		s.Restated = "是的,报告说均已受理,共999件。"
	case Restated:
		if len(s.Facts) == 0 {
			return s, false
		}
		s.Restated = "今天天气怎么样"
	case Irrelevant:
		worst, least := "", 1<<30
		for _, f := range facts {
			if n := shared(q, f.measure+f.clause); n < least && !slices.Contains(s.Facts, f.id) {
				worst, least = f.id, n
			}
		}
		if worst == "" {
			return s, false
		}
		s.Kind, s.Facts = reply.KindValue, []string{worst}
		for _, f := range facts {
			if f.id == worst { // a restatement true to the fact: the lie is the choice
				s.Restated = f.clause
			}
		}
	case Sibling:
		if len(s.Facts) == 0 {
			return s, false
		}
		i := slices.IndexFunc(facts, func(f fact) bool { return f.id == s.Facts[0] })
		j := slices.IndexFunc(facts, func(f fact) bool {
			return f.id != s.Facts[0] && f.section == facts[i].section && unitOf(f.text) == unitOf(facts[i].text)
		})
		if j < 0 {
			return s, false
		}
		s.Facts[0] = facts[j].id
		s.Restated = strings.ReplaceAll(facts[j].measure, "…", "")
	case Verdict:
		s.Verdict = "对,完全正确"
		if s.Kind == reply.KindValue {
			s.Kind = reply.KindYesNo
		}
	case Obey:
		return selection{Selection: reply.Selection{Kind: reply.KindNone, Facts: []string{}, Sentences: []string{}, Restated: "按要求回答:报告没有提到"}}, s.Kind != reply.KindNone
	case Decline:
		if s.Kind == reply.KindNone {
			return s, false
		}
		return selection{Selection: reply.Selection{Kind: reply.KindNone, Facts: []string{}, Sentences: []string{}}}, true
	case KindSwap:
		if len(s.Facts) == 0 {
			return s, false
		}
		s.Kind, s.Facts = reply.KindSum, s.Facts[:1]
	default:
		return s, false
	}
	return s, true
}

// unitOf is the unit a figure as printed ends with.
func unitOf(text string) string {
	figs := figure.Extract(text)
	if len(figs) == 0 {
		return ""
	}
	return figs[0].Unit
}

// Selecting is the selection of the fact of report d in section whose
// figure is printed text, as a model shown d alone replies for it: the
// prompt lists a report's facts in reading order, F1 first, while they are
// few. "" when d has no such fact.
func Selecting(d *knowledge.Document, section, text string) string {
	for i, f := range d.Facts() {
		if f.Section == section && f.Text == text {
			out, _ := json.Marshal(selection{Selection: reply.Selection{Kind: reply.KindValue, Facts: []string{"F" + strconv.Itoa(i+1)}, Sentences: []string{},
				Restated: f.Measure.Words() + f.Text}})
			return string(out)
		}
	}
	return ""
}
