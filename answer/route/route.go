package route

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"reportbot/answer/asks"
	"reportbot/answer/compute"
	"reportbot/answer/engine"
	"reportbot/answer/place"
	"reportbot/answer/reply"
	"reportbot/answer/suggest"
	"reportbot/knowledge"
)

// MaxSideBySide is how many reports an unscoped question is answered from
// side by side; when more answer it the bot asks which one. maxSearched is
// how many an unscoped question is searched in, each alone, to find those
// that answer; with more loaded the bot asks at once. maxChoices is how
// many places the bot names when it asks, and maxOffered how many it
// offers to choose from.
const (
	MaxSideBySide = 3
	maxSearched   = 50
	maxChoices    = 12
	maxOffered    = 48 // places offered as choices, a page of buttons at a time; past them, the place is typed
)

// Router answers from the reports of an index, one engine per report.
type Router struct {
	Index *knowledge.Index

	built   sync.Once
	lib     *engine.Engine // the engine of Index, made once (Library)
	reports sync.Map       // *knowledge.Document → *engine.Engine of that report alone

	newest sync.Once
	latest []*knowledge.Document // each place's newest report, of all loaded (newestAll)

	ranges sync.Map // rangeKey → a rangeOf's result, the reports being unchanged

	indexed  sync.Once
	evidence *evidence // of each place's newest report, made on the first question too wide to search each (shortlist)
}

// newestAll is each place's newest report of all loaded, found once.
func (r *Router) newestAll() []*knowledge.Document {
	r.newest.Do(func() { r.latest = place.Latest(r.Index.Docs()) })
	return r.latest
}

// Prepare makes ahead what the first question too wide to search each
// report would otherwise wait for: the evidence of each place's newest
// report and their facts, when more places are loaded than are searched
// each alone.
func (r *Router) Prepare() {
	if len(r.newestAll()) > maxSearched {
		r.evidenceOf()
		for _, d := range r.newestAll() {
			d.Facts() // what a range over them reads
		}
	}
}

// shortlist are the reports among docs that a question's words stand in,
// by the evidence of each place's newest report.
func (r *Router) shortlist(question string, docs []*knowledge.Document) []*knowledge.Document {
	return r.evidenceOf().holding(r.Vocabulary().Analyze(question).Content, docs)
}

// New returns the router of ix's reports.
func New(ix *knowledge.Index) *Router { return &Router{Index: ix} }

// Answer answers a question in its conversation from the reports; when
// they do not answer it, it offers the questions nearest to it that they
// do (suggest.WithNearby).
func (r *Router) Answer(question string, history []reply.Turn) reply.Answer {
	return suggest.WithNearby(r.Library(), r.Library().Answer(question, history))
}

// Library is the engine of the reports loaded, made on first use. With
// several, it reads a question with the first report's words and routes
// it (routed) to each report's own engine, which shares its caches.
func (r *Router) Library() *engine.Engine {
	r.built.Do(func() {
		r.lib = engine.New(r.Index)
		if docs := r.Index.Docs(); len(docs) > 1 {
			first := r.lib.Of(knowledge.NewIndex(docs[0]))
			r.reports.Store(docs[0], first)
			r.lib.Words, r.lib.Several = first.Index, r.routed
		}
	})
	return r.lib
}

// Report returns the engine of one report, made on first use.
func (r *Router) Report(d *knowledge.Document) *engine.Engine {
	if e, ok := r.reports.Load(d); ok {
		return e.(*engine.Engine)
	}
	e, _ := r.reports.LoadOrStore(d, r.Library().Of(knowledge.NewIndex(d)))
	return e.(*engine.Engine)
}

// Vocabulary is the index whose words a question is read with: the one
// report's, or with several loaded, the first report's alone, so that a
// library of many reports is never indexed as one.
func (r *Router) Vocabulary() *knowledge.Index {
	if docs := r.Index.Docs(); len(docs) > 1 {
		return r.Report(docs[0]).Index
	}
	return r.Index
}

// rankRE finds a question that ranks the loaded places (哪个县最多).
var rankRE = knowledge.Pattern("rank")

// scope is what a question asks of the loaded reports: the reports it
// names by place or year, and words that name no loaded report.
type reportScope struct {
	docs    []*knowledge.Document
	named   bool     // the question, or its conversation, names a place or year
	unknown []string // places named that no report is of
}

