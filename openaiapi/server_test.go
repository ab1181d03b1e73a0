package openaiapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/internal/logtest"
	"reportbot/internal/testreport"
	"reportbot/knowledge"
)

// The keys of the tests' sites.
const (
	keyA = "sk-test-site-a-0123456789abcdef"
	keyB = "sk-test-site-b-0123456789abcdef"
)

const (
	seedTitle     = "分宜县2023年法治政府建设年度报告"
	linxiangTitle = "临湘市2024年法治政府建设工作情况报告"
	seedModel     = "fenyixian-2023"
	linxiangModel = "linxiangshi-2024"
)

// observed records what the Observer is told.
type observed struct {
	mu   sync.Mutex
	seen []string // key code
}

func (o *observed) ObserveAPIRequest(key string, code int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, key+" "+strconv.Itoa(code))
}

func (o *observed) all() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.seen, ",")
}

// api is a Server under test, served over HTTP.
type api struct {
	*httptest.Server
	srv  *Server
	obs  *observed
	logs *logtest.Buffer
}

type setup struct {
	docs  []*knowledge.Document
	keys  []Key
	rate  int
	open  bool
	mem   answer.Memory
	limit int // MaxQuestionRunes
}

func start(t *testing.T, c setup) *api {
	t.Helper()
	if c.docs == nil {
		c.docs = testreport.Seed(t)
	}
	if c.keys == nil && !c.open {
		c.keys = []Key{{Name: "site-a", Secret: keyA}, {Name: "site-b", Secret: keyB}}
	}
	keys, err := NewKeys(c.keys, c.rate, c.open)
	if err != nil {
		t.Fatal(err)
	}
	a := &api{obs: &observed{}, logs: &logtest.Buffer{}}
	log := slog.New(slog.NewTextHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ans := &answer.Answerer{Index: knowledge.NewIndex(c.docs...), Memory: c.mem, Log: log, MaxQuestionRunes: c.limit}
	a.srv = New(Config{Keys: keys, Observer: a.obs}, ans, c.docs, log)
	mux := http.NewServeMux()
	a.srv.Register(mux)
	a.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		a.Close()
		for _, k := range []string{keyA, keyB} {
			if strings.Contains(a.logs.String(), k) || strings.Contains(a.obs.all(), k) {
				t.Errorf("a key is in the logs or metrics:\n%s\n%s", a.logs.String(), a.obs.all())
			}
		}
	})
	return a
}

// recorder keeps the raw body of the last response the client read.
type recorder struct {
	mu   sync.Mutex
	body []byte
	resp *http.Response
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.mu.Lock()
	r.body, r.resp = b, resp
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) last() ([]byte, *http.Response) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.body, r.resp
}

// client is go-openai's client of the API, with key.
func (a *api) client(key string) (*openai.Client, *recorder) {
	rec := &recorder{}
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = a.URL + "/v1"
	cfg.HTTPClient = &http.Client{Transport: rec, Timeout: 30 * time.Second}
	return openai.NewClientWithConfig(cfg), rec
}

func user(q string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: q}
}

