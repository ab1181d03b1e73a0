package exports

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"reportbot/answer/reply"
	"reportbot/feedback"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
)

// fakeLog holds questions answered, and fails after them when err is set.
type fakeLog struct {
	asked []feedback.Asked
	err   error
	since time.Time // the since it was last read with
}

func (l *fakeLog) Log(_ context.Context, since time.Time, each func(feedback.Asked) error) error {
	l.since = since
	for _, a := range l.asked {
		if err := each(a); err != nil {
			return err
		}
	}
	return l.err
}

var salt = []byte("0123456789abcdef-salt")

func TestPseudonym(t *testing.T) {
	a, b := Pseudonym(salt, "tg:42"), Pseudonym(salt, "tg:42")
	other := Pseudonym([]byte("another salt, as long"), "tg:42")
	if a != b || len(a) != 64 || a == other || a == Pseudonym(salt, "tg:43") {
		t.Errorf("pseudonyms of tg:42: %s, %s; under another salt %s", a, b, other)
	}
	if Pseudonym(salt, "") != "" {
		t.Error("no one has a pseudonym")
	}
}

// TestConversationsCSV: a spreadsheet reads the export as text, a
// resident's question that looks like a formula too; no raw ID is written;
// a failure of the log is returned after what was read before it.
func TestConversationsCSV(t *testing.T) {
	at := time.Date(2024, 3, 1, 2, 3, 4, 0, time.UTC)
	log := &fakeLog{asked: []feedback.Asked{
		{Channel: "web", At: at, Conv: "web:c-77", User: "web:198.51.100.23", Question: `=HYPERLINK("http://x.example","点我")`, Mode: reply.ModeExtractive,
			Citations: []reply.Citation{{Section: "一(六)1", Heading: "持续深化行政复议改革成果", Quote: "收到84件行政复议申请"}}, Up: 2, Down: 1},
		{Channel: "cli", At: at, Conv: "cli", Question: "法律咨询多少人次?", Mode: reply.ModeLLM, Found: true},
	}, err: errors.New("connection lost")}
	var out bytes.Buffer
	n, err := Conversations(context.Background(), log, at, FormatCSV, salt, &out)
	if n != 2 || err == nil || !strings.Contains(err.Error(), "connection lost") {
		t.Errorf("%d written, error %v; want 2 and the log's failure", n, err)
	}
	if !log.since.Equal(at) {
		t.Errorf("the log read since %v, want %v", log.since, at)
	}
	text := out.String()
	for _, raw := range []string{"c-77", "198.51.100.23"} {
		if strings.Contains(text, raw) {
			t.Errorf("raw ID %q written:\n%s", raw, text)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, "\ufeff"))).ReadAll()
	if err != nil || !strings.HasPrefix(text, "\ufeff") {
		t.Fatalf("CSV (byte-order mark first): %v\n%s", err, text)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(conversationColumns, ",") {
		t.Fatalf("rows %q", rows)
	}
	web, cli := rows[1], rows[2]
	want := []string{"2024-03-01T10:03:04+08:00", "web", Pseudonym(salt, "web:c-77"), Pseudonym(salt, "web:198.51.100.23"),
		`'=HYPERLINK("http://x.example","点我")`, "extractive", "false", "一(六)1",
		`[{"section":"一(六)1","heading":"持续深化行政复议改革成果","quote":"收到84件行政复议申请"}]`, "2", "1"}
	if strings.Join(web, "|") != strings.Join(want, "|") {
		t.Errorf("web row\n%q\nwant\n%q", web, want)
	}
	if cli[3] != "" || cli[4] != "法律咨询多少人次?" || cli[7] != "" || cli[8] != "[]" || cli[6] != "true" {
		t.Errorf("cli row %q", cli)
	}
}

// TestConversationsRefused: no export without a salt, nor in a format it
// does not write.
func TestConversationsRefused(t *testing.T) {
	log := &fakeLog{asked: []feedback.Asked{{Conv: "c"}}}
	var out bytes.Buffer
	if _, err := Conversations(context.Background(), log, time.Time{}, FormatJSONL, nil, &out); !errors.Is(err, ErrNoSalt) || out.Len() > 0 {
		t.Errorf("without a salt: %v, %q written", err, out.String())
	}
	if _, err := Conversations(context.Background(), log, time.Time{}, FormatJSON, salt, &out); err == nil || out.Len() > 0 {
		t.Errorf("as one JSON array: %v, %q written", err, out.String())
	}
}