// scopeOf works out which reports a question is about. A place or year it
// names picks the reports of that place or year; a follow-up that names
// none keeps its conversation's; else every report is in scope.
func (r *Router) scopeOf(norm string, years []int, history []reply.Turn) reportScope {
	docs := r.Index.Docs()
	sc := reportScope{docs: r.Library().Places().In(norm)}
	for _, m := range engine.NamedPlaces(norm) {
		if r.Library().Places().Loaded(m[0], m[1]) || r.mentions(m[1]) {
			continue // a loaded place, or words of the reports (代办专区, 低风险市场)
		}
		sc.unknown = append(sc.unknown, m[0])
	}
	placed := len(sc.docs) > 0
	if !placed {
		sc.docs = docs // read, never written
	}
	// A year picks the reports of that year, when any is; else it may be a
	// year a report speaks of, and each report checks it.
	if byYear := slices.DeleteFunc(slices.Clone(sc.docs), func(d *knowledge.Document) bool {
		return !slices.Contains(years, d.Meta.Year)
	}); len(years) > 0 && len(byYear) > 0 {
		sc.docs = byYear
		placed = true
	}
	if !placed && len(history) > 0 && len(history[len(history)-1].Scope) > 0 {
		last := history[len(history)-1].Scope
		if kept := slices.DeleteFunc(slices.Clone(docs), func(d *knowledge.Document) bool { return !slices.Contains(last, d.Meta.Title) }); len(kept) > 0 {
			sc.docs, placed = kept, true
		}
	}
	sc.named = placed
	return sc
}

// evidenceOf is the evidence of each place's newest report, made once.
func (r *Router) evidenceOf() *evidence {
	r.indexed.Do(func() { r.evidence = newEvidence(r.newestAll()) })
	return r.evidence
}

// mentions reports whether the reports' text holds w: by the evidence of
// each place's newest report when more are loaded than a scan of every
// text affords on each question, else by that scan.
func (r *Router) mentions(w string) bool {
	if len(r.newestAll()) > maxSearched {
		return r.evidenceOf().holds(w)
	}
	return mentioned(r.Index.Docs(), w)
}

// mentioned reports whether any report's text holds w.
func mentioned(docs []*knowledge.Document, w string) bool {
	return slices.ContainsFunc(docs, func(d *knowledge.Document) bool {
		return slices.ContainsFunc(d.Sections, func(s *knowledge.Section) bool { return strings.Contains(s.Text, w) })
	})
}

