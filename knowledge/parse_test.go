package knowledge

import (
	"errors"
	"os"
	"path/filepath"
	"reportbot/knowledge/figure"
	"slices"
	"strings"
	"testing"
)

func seed(t testing.TB) *Document {
	t.Helper()
	docs, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if len(docs) != 1 {
		t.Fatalf("Default: %d documents, want 1", len(docs))
	}
	return docs[0]
}

// TestSeedOutline lists every section of the seed report with the ID and
// heading it must have, in reading order.
func TestSeedOutline(t *testing.T) {
	want := []struct{ id, heading string }{
		{"前言", "前言"},
		{"一", "主要举措和成效"},
		{"一(一)", "统筹推进法治政府建设高效发展"},
		{"一(一)1", "加强组织领导,坚持高位推动"},
		{"一(一)2", "推动学习宣传贯彻习近平法治思想走深走实"},
		{"一(一)2一是", "深化学习培训"},
		{"一(一)2二是", "抓好宣讲教育"},
		{"一(二)", "持续优化法治化营商环境服务大局"},
		{"一(二)1", "不断优化营商环境"},
		{"一(二)1一是", "打造“线上+线下”精准帮代办服务"},
		{"一(二)1二是", "设置了企业“安全生产期”期间投诉举报热线"},
		{"一(二)2", "深入推进“放管服”改革"},
		{"一(二)2一是", "加快落实惠企政策兑现"},
		{"一(二)2二是", "深化“证照分离”改革"},
		{"一(二)2三是", "推进“一件事一次办”“异地通办”"},
		{"一(二)3", "行政执法公平公正"},
		{"一(三)", "致力推动依法行政制度健全完善"},
		{"一(三)1", "严格遵循重大行政决策制度"},
		{"一(三)2", "合法规范行政决策程序"},
		{"一(四)", "坚持促进行政执法权力规范运行"},
		{"一(四)1", "深化行政执法体制改革"},
		{"一(四)2", "提升行政执法体制改革驱动力"},
		{"一(四)2一是", "印发《分宜县人民政府办公室关于进一步推进我县乡(镇、街道)综合行政执法改革工作的通知》"},
		{"一(四)2二是", "编印《分宜县下放乡镇和街道行政处罚事项法律依据对照表(2023版)》"},
		{"一(四)3", "强化行政执法人员管理"},
		{"一(四)4", "严格落实“两法衔接”机制"},
		{"一(五)", "切实强化行政权力运行制约监督"},
		{"一(五)1", "提升行政执法协调监督合力"},
		{"一(五)1一是", "落实《江西省行政执法监督条例》"},
		{"一(五)1二是", "畅通行政执法监督投诉受理渠道"},
		{"一(五)2", "加强行政执法监督"},
		{"一(五)3", "加强执法司法制约监督"},
		{"一(六)", "夯实构筑法治社会建设稳定基石"},
		{"一(六)1", "持续深化行政复议改革成果"},
		{"一(六)2", "严格落实行政机关负责人出庭应诉制度"},
		{"一(六)3", "全面推进“法律明白人”培养工程扩面提质增效"},
		{"一(六)4", "全面完善现代公共法律服务体系"},
		{"一(六)5", "全面实施“八五”普法规划"},
		{"一(六)5一是", "制定《分宜县国家机关“谁执法谁普法”年度履职报告评议实施办法》"},
		{"一(六)5二是", "完善普法责任清单制度"},
		{"一(六)5三是", "提升普法针对性"},
		{"二", "存在的问题"},
		{"三", "下一步工作打算"},
		{"三(一)", "进一步规范行政执法监督工作"},
		{"三(二)", "进一步优化法治化营商环境"},
		{"三(三)", "进一步规范重大事项决策行为"},
		{"三(四)", "进一步加强政府与法院的衔接与沟通"},
	}
	doc := seed(t)
	if len(doc.Sections) != len(want) {
		t.Errorf("%d sections, want %d", len(doc.Sections), len(want))
	}
	for i, w := range want {
		if i >= len(doc.Sections) {
			t.Fatalf("section %d (%s) missing", i, w.id)
		}
		s := doc.Sections[i]
		if s.ID != w.id || s.Heading != w.heading {
			t.Errorf("section %d = %s %q, want %s %q", i, s.ID, s.Heading, w.id, w.heading)
		}
		if doc.Section(w.id) != s {
			t.Errorf("Section(%q) does not find it", w.id)
		}
	}
}

