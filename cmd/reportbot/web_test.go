package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"reportbot/internal/redistest"
)

// startWeb runs serve with no bot token: the web chat alone.
func startWeb(t *testing.T, env map[string]string) *served {
	t.Helper()
	e := map[string]string{"REPORTBOT_LISTEN": freeAddr(t), "LOG_LEVEL": "debug"}
	for k, v := range env {
		e[k] = v
	}
	s := runServe(t, nil, e)
	get(t, "http://"+s.addr+"/healthz") // listening
	return s
}

// webReply is a reply of the API: an answer's fields, or an error.
type webReply struct {
	Status       int
	Header       http.Header
	Answer       string `json:"answer"`
	Found        bool   `json:"found"`
	Fallback     string `json:"fallback"`
	Conversation string `json:"conversation"`
	Ref          string `json:"ref"`
	Error        string `json:"error"`
	RetryAfter   int    `json:"retry_after"`
	Result       string `json:"result"`
	Message      string `json:"message"`
	Lines        []struct {
		Text   string `json:"text"`
		Source bool   `json:"source"`
	} `json:"lines"`
	Citations []struct {
		Section string `json:"section"`
		Quote   string `json:"quote"`
	} `json:"citations"`
}

// lead is the answer's first line.
func (r webReply) lead() string {
	if len(r.Lines) == 0 {
		return ""
	}
	return r.Lines[0].Text
}

// call sends a request to serve's API and reads its JSON reply.
func call(t *testing.T, method, url string, header map[string]string, body string) webReply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := webReply{Status: resp.StatusCode, Header: resp.Header}
	if len(raw) > 0 && resp.Header.Get("Content-Type") == "application/json; charset=utf-8" {
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return r
}

func askWeb(t *testing.T, s *served, conv, question string, header map[string]string) webReply {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"question": question, "conversation": conv})
	return call(t, "POST", "http://"+s.addr+"/api/ask", header, string(body))
}

// TestWebAsk: the page is served safe, and the API answers with the figure
// asked for first, cited, and keeps the conversation for a follow-up.
func TestWebAsk(t *testing.T) {
	t.Parallel()
	s := startWeb(t, nil)
	resp, err := http.Get("http://" + s.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != 200 || !strings.Contains(string(page), "/app.js") || !strings.Contains(csp, "script-src 'self'") ||
		strings.Contains(csp, "unsafe") || !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Fatalf("GET /: %d, CSP %q", resp.StatusCode, csp)
	}
	if strings.Contains(string(page), "<script>") || strings.Contains(string(page), "http://") || strings.Contains(string(page), "https://") {
		t.Error("the page has inline script or loads from another host")
	}
	first := askWeb(t, s, "", "行政复议收到多少件申请?", nil)
	if first.Status != 200 || !strings.Contains(first.lead(), "84件") || len(first.Citations) == 0 || first.Citations[0].Section != "一(六)1" ||
		len(first.Conversation) < 8 || len(first.Ref) != 16 {
		t.Fatalf("first answer: %+v", first)
	}
	next := askWeb(t, s, first.Conversation, "那受理了几件?", nil)
	if next.Status != 200 || !strings.Contains(next.lead(), "68件") || next.Conversation != first.Conversation {
		t.Fatalf("follow-up: %+v", next)
	}
	// Another conversation has no earlier turn to follow.
	other := askWeb(t, s, "", "那受理了几件?", nil)
	if other.Conversation == first.Conversation {
		t.Error("a new conversation got the same ID")
	}
	_, metrics := get(t, "http://"+s.addr+"/metrics")
	if !strings.Contains(metrics, `reportbot_answers_total{channel="web",found="true",mode="extractive"} 3`) {
		t.Errorf("metrics do not count the web's answers:\n%s", grepLines(metrics, "answers_total"))
	}
	if !strings.Contains(s.stderr.String(), "channel=web") {
		t.Error("the logs do not say the channel")
	}
}

func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestWebBadInput: each bad request gets a clear JSON error and changes
// nothing: the conversation still follows on from its last answer.
func TestWebBadInput(t *testing.T) {
	t.Parallel()
	s := startWeb(t, nil)
	first := askWeb(t, s, "", "行政复议收到多少件申请?", nil)
	url := "http://" + s.addr + "/api/ask"
	huge := `{"question":"` + strings.Repeat("问", 30000) + `"}`
	for _, c := range []struct {
		name, body string
		header     map[string]string
		status     int
		says       string
	}{
		{"bad JSON", `{"question":`, nil, 400, "JSON"},
		{"not JSON", `question=x`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "application/json"},
		{"over 64 KB", huge, nil, 413, "太长"},
		{"too long", `{"question":"` + strings.Repeat("受理", 300) + `","conversation":"` + first.Conversation + `"}`, nil, 422, "问题太长了"},
		{"empty", `{"question":"  ","conversation":"` + first.Conversation + `"}`, nil, 400, "请发一个关于报告的问题"},
		{"bad conversation", `{"question":"受理了几件?","conversation":"../../x"}`, nil, 400, "会话编号无效"},
	} {
		r := call(t, "POST", url, c.header, c.body)
		if r.Status != c.status || !strings.Contains(r.Error, c.says) {
			t.Errorf("%s: %d %q, want %d saying %q", c.name, r.Status, r.Error, c.status, c.says)
		}
	}
	if next := askWeb(t, s, first.Conversation, "那受理了几件?", nil); !strings.Contains(next.lead(), "68件") {
		t.Errorf("after bad requests the follow-up answers %q", next.lead())
	}
}

