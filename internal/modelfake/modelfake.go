// Package modelfake is a stand-in language model for tests: it reads the
// prompt it is given (the report sections between <资料> tags and the
// question) and answers from them, honestly or with a lie of a chosen
// kind built from the report's own words and figures. It serves any
// report, so a test can run it over a whole question set.
package modelfake

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"reportbot/answer"
	"reportbot/knowledge"
)

// Kinds of reply the stand-in gives.
const (
	Honest     = "honest"     // copies the sentences that answer, each with its quote
	Paraphrase = "paraphrase" // says them in its own frame, the figures, units and words the report's
	Swap       = "swap"       // two figures of one sentence swapped: 收到68件…受理84件
	Flip       = "flip"       // the meaning turned round: 未达100%, 受理16件 for 不予受理16件
	Time       = "time"       // a figure moved in time: 2019年…, 历年累计
	Extra      = "extra"      // a true answer, then a false sentence built from a real figure
	Compare    = "compare"    // a comparison in words the report does not make: 比上年提高两成
	Other      = "other"      // the asked measure with another figure of the report
	Unit       = "unit"       // a figure with another unit: 4727人 for 4727人次
	Omit       = "omit"       // one part of a two-part question left out
	Name       = "name"       // a place or organisation swapped: 杨桥镇 for 凤阳镇
	Relabel    = "relabel"    // a figure put on what another of its sentence counts, quoting only its own clause: 受理84件
)

// Lies are the kinds that lie.
var Lies = []string{Swap, Flip, Time, Extra, Compare, Other, Unit, Omit, Name, Relabel}

// Model answers in one kind; told its lie failed, it lies again, in
// another kind where it can (the figure put on another noun). Lied
// reports whether a reply since the last Reset was a lie; a kind that
// finds nothing to lie with answers honestly, every time.
type Model struct {
	Kind   string
	Legacy bool // answer in the older form: one text and its sections, no quotes
	lied   bool
	calls  int
}

// Reset forgets the replies given so far.
func (m *Model) Reset() { m.lied, m.calls = false, 0 }

// Lied reports whether a reply since the last Reset was a lie.
func (m *Model) Lied() bool { return m.lied }

// Calls is the number of replies since the last Reset.
func (m *Model) Calls() int { return m.calls }

type block struct {
	id, text string
}

type sentence struct {
	section, text string
	figs          []knowledge.Figure
	score         int
}

type claim struct {
	Text    string `json:"text"`
	Quote   string `json:"quote,omitempty"`
	Section string `json:"section,omitempty"`
}

var (
	blockRE    = regexp.MustCompile(`【章节 (\S+) [^】]*】\n`)
	questionRE = regexp.MustCompile(`(?s)<问题>\n(.*)\n</问题>`)
	earlierRE  = regexp.MustCompile(`问:(.*)\n`)
)

// Complete answers the prompt of msgs.
func (m *Model) Complete(_ context.Context, msgs []answer.Message) (string, error) {
	m.calls++
	var prompt string
	for _, msg := range msgs {
		if msg.Role == "user" && strings.Contains(msg.Content, "<资料>") {
			prompt = msg.Content
		}
	}
	if strings.Contains(msgs[0].Content, "Translate") {
		return msgs[len(msgs)-1].Content, nil
	}
	q := ""
	if mm := questionRE.FindStringSubmatch(prompt); mm != nil {
		q = mm[1]
	}
	for _, mm := range earlierRE.FindAllStringSubmatch(prompt, -1) {
		q += " " + mm[1]
	}
	sents := sentences(prompt, q)
	if len(sents) == 0 {
		return `{"found":false,"claims":[]}`, nil
	}
	claims, lie := build(m.Kind, sents, prompt)
	if lie && m.calls > 1 {
		// Told its lie failed, the liar tries another, or the same again.
		if other, ok := build(retryKind(m.Kind), sents, prompt); ok {
			claims = other
		}
	}
	m.lied = m.lied || lie
	return m.render(claims), nil
}

func (m *Model) render(claims []claim) string {
	var b []byte
	if m.Legacy {
		var text []string
		var secs []string
		for _, c := range claims {
			text = append(text, c.Text)
			if !slices.Contains(secs, c.Section) {
				secs = append(secs, c.Section)
			}
		}
		b, _ = json.Marshal(map[string]any{"found": true, "answer": strings.Join(text, ""), "sections": secs})
	} else {
		b, _ = json.Marshal(map[string]any{"found": true, "claims": claims})
	}
	return string(b)
}

// retryKind is the lie a liar tells after its first was refused: it puts
// the figure on another noun.
func retryKind(kind string) string {
	if kind == Swap {
		return Other
	}
	return Swap
}

