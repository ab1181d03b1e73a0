package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"reportbot/knowledge"
)

// Kinds of a claim the check refuses, as /metrics and eval count them.
const (
	RejectFigure    = "figure"    // a figure no clause it may come from holds
	RejectUnit      = "unit"      // the figure with another unit, or none (4727人 for 4727人次)
	RejectMeasure   = "measure"   // the figure said of another thing (收到68件 for 受理68件)
	RejectPolarity  = "polarity"  // a negation added or dropped (受理16件 for 不予受理16件)
	RejectPeriod    = "period"    // another year, or a period the clause does not say (2022年, 累计)
	RejectApprox    = "approx"    // an exact figure made approximate, or the reverse
	RejectName      = "name"      // a place, organisation or title the cited text does not name
	RejectUnfounded = "unfounded" // words the cited text does not support: a trend, a comparison, a judgement
	RejectQuote     = "quote"     // a quote that is not the section's text
	RejectSection   = "section"   // a section the model was not shown
	RejectMissing   = "missing"   // the figure asked for is not given
	RejectMalformed = "malformed" // not the JSON asked for
)

// How much of a claim's wording its cited text may lack: a character is
// lacking when no two-character word it is in is the text's, the
// question's or a filler.
const (
	unfoundedCeiling = 0.3 // in a clause without a figure, against the cited text
	figureCeiling    = 0.2 // in a clause with a figure, against its fact's sentence
)

// RejectKinds are all the kinds of a refused claim, for counters that
// start at zero.
var RejectKinds = []string{RejectFigure, RejectUnit, RejectMeasure, RejectPolarity, RejectPeriod, RejectApprox,
	RejectName, RejectUnfounded, RejectQuote, RejectSection, RejectMissing, RejectMalformed}

// claimText is one claim of a reply: its words, and the report text it
// says it comes from.
type claimText struct {
	Text    string `json:"text"`
	Quote   string `json:"quote"`
	Section string `json:"section"`
}

// scope is what one claim may be checked against: the facts and text of
// the sections it may come from.
type scope struct {
	facts []knowledge.Fact
	text  string // folded, as the claim is
	secs  []section
}

// sentence is the report sentence a fact of the scope stands in.
func (sc scope) sentence(f knowledge.Fact) string {
	for _, s := range sc.secs {
		if s.sec.ID == f.Section && s.doc.Meta.Title == f.Report && f.Sentence[1] <= len(s.sec.Text) {
			return s.sec.Text[f.Sentence[0]:f.Sentence[1]]
		}
	}
	return f.Clause
}

// siblings are all the facts of a fact's section, those outside the quote
// too: a claim that quotes 收到84件行政复议申请 alone must still not say of
// 84件 what 受理68件 of the same sentence counts.
func (sc scope) siblings(f knowledge.Fact) []knowledge.Fact {
	for _, s := range sc.secs {
		if s.sec.ID == f.Section && s.doc.Meta.Title == f.Report {
			return s.sec.Facts()
		}
	}
	return nil
}

// shown are the sections a model was given, each with its subsections:
// the prompt shows a section's full text.
func (a *Answerer) shown(secs []section) []section {
	var out []section
	for _, s := range secs {
		out = append(out, s)
		for _, t := range s.doc.Sections {
			if t != s.sec && strings.HasPrefix(t.ID, s.sec.ID) && t.ID != s.sec.ID && !slices.ContainsFunc(out, func(x section) bool { return x.sec == t }) {
				out = append(out, section{s.doc, t})
			}
		}
	}
	return out
}