// rawChoice is a choice as the JSON has it, with its extra fields.
type rawChoice struct {
	Message struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"message"`
	FinishReason string     `json:"finish_reason"`
	Citations    []citation `json:"citations"`
	Verified     *bool      `json:"verified"`
}

type rawCompletion struct {
	ID      string      `json:"id"`
	Object  string      `json:"object"`
	Created int64       `json:"created"`
	Model   string      `json:"model"`
	Choices []rawChoice `json:"choices"`
	Usage   *usage      `json:"usage"`
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// ask asks model through go-openai's client and returns its reply and the
// raw JSON's.
func (a *api) ask(t *testing.T, model string, msgs ...openai.ChatCompletionMessage) (openai.ChatCompletionResponse, rawCompletion) {
	t.Helper()
	c, rec := a.client(keyA)
	resp, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: model, Messages: msgs})
	if err != nil {
		t.Fatalf("%s: %v", model, err)
	}
	body, _ := rec.last()
	var raw rawCompletion
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return resp, raw
}

// TestChatCompletion: go-openai's client gets the report's answer, the
// figure asked first, and in the JSON's extra fields its citations and
// that its figures were checked.
func TestChatCompletion(t *testing.T) {
	a := start(t, setup{})
	resp, raw := a.ask(t, AllModel, user("行政复议收到多少件申请?"))
	if len(resp.Choices) != 1 {
		t.Fatalf("choices: %+v", resp.Choices)
	}
	content := resp.Choices[0].Message.Content
	if !strings.Contains(firstLine(content), "84件") || resp.Choices[0].Message.Role != "assistant" || resp.Choices[0].FinishReason != openai.FinishReasonStop {
		t.Errorf("answer: %+v", resp.Choices[0])
	}
	if !strings.HasPrefix(resp.ID, "chatcmpl-") || resp.Object != "chat.completion" || resp.Model != AllModel || time.Since(time.Unix(resp.Created, 0)) > time.Minute {
		t.Errorf("reply: id %q, object %q, model %q, created %d", resp.ID, resp.Object, resp.Model, resp.Created)
	}
	c := raw.Choices[0]
	if len(c.Citations) == 0 || c.Citations[0].Section != "一(六)1" || c.Citations[0].Report != seedTitle ||
		!strings.Contains(c.Citations[0].Quote, "收到84件行政复议申请") || c.Citations[0].Heading == "" {
		t.Errorf("citations: %+v", c.Citations)
	}
	if c.Verified == nil || !*c.Verified {
		t.Error("verified is not true")
	}
	if raw.Usage == nil || c.Message.Content != content {
		t.Errorf("raw reply: %+v", raw)
	}
	// The text is the CLI's: what `reportbot ask` prints.
	want, err := (&answer.Answerer{Index: knowledge.NewIndex(testreport.Seed(t)...)}).Ask(context.Background(), "cli", "行政复议收到多少件申请?")
	if err != nil || content != want.Text {
		t.Errorf("content %q, the CLI's %q (%v)", content, want.Text, err)
	}
	// Content parts of type text are a question too.
	parts := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, MultiContent: []openai.ChatMessagePart{
		{Type: openai.ChatMessagePartTypeText, Text: "法律咨询"}, {Type: openai.ChatMessagePartTypeText, Text: "有多少人次"}}}
	if resp, _ := a.ask(t, AllModel, parts); !strings.Contains(firstLine(resp.Choices[0].Message.Content), "4727人次") {
		t.Errorf("asked in content parts: %q", resp.Choices[0].Message.Content)
	}
	if got := a.obs.all(); got != "site-a 200,site-a 200" {
		t.Errorf("observed %q", got)
	}
	if !strings.Contains(a.logs.String(), "key=site-a") || !strings.Contains(a.logs.String(), "channel=api") {
		t.Errorf("the logs do not name the key and channel:\n%s", a.logs.String())
	}
}

// sse reads a streamed reply's events, the data of each.
func sse(t *testing.T, body []byte) []string {
	t.Helper()
	var events []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("not an event line: %q", line)
		}
		events = append(events, data)
	}
	return events
}

// TestStream: streamed, the deltas make the plain reply's content; the
// first says the role, the last chunk stops with the citations, and the
// stream ends in [DONE], sent as events are (no buffering by a proxy).
func TestStream(t *testing.T) {
	a := start(t, setup{})
	plain, _ := a.ask(t, AllModel, user("行政复议收到多少件申请?"))
	c, rec := a.client(keyA)
	st, err := c.CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{Model: AllModel, Messages: []openai.ChatCompletionMessage{user("行政复议收到多少件申请?")}, Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var text strings.Builder
	var roles []string
	var finish openai.FinishReason
	n := 0
	for {
		ch, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if ch.Object != "chat.completion.chunk" || !strings.HasPrefix(ch.ID, "chatcmpl-") || ch.Model != AllModel {
			t.Errorf("chunk %d: %+v", n, ch)
		}
		for _, c := range ch.Choices {
			text.WriteString(c.Delta.Content)
			if c.Delta.Role != "" {
				roles = append(roles, c.Delta.Role)
			}
			if c.FinishReason != "" {
				finish = c.FinishReason
			}
		}
	}
	if text.String() != plain.Choices[0].Message.Content {
		t.Errorf("the deltas make %q, the plain reply %q", text.String(), plain.Choices[0].Message.Content)
	}
	if len(roles) != 1 || roles[0] != "assistant" || finish != openai.FinishReasonStop || n < 4 {
		t.Errorf("roles %q, finish %q, %d chunks", roles, finish, n)
	}
	body, resp := rec.last()
	for h, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	events := sse(t, body)
	if len(events) < 3 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("events: %q", events)
	}
	var first, last chunk
	var lastRaw struct {
		Choices []rawChoice `json:"choices"`
	}
	json.Unmarshal([]byte(events[0]), &first)
	json.Unmarshal([]byte(events[len(events)-2]), &last)
	json.Unmarshal([]byte(events[len(events)-2]), &lastRaw)
	if first.Choices[0].Delta.Role != "assistant" || first.Choices[0].FinishReason != nil {
		t.Errorf("first chunk: %s", events[0])
	}
	if len(last.Choices) != 1 || last.Choices[0].FinishReason == nil || *last.Choices[0].FinishReason != "stop" ||
		len(lastRaw.Choices[0].Citations) == 0 || lastRaw.Choices[0].Citations[0].Section != "一(六)1" ||
		lastRaw.Choices[0].Verified == nil || !*lastRaw.Choices[0].Verified {
		t.Errorf("last chunk: %s", events[len(events)-2])
	}
	for _, e := range events[1 : len(events)-2] {
		if strings.Contains(e, "citations") || strings.Contains(e, `"finish_reason":"stop"`) {
			t.Errorf("a chunk before the last: %s", e)
		}
	}
	// With stream_options.include_usage, a chunk of usage comes last.
	body = post(t, a, keyA, `{"model":"reportbot","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"行政复议收到多少件申请?"}]}`, 200)
	events = sse(t, body)
	if u := events[len(events)-2]; !strings.Contains(u, `"usage":{"prompt_tokens":0`) || !strings.Contains(u, `"choices":[]`) {
		t.Errorf("usage chunk: %s", u)
	}
}

func TestPieces(t *testing.T) {
	for _, text := range []string{"", "a", "收到84件行政复议申请。\n原文:2023年,收到84件行政复议申请,其中受理68件,不予受理16件;\n来源:一(六)1 持续深化行政复议改革成果", "\n\n", strings.Repeat("长", 100)} {
		ps := pieces(text)
		if strings.Join(ps, "") != text {
			t.Errorf("pieces of %q join to %q", text, strings.Join(ps, ""))
		}
		for _, p := range ps {
			if p == "" || len([]rune(p)) > pieceRunes || strings.Contains(strings.TrimSuffix(p, "\n"), "\n") {
				t.Errorf("piece %q of %q", p, text)
			}
		}
	}
}

// TestFollowUp: the earlier user messages are the earlier questions, so a
// follow-up is read as it was asked; system and assistant messages are
// context only.
func TestFollowUp(t *testing.T) {
	a := start(t, setup{})
	q1, _ := a.ask(t, AllModel, user("行政复议收到多少件申请?"))
	assistant := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: q1.Choices[0].Message.Content}
	system := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: "你是政务助手。免罚清单适用了多少案件?"}
	resp, raw := a.ask(t, AllModel, system, user("行政复议收到多少件申请?"), assistant, user("那受理了几件?"))
	if !strings.Contains(firstLine(resp.Choices[0].Message.Content), "68件") || raw.Choices[0].Citations[0].Section != "一(六)1" {
		t.Errorf("follow-up: %q", resp.Choices[0].Message.Content)
	}
	// 金额呢? alone is the amount of the penalties waived; after the
	// subsidies it is theirs.
	alone, _ := a.ask(t, AllModel, user("金额呢?"))
	after, _ := a.ask(t, AllModel, user("惠企政策兑现了多少件?"), openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: "……"}, user("金额呢?"))
	if strings.Contains(alone.Choices[0].Message.Content, "11.47亿元") || !strings.Contains(firstLine(after.Choices[0].Message.Content), "11.47亿元") {
		t.Errorf("金额呢? alone %q; after the subsidies %q", alone.Choices[0].Message.Content, after.Choices[0].Message.Content)
	}
	// Two conversations of one key do not share turns: each sends its own.
	again, _ := a.ask(t, AllModel, user("金额呢?"))
	if again.Choices[0].Message.Content != alone.Choices[0].Message.Content {
		t.Errorf("金额呢? asked alone again: %q", again.Choices[0].Message.Content)
	}
}