// entry84 is the knowledge entry of 收到84件行政复议申请.
func entry84(t *testing.T, entries []Entry) Entry {
	t.Helper()
	for _, e := range entries {
		if e.Figure == "84件" {
			return e
		}
	}
	t.Fatal("no entry of 84件")
	return Entry{}
}

// TestKnowledge: one entry a fact of the fact table, each with its own ID;
// the 84件 entry asks its question of its place and year, answers it as
// the bot does, and names its report, section and publication; CSV and
// JSON give the same entries.
func TestKnowledge(t *testing.T) {
	docs := testreport.Seed(t)
	entries := Entries(docs)
	facts := 0
	for _, d := range docs {
		facts += len(d.Facts())
	}
	if len(entries) != facts || facts < 50 {
		t.Fatalf("%d entries for %d facts", len(entries), facts)
	}
	ids := map[string]bool{}
	for _, e := range entries {
		if ids[e.ID] || e.ID == "" || e.Title == "" || !strings.Contains(e.Content, e.Figure) || !strings.Contains(e.Quote, e.Figure) {
			t.Errorf("entry %+v: a second of its ID, or without title, or its figure missing", e)
		}
		ids[e.ID] = true
	}
	e := entry84(t, entries)
	want := Entry{ID: e.ID, Title: "分宜县2023年收到多少件行政复议申请?",
		Content: "收到84件行政复议申请。\n原文:2023年,收到84件行政复议申请,其中受理68件,不予受理16件;\n来源:《分宜县2023年法治政府建设年度报告》一(六)1 持续深化行政复议改革成果",
		Scope:   "分宜县", Category: "分宜县2023年法治政府建设年度报告/主要举措和成效/夯实构筑法治社会建设稳定基石/持续深化行政复议改革成果",
		Effective: "2025-06-25", Source: "分宜县人民政府《分宜县2023年法治政府建设年度报告》一(六)1 持续深化行政复议改革成果",
		Report: "分宜县2023年法治政府建设年度报告", Publisher: "分宜县人民政府", Year: 2023, Section: "一(六)1", Heading: "持续深化行政复议改革成果",
		Published: "2025-06-25", Figure: "84件", Quote: "2023年,收到84件行政复议申请,其中受理68件,不予受理16件;"}
	if e != want {
		t.Errorf("the 84件 entry\n%+v\nwant\n%+v", e, want)
	}
	for fact, title := range map[string]string{
		"68件":   "分宜县2023年收到行政复议申请,其中受理多少件?",
		"87.3%": "分宜县2023年实质性化解率是多少?",
		"122名":  "分宜县2023年各乡镇共挑选多少名精干力量作为综合行政执法人员?",
		"165名":  "分宜县2022年全县27个社区皆培养了多少名“法律明白人”骨干?",
		"第一批":   "分宜县2023年系全省第几批行政复议体制改革试点县之一?",
	} {
		found := false
		for _, e := range entries {
			found = found || e.Figure == fact && e.Title == title
		}
		if !found {
			t.Errorf("no entry of %s titled %s", fact, title)
		}
	}

	var out bytes.Buffer
	if n, err := Knowledge(docs, FormatJSON, &out); err != nil || n != facts {
		t.Fatalf("JSON: %d, %v", n, err)
	}
	var fromJSON []Entry
	if err := json.Unmarshal(out.Bytes(), &fromJSON); err != nil || len(fromJSON) != facts || entry84(t, fromJSON) != want {
		t.Errorf("JSON: %v, %d entries", err, len(fromJSON))
	}
	out.Reset()
	if n, err := Knowledge(docs, FormatCSV, &out); err != nil || n != facts || !strings.HasPrefix(out.String(), "\ufeff") {
		t.Fatalf("CSV: %d, %v, no byte-order mark", n, err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != facts+1 {
		t.Fatalf("CSV: %v, %d rows", err, len(rows))
	}
	header := strings.Join(rows[0], ",")
	if header != "编号,标题,内容,适用范围,分类,生效日期,失效日期,来源,报告,发布单位,年度,章节,章节标题,发布日期,数字,原文" {
		t.Errorf("CSV header %s", header)
	}
	found := false
	for _, r := range rows[1:] {
		found = found || r[0] == want.ID && r[1] == want.Title && r[2] == want.Content && r[3] == "分宜县" && r[10] == "2023" && r[11] == "一(六)1" && r[13] == "2025-06-25"
	}
	if !found {
		t.Error("no CSV row of the 84件 entry")
	}
	if _, err := Knowledge([]*knowledge.Document{}, "xml", &out); err == nil {
		t.Error("exported as xml")
	}
}