// TestWebRateLimit: a client over its limit is told when to come back; a
// client is its address, or behind a trusted proxy the address the proxy
// names, and a header from anyone else changes nothing.
func TestWebRateLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		proxies string
		split   bool // whether two X-Forwarded-For addresses are two clients
	}{{"direct", "", false}, {"behind a proxy", "127.0.0.1", true}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"REPORTBOT_RATE_PER_MINUTE": "2"}
			if c.proxies != "" {
				env["REPORTBOT_TRUSTED_PROXIES"] = c.proxies
			}
			s := startWeb(t, env)
			as := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
			for i := range 2 {
				if r := askWeb(t, s, "", "行政复议收到多少件申请?", as("203.0.113.7")); r.Status != 200 {
					t.Fatalf("question %d: %d %q", i+1, r.Status, r.Error)
				}
			}
			r := askWeb(t, s, "", "行政复议收到多少件申请?", as("203.0.113.7"))
			if r.Status != 429 || !strings.Contains(r.Error, "提问太频繁了") || r.RetryAfter < 1 || r.Header.Get("Retry-After") == "" {
				t.Fatalf("third question: %d %q retry %d", r.Status, r.Error, r.RetryAfter)
			}
			other := askWeb(t, s, "", "行政复议收到多少件申请?", as("198.51.100.9"))
			if (other.Status == 200) != c.split {
				t.Errorf("another forwarded address: %d %q", other.Status, other.Error)
			}
			_, metrics := get(t, "http://"+s.addr+"/metrics")
			if !strings.Contains(metrics, `reportbot_rate_limited_total{channel="web"}`) {
				t.Error("metrics do not count the web's limited questions")
			}
		})
	}
}

// TestWebCORS: the allowed sites may call the API and frame the page;
// another site's browser gets no answer to read.
func TestWebCORS(t *testing.T) {
	t.Parallel()
	const site = "https://www.fenyi.gov.cn"
	s := startWeb(t, map[string]string{"REPORTBOT_WEB_ORIGINS": site + ", https://zwfw.example.cn"})
	url := "http://" + s.addr + "/api/ask"
	pre := func(origin string) webReply {
		return call(t, "OPTIONS", url, map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "content-type"}, "")
	}
	if r := pre(site); r.Status != 204 || r.Header.Get("Access-Control-Allow-Origin") != site ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight from %s: %d %v", site, r.Status, r.Header)
	}
	if r := pre("https://evil.example"); r.Status != 403 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another site: %d %v", r.Status, r.Header)
	}
	body := `{"question":"行政复议收到多少件申请?"}`
	if r := call(t, "POST", url, map[string]string{"Origin": site}, body); r.Status != 200 || r.Header.Get("Access-Control-Allow-Origin") != site ||
		!strings.Contains(r.lead(), "84件") {
		t.Errorf("POST from %s: %d %v", site, r.Status, r.Header)
	}
	if r := call(t, "POST", url, map[string]string{"Origin": "https://evil.example"}, body); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("POST from another site is readable: %v", r.Header)
	}
	resp, err := http.Get("http://" + s.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' "+site+" https://zwfw.example.cn") {
		t.Errorf("the allowed sites may not frame the page: %q", csp)
	}
	if code, js := get(t, "http://"+s.addr+"/widget.js"); code != 200 || !strings.Contains(js, "iframe") {
		t.Errorf("GET /widget.js: %d", code)
	}
}

