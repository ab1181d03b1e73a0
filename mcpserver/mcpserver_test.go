package mcpserver_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/internal/synth"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
	"reportbot/mcpserver"
)

// seedPlusJia are the seed report and a synthetic county's, its counts
// half again (收到126件行政复议申请).
func seedPlusJia(t *testing.T) []*knowledge.Document {
	t.Helper()
	seed, err := os.ReadFile("../knowledge/reports/fenyi-2023-rule-of-law-report.txt")
	if err != nil {
		t.Fatal(err)
	}
	return []*knowledge.Document{testreport.Seed(t)[0], testreport.Parse(t, "jia.txt", []byte(synth.Report(string(seed), "甲一东县", 2023, 1.5)))}
}

// newServer is a Server of docs, answering with no memory and no model.
func newServer(t *testing.T, mem answer.Memory, docs ...*knowledge.Document) *mcpserver.Server {
	t.Helper()
	ans := &answer.Answerer{Index: knowledge.NewIndex(docs...), Memory: mem}
	return mcpserver.New(mcpserver.Config{}, ans, docs, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// connect is a client of h over streamable HTTP, as an assistant connects
// to serve's /mcp, sending the headers set (none when nil).
func connect(t *testing.T, h http.Handler, header http.Header) *mcp.ClientSession {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	transport := &mcp.StreamableClientTransport{Endpoint: ts.URL, HTTPClient: &http.Client{Transport: withHeader{header}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(context.Background(), transport, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// withHeader sends every request with its headers.
type withHeader struct{ h http.Header }

func (w withHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, vs := range w.h {
		r.Header[k] = vs
	}
	return http.DefaultTransport.RoundTrip(r)
}

// call calls a tool, failing the test on a protocol error; a tool error is
// the result's.
func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	return res
}

// textOf is a result's text content.
func textOf(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	var parts []string
	for _, c := range res.Content {
		tc, ok := c.(*mcp.TextContent)
		if !ok {
			t.Fatalf("content %T, want text", c)
		}
		parts = append(parts, tc.Text)
	}
	return strings.Join(parts, "\n")
}

// ok is a result that is no tool error, its structured content decoded
// into out.
func ok(t *testing.T, res *mcp.CallToolResult, out any) string {
	t.Helper()
	text := textOf(t, res)
	if res.IsError {
		t.Fatalf("tool error: %s", text)
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
	return text
}

// toolError is a result that is a tool error, and its message.
func toolError(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	text := textOf(t, res)
	if !res.IsError {
		t.Fatalf("no tool error: %s", text)
	}
	return text
}

// TestToolsOverHTTP: an MCP client over streamable HTTP finds the four
// tools, read-only, and each answers from the seed report with its
// figures, sections and quotes.
func TestToolsOverHTTP(t *testing.T) {
	cs := connect(t, newServer(t, nil, testreport.Seed(t)...).Handler(nil), nil)

	list, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	required := map[string][]string{"ask": {"question"}, "search_facts": {"query"}, "get_section": {"section"}, "list_reports": nil}
	properties := map[string][]string{"ask": {"question", "report"}, "search_facts": {"limit", "place", "query", "year"}, "get_section": {"report", "section"}}
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
		var schema struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
			Required   []string       `json:"required"`
		}
		b, _ := json.Marshal(tool.InputSchema)
		if err := json.Unmarshal(b, &schema); err != nil || schema.Type != "object" {
			t.Errorf("%s: input schema %s", tool.Name, b)
		}
		if props := slices.Sorted(maps.Keys(schema.Properties)); !slices.Equal(props, properties[tool.Name]) {
			t.Errorf("%s: properties %v, want %v", tool.Name, props, properties[tool.Name])
		}
		if !slices.Equal(schema.Required, required[tool.Name]) {
			t.Errorf("%s: required %v, want %v", tool.Name, schema.Required, required[tool.Name])
		}
		if a := tool.Annotations; a == nil || !a.ReadOnlyHint || !a.IdempotentHint || a.DestructiveHint == nil || *a.DestructiveHint {
			t.Errorf("%s: annotations %+v; want read-only, idempotent, not destructive", tool.Name, a)
		}
		if tool.OutputSchema == nil {
			t.Errorf("%s: no output schema", tool.Name)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"ask", "get_section", "list_reports", "search_facts"}) {
		t.Errorf("tools %v", names)
	}

	var answered mcpserver.AskOutput
	text := ok(t, call(t, cs, "ask", map[string]any{"question": "行政复议收到多少件申请?"}), &answered)
	first, _, _ := strings.Cut(text, "\n")
	if !strings.Contains(first, "84件") || !answered.Found || answered.Answer != text {
		t.Errorf("ask: %q, %+v", text, answered)
	}
	if len(answered.Citations) != 1 || answered.Citations[0].Section != "一(六)1" || answered.Citations[0].Report != "分宜县-2023" ||
		!strings.Contains(answered.Citations[0].Quote, "收到84件行政复议申请") {
		t.Errorf("ask citations: %+v", answered.Citations)
	}

	var found mcpserver.SearchFactsOutput
	text = ok(t, call(t, cs, "search_facts", map[string]any{"query": "行政复议"}), &found)
	i := slices.IndexFunc(found.Facts, func(f mcpserver.Fact) bool { return f.Figure == "84件" })
	if i < 0 || found.Facts[i].Section != "一(六)1" || found.Facts[i].Counts != "收到…行政复议申请" || found.Facts[i].Report != "分宜县-2023" ||
		!strings.Contains(found.Facts[i].Sentence, "收到84件行政复议申请") || !strings.Contains(text, "84件 — 收到…行政复议申请") {
		t.Errorf("search_facts 行政复议: %s\n%+v", text, found.Facts)
	}
	for _, f := range found.Facts {
		if !strings.Contains(f.Sentence+f.Heading, "行政复议") {
			t.Errorf("search_facts 行政复议 found %s in %q", f.Figure, f.Sentence)
		}
	}
	ok(t, call(t, cs, "search_facts", map[string]any{"query": "行政复议 受理", "limit": 1}), &found)
	if len(found.Facts) != 1 || found.Facts[0].Figure != "68件" || found.Facts[0].Of != "收到…行政复议申请" || found.Matched < 3 {
		t.Errorf("search_facts 行政复议 受理, limit 1: %+v", found)
	}

	var sec mcpserver.SectionOutput
	for _, id := range []string{"一(六)1", "一(六)1"} { // as printed, and typed with full-width brackets
		text = ok(t, call(t, cs, "get_section", map[string]any{"section": id}), &sec)
		if !strings.Contains(text, "收到84件行政复议申请") || sec.Section != "一(六)1" || sec.Heading != "持续深化行政复议改革成果" || !strings.Contains(sec.Text, "收到84件行政复议申请") {
			t.Errorf("get_section %s: %q, %+v", id, text, sec)
		}
	}

	var reports mcpserver.ListReportsOutput
	text = ok(t, call(t, cs, "list_reports", nil), &reports)
	if len(reports.Reports) != 1 || reports.Reports[0].Place != "分宜县" || reports.Reports[0].Year != 2023 || reports.Reports[0].ID != "分宜县-2023" ||
		reports.Reports[0].Publisher != "分宜县人民政府" || reports.Reports[0].Level != "县" || !strings.Contains(text, "分宜县2023年法治政府建设年度报告") {
		t.Errorf("list_reports: %q, %+v", text, reports)
	}
}

// TestToolErrors: input a tool cannot use is a tool error that says what
// to give instead, not a protocol error.
func TestToolErrors(t *testing.T) {
	cs := connect(t, newServer(t, nil, testreport.Seed(t)...).Handler(nil), nil)
	tests := []struct {
		tool string
		args map[string]any
		want []string // in the message
	}{
		{"get_section", map[string]any{"section": "九(九)9"}, []string{`no section "九(九)9"`, "分宜县-2023", "一(六)1", "一 主要举措和成效"}},
		{"get_section", map[string]any{"section": " "}, []string{"no section given", "一(六)1"}},
		{"get_section", map[string]any{"section": "一(六)1", "report": "乙县-2020"}, []string{`no report is called "乙县-2020"`, "分宜县-2023"}},
		{"ask", map[string]any{"question": "  "}, []string{"请发一个关于报告的问题"}},
		{"ask", map[string]any{"question": "行政复议收到多少件申请?", "report": "nowhere"}, []string{"nowhere", "分宜县-2023", "list"}},
		{"ask", map[string]any{}, []string{"question"}}, // the schema's required field
		{"search_facts", map[string]any{"query": ""}, []string{"no query"}},
		{"search_facts", map[string]any{"query": "行政复议", "year": 1999}, []string{"1999年", "分宜县-2023"}},
	}
	for _, tt := range tests {
		msg := toolError(t, call(t, cs, tt.tool, tt.args))
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s %v: %q lacks %q", tt.tool, tt.args, msg, w)
			}
		}
	}
	var found mcpserver.SearchFactsOutput
	if text := ok(t, call(t, cs, "search_facts", map[string]any{"query": "航天飞机"}), &found); len(found.Facts) != 0 || !strings.Contains(text, "No figure") {
		t.Errorf("search_facts of nothing the reports say: %q, %+v", text, found)
	}
}

// TestReportScope: with two reports loaded, ask, get_section and
// search_facts keep to the report named; a section both have is not
// guessed at.
func TestReportScope(t *testing.T) {
	cs := connect(t, newServer(t, nil, seedPlusJia(t)...).Handler(nil), nil)
	var reports mcpserver.ListReportsOutput
	ok(t, call(t, cs, "list_reports", nil), &reports)
	var ids []string
	for _, r := range reports.Reports {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"分宜县-2023", "甲一东县-2023"}) {
		t.Fatalf("report IDs %v", ids)
	}
	for _, tt := range []struct{ report, want, not string }{{"甲一东县-2023", "126件", "84件"}, {"分宜县-2023", "84件", "126件"}} {
		var answered mcpserver.AskOutput
		text := ok(t, call(t, cs, "ask", map[string]any{"question": "行政复议收到多少件申请?", "report": tt.report}), &answered)
		first, _, _ := strings.Cut(text, "\n")
		if !strings.Contains(first, tt.want) || strings.Contains(text, tt.not) {
			t.Errorf("ask of %s: %q", tt.report, text)
		}
		for _, c := range answered.Citations {
			if c.Report != tt.report {
				t.Errorf("ask of %s cites %+v", tt.report, c)
			}
		}
		var sec mcpserver.SectionOutput
		ok(t, call(t, cs, "get_section", map[string]any{"section": "一(六)1", "report": tt.report}), &sec)
		if sec.Report != tt.report || !strings.Contains(sec.Text, "收到"+tt.want+"行政复议申请") {
			t.Errorf("get_section of %s: %+v", tt.report, sec)
		}
	}
	if msg := toolError(t, call(t, cs, "get_section", map[string]any{"section": "一(六)1"})); !strings.Contains(msg, "分宜县-2023, 甲一东县-2023") {
		t.Errorf("a section of both reports, none named: %q", msg)
	}
	var found mcpserver.SearchFactsOutput
	ok(t, call(t, cs, "search_facts", map[string]any{"query": "行政复议申请", "place": "甲一东县", "year": 2023, "limit": 50}), &found)
	if len(found.Facts) == 0 || !slices.ContainsFunc(found.Facts, func(f mcpserver.Fact) bool { return f.Figure == "126件" }) {
		t.Errorf("search_facts in 甲一东县: %+v", found.Facts)
	}
	for _, f := range found.Facts {
		if f.Report != "甲一东县-2023" || f.Place != "甲一东县" {
			t.Errorf("search_facts in 甲一东县 found %+v", f)
		}
	}
}

// TestSwap: after a reload, the tools answer from the new reports.
func TestSwap(t *testing.T) {
	srv := newServer(t, nil, testreport.Seed(t)...)
	cs := connect(t, srv.Handler(nil), nil)
	jia := seedPlusJia(t)[1:]
	srv.Swap(&answer.Answerer{Index: knowledge.NewIndex(jia...)}, jia)
	var reports mcpserver.ListReportsOutput
	ok(t, call(t, cs, "list_reports", nil), &reports)
	if len(reports.Reports) != 1 || reports.Reports[0].ID != "甲一东县-2023" {
		t.Errorf("list_reports after the swap: %+v", reports)
	}
	var answered mcpserver.AskOutput
	if text := ok(t, call(t, cs, "ask", map[string]any{"question": "行政复议收到多少件申请?"}), &answered); !strings.Contains(text, "126件") {
		t.Errorf("ask after the swap: %q", text)
	}
}

// askers is a memory that remembers nothing but who asked.
type askers struct {
	mu    sync.Mutex
	users []string
}

func (m *askers) Load(_ context.Context, k reply.Key) (reply.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users = append(m.users, k.User)
	return reply.Session{}, nil
}

func (m *askers) Save(context.Context, reply.Key, reply.Record) error { return nil }

// TestAuthorize: a request the hook refuses gets no tool; one it admits
// asks as the name it gives, whatever asker the client claims; with no
// hook, the client's address asks.
func TestAuthorize(t *testing.T) {
	mem := &askers{}
	srv := newServer(t, mem, testreport.Seed(t)...)
	keys := func(r *http.Request) (string, bool) {
		name, known := map[string]string{"k1": "alice"}[r.Header.Get("X-Test-Key")]
		return name, known
	}
	ts := httptest.NewServer(srv.Handler(keys))
	defer ts.Close()
	resp, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "API key") {
		t.Errorf("no key: %s %q", resp.Status, body)
	}
	transport := &mcp.StreamableClientTransport{Endpoint: ts.URL, HTTPClient: &http.Client{Transport: withHeader{http.Header{"X-Test-Key": {"wrong"}}}}}
	if cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(context.Background(), transport, nil); err == nil {
		cs.Close()
		t.Error("a wrong key connected")
	}

	cs := connect(t, srv.Handler(keys), http.Header{"X-Test-Key": {"k1"}, "X-Reportbot-Asker": {"key:mallory"}})
	ok(t, call(t, cs, "ask", map[string]any{"question": "行政复议收到多少件申请?"}), &mcpserver.AskOutput{})
	open := connect(t, srv.Handler(nil), nil)
	ok(t, call(t, open, "ask", map[string]any{"question": "行政复议收到多少件申请?"}), &mcpserver.AskOutput{})
	mem.mu.Lock()
	defer mem.mu.Unlock()
	if !slices.Equal(mem.users, []string{"mcp:key:alice", "mcp:addr:127.0.0.1"}) {
		t.Errorf("askers %q", mem.users)
	}
}
