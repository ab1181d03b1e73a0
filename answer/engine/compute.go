package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"reportbot/answer/compute"
	"reportbot/answer/reply"
	"reportbot/knowledge"
)

var (
	// rateRE finds a rate or share asked for: 受理率, 占比, 比例.
	rateRE = knowledge.Pattern("rate")
	// sumRE asks for figures added up; differenceRE for one less another;
	// compareRE for which is the larger, and by how much.
	sumRE        = knowledge.Pattern("sum")
	differenceRE = knowledge.Pattern("difference")
	compareRE    = knowledge.Pattern("compare")
	// complementRE asks for the rest of a whole, those not counted: 没回复的
	// (its stem, the second group), 还有几件没立案的 (the fifth).
	complementRE = knowledge.Pattern("complement")
	// shareRE asks what share one thing is of another: 专职的占执法人员的比例;
	// shareOfNothingRE asks a share of what it does not name (占百分之几).
	shareRE          = knowledge.Pattern("share")
	shareOfNothingRE = knowledge.Pattern("shareOfNothing")
	// shareAskRE is the words that ask a share (的比例, 几成): the
	// operation, not a thing to find.
	shareAskRE = knowledge.Pattern("shareAsk")
	// shareWithinRE asks a share with its whole first (惠企政策里,上线的占几成).
	shareWithinRE = knowledge.Pattern("shareWithin")
)

// wholeLast is a share asked with its whole first (X里,Y的占几成) asked
// with its part first (Y的占X的比例), as the share is read; false for
// another question.
func wholeLast(norm string) (string, bool) {
	m := shareWithinRE.FindStringSubmatch(norm)
	if m == nil {
		return "", false
	}
	return m[2] + "的占" + m[1] + "的比例", true
}

// shareParts are a share question's content runs (审结的占收到复议申请的比例)
// as its two things (审结, 收到复议申请): split at 占, without the words
// that ask the share.
func shareParts(parts [][]string) [][]string {
	out := make([][]string, len(parts))
	for i, runs := range parts {
		for _, run := range runs {
			for _, piece := range strings.Split(shareAskRE.ReplaceAllString(run, "占"), "占") {
				if piece = strings.TrimSuffix(piece, "的"); piece != "" {
					out[i] = append(out[i], piece)
				}
			}
		}
	}
	return out
}

// rateAsked finds the rate a question asks for: the word (受理率), its stem
// (受理, 不予受理 of 不予受理的比例: up to four characters before it), and
// the byte span of both in norm; "" when it asks for none.
func rateAsked(norm string) (word, stem string, at, end int) {
	m := rateRE.FindStringIndex(norm)
	if m == nil {
		return "", "", 0, 0
	}
	at = m[0]
	end = at
	if strings.HasSuffix(norm[:at], "的") { // 不予受理的比例
		at -= len("的")
		end = at
	}
	if strings.HasSuffix(norm[:at], "了") { // 回复了的占几成
		at -= len("了")
		end = at
	}
	for n := 0; n < 4 && at > 0; n++ {
		r, size := utf8.DecodeLastRuneInString(norm[:at])
		if !unicode.Is(unicode.Han, r) || strings.ContainsRune("的之是有在了", r) {
			break
		}
		at -= size
	}
	word, stem = norm[at:m[1]], norm[at:end]
	if asked := norm[m[0]:m[1]]; strings.Contains(asked, "几") || strings.Contains(asked, "多少") {
		word = stem + "占比" // 受理的占百分之几 is said 受理占比
	}
	return word, stem, at, m[1]
}

// AsksOp says what a question asks of its figures, as a selection's kind
// names it (compare, difference, sum), or "" for none.
func AsksOp(norm string) string {
	switch {
	case compareRE.MatchString(norm):
		return reply.KindCompare
	case differenceRE.MatchString(norm):
		return reply.KindDifference
	case sumRE.MatchString(norm):
		return reply.KindSum
	case shareRE.MatchString(norm) && !shareOfNothingRE.MatchString(norm): // 已回复的占百分之多少 is a rate of one thing
		return reply.KindShare
	}
	return ""
}

// computeRate answers a question for a rate the report does not state
// (行政复议申请的受理率?) from the facts it does: the count named (受理68件)
// over the whole it is part of (收到84件), which its sentence names first.
// It returns false when the report states such a rate, or when no fact
// has a whole to divide by.
func (e *Engine) computeRate(question, norm string, history []reply.Turn, plain reply.Answer) (reply.Answer, bool) {
	word, stem, at, end := rateAsked(norm) // 受理率, 受理
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