// TestModels: each report is a model of its own, besides reportbot for all
// of them; a report's model answers from it alone.
func TestModels(t *testing.T) {
	linxiang, err := os.ReadFile("../answer/testdata/linxiang-2024.txt")
	if err != nil {
		t.Fatal(err)
	}
	docs := append(testreport.Seed(t), testreport.Parse(t, "linxiang-2024.txt", linxiang))
	a := start(t, setup{docs: docs})
	c, rec := a.client(keyB)
	list, err := c.ListModels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list.Models {
		ids = append(ids, m.ID)
		if m.Object != "model" || m.OwnedBy == "" {
			t.Errorf("model %+v", m)
		}
	}
	if strings.Join(ids, ",") != AllModel+","+seedModel+","+linxiangModel {
		t.Errorf("models %q", ids)
	}
	body, _ := rec.last()
	var raw map[string]any
	json.Unmarshal(body, &raw)
	if raw["object"] != "list" || !strings.Contains(string(body), `"owned_by":"分宜县人民政府"`) || !strings.Contains(string(body), `"title":"`+linxiangTitle+`"`) {
		t.Errorf("list: %s", body)
	}
	m, err := c.GetModel(context.Background(), seedModel)
	if err != nil || m.ID != seedModel || m.CreatedAt != time.Date(2025, 6, 25, 15, 27, 0, 0, cst).Unix() {
		t.Errorf("GET /v1/models/%s: %+v, %v", seedModel, m, err)
	}

	q := user("行政复议收到多少件申请?")
	seed, raw1 := a.ask(t, seedModel, q)
	lx, raw2 := a.ask(t, linxiangModel, q)
	all, raw3 := a.ask(t, AllModel, q)
	if s := seed.Choices[0].Message.Content; !strings.Contains(firstLine(s), "84件") || strings.Contains(s, "132件") || raw1.Choices[0].Citations[0].Report != seedTitle || seed.Model != seedModel {
		t.Errorf("%s: %q %+v", seedModel, s, raw1.Choices[0].Citations)
	}
	if s := lx.Choices[0].Message.Content; !strings.Contains(firstLine(s), "132件") || strings.Contains(s, "84件") || raw2.Choices[0].Citations[0].Report != linxiangTitle {
		t.Errorf("%s: %q %+v", linxiangModel, s, raw2.Choices[0].Citations)
	}
	if s := all.Choices[0].Message.Content; !strings.Contains(firstLine(s), "132件") || !strings.Contains(firstLine(s), "84件") || len(raw3.Choices[0].Citations) != 2 {
		t.Errorf("%s: %q %+v", AllModel, s, raw3.Choices[0].Citations)
	}
	// A report's answerer is made once and kept.
	lib := a.srv.lib.Load()
	x, _ := lib.answerer(seedModel)
	y, _ := lib.answerer(seedModel)
	if x != y || x == lib.all || len(x.Index.Docs()) != 1 {
		t.Error("a report's answerer is not its own, made once")
	}

	// A reload swaps the models.
	a.srv.Swap(lib.all.With(knowledge.NewIndex(docs[1])), docs[1:])
	if list, err = c.ListModels(context.Background()); err != nil || len(list.Models) != 2 || list.Models[1].ID != linxiangModel {
		t.Errorf("after a reload: %+v, %v", list.Models, err)
	}
	_, err = c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: seedModel, Messages: []openai.ChatCompletionMessage{q}})
	checkAPIError(t, err, rec, 404, "invalid_request_error", "model_not_found")
}

