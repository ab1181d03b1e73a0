package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"reportbot/internal/modelfake"
	"reportbot/internal/redistest"
	"reportbot/internal/testreport"
)

// select84 is a model's selection of 收到84件 for 行政复议收到多少件申请?,
// as the embedded report's prompt lists its facts.
func select84(t testing.TB) string {
	t.Helper()
	docs := testreport.Seed(t)
	return modelfake.Selecting(docs[0], "一(六)1", "84件")
}

// completion is an OpenAI chat completion whose message is content.
func completion(content string) string {
	return `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":` + strconv.Quote(content) + `},"finish_reason":"stop"}]}`
}

// runCLI runs the program as a user would, with no environment at all.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

type jsonAnswer struct {
	Question  string `json:"question"`
	Answer    string `json:"answer"`
	Found     *bool  `json:"found"`
	Mode      string `json:"mode"`
	Citations []struct {
		Section string `json:"section"`
		Heading string `json:"heading"`
		Quote   string `json:"quote"`
	} `json:"citations"`
}

func decode(t *testing.T, line string) jsonAnswer {
	t.Helper()
	var a jsonAnswer
	dec := json.NewDecoder(strings.NewReader(line))
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("decode %q: %v", line, err)
	}
	if a.Found == nil || a.Citations == nil || a.Mode != "extractive" {
		t.Fatalf("answer %q lacks found, citations or mode", line)
	}
	return a
}

func TestAskJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "--json", "行政复议收到多少件申请?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a := decode(t, out)
	if a.Question != "行政复议收到多少件申请?" || !*a.Found || !strings.Contains(a.Answer, "84件") {
		t.Errorf("answer = %+v", a)
	}
	if len(a.Citations) != 1 || a.Citations[0].Section != "一(六)1" || a.Citations[0].Heading != "持续深化行政复议改革成果" ||
		!strings.Contains(a.Citations[0].Quote, "收到84件行政复议申请") {
		t.Errorf("citations = %+v", a.Citations)
	}
}

func TestAskPlain(t *testing.T) {
	code, out, _ := runCLI(t, "", "ask", "法律咨询", "有多少人次?")
	if code != 0 || !strings.Contains(out, "4727人次") || !strings.Contains(out, "来源:一(六)4 全面完善现代公共法律服务体系") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "ask", "--json", "分宜县的GDP是多少?")
	if a := decode(t, out); code != 0 || *a.Found || len(a.Citations) != 0 {
		t.Errorf("exit %d: %+v", code, a)
	}
}

func TestChat(t *testing.T) {
	in := "行政复议收到多少件申请?\n那受理了几件?\n\n免罚清单适用了多少案件?\n金额呢?\n"
	code, out, errOut := runCLI(t, in, "chat", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{"84件", "68件", "", "1996件", "185.351万元"}
	if len(lines) != len(want) {
		t.Fatalf("%d answers for %d lines:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		a := decode(t, lines[i])
		if w == "" {
			if *a.Found {
				t.Errorf("blank line answered: %+v", a)
			}
			continue
		}
		if !strings.Contains(a.Answer, w) {
			t.Errorf("answer %d lacks %s: %s", i, w, a.Answer)
		}
	}
}

func TestSections(t *testing.T) {
	code, out, _ := runCLI(t, "", "sections")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 47 || lines[0] != "前言\t前言" || !strings.Contains(out, "\n      一(六)5三是\t提升普法针对性\n") {
		t.Errorf("exit %d, %d lines:\n%s", code, len(lines), out)
	}
}

func TestReports(t *testing.T) {
	code, out, errOut := runCLI(t, "", "ask", "--report", "../../knowledge/testdata/report.md", "法律咨询多少人次")
	if code != 0 || !strings.Contains(out, "5000人次") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "sections", "--report", "../../knowledge/testdata/report.md", "--report", "../../knowledge/testdata/linxiang-2024.html")
	if code != 0 || strings.Count(out, "# 示例县2024年法治政府建设年度报告") != 1 || !strings.Contains(out, "# 临湘市") {
		t.Errorf("two reports: exit %d:\n%s", code, out)
	}
	// The same report saved twice (as Markdown and as a web page) is one
	// report: refused, naming both files.
	code, _, errOut = runCLI(t, "", "sections", "--report", "../../knowledge/testdata/report.md", "--report", "../../knowledge/testdata/report.html")
	if code != 1 || !strings.Contains(errOut, "report.md and ../../knowledge/testdata/report.html are the same report") {
		t.Errorf("the same report twice: exit %d: %s", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("报告\n\n二、错位\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "", "ask", "--report", "../../knowledge/testdata/report.md", "--report", bad, "问题")
	if code != 1 || out != "" || !strings.Contains(errOut, bad+":3: heading") {
		t.Errorf("malformed report: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{nil, 2, "Usage:"},
		{[]string{"fly"}, 2, `unknown command "fly"`},
		{[]string{"ask"}, 2, "no question"},
		{[]string{"ask", "--bogus", "x"}, 2, "flag provided but not defined"},
		{[]string{"eval", "--set", "missing.jsonl"}, 1, "missing.jsonl"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.err) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.err)
		}
	}
	code, out, _ := runCLI(t, "", "ask", "--json", strings.Repeat("长", 10000))
	if a := decode(t, out); code != 0 || *a.Found || !strings.Contains(a.Answer, "问题太长") {
		t.Errorf("10 000 characters: exit %d, %+v", code, a)
	}
}

// TestEvalWithModel runs eval against a careless model: every selection
// it gives names a fact the prompt did not list, so each is refused,
// accuracy is what the report's own answers reach, and eval says how many
// selections were refused, by reason.
func TestEvalWithModel(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, completion(`{"kind":"value","facts":["F999"],"sentences":[],"field":"","restated":"共999件"}`))
	}))
	defer srv.Close()
	env := map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_API_KEY": "k", "OPENAI_MODEL": "m"}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"eval", "--set", "../../testdata/gold.jsonl"}, func(k string) string { return env[k] },
		strings.NewReader(""), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	_, plain, _ := runCLI(t, "", "eval", "--set", "../../testdata/gold.jsonl")
	overall := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "overall") {
				return l
			}
		}
		return ""
	}
	if overall(out.String()) == "" || overall(out.String()) != overall(plain) {
		t.Errorf("with the model: %q\nwithout: %q", overall(out.String()), overall(plain))
	}
	re := regexp.MustCompile(`language model: 0 answers from its selections, (\d+) selections refused map\[unknown_id:\d+\], (\d+) fell back`)
	m := re.FindStringSubmatch(out.String())
	if m == nil || m[1] == "0" || m[2] == "0" || strings.Contains(out.String(), "999") {
		t.Errorf("eval output:\n%s", out.String())
	}
	if requests.Load() == 0 {
		t.Error("the model was never asked")
	}
}