// TestWebFeedbackAndReport: votes go to the same store as Telegram's, one a
// conversation; sections and facts are served as the report has them.
func TestWebFeedbackAndReport(t *testing.T) {
	t.Parallel()
	s := startWeb(t, nil)
	a := askWeb(t, s, "", "行政复议受理了多少件?", nil)
	vote := func(ref, conv string, up bool) webReply {
		body, _ := json.Marshal(map[string]any{"ref": ref, "conversation": conv, "up": up})
		return call(t, "POST", "http://"+s.addr+"/api/feedback", nil, string(body))
	}
	for i, want := range []string{"counted", "withdrawn", "counted", "changed"} {
		if r := vote(a.Ref, a.Conversation, i < 3); r.Status != 200 || r.Result != want || r.Message == "" {
			t.Errorf("vote %d: %d %q %q, want %s", i+1, r.Status, r.Result, r.Message, want)
		}
	}
	if r := vote("0123456789abcdef", a.Conversation, true); r.Result != "unknown" {
		t.Errorf("a vote on no answer: %q", r.Result)
	}
	if r := vote("<b>", a.Conversation, true); r.Status != 400 || r.Error == "" {
		t.Errorf("a forged ref: %d %q", r.Status, r.Error)
	}
	_, metrics := get(t, "http://"+s.addr+"/metrics")
	if !strings.Contains(metrics, `reportbot_feedback_total{channel="web",vote="up"} 2`) ||
		!strings.Contains(metrics, `reportbot_feedback_total{channel="web",vote="down"} 1`) {
		t.Errorf("feedback metrics:\n%s", grepLines(metrics, "feedback_total"))
	}

	var list struct {
		Sections []struct{ ID, Heading, Report string }
	}
	code, body := get(t, "http://"+s.addr+"/api/sections")
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Sections) < 20 {
		t.Fatalf("GET /api/sections: %d %v", code, err)
	}
	var sec struct{ ID, Heading, Report, Text string }
	code, body = get(t, "http://"+s.addr+"/api/sections/"+"%E4%B8%80%28%E5%85%AD%29" /* 一(六) */ +"?report="+
		"%E5%88%86%E5%AE%9C%E5%8E%BF2023%E5%B9%B4%E6%B3%95%E6%B2%BB%E6%94%BF%E5%BA%9C%E5%BB%BA%E8%AE%BE%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A")
	if err := json.Unmarshal([]byte(body), &sec); code != 200 || err != nil || sec.ID != "一(六)" || !strings.Contains(sec.Text, "其中受理68件") {
		t.Errorf("GET /api/sections/一(六): %d %+v", code, sec)
	}
	if r := call(t, "GET", "http://"+s.addr+"/api/sections/九(九)", nil, ""); r.Status != 404 || r.Error == "" {
		t.Errorf("an unknown section: %d %q", r.Status, r.Error)
	}
	var facts []struct{ Section, Text, Measure string }
	code, body = get(t, "http://"+s.addr+"/api/facts")
	if err := json.Unmarshal([]byte(body), &facts); code != 200 || err != nil {
		t.Fatalf("GET /api/facts: %d %v", code, err)
	}
	found := false
	for _, f := range facts {
		found = found || f.Section == "一(六)1" && f.Text == "68件" && strings.Contains(f.Measure, "受理")
	}
	if !found {
		t.Error("the fact table lacks 受理68件 of 一(六)1")
	}
}

// TestWebSharesRedis: two serve processes on one Redis keep one
// conversation: a follow-up asked of the other still follows.
func TestWebSharesRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	env := map[string]string{"REDIS_URL": srv.URL()}
	a, b := startWeb(t, env), startWeb(t, env)
	first := askWeb(t, a, "", "行政复议收到多少件申请?", nil)
	if next := askWeb(t, b, first.Conversation, "那受理了几件?", nil); !strings.Contains(next.lead(), "68件") {
		t.Errorf("the follow-up on the other replica: %q", next.lead())
	}
	if !bytes.Contains([]byte(first.Answer), []byte("84件")) {
		t.Errorf("first answer %q", first.Answer)
	}
}

// TestWebModelDown: a model that lies or is down is not shown: the page
// still gets the report's own words, the figure asked for first, with the
// fallback named.
func TestWebModelDown(t *testing.T) {
	t.Parallel()
	var asked atomic.Int64
	lie := strings.Replace(select84(t), "收到…行政复议申请", "受理", 1) // 收到84件, selected for 受理了多少件
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if asked.Add(1) == 1 { // first a lie with the report's own figure, said of the wrong thing
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, completion(lie))
			return
		}
		http.Error(w, "down", http.StatusBadRequest) // then down, and not worth a retry
	}))
	defer down.Close()
	s := startWeb(t, map[string]string{"OPENAI_BASE_URL": down.URL + "/v1", "OPENAI_API_KEY": "k"})
	for _, q := range []string{"行政复议受理了多少件?", "行政复议收到多少件申请?"} {
		body, _ := json.Marshal(map[string]string{"question": q})
		r := call(t, "POST", "http://"+s.addr+"/api/ask", nil, string(body))
		want := map[bool]string{true: "68件", false: "84件"}[strings.Contains(q, "受理")]
		if r.Status != 200 || !strings.Contains(r.lead(), want) || strings.Contains(r.lead(), "受理了84件") {
			t.Errorf("%s: %d %q", q, r.Status, r.lead())
		}
		if r.Fallback == "" {
			t.Errorf("%s: no fallback named", q)
		}
	}
	if asked.Load() < 2 {
		t.Errorf("the model was asked %d times: the fallback path was not driven", asked.Load())
	}
	// The lie reached validation and was refused there, for the figure it
	// selected: not for its form.
	if _, metrics := get(t, "http://"+s.addr+"/metrics"); !strings.Contains(metrics, `reportbot_selections_refused_total{reason="another_figure"} 1`) {
		t.Errorf("the lie was not refused as another figure:\n%s", grepLines(metrics, "refused_total"))
	}
}