// checkAPIError checks that err is go-openai's reading of an error of
// status and code, and that the raw body is OpenAI's shape, every field there.
func checkAPIError(t *testing.T, err error, rec *recorder, status int, typ, code string) {
	t.Helper()
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want an API error %d, got %v", status, err)
	}
	if apiErr.HTTPStatusCode != status || apiErr.Type != typ || (code != "" && apiErr.Code != code) || apiErr.Message == "" {
		t.Errorf("error %+v, want %d %s %s", apiErr, status, typ, code)
	}
	body, resp := rec.last()
	checkShape(t, body, resp.Header.Get("Content-Type"))
}

// checkShape checks that body is an error in OpenAI's shape.
func checkShape(t *testing.T, body []byte, contentType string) map[string]any {
	t.Helper()
	var raw map[string]map[string]any
	if err := json.Unmarshal(body, &raw); err != nil || len(raw) != 1 || contentType != "application/json" {
		t.Fatalf("not OpenAI's error shape (%s): %s", contentType, body)
	}
	e := raw["error"]
	for _, f := range []string{"message", "type", "param", "code"} {
		if _, ok := e[f]; !ok {
			t.Errorf("error without %s: %s", f, body)
		}
	}
	if m, _ := e["message"].(string); m == "" {
		t.Errorf("error without words: %s", body)
	}
	return e
}