// TestRedisConversation: with REDIS_URL, a conversation goes on across
// runs with --conversation.
func TestRedisConversation(t *testing.T) {
	srv := redistest.Start(t)
	env := func(k string) string {
		if k == "REDIS_URL" {
			return srv.URL()
		}
		return ""
	}
	runEnv := func(args ...string) string {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, env, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		return out.String()
	}
	runEnv("ask", "--conversation", "alice", "惠企政策兑现了多少件?")
	if out := runEnv("ask", "--conversation", "alice", "金额呢?"); !strings.Contains(out, "11.47亿元") {
		t.Errorf("follow-up in a second run:\n%s", out)
	}
	// Without alice's topic, 金额 is the only amount the report calls so.
	if out := runEnv("ask", "--conversation", "bob", "金额呢?"); strings.Contains(out, "11.47亿元") || !strings.Contains(out, "185.351万元") {
		t.Errorf("another conversation followed alice's:\n%s", out)
	}
	code, _, errOut := runCLI(t, "", "ask", "--redis-url", "redis//x", "问题")
	if code != 2 || !strings.Contains(errOut, "REDIS_URL") || !strings.Contains(errOut, "expected redis://host:port/db") {
		t.Errorf("bad REDIS_URL: exit %d, %q", code, errOut)
	}
}

// TestTwoYears: with this year's and next year's reports loaded, a question
// that names a year is answered from that year's report.
func TestTwoYears(t *testing.T) {
	reports := []string{"--report", "../../knowledge/reports/fenyi-2023-rule-of-law-report.txt", "--report", "../../knowledge/testdata/report.md"}
	tests := []struct{ q, want, report string }{
		{"2023年行政复议收到多少件申请?", "84件", "分宜县2023年法治政府建设年度报告"},
		{"2024年行政复议收到多少件申请?", "120件", "示例县2024年法治政府建设年度报告"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "", append(append([]string{"ask", "--json"}, reports...), tt.q)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var a struct {
			Answer    string
			Citations []struct{ Report string }
		}
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(a.Answer, tt.want) || len(a.Citations) == 0 || a.Citations[0].Report != tt.report {
			t.Errorf("%s: %+v", tt.q, a)
		}
	}
}

// TestRunWiresDefaults: run builds its clients with every default, so a
// model that answers 429 once is retried (llm.DefaultRetries) and its
// answer given, with the default model and reply length asked for.
func TestRunWiresDefaults(t *testing.T) {
	var requests atomic.Int64
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body.Store(string(b))
		if requests.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"error":{"message":"slow down"}}`, http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, completion(select84(t)))
	}))
	defer srv.Close()
	env := map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_API_KEY": "k"}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"ask", "--json", "行政复议收到多少件申请?"}, func(k string) string { return env[k] },
		strings.NewReader(""), &out, &errOut)
	var a jsonAnswer
	json.Unmarshal(out.Bytes(), &a)
	if code != 0 || a.Mode != "llm" || requests.Load() != 2 {
		t.Errorf("exit %d, mode %s after %d requests; the 429 was not retried:\n%s%s", code, a.Mode, requests.Load(), out.String(), errOut.String())
	}
	if b, _ := body.Load().(string); !strings.Contains(b, `"model":"gpt-4o-mini"`) || !strings.Contains(b, `"max_tokens":600`) {
		t.Errorf("request without the default model or reply length: %s", b)
	}
}
