package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"reportbot/answer/asks"
	"reportbot/answer/compute"
	"reportbot/answer/reply"
	"reportbot/knowledge"
)

// complementRE asks for the rest of a whole, those not counted: 没回复的
// (its stem, the second group), 还有几件没立案的 (the fifth).
var complementRE = knowledge.Pattern("complement")

// computeRate answers a question for a rate the report does not state
// (行政复议申请的受理率?) from the facts it does: the count named (受理68件)
// over the whole it is part of (收到84件), which its sentence names first.
// It returns false when the report states such a rate, or when no fact
// has a whole to divide by.
func (e *Engine) computeRate(question, norm string, history []reply.Turn, plain reply.Answer) (reply.Answer, bool) {
	word, stem, at, end := asks.Rate(norm) // 受理率, 受理
	if word == "" {
		return reply.Answer{}, false
	}
	if plain.Found && slices.ContainsFunc(plain.Lead, func(f knowledge.Fact) bool {
		return f.Unit == "%" && (stem == "" || strings.Contains(f.Clause, stem))
	}) {
		return plain, true // the report gives the rate itself
	}
	if stem == "" {
		return reply.Answer{}, false
	}
	// The count named by the stem: the question with its rate asked as a
	// number (受理率 → 受理了多少).
	counted := e.extract(norm[:at]+stem+"了多少"+norm[end:], history)
	if !counted.Found || len(counted.Lead) == 0 {
		return reply.Answer{}, false
	}
	part := counted.Lead[0]
	whole, ok := e.wholeOf(part)
	if !ok {
		return reply.Answer{}, false
	}
	ans := counted
	ans.Question = question
	c := reply.Computed{Op: reply.OpRate, Value: compute.Round1(100 * part.Value / whole.Value), Unit: "%", Inputs: []knowledge.Fact{part, whole},
		Working: compute.FactName(part) + " ÷ " + compute.FactName(whole), Rounding: "四舍五入保留一位小数"}
	c.Text = compute.ApproxWord(c.Inputs) + strconv.FormatFloat(c.Value, 'f', 1, 64) + "%"
	ans.Computed = &c
	ans.Lead = c.Inputs
	lead := fmt.Sprintf("%s%s(按报告数字计算:%s,%s%s;报告本身没有给出这个比率)", word, c.Text, c.Working, c.Rounding, compute.ApproxNote(c.Inputs))
	ans.SetLines(ComposeFound(ans.Citations, lead, false))
	return ans, true
}

// complement answers a question for the rest of a whole (还有几件没回复的)
// from the facts the report does state: the whole a counted fact is part
// of, less the part (提出检察意见7件 − 已回复6件). It returns false when
// the question asks for none, the report states what it asks (不予受理16件),
// or the count named has no whole.
func (e *Engine) complement(question, norm string, history []reply.Turn, plain reply.Answer) (reply.Answer, bool) {
	at := complementRE.FindStringSubmatchIndex(norm)
	if at == nil || strings.HasSuffix(norm[:at[0]], "有") || plain.Found && len(plain.Lead) > 0 && plain.Lead[0].Negative() {
		return reply.Answer{}, false // 有没有…: whether, not the rest
	}
	from, to := at[4], at[5] // 没回复的
	if from < 0 {
		from, to = at[10], at[11] // 还有几件没立案的
	}
	stem := norm[from:to]
	counted := e.extract(norm[:at[0]]+stem+"了多少"+norm[at[1]:], history)
	if !counted.Found || len(counted.Lead) == 0 {
		return reply.Answer{}, false
	}
	part := counted.Lead[0]
	whole, ok := e.wholeOf(part)
	if !ok || whole.Value <= part.Value {
		return reply.Answer{}, false
	}
	ans := counted
	ans.Question = question
	c := reply.Computed{Op: reply.OpDifference, Unit: part.Unit, Inputs: []knowledge.Fact{whole, part}, Value: compute.Round1(whole.Value - part.Value),
		Working: compute.FactName(whole) + " − " + compute.FactName(part)}
	c.Text = compute.ApproxWord(c.Inputs) + strconv.FormatFloat(c.Value, 'f', -1, 64) + c.Unit
	ans.Computed, ans.Lead = &c, c.Inputs
	lead := fmt.Sprintf("没有%s的%s(按报告数字计算:%s%s;报告本身没有给出这个数)", stem, c.Text, c.Working, compute.ApproxNote(c.Inputs))
	ans.SetLines(ComposeFound(ans.Citations, lead, false))
	return ans, true
}

// wholeOf finds the whole that a fact is a part of: the fact before it in
// its sentence whose measure it is counted of (受理68件 of 收到84件行政复议
// 申请), in the same unit and period, and no smaller.
func (e *Engine) wholeOf(part knowledge.Fact) (knowledge.Fact, bool) {
	if part.Of.IsZero() {
		return knowledge.Fact{}, false
	}
	for _, d := range e.Index.Docs() {
		if d.Meta.Title != part.Report {
			continue
		}
		s := d.Section(part.Section)
		if s == nil {
			continue
		}
		for i := len(s.Facts()) - 1; i >= 0; i-- {
			f := s.Facts()[i]
			if f.Sentence == part.Sentence && f.Start < part.Start && f.Measure == part.Of &&
				f.Unit == part.Unit && f.Kind == part.Kind && f.Period == part.Period && f.Value >= part.Value && f.Value > 0 {
				return f, true
			}
		}
	}
	return knowledge.Fact{}, false
}

// combine works out a comparison, a sum, a difference or a share of an
// answer's lead facts when the question asks for one (kind, as AsksOp
// reads it), or says why they cannot be combined. It changes nothing when
// the question asks for none, or the lead has fewer than two facts.
func combine(ans reply.Answer, kind string) reply.Answer {
	if kind == "" || len(ans.Lead) < 2 {
		return ans
	}
	facts := ans.Lead
	if kind != reply.KindSum {
		facts = facts[:2]
	}
	lead, c := compute.Of(kind, facts)
	ans.Computed = c
	ans.SetLines(ComposeFound(ans.Citations, lead, false))
	return ans
}