// Places are the distinct Places of docs, in order.
func Places(docs []*knowledge.Document) []string {
	var out []string
	seen := make(map[string]bool, len(docs))
	for _, d := range docs {
		p := cmp.Or(d.Meta.Place, d.Meta.Title)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// routed answers a question when several reports are loaded: from the
// reports it names, each searched alone, their answers side by side; a
// ranking over the reports in scope; or, when it names none and many
// places are loaded, a question back.
func (r *Router) routed(question, norm string, history []reply.Turn) reply.Answer {
	years := r.Vocabulary().Analyze(question).Years
	sc := r.scopeOf(norm, years, history)
	if len(sc.unknown) > 0 {
		return r.notLoaded(question, sc.unknown[0])
	}
	for _, y := range years {
		if !r.Index.HasYear(y) { // no report is of that year, nor speaks of it
			return r.notLoaded(question, "所问年份")
		}
	}
	if rankRE.MatchString(norm) {
		if !sc.named {
			sc.docs = place.Latest(sc.docs)
		}
		return r.ranked(question, norm, sc.docs, history)
	}
	// A question that names none of the reports' years is answered from
	// each place's newest report, its earlier years' figures after it.
	latest := !slices.ContainsFunc(r.Index.Docs(), func(d *knowledge.Document) bool { return slices.Contains(years, d.Meta.Year) })
	switch {
	case latest && !sc.named:
		sc.docs = r.newestAll()
	case latest:
		sc.docs = place.Latest(sc.docs)
	}
	// The reports that answer decide: one answers, it is answered from; a
	// few, side by side; more, the bot asks which among them. Past
	// maxSearched reports each searched alone costs too much.
	if !sc.named && len(sc.docs) > maxSearched {
		held, asked, ok := r.narrowed(question, norm, sc.docs, history)
		if !ok {
			return asked
		}
		sc.docs = held
	}
	answers, found := r.answering(question, sc.docs, latest, history)
	switch {
	case len(answers) == 0 && sc.named:
		return r.Library().NotFoundIn(question, "", sc.docs) // what the reports asked of cover
	case len(answers) == 0:
		return r.Library().NotFound(question, "")
	case len(answers) > MaxSideBySide:
		return r.whichPlace(question, found, answers)
	}
	out := answers[0]
	if op := asks.Op(norm); len(answers) == 2 && (op == reply.KindDifference || op == reply.KindCompare) {
		labels := map[string]string{}
		for _, d := range found {
			labels[d.Meta.Title] = place.Label(d)
		}
		if c, ok := acrossReports(answers[0], answers[1], labels); ok {
			out = answers[0]
			out.Citations = append(out.Citations, answers[1].Citations...)
			out.Lead = c.Inputs
			out.Computed = &c
			out.SetLines(append([]reply.Line{{Text: fmt.Sprintf("相差%s(按报告数字计算:%s;报告本身没有给出这个数)。", c.Text, c.Working)}},
				sideBySide(answers, found)...))
			return r.scoped(out, found, question)
		}
	}
	for _, ans := range answers[1:] {
		out.Citations = append(out.Citations, ans.Citations...)
		out.Lead = append(out.Lead, ans.Lead...)
	}
	out.Computed = nil
	if len(answers) == 1 {
		out.Computed = answers[0].Computed
	}
	out.SetLines(sideBySide(answers, found))
	return r.scoped(out, found, question)
}

// narrowed are the reports among docs, too many to search each, whose
// words hold a question's, to search; or, none or still too many, the
// answer: that the reports do not say, or which of them is asked, with the
// range of what they give when the first's figure ranges them.
func (r *Router) narrowed(question, norm string, docs []*knowledge.Document, history []reply.Turn) ([]*knowledge.Document, reply.Answer, bool) {
	held := r.shortlist(norm, docs)
	switch {
	case len(held) == 0:
		return nil, r.Library().NotFound(question, ""), false
	case len(held) > maxSearched:
		first, _ := r.answering(question, held[:1], false, history)
		var span string
		var cits []reply.Citation
		if len(first) == 1 {
			span, cits, _ = r.rangeOf(first[0], held)
		}
		return nil, r.askWhich(question, held, true, span, cits), false
	}
	return held, reply.Answer{}, true
}

// answering are the answers of the reports of docs that answer a
// question, each searched alone, its figures labelled with its report, and
// with latest, its place's earlier years after it; and those reports.
func (r *Router) answering(question string, docs []*knowledge.Document, latest bool, history []reply.Turn) ([]reply.Answer, []*knowledge.Document) {
	var answers []reply.Answer
	var found []*knowledge.Document
	asked := r.stripPlaces(question, docs)
	for _, d := range docs {
		ans := r.Report(d).Answer(asked, history)
		if !ans.Found {
			continue
		}
		for i := range ans.Citations {
			ans.Citations[i].Report = d.Meta.Title
		}
		for i := range ans.Lead {
			ans.Lead[i].Report = d.Meta.Title
		}
		if latest { // the newest year was chosen: the others follow
			ans = r.withEarlierYears(ans, d, asked, history)
		}
		answers = append(answers, ans)
		found = append(found, d)
	}
	return answers, found
}

// withEarlierYears adds to ans, the answer of d, the latest report of its
// place, what the place's earlier loaded reports answer, on one line under
// its first (往年:【分宜县2023年】收到84件行政复议申请。), each under its
// report's place and year (a figure keeps the year its sentence gives), and
// cited.
func (r *Router) withEarlierYears(ans reply.Answer, d *knowledge.Document, asked string, history []reply.Turn) reply.Answer {
	var earlier []*knowledge.Document
	for _, o := range r.Library().Places().Same(d) {
		if o != d && o.Meta.Year < d.Meta.Year {
			earlier = append(earlier, o)
		}
	}
	slices.SortFunc(earlier, func(x, y *knowledge.Document) int { return cmp.Compare(x.Meta.Year, y.Meta.Year) })
	var said []string
	lines := slices.Clone(ans.Lines)
	for _, o := range earlier {
		lead, cits, ok := r.sameMeasures(ans, o)
		if !ok { // another outline, or a figure worked out: asked again
			e := r.Report(o).Answer(asked, history)
			if !e.Found || len(e.Lead) == 0 {
				continue
			}
			lead, cits = e.Lines[0].Text, e.Citations
		}
		said = append(said, "【"+place.Label(o)+"】"+strings.TrimSuffix(lead, "。"))
		for _, c := range cits {
			c.Report = o.Meta.Title
			ans.Citations = append(ans.Citations, c)
			if last := &lines[len(lines)-1]; last.Source {
				last.Text += ";" + reply.CitationLabel(c)
			}
		}
	}
	if len(said) == 0 {
		return ans
	}
	lines = slices.Insert(lines, 1, reply.Line{Text: earlierYears + strings.Join(said, ";") + "。"})
	ans.SetLines(lines)
	return ans
}

// sameMeasures is what an earlier report o says of the measures that ans,
// a later report's answer, leads with: for each lead fact, o's fact of the
// same measure, unit and polarity, the same in order among those of its
// section, in the clause that states it, and its sentence cited. False when
// ans worked a figure out or o lacks one of them: its outline differs.
func (r *Router) sameMeasures(ans reply.Answer, o *knowledge.Document) (string, []reply.Citation, bool) {
	if ans.Computed != nil || len(ans.Lead) == 0 {
		return "", nil, false
	}
	later := r.Index.Doc(ans.Lead[0].Report)
	if later == nil {
		return "", nil, false
	}
	var clauses []string
	var cits []reply.Citation
	for _, f := range ans.Lead {
		g, s, ok := measureOf(f, later)(o)
		if !ok {
			return "", nil, false
		}
		e := r.Report(o)
		clauses = append(clauses, e.FactLead(s, g))
		cits = append(cits, reply.Citation{Section: s.ID, Heading: s.Heading, Quote: e.SentenceOf(s, g), Report: o.Meta.Title})
	}
	return strings.Join(clauses, ","), cits, true
}

// measureOf finds in a report o the fact of the measure, unit and
// polarity of f, a fact of report of, the same in order among those of f's
// section, and the section (false when o has none there), working out once
// where f stands among its section's facts of that measure.
func measureOf(f knowledge.Fact, of *knowledge.Document) func(o *knowledge.Document) (knowledge.Fact, *knowledge.Section, bool) {
	same := func(g *knowledge.Fact) bool {
		return g.Measure == f.Measure && g.Unit == f.Unit && g.Kind == f.Kind && g.Polarity == f.Polarity
	}
	ls := of.Section(f.Section)
	nth := 0 // f is the nth of its measure in its section
	if ls != nil {
		for i := range ls.Facts() {
			g := &ls.Facts()[i]
			if engine.SameFact(*g, f) {
				break
			}
			if same(g) {
				nth++
			}
		}
	}
	return func(o *knowledge.Document) (knowledge.Fact, *knowledge.Section, bool) {
		s := o.Section(f.Section)
		if ls == nil || s == nil {
			return knowledge.Fact{}, nil, false
		}
		n := nth
		facts := s.Facts()
		for i := range facts {
			if same(&facts[i]) {
				if n == 0 {
					return facts[i], s, true
				}
				n--
			}
		}
		return knowledge.Fact{}, nil, false
	}
}

// rangeOf says the most and the least of what the reports of held state
// of the measure ans, the first's answer, leads with, each cited: when
// every one of them states it where and as the first does (reports of one
// outline); false else.
func (r *Router) rangeOf(ans reply.Answer, held []*knowledge.Document) (string, []reply.Citation, bool) {
	if ans.Computed != nil || len(ans.Lead) != 1 {
		return "", nil, false
	}
	// Residents ask the same few things: a range worked out over thousands
	// of reports is kept for the next asking of its measure over them.
	f := ans.Lead[0]
	key := rangeKey{f.Report, f.Section, f.Start, len(held), held[0], held[len(held)-1]}
	if v, ok := r.ranges.Load(key); ok {
		got := v.(ranged)
		return got.span, slices.Clone(got.cits), got.ok
	}
	span, cits, ok := r.rangeOver(f, held)
	r.ranges.Store(key, ranged{span, cits, ok})
	return span, slices.Clone(cits), ok
}

// rangeKey names a range: the fact it is of, by its report, section and
// place there, and the reports it ranges over.
type rangeKey struct {
	report, section string
	start, held     int
	first, last     *knowledge.Document
}

// ranged is a rangeOf's result.
type ranged struct {
	span string
	cits []reply.Citation
	ok   bool
}

// rangeOver is rangeOf worked out.
func (r *Router) rangeOver(f knowledge.Fact, held []*knowledge.Document) (string, []reply.Citation, bool) {
	first := r.Index.Doc(f.Report)
	if first == nil {
		return "", nil, false
	}
	hi, lo := -1, -1
	var hiFact, loFact knowledge.Fact
	find := measureOf(f, first)
	for i, d := range held {
		g, _, ok := find(d)
		if !ok {
			return "", nil, false
		}
		if hi < 0 || g.Value > hiFact.Value {
			hi, hiFact = i, g
		}
		if lo < 0 || g.Value < loFact.Value {
			lo, loFact = i, g
		}
	}
	if hi < 0 || hiFact.Value == loFact.Value {
		return "", nil, false
	}
	var cits []reply.Citation
	var say []string
	for _, e := range []struct {
		d *knowledge.Document
		g knowledge.Fact
	}{{held[hi], hiFact}, {held[lo], loFact}} {
		s := e.d.Section(e.g.Section)
		cits = append(cits, reply.Citation{Section: s.ID, Heading: s.Heading, Quote: r.Report(e.d).SentenceOf(s, e.g), Report: e.d.Meta.Title})
		say = append(say, "【"+place.Label(e.d)+"】"+compute.FactName(e.g))
	}
	return fmt.Sprintf("最多的是%s,最少的是%s。", say[0], say[1]), cits, true
}

// earlierYears opens the line of a place's earlier years' figures.
const earlierYears = "往年:"

// scoped finishes a routed answer: the question as asked, and the reports
// it is about, which a follow-up keeps.
func (r *Router) scoped(ans reply.Answer, docs []*knowledge.Document, question string) reply.Answer {
	ans.Question = question
	ans.Scope = nil
	for _, d := range docs {
		ans.Scope = append(ans.Scope, d.Meta.Title)
	}
	return ans
}

// sideBySide writes the answers of several reports: when each leads with
// its figures, one line of them all, each under its place and year
// (【分宜县2023年】收到84件行政复议申请;【甲一东县2023年】收到126件…),
// then each report's quote and source; else each answer whole, one after
// another.
func sideBySide(answers []reply.Answer, docs []*knowledge.Document) []reply.Line {
	label := func(i int) string { return "【" + place.Label(docs[i]) + "】" }
	led := !slices.ContainsFunc(answers, func(a reply.Answer) bool {
		return len(a.Lead) == 0 || len(a.Lines) < 2 || a.Lines[0].Source || a.Lines[0].Quote || !a.Lines[1].Quote && !strings.HasPrefix(a.Lines[1].Text, earlierYears)
	})
	var lines []reply.Line
	if led && len(answers) > 1 {
		leads := make([]string, len(answers))
		for i, a := range answers {
			leads[i] = label(i) + strings.TrimSuffix(a.Lines[0].Text, "。")
		}
		lines = append(lines, reply.Line{Text: strings.Join(leads, ";") + "。"})
	}
	for i, ans := range answers {
		for j, l := range ans.Lines {
			switch {
			case j == 0 && lines != nil && led && len(answers) > 1:
				continue // said in the line of them all
			case j == 0 || l.Quote:
				l.Text = label(i) + l.Text
			}
			lines = append(lines, l)
		}
	}
	return lines
}

// stripPlaces takes out of a question the names of the loaded reports'
// places and the years they are of: they chose the reports, and are no
// content to find in one.
func (r *Router) stripPlaces(question string, docs []*knowledge.Document) string {
	q := knowledge.Normalize(question)
	for _, d := range docs {
		for _, n := range place.Aliases(d) {
			if d.Meta.Department != "" {
				q = strings.ReplaceAll(q, n+d.Meta.Department, "") // 新余市司法局: the report's, no word to find
			}
			q = strings.ReplaceAll(q, n, "")
		}
		if d.Meta.Year > 0 {
			q = strings.ReplaceAll(q, strconv.Itoa(d.Meta.Year)+"年", "")
		}
	}
	return q
}

// acrossReports computes the difference of the lead facts of two reports'
// answers (2024年比2023年多了多少), when they are in one unit.
func acrossReports(x, y reply.Answer, labels map[string]string) (reply.Computed, bool) {
	if len(x.Lead) == 0 || len(y.Lead) == 0 {
		return reply.Computed{}, false
	}
	f, g := x.Lead[0], y.Lead[0]
	if f.Unit != g.Unit || f.Kind != g.Kind || f.Per != "" || g.Per != "" || f.Unit == "%" {
		return reply.Computed{}, false
	}
	hi, lo := f, g
	if lo.Value > hi.Value {
		hi, lo = lo, hi
	}
	c := reply.Computed{Op: reply.OpDifference, Unit: f.Unit, Inputs: []knowledge.Fact{f, g}, Value: compute.Round1(hi.Value - lo.Value),
		Working: compute.FactName(hi) + "(" + labels[hi.Report] + ") − " + compute.FactName(lo) + "(" + labels[lo.Report] + ")"}
	c.Text = compute.ApproxWord(c.Inputs) + strconv.FormatFloat(c.Value, 'f', -1, 64) + c.Unit
	return c, true
}

// ranked answers 哪个县最多: the asked figure of each report in scope, in
// order, said to be over those reports.
func (r *Router) ranked(question, norm string, docs []*knowledge.Document, history []reply.Turn) reply.Answer {
	type entry struct {
		doc *knowledge.Document
		ans reply.Answer
	}
	var got []entry
	asked := r.stripPlaces(asCount(norm), docs)
	for _, d := range docs {
		ans := r.Report(d).Answer(asked, history)
		if ans.Found && len(ans.Lead) > 0 && ans.Computed == nil {
			for i := range ans.Citations {
				ans.Citations[i].Report = d.Meta.Title
			}
			ans.Lead[0].Report = d.Meta.Title
			got = append(got, entry{d, ans})
		}
	}
	if len(got) == 0 {
		return r.Library().NotFound(question, "")
	}
	unit := got[0].ans.Lead[0].Unit
	got = slices.DeleteFunc(got, func(e entry) bool { return e.ans.Lead[0].Unit != unit })
	desc := !strings.ContainsAny(norm, "少低小")
	slices.SortStableFunc(got, func(x, y entry) int {
		c := cmp.Compare(x.ans.Lead[0].Value, y.ans.Lead[0].Value)
		if desc {
			return -c
		}
		return c
	})
	sep := " > "
	if !desc {
		sep = " < "
	}
	var order strings.Builder
	out := reply.Answer{Question: question, Found: true, Mode: reply.ModeExtractive}
	var docsIn []*knowledge.Document
	for i, e := range got {
		f := e.ans.Lead[0]
		switch {
		case i == 0:
		case f.Value == got[i-1].ans.Lead[0].Value:
			order.WriteString(" = ")
		default:
			order.WriteString(sep)
		}
		order.WriteString(place.Label(e.doc) + " " + f.Text)
		out.Lead = append(out.Lead, f)
		out.Citations = append(out.Citations, e.ans.Citations...)
		docsIn = append(docsIn, e.doc)
	}
	word := rankWordRE.FindString(norm)
	if word == "" {
		word = "最多"
	}
	leaders := []string{place.Label(got[0].doc)}
	for _, e := range got[1:] {
		if e.ans.Lead[0].Value == got[0].ans.Lead[0].Value {
			leaders = append(leaders, place.Label(e.doc))
		}
	}
	if len(leaders) > 1 {
		word = "并列" + word
	}
	var answers []reply.Answer
	for _, e := range got {
		answers = append(answers, e.ans)
	}
	out.SetLines(append([]reply.Line{{Text: fmt.Sprintf("%s%s:%s(按已载入的报告比较:%s)。", strings.Join(leaders, "、"), word, got[0].ans.Lead[0].Text, order.String())}},
		sideBySide(answers, docsIn)...))
	return r.scoped(out, docsIn, question)
}

// rankWordRE is the word a ranking question ranks by.
var rankWordRE = knowledge.Pattern("rankWord")

// rankWordsRE are the words of a ranking question, which each report is
// asked without: 哪个县…最多 asks each county 多少.
var rankWordsRE = knowledge.Pattern("rankWords")

// asCount turns a ranking question into the question each report answers.
func asCount(norm string) string {
	return strings.TrimRight(rankWordsRE.ReplaceAllString(norm, ""), "?？。") + "多少?"
}

// notLoaded declines a question about a place no loaded report is of,
// naming the reports that are.
func (r *Router) notLoaded(question, asked string) reply.Answer {
	docs := r.Index.Docs()
	latest := place.Latest(docs)
	var titles []string
	for _, d := range latest[:min(len(latest), maxChoices)] {
		titles = append(titles, "《"+d.Meta.Title+"》")
	}
	loaded := strings.Join(titles, "")
	if len(docs) > len(titles) { // one short message, however many are loaded; no count, which no report states
		loaded += "等"
	}
	ans := reply.Answer{Question: question, Mode: reply.ModeExtractive}
	ans.SetLines([]reply.Line{{Text: fmt.Sprintf("没有载入%s的报告,我不能替它回答。已载入的报告是:%s。", asked, loaded)}})
	return ans
}

// whichPlace asks which place a question is about, naming the places of
// docs, at most maxChoices, with a button each: the reports loaded, or,
// with answers (one a report of docs), those that answer it, and the most
// and least they give when they give one figure in one unit.
func (r *Router) whichPlace(question string, docs []*knowledge.Document, answers []reply.Answer) reply.Answer {
	span, cits, _ := extremes(answers, docs)
	return r.askWhich(question, docs, answers != nil, span, cits)
}

// askWhich asks which of the places of docs a question is about, naming
// them, those that speak of it when held, with span, the most and the
// least they give, cited by cits.
func (r *Router) askWhich(question string, docs []*knowledge.Document, held bool, span string, cits []reply.Citation) reply.Answer {
	ps := Places(docs)
	named := strings.Join(ps, "、")
	ans := reply.Answer{Question: question, Mode: reply.ModeExtractive, Choices: ps[:min(len(ps), maxOffered)], Citations: cits}
	if len(ps) > maxChoices { // one short message; the buttons go by pages
		named = fmt.Sprintf("%s等%d个地方", strings.Join(ps[:maxChoices], "、"), len(ps))
		ans.Computed = &reply.Computed{Op: reply.OpCount, Value: float64(len(ps)), Unit: "个", Text: strconv.Itoa(len(ps)) + "个",
			Working: "按已载入的报告计数"} // the program's count, which no report states
	}
	lead := "已载入这些地方的报告:"
	if held {
		lead = "这些地方的报告都讲到了:"
	}
	ans.SetLines([]reply.Line{{Text: fmt.Sprintf("%s%s。%s请问您问的是哪个地方?可以在问题里写上地名,比如“%s的%s”。",
		lead, named, span, ps[0], strings.TrimRight(question, "?？"))}})
	return ans
}

// extremes says the most and the least of the figures answers lead with,
// each in its report's words under its place and year, cited: when every
// answer leads with a count or share of one unit and they differ.
func extremes(answers []reply.Answer, docs []*knowledge.Document) (string, []reply.Citation, bool) {
	if len(answers) < 2 || len(answers) != len(docs) {
		return "", nil, false
	}
	hi, lo := 0, 0
	for i, a := range answers {
		if len(a.Lead) == 0 || a.Lead[0].Unit != answers[0].Lead[0].Unit || a.Lead[0].Unit == "" {
			return "", nil, false
		}
		if a.Lead[0].Value > answers[hi].Lead[0].Value {
			hi = i
		}
		if a.Lead[0].Value < answers[lo].Lead[0].Value {
			lo = i
		}
	}
	if hi == lo {
		return "", nil, false
	}
	var cits []reply.Citation
	for _, i := range []int{hi, lo} {
		f := answers[i].Lead[0]
		for _, c := range answers[i].Citations {
			if c.Section == f.Section && strings.Contains(c.Quote, f.Text) {
				cits = append(cits, c)
				break
			}
		}
	}
	say := func(i int) string {
		return "【" + place.Label(docs[i]) + "】" + compute.FactName(answers[i].Lead[0])
	}
	return fmt.Sprintf("最多的是%s,最少的是%s。", say(hi), say(lo)), cits, len(cits) == 2
}

// InScope are the reports a model is shown for a question: the one loaded,
// or those the question (or its conversation) names, or the latest of each
// place while they are few enough to answer side by side; none when the
// bot must ask which place is meant.
func (r *Router) InScope(question string, history []reply.Turn) []*knowledge.Document {
	docs := r.Index.Docs()
	if len(docs) == 1 {
		return docs
	}
	norm := knowledge.Normalize(question)
	sc := r.scopeOf(norm, r.Vocabulary().Analyze(question).Years, history)
	if len(sc.unknown) > 0 {
		return nil
	}
	if !sc.named {
		sc.docs = place.Latest(sc.docs)
	}
	if len(sc.docs) > MaxSideBySide {
		return nil
	}
	return sc.docs
}
