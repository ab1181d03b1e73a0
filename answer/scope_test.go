package answer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"reportbot/answer/engine"
	"reportbot/answer/place"
	"reportbot/answer/reply"
	"reportbot/answer/route"
	"reportbot/internal/synth"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
)

// library loads the seed report, six synthetic counties, the seed's county
// a year on, and a city's report of another shape: nine reports of eight
// places, two of them two years of one place.
func library(t testing.TB) (*Answerer, map[string]*knowledge.Document) {
	t.Helper()
	seedText, err := os.ReadFile("../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*knowledge.Document{}
	add := func(key, name, text string) {
		d := testreport.Parse(t, name, []byte(text))
		docs[key] = d
	}
	add("fenyi2023", "fenyi-2023.txt", string(seedText))
	add("jia", "jia.txt", synth.Report(string(seedText), "甲一东县", 2023, 1.5))
	add("yi", "yi.txt", synth.Report(string(seedText), "乙一东县", 2023, 0.5))
	add("fenyi2024", "fenyi-2024.txt", synth.Report(string(seedText), "分宜县", 2024, 1.2))
	for i, place := range []string{"丙一东县", "丁一东县", "戊一东县", "己一东县"} {
		add(place, place+".txt", synth.Report(string(seedText), place, 2023, 0.6+float64(i)/10))
	}
	linxiang, err := os.ReadFile("testdata/linxiang-2024.txt")
	if err != nil {
		t.Fatal(err)
	}
	add("linxiang", "linxiang-2024.txt", string(linxiang))
	order := []string{"fenyi2023", "jia", "yi", "fenyi2024", "linxiang", "丙一东县", "丁一东县", "戊一东县", "己一东县"}
	var all []*knowledge.Document
	for _, k := range order {
		all = append(all, docs[k])
	}
	return &Answerer{Index: knowledge.NewIndex(all...), Memory: turnsMemory{}}, docs
}

// reportsOf are the titles of the reports an answer cites.
func reportsOf(ans reply.Answer) []string {
	var out []string
	for _, c := range ans.Citations {
		if !slices.Contains(out, c.Report) {
			out = append(out, c.Report)
		}
	}
	return out
}

// TestScopedAnswers: a question that names a place or year is answered
// from that report alone, every figure its own.
func TestScopedAnswers(t *testing.T) {
	a, docs := library(t)
	tests := []struct {
		q      string
		report string
		first  string // the first line holds this
	}{
		{"分宜县2023年行政复议收到多少件申请?", "fenyi2023", "收到84件"},
		{"分宜县2024年行政复议收到多少件申请?", "fenyi2024", "收到101件"},
		{"甲一东县行政复议收到多少件申请?", "jia", "收到126件"},
		{"乙一东县的群众满意度是多少?", "yi", "100%"},
		{"临湘市全年开展集体学法多少次?", "linxiang", "12次"},
		{"临湘市收到多少件行政复议申请?", "linxiang", "132件"},
	}
	for _, tt := range tests {
		ans := askOne(t, a, tt.q)
		want := docs[tt.report].Meta.Title
		if got := reportsOf(ans); !ans.Found || len(got) != 1 || got[0] != want || !strings.Contains(firstLine(ans.Text), tt.first) {
			t.Errorf("%q: from %q, want %q with %s first:\n%s", tt.q, got, want, tt.first, ans.Text)
		}
	}
}

// TestScopeDeclines: a place no report is of is declined naming the loaded
// reports, and a report that lacks a figure does not borrow another's.
func TestScopeDeclines(t *testing.T) {
	a, _ := library(t)
	for _, q := range []string{"临湘市行政机关负责人出庭应诉率是多少?", "临湘市2024年的GDP是多少?", "渝水区行政复议收到多少件申请?"} {
		ans := askOne(t, a, q)
		if ans.Found || hasCount(ans.Text) {
			t.Errorf("%q: answered:\n%s", q, ans.Text)
		}
	}
	if ans := askOne(t, a, "2026年行政复议收到多少件申请?"); ans.Found || !strings.Contains(ans.Text, "没有载入所问年份的报告") {
		t.Errorf("a year no report is of:\n%s", ans.Text)
	}
	if ans := askOne(t, a, "渝水区行政复议收到多少件申请?"); !strings.Contains(ans.Text, "没有载入渝水区的报告") || !strings.Contains(ans.Text, "《临湘市2024年法治政府建设工作情况报告》") {
		t.Errorf("an unknown place is not declined with the loaded reports:\n%s", ans.Text)
	}
}

// TestUnscoped: a question that names no place gets each place's newest
// report side by side (its earlier years under it) when few answer, and is
// asked back when many.
func TestUnscoped(t *testing.T) {
	a, docs := library(t)
	// Eight places are loaded: more than are answered side by side.
	ans := askOne(t, a, "行政复议收到多少件申请?")
	if len(ans.Choices) != 8 || !strings.Contains(ans.Text, "请问您问的是哪个地方") {
		t.Errorf("with eight places, want the question back with them as choices: %q\n%s", ans.Choices, ans.Text)
	}
	few := &Answerer{Index: knowledge.NewIndex(docs["fenyi2023"], docs["jia"], docs["fenyi2024"]), Memory: turnsMemory{}}
	ans = askOne(t, few, "行政复议收到多少件申请?")
	if got := reportsOf(ans); len(got) != 3 || !slices.Contains(got, docs["jia"].Meta.Title) ||
		!strings.HasPrefix(ans.Text, "【分宜县2024年】收到101件") || !strings.Contains(ans.Text, "\n往年:【分宜县2023年】收到84件行政复议申请。\n") ||
		!strings.Contains(ans.Text, "【甲一东县2023年】收到126件") {
		t.Errorf("two places, one in two years: want each place's newest side by side, the earlier year under it:\n%s", ans.Text)
	}
	// The place chosen carries to the follow-up.
	ans = askOne(t, few, "甲一东县行政复议收到多少件申请?", "那受理了几件?")
	if got := reportsOf(ans); len(got) != 1 || got[0] != docs["jia"].Meta.Title || !strings.Contains(firstLine(ans.Text), "受理102件") {
		t.Errorf("follow-up left its place: %q\n%s", got, ans.Text)
	}
}

func TestCompareReports(t *testing.T) {
	a, _ := library(t)
	ans := askOne(t, a, "分宜县2024年比2023年行政复议申请多了多少件?")
	if c := ans.Computed; c == nil || c.Value != 17 || c.Unit != "件" || len(c.Inputs) != 2 ||
		!strings.Contains(firstLine(ans.Text), "相差17件(按报告数字计算:收到101件行政复议申请(分宜县2024年) − 收到84件行政复议申请(分宜县2023年)") {
		t.Errorf("two years compared:\n%s", ans.Text)
	}
	if got := reportsOf(ans); len(got) != 2 {
		t.Errorf("cites %q, want both years", got)
	}
	ans = askOne(t, a, "甲一东县和乙一东县各收到多少件行政复议申请?")
	if !strings.Contains(ans.Text, "【甲一东县2023年】收到126件") || !strings.Contains(ans.Text, "【乙一东县2023年】收到42件") || len(reportsOf(ans)) != 2 {
		t.Errorf("two places side by side:\n%s", ans.Text)
	}
	ans = askOne(t, a, "哪个县收到的行政复议申请最多?")
	if !strings.HasPrefix(ans.Text, "临湘市2024年最多:132件(按已载入的报告比较:临湘市2024年 132件 > 甲一东县2023年 126件 > 分宜县2024年 101件 > 己一东县2023年 76件 > "+
		"戊一东县2023年 67件 > 丁一东县2023年 59件 > 丙一东县2023年 50件 > 乙一东县2023年 42件)") {
		t.Errorf("ranking:\n%s", ans.Text)
	}
}

// TestNoCrossing: every gold question the seed report answers alone, it
// still answers among the others when the question names its place and
// year, with the same lead facts, from the seed report only (askOne checks
// that every figure is of the cited report).
func TestNoCrossing(t *testing.T) {
	a, docs := library(t)
	alone := &Answerer{Index: knowledge.NewIndex(docs["fenyi2023"]), Memory: turnsMemory{}}
	gold, err := os.ReadFile("../testdata/gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var questions []string
	for _, l := range strings.Split(string(gold), "\n") {
		var c struct {
			Turns []struct {
				Q string `json:"q"`
			} `json:"turns"`
		}
		// A question of another year is another report's among them.
		if json.Unmarshal([]byte(l), &c) == nil && len(c.Turns) == 1 && reply.DetectLanguage(c.Turns[0].Q) != reply.English &&
			!regexp.MustCompile(`20(19|2[0-24-9])年`).MatchString(c.Turns[0].Q) {
			questions = append(questions, c.Turns[0].Q)
		}
	}
	if len(questions) < 100 {
		t.Fatalf("%d gold questions", len(questions))
	}
	lost := 0
	for _, q := range questions {
		want := askOne(t, alone, q)
		got := askOne(t, a, "分宜县2023年的情况:"+q)
		if want.Found && !got.Found {
			lost++
			t.Logf("%q: answered alone, declined among the others:\n%s", q, got.Text)
		}
		if !got.Found {
			continue
		}
		for _, f := range want.Lead {
			if !slices.ContainsFunc(got.Lead, func(g knowledge.Fact) bool { return g.Text == f.Text && g.Section == f.Section }) {
				t.Errorf("%q: alone it gives %s (%s); among the others %q:\n%s", q, f.Text, f.Section, firstLine(got.Text), got.Text)
			}
		}
		if r := reportsOf(got); len(r) != 1 || r[0] != docs["fenyi2023"].Meta.Title {
			t.Errorf("%q: cites %q", q, r)
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d questions answered alone are declined among the others", lost, len(questions))
	}
}

// hasCount reports whether a text gives a count or share.
func hasCount(text string) bool {
	return slices.ContainsFunc(figure.Extract(text), func(f figure.Figure) bool {
		return f.Kind == figure.KindNumber || f.Kind == figure.KindPercent
	})
}

// TestRoutedByEvidence: with more places loaded than are answered side by
// side, a question that names none is answered from the reports that
// answer it: from the one report that does, labelled with its place and
// year, without asking; when more than three answer, the bot asks which,
// naming only those, with the most and the least they give, in one short
// message.
func TestRoutedByEvidence(t *testing.T) {
	a, docs := library(t)
	if n := len(route.Places(place.Latest(a.Index.Docs()))); n <= route.MaxSideBySide {
		t.Fatalf("%d places loaded: the test needs more than %d", n, route.MaxSideBySide)
	}
	ans, err := a.Ask(context.Background(), "one", "参学干部有多少人次?")
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Choices) > 0 || !strings.HasPrefix(ans.Lines[0].Text, "【临湘市2024年】") || !strings.Contains(ans.Lines[0].Text, "1500余人次") ||
		len(reportsOf(ans)) != 1 || reportsOf(ans)[0] != docs["linxiang"].Meta.Title {
		t.Errorf("a fact of one report alone: choices %v, reports %v:\n%s", ans.Choices, reportsOf(ans), ans.Text)
	}
	ans, err = a.Ask(context.Background(), "many", "行政复议收到多少件申请?")
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Choices) != 8 || ans.Found || utf8.RuneCountInString(ans.Text) > 4096 || !strings.HasPrefix(ans.Text, "这些地方的报告都讲到了:") {
		t.Errorf("a fact of eight places: choices %v, found %v:\n%s", ans.Choices, ans.Found, ans.Text)
	}
	// Asked back, it says the most and the least of the places' figures,
	// each under its place and year and cited.
	if !strings.Contains(ans.Text, "最多的是【临湘市2024年】全年收到行政复议申请132件,最少的是【乙一东县2023年】收到42件行政复议申请。") ||
		!slices.Equal(reportsOf(ans), []string{docs["linxiang"].Meta.Title, docs["yi"].Meta.Title}) || len(engine.Unsupported(a.Index, ans)) > 0 {
		t.Errorf("the most and the least: cites %v:\n%s", reportsOf(ans), ans.Text)
	}
}

// TestOwnPlace: with one report loaded, its own place named in a question
// chose the report and is no word to find in it: 临湘市集体学法多少次? is
// answered as 集体学法多少次? is.
func TestOwnPlace(t *testing.T) {
	text, err := os.ReadFile("testdata/linxiang-2024.txt")
	if err != nil {
		t.Fatal(err)
	}
	d := testreport.Parse(t, "linxiang-2024.txt", text)
	a := &Answerer{Index: knowledge.NewIndex(d)}
	for _, q := range []string{"集体学法多少次?", "临湘市集体学法多少次?", "临湘2024年集体学法多少次?"} {
		ans, err := a.Ask(context.Background(), "c", q)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Lines[0].Text != "全年开展集体学法12次。" || ans.Question != q {
			t.Errorf("%q: %q", q, ans.Text)
		}
	}
}

// TestDeclineInScope: a question naming a loaded place that its report does
// not answer is declined with what that report covers, not the others'.
func TestDeclineInScope(t *testing.T) {
	a, _ := library(t)
	ans, err := a.Ask(context.Background(), "c", "临湘市的GDP是多少?")
	if err != nil {
		t.Fatal(err)
	}
	if ans.Found || !strings.Contains(ans.Text, "深化行政复议改革") || strings.Contains(ans.Text, "分宜") || strings.Contains(ans.Text, "一东县") {
		t.Errorf("decline for 临湘市:\n%s", ans.Text)
	}
}

// TestEarlierYears: a question that names no year is answered from each
// place's latest report, with what the place's earlier loaded reports say
// on the line under it, each under its report and cited: whether it names
// the place or, when the place alone answers, not.
func TestEarlierYears(t *testing.T) {
	a, docs := library(t)
	ans, err := a.Ask(context.Background(), "c", "分宜县法律明白人在社区培养了多少?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ans.Lines[0].Text, "【分宜县2024年】") || ans.Lines[1].Text != "往年:【分宜县2023年】全县27个社区皆培养了至少5名“法律明白人”骨干。" ||
		!slices.Contains(reportsOf(ans), docs["fenyi2023"].Meta.Title) {
		t.Errorf("the latest year, then the earlier:\n%s\nreports %v", ans.Text, reportsOf(ans))
	}
	if u := engine.Unsupported(a.Index, ans); len(u) > 0 {
		t.Errorf("%q is not in the cited text:\n%s", u[0].Raw, ans.Text)
	}
	few := &Answerer{Index: knowledge.NewIndex(docs["fenyi2023"], docs["fenyi2024"], docs["linxiang"])}
	ans, err = few.Ask(context.Background(), "c", "法律明白人在社区培养了多少?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ans.Lines[0].Text, "【分宜县2024年】") || ans.Lines[1].Text != "往年:【分宜县2023年】全县27个社区皆培养了至少5名“法律明白人”骨干。" {
		t.Errorf("unnamed, one place answering:\n%s", ans.Text)
	}
	// Two places named, one of two years: their newest side by side in
	// the first line, the earlier year under its place.
	ans, err = a.Ask(context.Background(), "c", "分宜县和甲一东县行政复议收到多少件申请?")
	if err != nil {
		t.Fatal(err)
	}
	if got := ans.Lines[0].Text; got != "【分宜县2024年】收到101件行政复议申请;【甲一东县2023年】收到126件行政复议申请。" ||
		!strings.Contains(ans.Text, "\n往年:【分宜县2023年】收到84件行政复议申请。\n") {
		t.Errorf("two places named, one of two years:\n%s", ans.Text)
	}
}

// TestSideBySideCompact: a question answered by a few reports says all
// their figures in its first line, each under its place and year, then
// each report's quote under its label; the places it names are no typos
// to read by sound.
func TestSideBySideCompact(t *testing.T) {
	_, docs := library(t)
	few := &Answerer{Index: knowledge.NewIndex(docs["fenyi2023"], docs["jia"], docs["linxiang"])}
	ans, err := few.Ask(context.Background(), "few", "分宜县和甲一东县的行政复议收到多少件申请?")
	if err != nil {
		t.Fatal(err)
	}
	if got := ans.Lines[0].Text; got != "【分宜县2023年】收到84件行政复议申请;【甲一东县2023年】收到126件行政复议申请。" {
		t.Errorf("first line %q", got)
	}
	var quotes []string
	for _, l := range ans.Lines {
		if l.Quote {
			quotes = append(quotes, l.Text)
		}
	}
	if len(quotes) != 2 || !strings.HasPrefix(quotes[0], "【分宜县2023年】原文:") || !strings.HasPrefix(quotes[1], "【甲一东县2023年】原文:") ||
		len(engine.Unsupported(few.Index, ans)) > 0 {
		t.Errorf("quotes %q:\n%s", quotes, ans.Text)
	}
}

// TestEvidenceAtScale: with more places loaded than are searched each
// alone, a question that names none is searched only in the reports whose
// words hold it: one place's fact is answered from it without asking; one
// all places share is asked back, naming them within one message; one no
// report holds is declined.
func TestEvidenceAtScale(t *testing.T) {
	seedText, err := os.ReadFile("../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	linxiang, err := os.ReadFile("testdata/linxiang-2024.txt")
	if err != nil {
		t.Fatal(err)
	}
	var docs []*knowledge.Document
	for i := range 55 {
		docs = append(docs, testreport.Parse(t, fmt.Sprintf("r%d.txt", i), []byte(synth.Report(string(seedText), synth.Place(i), 2023, 1+float64(i%5)/10))))
	}
	docs = append(docs, testreport.Parse(t, "linxiang-2024.txt", linxiang))
	a := &Answerer{Index: knowledge.NewIndex(docs...)}
	ans := askOne(t, a, "参学干部有多少人次?")
	if len(ans.Choices) > 0 || !strings.HasPrefix(ans.Lines[0].Text, "【临湘市2024年】") || !strings.Contains(ans.Lines[0].Text, "1500余人次") {
		t.Errorf("one place's fact among 56: choices %v:\n%s", ans.Choices, ans.Text)
	}
	ans = askOne(t, a, "法律明白人在社区培养了多少?")
	if ans.Found || len(ans.Choices) != 48 || slices.Contains(ans.Choices, "临湘市") || utf8.RuneCountInString(ans.Text) > 4096 ||
		!strings.HasPrefix(ans.Text, "这些地方的报告都讲到了:") {
		t.Errorf("a fact of 55 places, not 临湘市's: %d choices, found %v:\n%s", len(ans.Choices), ans.Found, ans.Text)
	}
	// Asked back over 55 places of one outline, it gives the most and the
	// least of the measure, each cited, the count the program's own; with
	// 临湘市's report of another outline among them, no range is said.
	ans = askOne(t, a, "新办执法证多少人?")
	if !strings.Contains(ans.Text, "等55个地方。最多的是【戊一东县2023年】2023年新办执法证133人,最少的是【甲一东县2023年】2023年新办执法证95人。") ||
		len(ans.Citations) != 2 || ans.Citations[0].Report != "戊一东县2023年法治政府建设年度报告" || ans.Computed == nil || ans.Computed.Op != reply.OpCount {
		t.Errorf("the range of 55 places: cites %v:\n%s", ans.Citations, ans.Text)
	}
	if ans = askOne(t, a, "行政复议收到多少件申请?"); !strings.Contains(ans.Text, "等56个地方。请问") || len(ans.Citations) != 0 {
		t.Errorf("56 places of two outlines: cites %v:\n%s", ans.Citations, ans.Text)
	}
	if ans = askOne(t, a, "县里的GDP是多少?"); ans.Found || hasCount(ans.Text) {
		t.Errorf("no report's words:\n%s", ans.Text)
	}
	// A place no report is of is declined; words of the reports shaped
	// like a place (代办专区) are no place, by the evidence too.
	if ans = askOne(t, a, "渝水区行政复议收到多少件申请?"); ans.Found || !strings.Contains(ans.Text, "没有载入渝水区的报告") {
		t.Errorf("a place not loaded:\n%s", ans.Text)
	}
	if ans = askOne(t, a, "帮代办专区上线了几个代办事项?"); strings.Contains(ans.Text, "没有载入") {
		t.Errorf("a word of the reports read as a place:\n%s", ans.Text)
	}
}

// TestPrepare: a library prepared ahead answers as one that was not, its
// evidence made once, whoever asks first.
func TestPrepare(t *testing.T) {
	seedText, err := os.ReadFile("../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	var docs []*knowledge.Document
	for i := range 52 {
		docs = append(docs, testreport.Parse(t, fmt.Sprintf("r%d.txt", i), []byte(synth.Report(string(seedText), synth.Place(i), 2023, 1))))
	}
	a := &Answerer{Index: knowledge.NewIndex(docs...)}
	done := make(chan struct{})
	go func() { a.Prepare(); close(done) }()
	ans := askOne(t, a, "行政复议收到多少件申请?") // beside the preparing, under -race
	<-done
	if len(ans.Choices) != 48 || !strings.HasPrefix(ans.Text, "这些地方的报告都讲到了:") {
		t.Errorf("asked while prepared: %d choices:\n%s", len(ans.Choices), ans.Text)
	}
}