func TestSeedMeta(t *testing.T) {
	m := seed(t).Meta
	if m.Title != "分宜县2023年法治政府建设年度报告" || m.Published != "2025-06-25 15:27" || m.Source != "分宜县人民政府" {
		t.Errorf("meta = %+v", m)
	}
}

// TestSeedText checks the split of run-in headings and inline items: the
// body keeps every word after the heading, and no figure of the file is lost.
func TestSeedText(t *testing.T) {
	doc := seed(t)
	tests := []struct{ id, prefix, suffix string }{
		{"一(一)1", "县政府高度重视法治政府建设工作", "确保法治政府建设工作有力有序推进。"},
		{"一(三)1", "严格按照《分宜县重大行政决策程序规定》", "我县制定并下发6件重大行政决策事项。"},
		{"一(五)2", "县检察院积极主动履行职责纠正违法行为", "收到行政部门答复2件。"},
		{"一(一)2一是", "一是深化学习培训", "80余次。"},
		{"一(一)2二是", "二是抓好宣讲教育", "宣传栏全覆盖。"},
		{"一(六)1", "我县系全省第一批", "有效化解了行政争议。"},
		{"二", "2023年以来", "专业化程度不高。"},
		{"一(一)2", "", ""},
	}
	for _, tt := range tests {
		s := doc.Section(tt.id)
		if s == nil {
			t.Fatalf("no section %s", tt.id)
		}
		if !strings.HasPrefix(s.Text, tt.prefix) || !strings.HasSuffix(s.Text, tt.suffix) {
			t.Errorf("%s text = %q, want %q…%q", tt.id, s.Text, tt.prefix, tt.suffix)
		}
	}
	raw, err := os.ReadFile("reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	var fromSections []string
	for _, s := range doc.Sections {
		for _, f := range s.Figures() {
			fromSections = append(fromSections, f.Raw)
		}
	}
	// The header's date and visitor count are page furniture, and the
	// outline's markers (1. 2.) are no figures.
	body := string(raw)[strings.Index(string(raw), "2023年,我县"):]
	var inBody []string
	for _, f := range figure.Extract(body) {
		if f.Unit != "" || f.Kind != figure.KindNumber {
			inBody = append(inBody, f.Raw)
		}
	}
	slices.Sort(fromSections)
	slices.Sort(inBody)
	if !slices.Equal(fromSections, inBody) {
		t.Errorf("sections hold figures\n%v\nthe report body\n%v", fromSections, inBody)
	}
}

func TestFurnitureNotIndexed(t *testing.T) {
	doc := seed(t)
	ix := NewIndex(doc)
	for _, s := range doc.Sections {
		for _, junk := range []string{"扫一扫", "回到顶部", "访问量", "字体", "打印", "【"} {
			if strings.Contains(s.Text, junk) || strings.Contains(s.Heading, junk) {
				t.Errorf("section %s contains furniture %q", s.ID, junk)
			}
		}
	}
	for _, term := range []string{"扫一", "顶部", "访问", "字体", "打印", "15"} {
		if ix.Known(term) {
			t.Errorf("furniture term %q is indexed", term)
		}
	}
}

// TestFormats loads the same small report as Markdown and as a saved web
// page: both give the same outline, text and metadata.
func TestFormats(t *testing.T) {
	want := []struct{ id, heading, text string }{
		{PreambleID, PreambleID, "2024年,示例县持续推进法治政府建设。"},
		{"一", "主要成效", ""},
		{"一(一)", "行政复议", ""},
		{"一(一)1", "行政复议收到申请120件", "行政复议收到申请120件,受理100件。"},
		{"一(一)2", "法律咨询", "全年解答群众法律咨询5000人次。"},
		{"一(一)2(1)", "线上咨询3000人次", "线上咨询3000人次;"},
		{"一(一)2(2)", "线下咨询2000人次", "线下咨询2000人次。"},
		{"二", "存在的问题", "执法队伍素养有待提升。"},
	}
	for _, file := range []string{"report.md", "report.html"} {
		t.Run(file, func(t *testing.T) {
			docs, err := LoadFiles([]string{filepath.Join("testdata", file)})
			if err != nil {
				t.Fatal(err)
			}
			doc := docs[0]
			if doc.Meta.Title != "示例县2024年法治政府建设年度报告" || doc.Meta.Published != "2025-03-01" && doc.Meta.Published != "2025-03-01 10:00" {
				t.Errorf("meta = %+v", doc.Meta)
			}
			var got []string
			for _, s := range doc.Sections {
				got = append(got, s.ID+"|"+s.Heading+"|"+s.Text)
			}
			var exp []string
			for _, w := range want {
				exp = append(exp, w.id+"|"+w.heading+"|"+w.text)
			}
			if !slices.Equal(got, exp) {
				t.Errorf("sections:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(exp, "\n"))
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		file string
		want string // the error's text starts with the file, line and says this
	}{
		{"empty.txt", "testdata/empty.txt:1: the file is empty"},
		{"blank.txt", "testdata/blank.txt:1: the file is empty"},
		{"invalid-utf8.txt", "testdata/invalid-utf8.txt:5: not UTF-8 text"},
		{"out-of-order.txt", "testdata/out-of-order.txt:7: heading \"三、下一步\" is out of order"},
		{"duplicate-heading.txt", "testdata/duplicate-heading.txt:9: heading \"(一)又一个第一部分\" is out of order"},
		{"title-only.txt", "testdata/title-only.txt: no report text after the title"},
		{"no-title.txt", "testdata/no-title.txt:1: the first line is a section heading"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			docs, err := LoadFiles([]string{filepath.Join("testdata", "report.md"), path})
			if err == nil {
				t.Fatalf("loaded %d documents, want an error", len(docs))
			}
			if docs != nil {
				t.Errorf("loaded %d documents half-way", len(docs))
			}
			if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q… wrapping ErrMalformed", err, tt.want)
			}
		})
	}
	if _, err := LoadFiles([]string{"testdata/missing.txt"}); err == nil || !strings.Contains(err.Error(), "testdata/missing.txt") {
		t.Errorf("missing file: error = %v, want one naming the file", err)
	}
}

func TestFullText(t *testing.T) {
	doc := seed(t)
	full := doc.FullText("一(一)2")
	for _, part := range []string{"一是深化学习培训", "80余次。", "二是抓好宣讲教育", "受众2200余人"} {
		if !strings.Contains(full, part) {
			t.Errorf("FullText(一(一)2) lacks %q", part)
		}
	}
	if got := doc.FullText("九"); got != "" {
		t.Errorf("FullText of a missing section = %q", got)
	}
	if kids := doc.Children("一(六)"); len(kids) != 5 || kids[0].ID != "一(六)1" {
		t.Errorf("Children(一(六)) = %d sections", len(kids))
	}
}

// TestSameReportTwice: one report loaded twice under two names is refused,
// naming both files, and nothing is loaded.
func TestSameReportTwice(t *testing.T) {
	dir := t.TempDir()
	text, err := os.ReadFile(filepath.Join("testdata", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.md"), filepath.Join(dir, "b.md")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, text, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := LoadFiles([]string{a, b})
	if err == nil || docs != nil || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) {
		t.Errorf("the same report twice: %d documents, %v", len(docs), err)
	}
}

// TestSavedPages: a page saved from a government site with an index table
// (索引号, 发布机构, 发布日期 rows) and with a site header before its title
// reads its title from <h1> or <title>, its place, level, department,
// publisher, year and date from the title and the table's rows, never from
// the index number (…/2026-00123), the site header or the breadcrumbs;
// and keeps none of them, nor the 时间…来源 and 字体 lines, in its text.
func TestSavedPages(t *testing.T) {
	tests := []struct {
		file string
		want Meta
		text string // the preamble
	}{
		{"index-table.html", Meta{Title: "新余市司法局2023年法治政府建设年度报告", Place: "新余市", Level: "市", Department: "司法局",
			Year: 2023, Source: "新余市司法局", Published: "2024-03-29 10:12"},
			"2023年,市司法局坚持以习近平法治思想为指导,全面推进法治政府建设,现将有关情况报告如下。"},
		{"site-header.html", Meta{Title: "分宜县2022年法治政府建设年度报告", Place: "分宜县", Level: "县",
			Year: 2022, Source: "分宜县人民政府", Published: "2023-02-20 09:30"},
			"2022年,我县深入推进法治政府建设。"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "pages", tt.file)
			docs, err := LoadFiles([]string{path})
			if err != nil {
				t.Fatal(err)
			}
			d := docs[0]
			tt.want.File = path
			if d.Meta != tt.want {
				t.Errorf("meta\n got %+v\nwant %+v", d.Meta, tt.want)
			}
			if d.Sections[0].ID != PreambleID || d.Sections[0].Text != tt.text {
				t.Errorf("preamble %q, want %q", d.Sections[0].Text, tt.text)
			}
			for _, s := range d.Sections {
				for _, junk := range []string{"索引号", "发布机构", "发布日期", "2026", "长者助手", "IPv6", "首页", "来源", "时间", "字体", "打印", "扫一扫", "【"} {
					if strings.Contains(s.Heading+s.Text, junk) {
						t.Errorf("section %s keeps %q: %s %s", s.ID, junk, s.Heading, s.Text)
					}
				}
			}
		})
	}
}

// TestOneReportOfAYear: two reports of one place (and department) and year
// are refused at load, naming both files, though their titles differ; a
// department's report of the same place and year is another report.
func TestOneReportOfAYear(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.txt", "分宜县2023年法治政府建设年度报告\n\n一、成效\n收到84件。\n")
	b := write("b.txt", "分宜县2023年度法治政府建设情况的报告\n\n一、成效\n收到85件。\n")
	c := write("c.txt", "分宜县司法局2023年法治政府建设年度报告\n\n一、成效\n收到86件。\n")
	if docs, err := LoadFiles([]string{a, b}); err == nil || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) {
		t.Errorf("two reports of 分宜县 for 2023: %d documents, %v", len(docs), err)
	}
	docs, err := LoadFiles([]string{a, c})
	if err != nil || len(docs) != 2 || docs[1].Meta.Department != "司法局" || docs[0].Meta.Department != "" {
		t.Errorf("the county's and its 司法局's: %v, %v", docs, err)
	}
}

// TestTitleFacts: a title's place, level and department: 朔州市 and 广州市
// are cities, not 州s; consecutive places make one; a department after the
// place is the report's.
func TestTitleFacts(t *testing.T) {
	for _, tt := range []struct{ title, place, level, dept string }{
		{"朔州市2023年法治政府建设年度报告", "朔州市", "市", ""},
		{"广州市2023年法治政府建设年度报告", "广州市", "市", ""},
		{"甘孜藏族自治州2023年法治政府建设情况报告", "甘孜藏族自治州", "自治州", ""},
		{"杭州市西湖区2023年法治政府建设工作报告", "杭州市西湖区", "区", ""},
		{"山西省司法厅2023年法治政府建设年度报告", "山西省", "省", "司法厅"},
		{"新余市市场监督管理局2023年法治政府建设年度报告", "新余市", "市", "市场监督管理局"},
		{"分宜县人民政府2023年法治政府建设年度报告", "分宜县", "县", ""},
	} {
		year, place, level := titleFacts(tt.title, "")
		if dept := departmentOf(tt.title, place); year != 2023 || place != tt.place || level != tt.level || dept != tt.dept {
			t.Errorf("%s: %d %q %q %q, want %q %q %q", tt.title, year, place, level, dept, tt.place, tt.level, tt.dept)
		}
	}
}