// post sends body to /v1/chat/completions with key and checks the status.
func post(t *testing.T, a *api, key, body string, status int) []byte {
	t.Helper()
	req, _ := http.NewRequest("POST", a.URL+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s: %d %s, want %d", body, resp.StatusCode, b, status)
	}
	if status != 200 {
		checkShape(t, b, resp.Header.Get("Content-Type"))
	}
	return b
}

// TestErrors: each refusal is OpenAI's error, with its status: an unknown
// model 404, a bad key 401, over the limit 429, a bad body 400.
func TestErrors(t *testing.T) {
	a := start(t, setup{limit: 40})
	ctx := context.Background()
	q := []openai.ChatCompletionMessage{user("行政复议收到多少件申请?")}

	c, rec := a.client(keyA)
	_, err := c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "gpt-4o", Messages: q})
	checkAPIError(t, err, rec, 404, "invalid_request_error", "model_not_found")
	_, err = c.CreateChatCompletionStream(ctx, openai.ChatCompletionRequest{Model: "gpt-4o", Messages: q, Stream: true})
	checkAPIError(t, err, rec, 404, "invalid_request_error", "model_not_found")
	_, err = c.GetModel(ctx, "gpt-4o")
	checkAPIError(t, err, rec, 404, "invalid_request_error", "model_not_found")

	for _, key := range []string{"sk-wrong-key-0123456789abcdef", keyA + "x", keyA[:len(keyA)-1]} {
		bad, rec := a.client(key)
		_, err = bad.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: AllModel, Messages: q})
		checkAPIError(t, err, rec, 401, "invalid_request_error", "invalid_api_key")
		_, err = bad.ListModels(ctx)
		checkAPIError(t, err, rec, 401, "invalid_request_error", "invalid_api_key")
	}
	post(t, a, "", `{"model":"reportbot","messages":[{"role":"user","content":"行政复议收到多少件申请?"}]}`, 401)

	for _, tt := range []struct{ body, param string }{
		{`{"model":"reportbot","messages":[{"role":"user","content":"行政复议`, ""},
		{`not json`, ""},
		{`{"model":"reportbot","messages":[{"role":"user","content":42}]}`, ""},
		{`{"model":"reportbot","messages":[]}`, "messages"},
		{`{"model":"reportbot"}`, "messages"},
		{`{"messages":[{"role":"user","content":"行政复议收到多少件申请?"}]}`, "model"},
		{`{"model":"reportbot","messages":[{"role":"user","content":"行政复议收到多少件申请?"},{"role":"assistant","content":"收到84件。"}]}`, "messages[1].role"},
		{`{"model":"reportbot","messages":[{"role":"wizard","content":"行政复议收到多少件申请?"}]}`, "messages[0].role"},
		{`{"model":"reportbot","messages":[{"role":"user","content":"   "}]}`, "messages[0].content"},
		{`{"model":"reportbot","messages":[{"role":"user","content":null}]}`, "messages[0].content"},
		{`{"model":"reportbot","messages":[{"role":"user","content":"` + strings.Repeat("问", 41) + `"}]}`, "messages[0].content"},
		{`{"model":"reportbot","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}`, "messages[0].content"},
		{`{"model":"reportbot","n":2,"messages":[{"role":"user","content":"行政复议收到多少件申请?"}]}`, "n"},
	} {
		e := checkShape(t, post(t, a, keyA, tt.body, 400), "application/json")
		if e["type"] != "invalid_request_error" || (tt.param != "" && e["param"] != tt.param) {
			t.Errorf("%s: %v", tt.body, e)
		}
	}
	// The question's own errors are said as to the person who asked.
	e := checkShape(t, post(t, a, keyA, `{"model":"reportbot","messages":[{"role":"user","content":"`+strings.Repeat("问", 41)+`"}]}`, 400), "application/json")
	if e["message"] != answer.UserMessage(answer.ErrQuestionTooLong) {
		t.Errorf("too long: %v", e)
	}
	// An earlier question too long to answer is left out, not an error.
	post(t, a, keyA, `{"model":"reportbot","messages":[{"role":"user","content":"`+strings.Repeat("问", 41)+`"},{"role":"user","content":"行政复议收到多少件申请?"}]}`, 200)
	// A body over the cap.
	post(t, a, keyA, `{"model":"reportbot","messages":[{"role":"system","content":"`+strings.Repeat("x", MaxBody)+`"}]}`, 413)
	// A path or method the API does not have.
	for _, p := range []string{"GET /v1/chat/completions", "POST /v1/completions", "GET /v1/embeddings"} {
		method, path, _ := strings.Cut(p, " ")
		req, _ := http.NewRequest(method, a.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+keyA)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
		checkShape(t, b, resp.Header.Get("Content-Type"))
	}
	if got := a.obs.all(); !strings.Contains(got, "(none) 401") || !strings.Contains(got, "site-a 400") || !strings.Contains(got, "site-a 404") || !strings.Contains(got, "site-a 413") {
		t.Errorf("observed %q", got)
	}
}

