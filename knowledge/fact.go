package knowledge

import (
	"reportbot/knowledge/figure"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fact is one figure of a report read as a statement: what it counts (its
// measure words), whose it is, for when, which way and how exactly, and
// where the report says it. 收到84件行政复议申请 and 其中受理68件 stand in
// one sentence; as facts they count different things.
type Fact struct {
	Report  string      `json:"report"`  // the title of the report it is in
	Section string      `json:"section"` // the ID of its section
	Value   float64     `json:"value"`   // normalized: 8.56万件 is 85600
	Unit    string      `json:"unit"`
	Kind    figure.Kind `json:"kind"`
	Text    string      `json:"text"`   // as printed: 84件
	Clause  string      `json:"clause"` // the clause it stands in, exactly as printed
	// Start and End are the clause's byte offsets in the section's text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Measure is what the figure quantifies, in the clause's own words:
	// 收到…行政复议申请, 受理, 不予受理, 群众满意度.
	Measure Measure `json:"measure"`
	// Of is what an elliptical clause counts, from the nearest clause before
	// it in the same sentence that names a thing: 提出检察意见 for 已回复6件.
	Of     Measure `json:"of,omitzero"`
	Actor  string  `json:"actor,omitempty"` // who does it, when the sentence names one: 县检察院
	Period int     `json:"period"`          // the year it is of: the report's unless the text says another
	// Marks says how the period is counted: 同比, 较上年, 累计, 截至, 以来.
	Marks    []string `json:"marks,omitempty"`
	Polarity string   `json:"polarity,omitempty"` // the negation it is counted under: 不予, 未, 没有
	Approx   string   `json:"approx,omitempty"`   // how it is approximate: 余, 多, 近, 超过, 至少, 以上
	// Per is the word that makes the figure a count for each of several
	// (27个社区皆培养了至少5名: 5名 a community, not in all): 皆, 每, 各.
	Per      string `json:"per,omitempty"`
	Sentence [2]int `json:"-"` // byte span of its sentence in the section's text
}

// Figure is the fact's figure, for comparing it with others.
func (f Fact) Figure() figure.Figure {
	return figure.Figure{Value: f.Value, Unit: f.Unit, Kind: f.Kind, Raw: f.Text, Approx: f.Approx == "余" || f.Approx == "多",
		Context: f.Clause, Section: f.Section}
}

// Negative reports whether the fact is counted under a negation (不予受理).
func (f Fact) Negative() bool { return f.Polarity != "" }

// markWords qualify a figure's period; periodPrefixes are dropped from a
// measure as the words of its period.
var markWords = []string{"同比", "较上年", "比上年", "较去年", "累计", "截至", "截止", "以来", "历年"}

// approxBefore are the words before a figure that make it approximate;
// approxAfter those after it, and approxTail those a measure may open with
// after its figure (80余次: 余).
var (
	approxBefore = []string{"超过", "至少", "不少于", "将近", "接近", "约", "近", "逾", "超"}
	approxAfter  = []string{"以上", "左右", "上下"}
	approxTail   = append(slices.Clone(approxAfter), "多", "余")
)

// leadWords open a measure without adding to what it counts: when, marks
// of period and comparison, connectives.
var leadWords = append(append([]string{"今年以来", "年初", "年底", "全年"}, markWords...), connectives...)

// negations turn a measure round: 不予受理, 未回复, 没有.
var negations = []string{"不予", "尚未", "未", "没有", "没", "不"}

// notNegation are words that hold 不, 未 or 没 without negating a count.
var notNegation = []string{"不断", "不少", "未来", "不仅", "不但", "不少于", "不高", "不足", "不久", "无事不扰"}

// connectives open a clause without adding to what it counts.
var connectives = []string{"其中", "共计", "总计", "合计", "分别", "另外", "另有", "另", "并且", "并", "同时", "此外", "共", "均", "已经", "全年", "当年", "年内", "全部", "先后", "达到", "达", "为", "是", "有"}

// actorSuffixes end the name of an organisation that acts in a report.
var actorSuffixes = []string{"人民政府", "政府", "检察院", "法院", "政法委", "纪委", "委员会", "办公厅", "办公室", "大队", "分局", "中心", "机关", "局", "院", "委"}

// actorPrefixes open the name of a government's organisation: its level
// (县检察院, 市司法局) or the state's (国务院办公厅).
var actorPrefixes = []string{"全县", "全市", "全省", "全区", "县", "市", "省", "区", "乡", "镇", "国务院", "国家"}

// actorStops are characters an organisation's name does not run across.
const actorStops = "的在向对由和与及到将把被给从为以于即共已均各其这那了是有年,,、;;。:: \n“”\"《》()()"

// buildFacts reads the facts of a document's sections: every figure but
// bare years (which are the periods of the others) and the months that
// close a period (截至12月底). The table is built from the text alone and
// the same text always gives the same table.
func (d *Document) buildFacts() []Fact {
	var out []Fact
	year := d.Year()
	for _, s := range d.Sections {
		figs := sectionFigures(s.ID, s.Text)
		s.figures = figs
		if !strings.Contains(s.Text, s.Heading) {
			s.figures = append(sectionFigures(s.ID, s.Heading), figs...)
		}
		s.facts = sectionFacts(d.Meta.Title, d.Meta.Place, year, s, figs)
		out = append(out, s.facts...)
	}
	return out
}

// sectionFigures are the figures of a section's text, or of its heading.
func sectionFigures(id, text string) []figure.Figure {
	fs := figure.Extract(text)
	for i := range fs {
		fs[i].Section = id
	}
	return fs
}

// sectionFacts are the facts of s, whose text's figures are figs.
func sectionFacts(report, place string, year int, s *Section, figs []figure.Figure) []Fact {
	var out []Fact
	text := s.Text
	for _, sent := range SentenceSpans(text) {
		st := text[sent[0]:sent[1]]
		var prev []Fact // facts of this sentence so far
		for _, g := range figs {
			if g.Offset < sent[0] || g.Offset >= sent[1] || g.Kind == figure.KindYear || QuotedAt(st, g.Offset-sent[0]) {
				continue
			}
			start, end := figure.ClauseBounds(text, g.Offset, g.Offset+len(g.Raw))
			clause := text[start:end]
			if g.Kind == figure.KindMonth && precededBy(text[:g.Offset], "截至", "截止") {
				continue
			}
			f := Fact{Report: report, Section: s.ID, Value: g.Value, Unit: g.Unit, Kind: g.Kind, Text: g.Raw,
				Clause: clause, Start: start, End: end, Sentence: sent}
			before, after := text[start:g.Offset], text[g.Offset+len(g.Raw):end]
			f.Approx = approxOf(g, before, after)
			f.Per = perOf(before)
			f.Measure = measure(before, after)
			f.Polarity = Polarity(f.Measure.String())
			f.Marks = marks(text[sent[0]:start], clause)
			f.Period = periodOf(text[:g.Offset], year)
			f.Actor = actorIn(before, place)
			if f.Actor == "" && actorIn(text[sent[0]:start], place) == "" {
				// 县检察院积极主动履行职责…。2023年办理…8件: the subject of
				// the paragraph, when the sentence names none.
				f.Actor = subjectBefore(paragraphBefore(text, sent[0]), place)
			}
			switch {
			case f.Measure.IsZero(): // 共165名: it counts what the clause before names
				f.Measure = ofPrevious(prev, "")
			case elliptical(f.Measure):
				f.Of = ofPrevious(prev, f.Unit)
			}
			prev = append(prev, f)
			out = append(out, f)
		}
	}
	return out
}

// SentenceSpans returns the byte spans of the sentences of text, as
// answers quote them: ended by 。!?; or a line break. Semicolons end a
// sentence too: Chinese reports join independent statements with them.
func SentenceSpans(text string) [][2]int {
	var out [][2]int
	start := 0
	for i, r := range text {
		switch r {
		case '。', '!', '?', ';', '\uff01', '\uff1f', '\uff1b', '\n':
			end := i + utf8.RuneLen(r)
			out = append(out, [2]int{start, end})
			start = end
		}
	}
	if start < len(text) {
		out = append(out, [2]int{start, len(text)})
	}
	return out
}

func precededBy(s string, words ...string) bool {
	for _, w := range words {
		if i := strings.LastIndex(s, w); i >= 0 && utf8.RuneCountInString(s[i:]) <= 8 {
			return true
		}
	}
	return false
}

// approxOf says how a figure is approximate: the scanner's 余 or 多, or a
// word such as 超过 right before it or 以上 right after it.
func approxOf(g figure.Figure, before, after string) string {
	if g.Approx {
		for _, w := range []string{"余", "多"} {
			if strings.Contains(g.Raw, w) {
				return w
			}
		}
	}
	return ApproxWord(before, after)
}

// ApproxWord is the word right by a figure that makes it approximate: 约,
// 近, 超过, 至少 at the end of the text before it, 以上, 左右 at the start
// of the text after it.
func ApproxWord(before, after string) string {
	for _, w := range approxBefore {
		if strings.HasSuffix(before, w) {
			return w
		}
	}
	for _, w := range approxAfter {
		if strings.HasPrefix(after, w) {
			return w
		}
	}
	return ""
}

// perOf finds the word before a figure, in its clause, that makes it a
// count for each of several: 皆 or 每 anywhere before it (27个社区皆培养了
// 至少5名), 各 right before it (听证会、磋商会各一次).
func perOf(before string) string {
	for _, w := range []string{"皆", "每"} {
		if strings.Contains(Unquoted(before), w) {
			return w
		}
	}
	b := strings.TrimRight(before, "至少超过近约")
	if strings.HasSuffix(b, "各") {
		return "各"
	}
	return ""
}

// measure is what a figure counts: the words of its clause with the figure
// as …, less the words of its period, approximation and connectives.
func measure(before, after string) Measure {
	return Measure{Before: trimMeasure(before, true), After: trimMeasure(after, false)}
}

// trimMeasure drops from one side of a figure the words that say nothing
// of what it counts: on the left a year (2023年), period marks and
// connectives, on the right approximation words and particles.
func trimMeasure(s string, left bool) string {
	s = strings.TrimFunc(s, isSpace)
	if left {
		for changed := true; changed; {
			changed = false
			if y := yearRE.FindStringIndex(s); y != nil && y[0] == 0 {
				rest := s[y[1]:]
				rest = strings.TrimPrefix(rest, "年度")
				rest = strings.TrimPrefix(rest, "年")
				s, changed = rest, true
			}
			for _, w := range leadWords {
				if t, ok := strings.CutPrefix(s, w); ok && t != "" {
					s, changed = t, true
				}
			}
		}
		for _, w := range approxBefore {
			if t, ok := strings.CutSuffix(s, w); ok {
				s = t
				break
			}
		}
		for _, w := range []string{"共计", "合计", "达到", "累计", "共", "达", "为", "约", "有"} {
			if t, ok := strings.CutSuffix(s, w); ok && t != "" {
				s = t
				break
			}
		}
		s = strings.TrimFunc(s, isSpace)
		if slices.Contains(connectives, s) || slices.Contains(markWords, s) {
			return ""
		}
		return s
	}
	for _, w := range approxTail {
		if t, ok := strings.CutPrefix(s, w); ok {
			s = t
			break
		}
	}
	return strings.TrimFunc(s, isSpace)
}

// Polarity is the negation a text (a measure, a claim, a question) counts
// under, if any; words in quotation marks (“无事不扰”) are names, not
// negations. The fact table and the lead both read negation here, so that
// they never disagree.
func Polarity(text string) string {
	m := Unquoted(text)
	for _, w := range notNegation {
		m = strings.ReplaceAll(m, w, "")
	}
	for _, w := range negations {
		if strings.Contains(m, w) {
			return w
		}
	}
	return ""
}

// quotes follows quotation marks and 《》 through a text, a rune at a time:
// the text inside them is a name (“一件事”, 《…三年行动方案》), not words
// of the sentence.
type quotes struct {
	depth    int
	straight bool
}

// step takes the next rune and reports whether it is a quotation mark.
func (q *quotes) step(r rune) bool {
	switch r {
	case '“', '《', '「':
		q.depth++
	case '”', '》', '」':
		q.depth = max(0, q.depth-1)
	case '"':
		q.straight = !q.straight
	default:
		return false
	}
	return true
}

func (q *quotes) inside() bool { return q.depth > 0 || q.straight }

// Unquoted is s without the text inside quotation marks and 《》: the
// names it quotes.
func Unquoted(s string) string {
	if !strings.ContainsAny(s, "“《「\"") {
		return s
	}
	var b strings.Builder
	var q quotes
	for _, r := range s {
		if !q.step(r) && !q.inside() {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// QuotedAt reports whether byte i of s is inside quotation marks or 《》
// that open before it: a figure there is part of a name (“一件事”), not a
// fact.
func QuotedAt(s string, i int) bool {
	var q quotes
	for _, r := range s[:i] {
		q.step(r)
	}
	return q.inside()
}

// sentenceMarks bound the period of all that follows them in a sentence
// (截至2023年12月底,…); the other marks qualify their own clause only
// (累计办理, 同比增长).
var sentenceMarks = []string{"截至", "截止", "以来"}

// marks are the period words of a figure: those of its clause, and those
// of its sentence before it that bound the whole sentence.
func marks(before, clause string) []string {
	var out []string
	for _, w := range markWords {
		if strings.Contains(clause, w) || slices.Contains(sentenceMarks, w) && strings.Contains(before, w) {
			out = append(out, w)
		}
	}
	if strings.Contains(clause, "较上年") || strings.Contains(clause, "比上年") || strings.Contains(clause, "较去年") {
		out = removeWord(out, "同比")
	}
	return out
}

func removeWord(ws []string, w string) []string {
	out := ws[:0]
	for _, x := range ws {
		if x != w {
			out = append(out, x)
		}
	}
	return out
}

// periodOf is the year a figure at the end of s is of: the last year the
// same paragraph names before it (2022年,我县…), or the report's year.
// Years of document titles (《…2023…》) and of periods that only bound the
// figure (截至2023年) are years too.
func periodOf(s string, year int) int {
	para := s
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		para = s[i+1:]
	}
	para = Unquoted(para)
	locs := yearRE.FindAllStringIndex(para, -1)
	for k := len(locs) - 1; k >= 0; k-- {
		l := locs[k]
		if strings.HasPrefix(para[l[1]:], "年") && !strings.HasPrefix(para[l[1]:], "年版") {
			y, _ := strconv.Atoi(para[l[0]:l[1]])
			return y
		}
	}
	return year
}

// actorIn finds the organisation a clause names before a figure: the
// first name ending in 局, 院, 政府 and the like, read back to a word that
// cannot be part of it, with the report's place when it opens the name
// (分宜县人民政府).
func actorIn(s, place string) string {
	s = Unquoted(s)
	best, bestAt := "", -1
	for _, suf := range actorSuffixes {
		for from := 0; ; {
			i := strings.Index(s[from:], suf)
			if i < 0 {
				break
			}
			end := from + i + len(suf)
			start := from + i
			for start > 0 {
				r, n := utf8.DecodeLastRuneInString(s[:start])
				if strings.ContainsRune(actorStops, r) || !unicode.Is(unicode.Han, r) || utf8.RuneCountInString(s[start-n:end]) > 12 {
					break
				}
				start -= n
			}
			name, at := actorName(s[start:end])
			start += at
			if p := strings.TrimSuffix(place, "县"); place != "" && strings.HasSuffix(s[:start], p) && strings.HasPrefix(name, strings.TrimPrefix(place, p)) {
				name, start = p+name, start-len(p)
			}
			if utf8.RuneCountInString(name) >= 3 && (bestAt < 0 || start < bestAt || start == bestAt && len(name) > len(best)) {
				best, bestAt = name, start
			}
			from = end
		}
	}
	return best
}

// subjectBefore is the organisation that the last sentence of a
// paragraph's text opening with one names as its subject (县检察院积极
// 主动履行职责…), or "". A list of them (县市场监管局、人社局…) is no one
// subject.
func subjectBefore(para, place string) string {
	spans := SentenceSpans(para)
	for k := len(spans) - 1; k >= 0; k-- {
		st := strings.TrimSpace(para[spans[k][0]:spans[k][1]])
		if y := yearRE.FindStringIndex(st); y != nil && y[0] == 0 {
			st = strings.TrimPrefix(strings.TrimPrefix(st[y[1]:], "年"), ",")
		}
		head, _, _ := strings.Cut(st, ",")
		a := actorIn(head, place)
		if a != "" && (strings.HasPrefix(head, a) || strings.HasPrefix(head, "全"+a)) && !strings.HasPrefix(head[strings.Index(head, a)+len(a):], "、") {
			return a
		}
	}
	return ""
}

// actorVerbs are words that an organisation's name does not hold: 公布县政府
// is no name.
var actorVerbs = []string{"制定", "公布", "成立", "设立", "开展", "推进", "组织", "实现", "建设", "部署", "挂牌", "下发", "印发", "挑选", "选出"}

// actorName is the organisation's name that region ends with: from the
// first place where a government's level opens it (县检察院, 全县行政机关,
// 国务院办公厅) and it holds no verb; "" when there is none. It returns the
// name and its offset in region.
func actorName(region string) (string, int) {
	for i := range region {
		name := region[i:]
		if slices.ContainsFunc(actorPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) &&
			!slices.ContainsFunc(actorVerbs, func(v string) bool { return strings.Contains(name, v) }) {
			return name, i
		}
	}
	return "", len(region)
}

// elliptical reports whether a measure is too short to name what it
// counts (受理, 已回复, 街道): it counts what its sentence named before.
func elliptical(m Measure) bool {
	return utf8.RuneCountInString(m.Words()) <= 4
}

// paragraphBefore is the text of the paragraph of text before byte i.
func paragraphBefore(text string, i int) string {
	p := text[:i]
	if j := strings.LastIndexByte(p, '\n'); j >= 0 {
		p = p[j+1:]
	}
	return p
}

// ofPrevious is what an elliptical clause counts: the measure of the
// nearest fact before it in its sentence, in the same unit when unit is
// given (街道45项 counts the 行政处罚事项 of 70项; 法律依据62部 counts its
// own), that names more than a verb.
func ofPrevious(prev []Fact, unit string) Measure {
	var same []Fact
	for _, f := range prev {
		if unit == "" || f.Unit == unit {
			same = append(same, f)
		}
	}
	for k := len(same) - 1; k >= 0; k-- {
		if m := same[k].Measure; utf8.RuneCountInString(m.Words()) > 2 {
			return m
		}
	}
	if len(same) > 0 {
		return same[len(same)-1].Measure
	}
	return Measure{}
}
