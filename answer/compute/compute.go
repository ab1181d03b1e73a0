package compute

import (
	"cmp"
	"fmt"
	"math"
	"reportbot/answer/reply"
	"reportbot/knowledge"
	"slices"
	"strconv"
	"strings"
)

// Of works out what a selection of kind asks of its facts, with the
// working, or says why the facts cannot be combined: the lead, and the
// computed figure when there is one.
func Of(kind string, facts []knowledge.Fact) (string, *reply.Computed) {
	verb := map[string]string{reply.KindSum: "相加", reply.KindDifference: "相减", reply.KindCompare: "比较", reply.KindShare: "相除"}[kind]
	if why := Unfit(facts); why != "" && !(kind == reply.KindShare && facts[0].Unit == facts[1].Unit && facts[0].Unit != "%" && facts[0].Per == "" && facts[1].Per == "") {
		return fmt.Sprintf("报告给出的是%s;%s,不能直接%s", Names(facts, "、"), why, verb), nil
	}
	c := &reply.Computed{Unit: facts[0].Unit, Inputs: facts}
	switch kind {
	case reply.KindSum:
		c.Op = reply.OpSum
		for _, f := range facts {
			c.Value += f.Value
		}
		c.Working = Names(facts, " + ")
	case reply.KindShare:
		part, whole := facts[0], facts[1]
		if whole.Value == 0 {
			return fmt.Sprintf("报告给出的是%s;后一个数是0,不能相除", Names(facts, "、")), nil
		}
		c.Op, c.Unit, c.Rounding = reply.OpRate, "%", "四舍五入保留一位小数"
		c.Value = 100 * part.Value / whole.Value
		c.Working = FactName(part) + " ÷ " + FactName(whole)
	default: // compare, difference
		c.Op = reply.OpDifference
		hi, lo := facts[0], facts[1]
		if lo.Value > hi.Value {
			hi, lo = lo, hi
		}
		c.Value = hi.Value - lo.Value
		c.Working = FactName(hi) + " − " + FactName(lo)
		if kind == reply.KindCompare && hi.Value == lo.Value {
			c.Text = "0" + c.Unit
			return fmt.Sprintf("一样多:%s,%s(按报告数字计算)", FactName(facts[0]), FactName(facts[1])), c
		}
		if kind == reply.KindCompare {
			c.Value = Round1(c.Value)
			c.Text = ApproxWord(facts) + strconv.FormatFloat(c.Value, 'f', -1, 64) + c.Unit
			return fmt.Sprintf("%s更多:%s,比%s多%s(按报告数字计算:%s%s;报告本身没有给出这个数)", mainWordOr(hi), FactName(hi), FactName(lo), c.Text, c.Working, ApproxNote(facts)), c
		}
	}
	c.Value = Round1(c.Value)
	if c.Op == reply.OpRate {
		c.Text = ApproxWord(facts) + strconv.FormatFloat(c.Value, 'f', 1, 64) + "%"
		return fmt.Sprintf("占%s(按报告数字计算:%s,%s%s;报告本身没有给出这个比率)", c.Text, c.Working, c.Rounding, ApproxNote(facts)), c
	}
	c.Text = ApproxWord(facts) + strconv.FormatFloat(c.Value, 'f', -1, 64) + c.Unit
	label := map[string]string{reply.OpSum: "合计", reply.OpDifference: "相差"}[c.Op]
	return fmt.Sprintf("%s%s(按报告数字计算:%s%s;报告本身没有给出这个数)", label, c.Text, c.Working, ApproxNote(facts)), c
}

// mainWordOr names what a fact counts for a comparison's verdict: its
// measure's main word, or its clause.
func mainWordOr(f knowledge.Fact) string {
	return cmp.Or(strings.Trim(MainWord(f), ",，、"), FactName(f))
}

// MainWord is the part of a measure that names what it counts nearest the
// figure: 不予受理, 受理, 收到 of 收到…行政复议申请.
func MainWord(f knowledge.Fact) string {
	m := f.Measure.Main()
	for _, w := range connectives {
		m = strings.TrimPrefix(m, w)
	}
	return strings.TrimSpace(m)
}

// Unfit says why facts cannot be added or compared, or "" when they can:
// each in the same unit and kind, of the same report and year.
func Unfit(facts []knowledge.Fact) string {
	for _, f := range facts {
		if f.Per != "" {
			return "其中" + FactName(f) + "是按每个单位计的数,不是总数"
		}
	}
	for _, f := range facts[1:] {
		g := facts[0]
		switch {
		case f.Unit != g.Unit || f.Kind != g.Kind:
			return "它们的单位不同"
		case f.Report != g.Report:
			return "它们出自不同的报告"
		case f.Period != g.Period:
			return "它们的年份不同"
		case f.Unit == "%":
			return "百分比不能这样相加减"
		}
	}
	return ""
}

// ApproxWord is 约 when an input is approximate (80余次): the result is
// then approximate too.
func ApproxWord(facts []knowledge.Fact) string {
	if slices.ContainsFunc(facts, func(f knowledge.Fact) bool { return f.Approx != "" }) {
		return "约"
	}
	return ""
}

// ApproxNote says that a result is approximate because an input is.
func ApproxNote(facts []knowledge.Fact) string {
	if ApproxWord(facts) == "" {
		return ""
	}
	return ",其中有约数,结果也是约数"
}

// FactName says a fact in the report's own words: its clause, less a
// connective that opens it (其中受理68件 → 受理68件).
func FactName(f knowledge.Fact) string {
	for _, w := range connectives {
		if t, ok := strings.CutPrefix(f.Clause, w); ok && t != "" {
			return t
		}
	}
	return f.Clause
}

func Names(facts []knowledge.Fact, sep string) string {
	var out []string
	for _, f := range facts {
		out = append(out, FactName(f))
	}
	return strings.Join(out, sep)
}

func Round1(v float64) float64 { return math.Round(v*10) / 10 }

// connectives open a clause without saying what it counts; a lead
// drops them (其中受理68件 → 受理68件).
var connectives = []string{"其中", "另外", "另", "并且", "并", "同时", "此外"}
