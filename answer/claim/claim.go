package claim

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"reportbot/answer/reply"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// Claim is a citizen's statement of figures, asked to be checked.
type Claim struct {
	Question string    // the statement asked as a question: 行政复议收到多少件
	figures  []claimed // the figures claimed
}

// claimed is a figure a question states, and which way it is compared:
// "" for equal to it, ">" above (超过), "<" below (不到), ">=" at least
// (至少, 达到).
type claimed struct {
	figure.Figure
	cmp string
}

// holds reports whether fact f is as the claim says of it: in its unit (a
// figure said without one takes f's), and equal, above, below or at least.
func (g claimed) holds(f figure.Figure) bool {
	if g.Unit != "" && g.Unit != f.Unit && !sameCount(g.Unit, f.Unit) {
		return false // 70人次 is not 70件
	}
	switch g.cmp {
	case ">":
		return f.Value > g.Value
	case "<":
		return f.Value < g.Value
	case ">=":
		return f.Value >= g.Value
	}
	return g.Unit == "" && figure.SameValue(f.Value, g.Value) || g.Equal(f)
}

// sameCount reports whether two units count the same thing: 名 and 人.
func sameCount(u, v string) bool {
	people := []string{"人", "名", "位"}
	return slices.Contains(people, u) && slices.Contains(people, v)
}

var (
	claimOpenRE  = knowledge.Pattern("claimOpen")
	claimCheckRE = knowledge.Pattern("claimCheck")
	// claimAskRE asks whether what it states is so: 是不是…, 有没有…, …吗.
	claimAskRE = knowledge.Pattern("claimAsk")
	// claimCmpRE ends the words before a figure that compare with it.
	claimCmpRE = knowledge.Pattern("claimCmp")
	// claimAllRE claims a count of all (全都立案侦查了): of what follows.
	claimAllRE = knowledge.Pattern("claimAll")
	// Quantities said in words: 九成, 百分之百, 破一百.
	claimTenthsRE   = knowledge.Pattern("claimTenths")
	claimAll100RE   = knowledge.Pattern("claimAll100")
	claimHanCountRE = knowledge.Pattern("claimHanCount")
)

// inFigures is a claim with the quantities it says in words written as
// figures: 过九成 as 过90%, 做到百分之百 as 做到100%, 破一百 as 破100.
func inFigures(q string) string {
	q = claimAll100RE.ReplaceAllString(q, "100%")
	q = claimTenthsRE.ReplaceAllStringFunc(q, func(m string) string {
		n, _ := figure.ParseHanNumber(strings.TrimSuffix(m, "成"))
		return strconv.Itoa(int(n)*10) + "%"
	})
	return claimHanCountRE.ReplaceAllStringFunc(q, func(m string) string {
		sm := claimHanCountRE.FindStringSubmatch(m)
		num := sm[len(sm)-1]
		n, ok := figure.ParseHanNumber(num)
		if !ok || n < 10 {
			return m // 有一些, 到一二: no count
		}
		return strings.TrimSuffix(m, num) + strconv.Itoa(int(n))
	})
}

// ofAll is a claim's question that claims its count of all (移送的那多少起
// 案子,全都立案侦查) asked of what all are said to do (移送的那案子,立案
// 侦查了多少起): 17起 of 17起 移送 is claimed of 立案侦查. asked is the
// figure asked for (多少起); the question is as it was without both.
func ofAll(q, asked string) string {
	i := strings.Index(q, asked)
	m := claimAllRE.FindStringSubmatchIndex(q)
	if i < 0 || m == nil || m[0] < i+len(asked) {
		return q
	}
	verb := strings.TrimSuffix(q[m[8]:m[9]], "了")
	return q[:i] + q[i+len(asked):m[0]] + "," + verb + "了" + asked
}

// comparison is which way words before a figure compare with it.
func comparison(word string) string {
	switch word {
	case "":
		return ""
	case "不到", "少于", "低于", "不足", "小于", "没到", "未到":
		return "<"
	case "至少", "不少于", "达到", "达":
		return ">="
	}
	return ">"
}

// readClaimed reads the figures a question states (counts, shares, dates
// and ordinals, not years), each with the words before it that compare
// with it, and the question with each asked for instead (超过100件 →
// 多少件, 2023年11月6日 → 哪天, 第一批 → 第几批).
func readClaimed(norm string) ([]claimed, string) {
	var out []claimed
	q := norm
	for _, f := range figure.Extract(norm) {
		var asked string
		switch f.Kind {
		case figure.KindNumber:
			asked = "多少" + f.Unit
		case figure.KindPercent:
			asked = "多少"
		case figure.KindDate:
			asked = "哪天"
		case figure.KindOrdinal:
			asked = "第几" + f.Unit
		default:
			continue
		}
		i := strings.Index(q, f.Raw)
		if i < 0 {
			continue
		}
		word := claimCmpRE.FindString(q[:i])
		out = append(out, claimed{f, comparison(strings.TrimSuffix(word, "了"))})
		q = q[:i-len(word)] + asked + q[i+len(f.Raw):]
	}
	return out, q
}