// claimScope is the scope of a claim: the section it names (with its
// subsections) among those shown, narrowed to its quote when it gives one;
// or all that was shown. It returns the rejection kind and words when the
// section was not shown or the quote is not its text.
func (a *Answerer) claimScope(c claimText, shown []section) (scope, string, string) {
	secs := shown
	if id := strings.Join(strings.Fields(knowledge.Fold(c.Section)), ""); id != "" {
		secs = nil
		for _, s := range shown {
			if strings.HasPrefix(s.sec.ID, id) {
				secs = append(secs, s)
			}
		}
		if len(secs) == 0 {
			return scope{}, RejectSection, fmt.Sprintf("章节“%s”不在所给资料中", knowledge.Clip(c.Section, 20))
		}
	}
	var sc scope
	quote := compact(knowledge.FoldRunes(c.Quote))
	var full []string
	for _, s := range secs {
		p := a.parsed(s.sec)
		full = append(full, p.folded)
		if quote != "" && !strings.Contains(p.folded, quote) {
			continue
		}
		for i, f := range s.sec.Facts() {
			if quote == "" || overlaps(quote, p.clauses[i]) {
				sc.facts = append(sc.facts, f)
			}
		}
		sc.secs = append(sc.secs, s)
	}
	if quote != "" && len(sc.secs) == 0 {
		return scope{}, RejectQuote, "quote 不是所引章节的原文,请逐字照抄"
	}
	sc.text = strings.Join(full, "\n")
	if quote != "" {
		sc.text = quote
	}
	return sc, "", ""
}

// overlaps reports whether a quote holds a clause, or lies within it.
func overlaps(quote, clause string) bool {
	return strings.Contains(quote, clause) || strings.Contains(clause, quote)
}

// compact drops the spaces of folded text, which a model may add or drop.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// checkClaim checks one claim against its scope, clause by clause: each
// figure must be a fact of the scope said of the same thing, the same way,
// for the same time and as exactly; the words without a figure must be the
// scope's; names must be the scope's. It returns the facts that support
// the claim, or the kind and words of what is wrong.
func (a *Answerer) checkClaim(text string, sc scope, lang language, ext Answer, allowed allowed) ([]knowledge.Fact, string, string) {
	// Section IDs written in a claim ("见一(六)1") are no figures.
	for _, s := range sc.secs {
		if utf8.RuneCountInString(s.sec.ID) > 1 {
			text = strings.ReplaceAll(text, s.sec.ID, " ")
		}
	}
	folded := knowledge.FoldRunes(text)
	if lang == english {
		return checkEnglish(folded, sc, ext)
	}
	if kind, why := checkNames(folded, sc.text, allowed.places); kind != "" {
		return nil, kind, why
	}
	var used []knowledge.Fact
	before := "" // the claim's words before the clause
	for _, cl := range claimClauses(folded) {
		before += cl + ","
		counted := false // a count or share of the clause was checked against its fact
		for _, g := range knowledge.ExtractFiguresStrict(cl) {
			if c := ext.Computed; c != nil && g.Equal(c.Figure()) && strings.Contains(cl, "计算") {
				continue // the program's own computation, labelled as such
			}
			if knowledge.QuotedAt(cl, g.Offset) {
				// Part of a name (“一件事”, 《…三年行动方案》): the name must be
				// the cited text's.
				if !strings.Contains(sc.text, compact(g.Raw)) {
					return nil, RejectName, fmt.Sprintf("名称中的“%s”不在所引原文中", g.Raw)
				}
				continue
			}
			if g.Kind != knowledge.KindNumber && g.Kind != knowledge.KindPercent && g.Kind != knowledge.KindDate {
				// A year, month, ordinal or document number is the cited
				// text's own, or the period of its facts.
				if !strings.Contains(sc.text, compact(g.Raw)) && !slices.ContainsFunc(sc.facts, func(f knowledge.Fact) bool {
					return g.Kind == knowledge.KindYear && float64(f.Period) == g.Value
				}) {
					return nil, RejectPeriod, fmt.Sprintf("“%s”不是所引原文的时间", g.Raw)
				}
				continue
			}
			f, kind, why := a.supporting(cl, before, g, sc)
			if kind == "" {
				// The clause's other words are its fact's sentence's too:
				// 137个社区皆培养了 is no reading of 137个居民小组皆新增.
				kind, why = a.unfoundedBy(cl, sc.sentence(f), allowed.places)
			}
			if kind != "" {
				return nil, kind, why
			}
			used = append(used, f)
			counted = true
		}
		if !counted {
			if kind, why := unfounded(cl, sc.text, unfoundedCeiling, allowed.places, allowed.question); kind != "" {
				return nil, kind, why
			}
		}
	}
	return used, "", ""
}