// TestRateLimit: each key has its own limit; past it, 429 with when to
// try again, in OpenAI's shape.
func TestRateLimit(t *testing.T) {
	a := start(t, setup{rate: 1})
	ctx := context.Background()
	req := openai.ChatCompletionRequest{Model: AllModel, Messages: []openai.ChatCompletionMessage{user("行政复议收到多少件申请?")}}
	c, rec := a.client(keyA)
	if _, err := c.CreateChatCompletion(ctx, req); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateChatCompletion(ctx, req)
	checkAPIError(t, err, rec, 429, "requests", "rate_limit_exceeded")
	_, resp := rec.last()
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 50 || s > 60 {
		t.Errorf("Retry-After: %q", resp.Header.Get("Retry-After"))
	}
	// Listing the models is not limited; another key has its own limit.
	if _, err := c.ListModels(ctx); err != nil {
		t.Error(err)
	}
	b, _ := a.client(keyB)
	if _, err := b.CreateChatCompletion(ctx, req); err != nil {
		t.Errorf("site-b is limited by site-a's requests: %v", err)
	}
	if got := a.obs.all(); got != "site-a 200,site-a 429,site-a 200,site-b 200" {
		t.Errorf("observed %q", got)
	}
}

// limitedMemory limits every user: a store over its limits.
type limitedMemory struct{ users []string }

func (m *limitedMemory) Load(_ context.Context, k reply.Key) (reply.Session, error) {
	m.users = append(m.users, k.User)
	if k.User == "" {
		return reply.Session{}, nil
	}
	return reply.Session{RetryAfter: 30 * time.Second}, nil
}

func (*limitedMemory) Save(context.Context, reply.Key, reply.Record) error { return nil }

// TestOff: with no keys the API is off, 404 in OpenAI's shape; opened on
// purpose, it answers without a key, each caller limited by its address
// as the web chat's are, while a site's key still names it.
func TestOff(t *testing.T) {
	off := start(t, setup{keys: []Key{}})
	for _, p := range []string{"/v1/models", "/v1/chat/completions"} {
		resp, err := http.Get(off.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("off: %s %d", p, resp.StatusCode)
		}
		checkShape(t, b, resp.Header.Get("Content-Type"))
	}
	post(t, off, keyA, `{"model":"reportbot","messages":[{"role":"user","content":"行政复议收到多少件申请?"}]}`, 404)

	mem := &limitedMemory{}
	open := start(t, setup{keys: []Key{{Name: "site-a", Secret: keyA}}, open: true, mem: mem})
	c, _ := open.client("anything")
	if _, err := c.ListModels(context.Background()); err != nil {
		t.Errorf("open, with any key: %v", err)
	}
	req := openai.ChatCompletionRequest{Model: AllModel, Messages: []openai.ChatCompletionMessage{user("行政复议收到多少件申请?")}}
	_, err := c.CreateChatCompletion(context.Background(), req)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 429 {
		t.Errorf("open, over the memory's limit: %v", err)
	}
	body := post(t, open, "", `{"model":"reportbot","messages":[{"role":"user","content":"行政复议收到多少件申请?"}]}`, 429)
	if !strings.Contains(string(body), "提问太频繁了") {
		t.Errorf("429: %s", body)
	}
	site, _ := open.client(keyA)
	if _, err := site.CreateChatCompletion(context.Background(), req); err != nil {
		t.Errorf("open, with a site's key: %v", err)
	}
	if strings.Join(mem.users, ",") != "api:127.0.0.1,api:127.0.0.1," {
		t.Errorf("users limited: %q", mem.users)
	}
	if got := open.obs.all(); got != "(open) 200,(open) 429,(open) 429,site-a 200" {
		t.Errorf("observed %q", got)
	}
}