// Read reads a question that states a figure and asks whether it is
// right, in any of the ways residents ask (报告说行政复议收到999件,对吗?
// 是不是受理了70件? 异地通办有600项吗? 有没有超过100件?). It returns the
// statement asked as a question, with each claimed figure asked for
// instead, so that a false figure neither steers the search nor declines
// the question.
func Read(norm string) (Claim, bool) {
	if !claimCheckRE.MatchString(norm) && !claimOpenRE.MatchString(norm) && !claimAskRE.MatchString(norm) {
		return Claim{}, false
	}
	q := claimCheckRE.ReplaceAllString(inFigures(norm), "")
	q = claimOpenRE.ReplaceAllString(q, "")
	q = claimAskRE.ReplaceAllString(q, "")
	figures, q := readClaimed(q)
	if len(figures) == 0 {
		return Claim{}, false
	}
	if len(figures) == 1 && figures[0].Kind == figure.KindNumber {
		q = ofAll(q, "多少"+figures[0].Unit)
	}
	return Claim{Question: q + "?", figures: figures}, true
}

// States reports whether fact f is a figure the claim states as it is
// (收到84件 of 收到84件行政复议申请), not above or below one.
func (c Claim) States(f knowledge.Fact) bool {
	return slices.ContainsFunc(c.figures, func(g claimed) bool { return g.cmp == "" && g.holds(f.Figure()) })
}

// Distance is how far fact f is from the one figure the claim states as
// it is, in f's unit; false when the claim states more, or compares, or
// f counts in another unit.
func (c Claim) Distance(f knowledge.Fact) (float64, bool) {
	if len(c.figures) != 1 || c.figures[0].cmp != "" {
		return 0, false
	}
	g := c.figures[0]
	if g.Unit != "" && g.Unit != f.Unit && !sameCount(g.Unit, f.Unit) || g.Kind != f.Kind {
		return 0, false
	}
	return math.Abs(f.Value - g.Value), true
}

// Verdict answers a claim with what the report says: right or wrong, then
// the report's own figure. The claimed figure is not repeated.
func (c Claim) Verdict(ans reply.Answer, question string) reply.Answer {
	ans.Question = question
	if !ans.Found {
		return ans
	}
	var figs []figure.Figure
	for _, f := range ans.Lead {
		figs = append(figs, f.Figure())
	}
	// The whole quote answers, or a date or an ordinal is claimed (no fact
	// is one): is the figure in it?
	if len(ans.Lead) == 0 || slices.ContainsFunc(c.figures, func(g claimed) bool {
		return g.Kind == figure.KindDate || g.Kind == figure.KindOrdinal
	}) {
		for _, cit := range ans.Citations {
			figs = append(figs, figure.Extract(cit.Quote)...)
		}
	}
	lines := slices.Clone(ans.Lines)
	lines[0].Text = verdictOf(c.figures, figs) + lines[0].Text
	ans.SetLines(lines)
	return ans
}

// verdictOf opens the answer to figures claimed, the report's being figs:
// 对 (and, for a figure claimed equal, that it is the report's own) or 不对.
func verdictOf(claims []claimed, figs []figure.Figure) string {
	right := slices.ContainsFunc(figs, func(f figure.Figure) bool {
		return slices.ContainsFunc(claims, func(g claimed) bool { return g.holds(f) })
	})
	switch {
	case !right:
		return "不对,报告说的是:"
	case slices.ContainsFunc(claims, func(g claimed) bool { return g.cmp != "" }):
		return "对,报告说:"
	}
	return "对,报告说的正是这个数:"
}

// YesNo checks the figures a yes/no question states against the
// facts: 对 or 不对, then the report's words (lead). A question that states
// no figure gets the report's words alone.
func YesNo(question string, facts []knowledge.Fact, lead string) string {
	claims, _ := readClaimed(knowledge.Normalize(question))
	if len(claims) == 0 || len(facts) == 0 {
		return lead
	}
	figs := make([]figure.Figure, len(facts))
	for i, f := range facts {
		figs[i] = f.Figure()
	}
	return verdictOf(claims, figs) + lead
}