// claimClauses splits a claim into its clauses.
func claimClauses(text string) []string {
	var out []string
	for _, sp := range clauseSpans(text) {
		if c := strings.TrimSpace(text[sp[0]:sp[1]]); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// supporting finds the fact that a figure of a claim's clause states: one
// with the same figure whose clause agrees with the claim's (before is the
// claim up to and with the clause). It returns the
// kind and words of the nearest miss when none does.
func (a *Answerer) supporting(cl, before string, g knowledge.Figure, sc scope) (knowledge.Fact, string, string) {
	kind, why := RejectFigure, fmt.Sprintf("数字“%s”不在所引原文中", g.Raw)
	for _, f := range sc.facts {
		fg := f.Figure()
		if !sameValue(g, fg) {
			continue
		}
		if g.Kind != fg.Kind || g.Unit != fg.Unit {
			kind, why = RejectUnit, fmt.Sprintf("“%s”的单位与原文不同", g.Raw)
			continue
		}
		if g.Approx != fg.Approx || (knowledge.ApproxWord(cl[:g.Offset], cl[g.Offset+len(g.Raw):]) != "") != (f.Approx != "" && f.Approx != "余" && f.Approx != "多") {
			kind, why = RejectApprox, fmt.Sprintf("“%s”的约数说法与原文不同", g.Raw)
			continue
		}
		if k, w := a.agrees(cl, before, f, sc.siblings(f)); k != "" {
			if rank(k) > rank(kind) {
				kind, why = k, w
			}
			continue
		}
		return f, "", ""
	}
	return knowledge.Fact{}, kind, why
}

// rank orders the kinds of a miss, the most telling last: a figure found
// but said of another thing says more than a figure not found.
func rank(kind string) int {
	return slices.Index([]string{RejectFigure, RejectUnit, RejectApprox, RejectMeasure, RejectPeriod, RejectPolarity}, kind)
}

func sameValue(g, f knowledge.Figure) bool {
	d := g.Value - f.Value
	return d < 1e-9*max(1, f.Value) && -d < 1e-9*max(1, f.Value)
}

// claimYearRE finds a year a claim names.
var claimYearRE = regexp.MustCompile(`((?:19|20)\d{2})年`)

// claimMarks are the words that put a figure in another period or compare
// it: a claim may say them only where its clause does.
var claimMarks = []string{"上年", "去年同期", "同比", "环比", "较上", "比上", "累计", "历年", "截至", "以来", "增长", "增加", "提高", "上升", "下降", "减少", "降低", "翻番", "倍"}

// agrees reports whether a claim's clause says of a figure what the fact's
// clause says: the same thing counted (its measure words, and none of
// another figure's of the same sentence), the same polarity, the same
// year and period words (siblings are the facts of its section). It returns
// the kind and words of a disagreement.
func (a *Answerer) agrees(cl, before string, f knowledge.Fact, siblings []knowledge.Fact) (string, string) {
	// Negation is read as the fact table reads it, so that a claim that
	// copies its clause always agrees with it.
	if (knowledge.Polarity(cl) != "") != f.Negative() {
		return RejectPolarity, fmt.Sprintf("“%s”的肯定或否定与原文相反", knowledge.Clip(cl, 30))
	}
	for _, m := range claimYearRE.FindAllStringSubmatch(cl, -1) {
		if m[1] != fmt.Sprint(f.Period) {
			return RejectPeriod, fmt.Sprintf("“%s”的年份与原文不同", knowledge.Clip(cl, 30))
		}
	}
	source := knowledge.FoldRunes(f.Clause + strings.Join(f.Marks, ""))
	for _, w := range claimMarks {
		if strings.Contains(cl, w) && !strings.Contains(source, w) {
			return RejectPeriod, fmt.Sprintf("“%s”说了原文没有的“%s”", knowledge.Clip(cl, 30), w)
		}
	}
	terms := termSet(cl)
	measured := terms
	if !measuredInClause(f) { // 共165名 counts what the clause before it says: so may the claim
		measured = termSet(before)
	}
	if a.measureShare(f, measured) < measureCover {
		return RejectMeasure, fmt.Sprintf("“%s”所说的事项与原文中这个数字所计的不同", knowledge.Clip(cl, 30))
	}
	// The clause must not also say what another figure of the same
	// sentence counts (收到并受理84件).
	own, of := a.termsOf(f.Measure), a.termsOf(f.Of)
	for _, o := range siblings {
		// A figure whose clause names nothing (共165名) counts what the
		// clause before it names: no words of its own to say of another.
		if o.Sentence != f.Sentence || o.Section != f.Section || o.Value == f.Value || o.Start == f.Start || !measuredInClause(o) {
			continue
		}
		distinct := 0
		said := 0
		for t := range a.termsOf(o.Measure) {
			if utf8.RuneCountInString(t) < 2 || own[t] || of[t] || !isHan(t) {
				continue
			}
			distinct++
			if terms[t] {
				said++
			}
		}
		if distinct > 0 && said == distinct {
			return RejectMeasure, fmt.Sprintf("“%s”把数字说成了原文中另一项的数", knowledge.Clip(cl, 30))
		}
	}
	return "", ""
}

// isHan reports whether a term is Chinese: figures in a measure (27 of
// 全县27个社区) say nothing of what it counts.
func isHan(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.Is(unicode.Han, r)
}

// measureCover is the share of a fact's measure words a claim must say.
const measureCover = 0.5

// measureShare is the share of a fact's measure words (its bigrams; all of
// them for a measure of one word) that terms hold; an elliptical measure
// may be said with what it counts of (行政复议申请受理68件).
func (a *Answerer) measureShare(f knowledge.Fact, terms map[string]bool) float64 {
	var have, total float64
	for t := range a.termsOf(f.Measure) {
		if utf8.RuneCountInString(t) < 2 {
			continue
		}
		total++
		if terms[t] {
			have++
		}
	}
	if total == 0 {
		return 1
	}
	if total <= 2 && have < total {
		return 0
	}
	return have / total
}

// termsOf is termSet of a report's words (a measure), kept once made: the
// same measures are checked for every reply.
func (a *Answerer) termsOf(s string) map[string]bool {
	if m, ok := a.terms.Load(s); ok {
		return m.(map[string]bool)
	}
	m, _ := a.terms.LoadOrStore(s, termSet(s))
	return m.(map[string]bool)
}

// termSet is the set of terms of a text.
func termSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range knowledge.Terms(knowledge.Fold(strings.ReplaceAll(s, "…", " "))) {
		m[t] = true
	}
	return m
}

// nameRE finds the names a claim may state: titles in 《》, places, and
// organisations.
var nameRE = regexp.MustCompile(`《[^》]{1,60}》|\p{Han}{1,6}?(?:镇|乡|村|街道|社区)|\p{Han}{0,6}?(?:检察院|法院|公安局|司法局|信访局|人民政府|委员会|政法委)`)

// checkNames refuses a claim that names a title, place or organisation
// its cited text does not: 杨桥镇 where the report says 凤阳镇.
func checkNames(claim, text string, allowed map[string]bool) (string, string) {
	if !strings.ContainsAny(claim, "《镇乡村街社院局府会委") {
		return "", ""
	}
	for _, m := range nameRE.FindAllString(claim, -1) {
		name := strings.TrimLeft(m, "在对由从向将把了和与及的是")
		if utf8.RuneCountInString(name) < 2 || allowed[name] {
			continue
		}
		if !strings.Contains(text, compact(name)) {
			return RejectName, fmt.Sprintf("名称“%s”不在所引原文中", knowledge.Clip(name, 20))
		}
	}
	return "", ""
}

// fillers are words a faithful reply adds to the report's: they say
// nothing the report must support. fillerRunes are such characters alone.
var (
	fillers     = termSet("根据报告显示报告中提到介绍指出表示此外另外其中共有一共总共分别以及同时方面情况数据该县我县全县县里去年今年当年这一年期间主要包括包含具体来说总体而言相关工作有关")
	fillerRunes = "的是了在和与及为共有已均年全各其中并而且也都还"
)

// unfounded refuses a clause whose words the cited text does not hold: a
// trend, comparison or judgement the report does not make. A character of
// the clause is held when a two-character word it is in is the cited
// text's, the question's, or a filler; the clause may lack a few.
func unfounded(cl, text string, ceiling float64, allowed ...map[string]bool) (string, string) {
	return unfoundedIn(cl, text, termSet(text), ceiling, allowed...)
}

// unfoundedBy is unfounded against the report sentence a figure's fact
// stands in, whose folded text and terms are kept once made.
func (a *Answerer) unfoundedBy(cl, sentence string, places map[string]bool) (string, string) {
	text := compact(knowledge.FoldRunes(sentence))
	return unfoundedIn(cl, text, a.termsOf(text), figureCeiling, places)
}

func unfoundedIn(cl, text string, src map[string]bool, ceiling float64, allowed ...map[string]bool) (string, string) {
	for _, w := range claimMarks[:len(claimMarks)-1] {
		if strings.Contains(cl, w) && !strings.Contains(text, w) {
			return RejectUnfounded, fmt.Sprintf("“%s”说了原文没有的比较或趋势", knowledge.Clip(cl, 30))
		}
	}
	held := func(t string) bool {
		return src[t] || fillers[t] || slices.ContainsFunc(allowed, func(m map[string]bool) bool { return m[t] })
	}
	rs := []rune(knowledge.Fold(knowledge.Unquoted(cl)))
	// A character by a figure (月 of 12月底) is held when the text has it
	// by a digit too.
	byDigit := func(pair []rune) bool { return strings.Contains(text, string(pair)) }
	var have, total int
	for i, r := range rs {
		if !unicode.Is(unicode.Han, r) {
			continue
		}
		total++
		ok := strings.ContainsRune(fillerRunes, r) ||
			i > 0 && unicode.Is(unicode.Han, rs[i-1]) && held(string(rs[i-1:i+1])) ||
			i+1 < len(rs) && unicode.Is(unicode.Han, rs[i+1]) && held(string(rs[i:i+2])) ||
			i > 0 && unicode.IsDigit(rs[i-1]) && byDigit(rs[i-1:i+1]) ||
			i+1 < len(rs) && unicode.IsDigit(rs[i+1]) && byDigit(rs[i:i+2])
		if ok {
			have++
		}
	}
	if total > 0 && float64(total-have)/float64(total) > ceiling {
		return RejectUnfounded, fmt.Sprintf("“%s”在所引原文中找不到依据", knowledge.Clip(cl, 30))
	}
	return "", ""
}

// englishUnits are the nouns an English reply counts with, and the report's
// measure word each stands for.
var englishUnits = map[string]string{
	"application": "件", "applications": "件", "case": "件", "cases": "件", "request": "件", "requests": "件",
	"document": "件", "documents": "件", "suggestion": "件", "suggestions": "件", "opinion": "件", "opinions": "件",
	"people": "人", "persons": "人", "person": "人", "officers": "人", "officer": "人", "staff": "人", "personnel": "人",
	"individuals": "人", "lawyers": "人", "members": "人", "certificates": "人", "backbones": "人", "residents": "人",
	"person-times": "人次", "consultations": "人次", "visits": "人次",
	"times": "次", "sessions": "次", "meetings": "次", "rounds": "次",
	"items": "项", "item": "项", "matters": "项", "services": "项", "policies": "条", "policy": "条",
	"yuan": "元", "rmb": "元",
	"towns": "个", "townships": "个", "communities": "个", "stations": "个", "groups": "个",
}

// englishNegation finds a negation in an English clause.
var englishNegation = regexp.MustCompile(`(?i)\b(not|no|never|none|without|rejected|refused|declined|denied|dismissed|inadmissible)\b|n't\b`)

// englishTrend finds words of a trend or comparison in an English clause.
var englishTrend = regexp.MustCompile(`(?i)\b(increase[sd]?|decrease[sd]?|rose|risen|fell|fallen|grew|grown|growth|declined? by|up by|down by|compared|than (the )?(previous|last|prior) year|year[- ]on[- ]year|doubled|tripled|twice|cumulative(ly)?|in total since|over the years)\b`)

// englishMeasures are English words for the report's measure words: a
// claim in English must say what its figure counts in one of them.
var englishMeasures = map[string][]string{
	"收到": {"receiv"}, "受理": {"accept", "admit", "took on", "taken on"}, "审结": {"conclud", "closed", "settled", "decided"},
	"回复": {"repl", "respon", "answer"}, "提出": {"rais", "issu", "made", "put forward", "submit", "propos"},
	"满意": {"satisf"}, "出庭": {"court", "appear"}, "立案": {"filed", "opened", "investigat", "register"},
	"移送": {"transfer", "referr", "handed"}, "注销": {"cancel", "revok"}, "新办": {"new", "issu"},
	"咨询": {"consult", "question", "advice"}, "化解": {"resolv", "settl"}, "起诉": {"sued", "lawsuit", "litigat", "court"},
	"办理": {"handl", "process"}, "上线": {"online", "launch"}, "梳理": {"review", "sort", "list"},
}

var englishNumberWords = map[string]float64{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "half": 50, "dozen": 12,
}

var englishWordRE = regexp.MustCompile(`[A-Za-z][A-Za-z'-]*`)

// checkEnglish checks a claim in English against its scope: its figures,
// their units, polarity and period words, and what they count through a
// small glossary of the report's measure words. English words without a
// figure cannot be held against the Chinese text, save those of a trend.
func checkEnglish(claim string, sc scope, ext Answer) ([]knowledge.Fact, string, string) {
	var used []knowledge.Fact
	unit := "" // of the claim's last figure: "84 applications, of which 68 were accepted"
	for _, cl := range englishClauses(claim) {
		lower := strings.ToLower(cl)
		for _, w := range englishWordRE.FindAllString(lower, -1) {
			for _, part := range strings.Split(w, "-") {
				if _, ok := englishNumberWords[part]; ok && part != "one" {
					return nil, RejectFigure, fmt.Sprintf("“%s”: write figures in digits, as the report does", knowledge.Clip(cl, 40))
				}
			}
		}
		figs := knowledge.ExtractFiguresStrict(cl)
		if len(figs) == 0 {
			if englishTrend.MatchString(cl) && !strings.ContainsAny(sc.text, "增提升降减") {
				return nil, RejectUnfounded, fmt.Sprintf("“%s” states a trend the report does not", knowledge.Clip(cl, 40))
			}
			continue
		}
		for _, g := range figs {
			if c := ext.Computed; c != nil && sameValue(g, c.Figure()) && strings.Contains(lower, "comput") {
				continue
			}
			after := lower[g.Offset+len(g.Raw):]
			if next := englishWordRE.FindString(after); g.Kind == knowledge.KindNumber && g.Unit == "" && yearRE4.FindString(g.Raw) == g.Raw && englishUnits[next] == "" {
				// In 2023: a year, which must be the period of the facts.
				if !slices.ContainsFunc(sc.facts, func(f knowledge.Fact) bool { return float64(f.Period) == g.Value }) {
					return nil, RejectPeriod, fmt.Sprintf("“%s” names a year the quoted text is not about", knowledge.Clip(cl, 40))
				}
				continue
			}
			if g.Kind == knowledge.KindNumber && g.Unit == "" {
				g.Unit = englishUnitAfter(after)
			}
			if g.Kind == knowledge.KindNumber && g.Unit == "" {
				g.Unit = unit
			}
			unit = g.Unit
			f, kind, why := supportingEnglish(lower, g, sc.facts)
			if kind != "" {
				return nil, kind, why
			}
			used = append(used, f)
		}
	}
	return used, "", ""
}

// englishClauses splits an English claim at the ends of its sentences and
// clauses, not at decimal points.
func englishClauses(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ';' || c == ',' && !(i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9') || c == '.' && (i+1 == len(s) || s[i+1] == ' ') {
			if t := strings.TrimSpace(s[start:i]); t != "" {
				out = append(out, t)
			}
			start = i + 1
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

// englishUnitAfter is the report's measure word for the first counting
// noun within a few words after a figure, or "" for none.
func englishUnitAfter(s string) string {
	words := englishWordRE.FindAllString(s, 6)
	for _, w := range words {
		if u, ok := englishUnits[w]; ok {
			return u
		}
	}
	return ""
}

func supportingEnglish(cl string, g knowledge.Figure, facts []knowledge.Fact) (knowledge.Fact, string, string) {
	kind, why := RejectFigure, fmt.Sprintf("the figure %s is not in the quoted text", g.Raw)
	for _, f := range facts {
		fg := f.Figure()
		if !sameValue(g, fg) || g.Kind != fg.Kind && !(g.Kind == knowledge.KindNumber && fg.Kind == knowledge.KindNumber) {
			continue
		}
		if g.Unit != fg.Unit && !(g.Unit == "个" && fg.Unit != "") {
			kind, why = RejectUnit, fmt.Sprintf("%s is counted in another unit in the report", g.Raw)
			continue
		}
		if englishNegation.MatchString(cl) != f.Negative() {
			kind, why = RejectPolarity, fmt.Sprintf("“%s” turns the report's statement round", knowledge.Clip(cl, 40))
			continue
		}
		if slices.ContainsFunc(yearRE4.FindAllString(cl, -1), func(y string) bool { return y != fmt.Sprint(f.Period) }) {
			kind, why = RejectPeriod, fmt.Sprintf("“%s” names another year", knowledge.Clip(cl, 40))
			continue
		}
		if englishTrend.MatchString(cl) && len(f.Marks) == 0 {
			kind, why = RejectPeriod, fmt.Sprintf("“%s” states a comparison the report does not", knowledge.Clip(cl, 40))
			continue
		}
		if !englishMeasured(cl, f, facts) {
			kind, why = RejectMeasure, fmt.Sprintf("“%s” says %s of something else than the report", knowledge.Clip(cl, 40), g.Raw)
			continue
		}
		return f, "", ""
	}
	return knowledge.Fact{}, kind, why
}

var yearRE4 = regexp.MustCompile(`\b(?:19|20)\d{2}\b`)

// englishMeasured reports whether an English clause says what a fact
// counts, where the glossary knows its measure words, and none of what
// another figure of its sentence counts.
func englishMeasured(cl string, f knowledge.Fact, facts []knowledge.Fact) bool {
	says := func(zh string) bool {
		return slices.ContainsFunc(englishMeasures[zh], func(en string) bool { return strings.Contains(cl, en) })
	}
	known, said := false, false
	for zh := range englishMeasures {
		if strings.Contains(f.Measure, zh) {
			known = true
			said = said || says(zh)
		}
	}
	if known && !said {
		return false
	}
	for _, o := range facts {
		if o.Sentence != f.Sentence || o.Section != f.Section || o.Value == f.Value {
			continue
		}
		for zh := range englishMeasures {
			if strings.Contains(o.Measure, zh) && !strings.Contains(f.Measure, zh) && !strings.Contains(f.Of, zh) && says(zh) &&
				!slices.ContainsFunc(englishMeasures[zh], func(en string) bool {
					return slices.ContainsFunc(ownEnglish(f), func(x string) bool { return x == en })
				}) {
				return false
			}
		}
	}
	return true
}

// ownEnglish are the English words for a fact's own measure words.
func ownEnglish(f knowledge.Fact) []string {
	var out []string
	for zh, en := range englishMeasures {
		if strings.Contains(f.Measure, zh) {
			out = append(out, en...)
		}
	}
	return out
}