// sentences are the prompt's report sentences, best answers to q first:
// those sharing the most of its two-character words, with figures first.
func sentences(prompt, q string) []sentence {
	data := prompt
	if i, j := strings.Index(prompt, "<资料>"), strings.Index(prompt, "</资料>"); i >= 0 && j > i {
		data = prompt[i:j]
	}
	locs := blockRE.FindAllStringSubmatchIndex(data, -1)
	var blocks []block
	for k, l := range locs {
		end := len(data)
		if k+1 < len(locs) {
			end = locs[k+1][0]
		}
		blocks = append(blocks, block{id: data[l[2]:l[3]], text: data[l[1]:end]})
	}
	qb := bigrams(knowledge.Normalize(q))
	var out []sentence
	for _, b := range blocks {
		for _, sp := range knowledge.SentenceSpans(b.text) {
			t := strings.TrimSpace(b.text[sp[0]:sp[1]])
			if utf8.RuneCountInString(t) < 6 || strings.HasSuffix(t, "…") {
				continue
			}
			s := sentence{section: b.id, text: t, figs: counts(knowledge.ExtractFigures(t))}
			for w := range bigrams(t) {
				if qb[w] {
					s.score++
				}
			}
			if len(s.figs) > 0 {
				s.score *= 2
			}
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(x, y sentence) int { return y.score - x.score })
	return out
}

func counts(fs []knowledge.Figure) []knowledge.Figure {
	return slices.DeleteFunc(fs, func(f knowledge.Figure) bool {
		return f.Kind != knowledge.KindNumber && f.Kind != knowledge.KindPercent
	})
}

func bigrams(s string) map[string]bool {
	m := map[string]bool{}
	r := []rune(s)
	for i := 0; i+1 < len(r); i++ {
		if unicode.Is(unicode.Han, r[i]) && unicode.Is(unicode.Han, r[i+1]) {
			m[string(r[i:i+2])] = true
		}
	}
	return m
}

// build makes the claims of a reply of kind, and says whether they lie.
// The honest claims are the three best sentences, each its own quote.
func build(kind string, sents []sentence, prompt string) ([]claim, bool) {
	honest := []claim{{Text: sents[0].text, Quote: sents[0].text, Section: sents[0].section}}
	for _, s := range sents[1:min(3, len(sents))] {
		if s.score > 0 && len(s.figs) > 0 && s.text != honest[0].Text {
			honest = append(honest, claim{Text: s.text, Quote: s.text, Section: s.section})
		}
	}
	best := sents[0]
	withFigs := slices.IndexFunc(sents, func(s sentence) bool { return len(s.figs) > 0 })
	if withFigs >= 0 {
		best = sents[withFigs]
	}
	lie := func(text string) ([]claim, bool) {
		if text == "" || text == best.text {
			return honest, false
		}
		return []claim{{Text: text, Quote: best.text, Section: best.section}}, true
	}
	switch kind {
	case Paraphrase:
		var out []claim
		for _, c := range honest {
			out = append(out, claim{Text: "根据报告," + strings.TrimRight(c.Text, "。；;") + "。", Quote: c.Quote, Section: c.Section})
		}
		return out, false
	case Swap:
		return lie(swap(best))
	case Flip:
		return lie(flip(best.text))
	case Time:
		if y := regexp.MustCompile(`(?:19|20)\d{2}年`); y.MatchString(best.text) {
			return lie(y.ReplaceAllString(best.text, "2019年"))
		}
		if strings.Contains(best.text, "累计") || len(best.figs) == 0 {
			return honest, false
		}
		return lie("历年累计" + best.text)
	case Extra:
		if c, ok := extra(best, sents); ok {
			return append(honest, claim{Text: c, Quote: best.text, Section: best.section}), true
		}
	case Compare:
		if len(best.figs) > 0 && !strings.Contains(prompt, "上年") {
			return lie(strings.TrimRight(best.text, "。；;") + ",比上年提高两成。")
		}
	case Other:
		return lie(other(best, sents))
	case Unit:
		return lie(unit(best))
	case Omit:
		if len(best.figs) > 1 {
			f := best.figs[0]
			return lie(best.text[:f.Offset+len(f.Raw)] + "。")
		}
	case Name:
		return lie(swapName(best.text))
	case Relabel:
		if text, quote, ok := relabel(best); ok {
			return []claim{{Text: text, Quote: quote, Section: best.section}}, true
		}
	}
	return honest, false
}

// swap swaps the first two figures of a sentence that differ and share a
// unit.
func swap(s sentence) string {
	for i, f := range s.figs {
		for _, g := range s.figs[i+1:] {
			if f.Unit == g.Unit && f.Kind == g.Kind && f.Value != g.Value {
				t := s.text
				return t[:f.Offset] + g.Raw + t[f.Offset+len(f.Raw):g.Offset] + f.Raw + t[g.Offset+len(g.Raw):]
			}
		}
	}
	return ""
}

// relabel puts a sentence's first figure on what another of its figures,
// in another clause, counts (收到84件…其中受理68件 → 其中受理84件), and
// quotes only the first figure's own clause (收到84件行政复议申请), so that
// the other figure is outside the quote.
func relabel(s sentence) (text, quote string, ok bool) {
	for i, f := range s.figs {
		for _, g := range s.figs[i+1:] {
			if f.Unit != g.Unit || f.Kind != g.Kind || f.Value == g.Value {
				continue
			}
			own, other := clauseOf(s.text, f), clauseOf(s.text, g)
			if own == other || !strings.Contains(other, g.Raw) {
				continue
			}
			return strings.Replace(other, g.Raw, f.Raw, 1) + "。", own, true
		}
	}
	return "", "", false
}

// flip turns a sentence's meaning round: drops 不予 where it has one, else
// says its first figure was not reached.
func flip(t string) string {
	if strings.Contains(t, "不予") {
		return strings.Replace(t, "不予", "", 1)
	}
	fs := counts(knowledge.ExtractFigures(t))
	if len(fs) == 0 {
		return ""
	}
	if i := strings.Index(t, "达"); i >= 0 && i < fs[0].Offset {
		return t[:i] + "未达" + t[i+len("达"):]
	}
	start := 0
	for _, sep := range []string{",", "，", ";", "；", "。"} {
		if k := strings.LastIndex(t[:fs[0].Offset], sep); k >= 0 && k+len(sep) > start {
			start = k + len(sep)
		}
	}
	return t[:start] + "没有" + t[start:]
}

// extra is a false sentence that puts a figure of the answer on what
// another sentence counts.
func extra(best sentence, sents []sentence) (string, bool) {
	if len(best.figs) == 0 {
		return "", false
	}
	f := best.figs[0]
	for _, s := range sents {
		if s.text == best.text {
			continue
		}
		for _, g := range s.figs {
			if g.Unit == f.Unit && g.Value != f.Value {
				cl := clauseOf(s.text, g)
				return "此外," + strings.Replace(cl, g.Raw, f.Raw, 1) + "。", true
			}
		}
	}
	return "", false
}

// other says the answer's first figure as another figure of the report in
// the same unit.
func other(best sentence, sents []sentence) string {
	if len(best.figs) == 0 {
		return ""
	}
	f := best.figs[0]
	for _, s := range sents {
		for _, g := range s.figs {
			if g.Unit == f.Unit && g.Kind == f.Kind && g.Value != f.Value && g.Approx == f.Approx {
				return best.text[:f.Offset] + g.Raw + best.text[f.Offset+len(f.Raw):]
			}
		}
	}
	return ""
}

// otherUnits are the units a liar puts for a figure's own, longest first.
var otherUnits = [][2]string{{"人次", "人"}, {"%", "个百分点"}, {"人", "人次"}, {"名", "人次"}, {"件", "项"}, {"项", "件"},
	{"次", "件"}, {"元", "美元"}, {"个", "项"}, {"条", "件"}, {"起", "项"}, {"家", "个"}, {"期", "次"}}

// unit says the answer's first figure in another unit.
func unit(best sentence) string {
	for _, f := range best.figs {
		for _, u := range otherUnits {
			if strings.HasSuffix(f.Raw, u[0]) {
				raw := strings.TrimSuffix(f.Raw, u[0]) + u[1]
				return best.text[:f.Offset] + raw + best.text[f.Offset+len(f.Raw):]
			}
		}
	}
	return ""
}

var nameRE = regexp.MustCompile(`\p{Han}{2}(镇|乡|街道)|县(检察院|法院|司法局|信访局|公安局)`)

// swapName puts another place or organisation in a sentence.
func swapName(t string) string {
	m := nameRE.FindString(t)
	switch {
	case m == "":
		return ""
	case strings.HasPrefix(m, "县"):
		repl := "县审计局"
		return strings.Replace(t, m, repl, 1)
	case m == "杨桥镇":
		return strings.Replace(t, m, "湖泽镇", 1)
	}
	return strings.Replace(t, m, "杨桥镇", 1)
}

// clauseOf is the clause of t around figure g.
func clauseOf(t string, g knowledge.Figure) string {
	start, end := 0, len(t)
	for _, sep := range []string{",", "，", ";", "；", "。"} {
		if k := strings.LastIndex(t[:g.Offset], sep); k >= 0 && k+len(sep) > start {
			start = k + len(sep)
		}
		if k := strings.Index(t[g.Offset:], sep); k >= 0 && g.Offset+k < end {
			end = g.Offset + k
		}
	}
	return t[start:end]
}
