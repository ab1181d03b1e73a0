package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// The keys of the sites of these tests.
const (
	apiKeyA = "sk-e2e-site-a-4f1c9b2d7e6a5038"
	apiKeyB = "sk-e2e-site-b-91d0c3e8b7a6f254"
)

// startAPI runs serve with two sites' keys, each with rate requests a
// minute.
func startAPI(t *testing.T, rate string, env map[string]string) *served {
	t.Helper()
	e := map[string]string{"REPORTBOT_API_KEYS": "site-a:" + apiKeyA + ",site-b:" + apiKeyB, "REPORTBOT_API_RATE": rate}
	for k, v := range env {
		e[k] = v
	}
	s := startWeb(t, e)
	t.Cleanup(func() {
		if logs := s.stderr.String(); strings.Contains(logs, apiKeyA) || strings.Contains(logs, apiKeyB) {
			t.Errorf("an API key is in the logs:\n%s", logs)
		}
	})
	return s
}

func openaiClient(s *served, key string) *openai.Client {
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = "http://" + s.addr + "/v1"
	return openai.NewClientWithConfig(cfg)
}

// TestServeOpenAI: serve mounts the OpenAI-compatible API beside the web
// chat, counts its requests by key name in /metrics, logs the name and
// never the key, and swaps its models when the reports are reloaded.
func TestServeOpenAI(t *testing.T) {
	t.Parallel()
	dir, sample := sampleDir(t)
	s := startAPI(t, "60", map[string]string{"REPORTBOT_REPORTS_DIR": dir})
	c := openaiClient(s, apiKeyA)
	ctx := context.Background()
	resp, err := c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "reportbot",
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "行政复议收到申请多少件?"}}})
	if err != nil || !strings.Contains(resp.Choices[0].Message.Content, "120件") {
		t.Fatalf("answer: %+v, %v", resp, err)
	}
	if _, err := openaiClient(s, "sk-not-a-key-0123456789").ListModels(ctx); err == nil {
		t.Error("a bad key lists the models")
	}
	_, metrics := get(t, "http://"+s.addr+"/metrics")
	for _, want := range []string{`reportbot_api_requests_total{code="200",key="site-a"} 1`, `reportbot_api_requests_total{code="401",key="(none)"} 1`,
		`reportbot_answers_total{channel="api",found="true",mode="extractive"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(metrics, "api"))
		}
	}
	if logs := s.stderr.String(); !strings.Contains(logs, "key=site-a") || !strings.Contains(logs, "channel=api") {
		t.Errorf("the logs do not name the site:\n%s", logs)
	}
	// The web chat is still there, on the same mux.
	if r := askWeb(t, s, "", "行政复议收到申请多少件?", nil); r.Status != 200 {
		t.Errorf("the web chat: %+v", r)
	}

	// A report added and SIGHUP: its model is listed and answers.
	addOtherAndReload(t, s, dir, sample)
	list, err := c.ListModels(ctx)
	if err != nil || len(list.Models) != 3 || list.Models[2].ID != "yanglixian-2024" {
		t.Fatalf("models after the reload: %+v, %v", list.Models, err)
	}
	resp, err = c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "yanglixian-2024",
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "行政复议收到申请多少件?"}}})
	if err != nil || !strings.Contains(resp.Choices[0].Message.Content, "77件") || strings.Contains(resp.Choices[0].Message.Content, "120件") {
		t.Errorf("the added report's model: %+v, %v", resp, err)
	}
}

// TestServeOpenAIOff: with no keys the API and /mcp are off, 404 (the
// API's in OpenAI's shape),
// and `reportbot config` shows the keys' names, never the keys.
func TestServeOpenAIOff(t *testing.T) {
	t.Parallel()
	s := startWeb(t, nil)
	resp, err := http.Get("http://" + s.addr + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error map[string]any `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 404 || body.Error["type"] != "invalid_request_error" || body.Error["message"] == "" {
		t.Errorf("off: %d %v", resp.StatusCode, body)
	}
	if !strings.Contains(s.stderr.String(), "the OpenAI-compatible API and /mcp are off") {
		t.Error("serve does not say the API is off")
	}
	// /mcp takes the same keys: off too.
	mcpResp, err := http.Post("http://"+s.addr+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	mcpResp.Body.Close()
	if mcpResp.StatusCode != http.StatusNotFound {
		t.Errorf("/mcp without keys: %d, want 404", mcpResp.StatusCode)
	}
	code, out, _ := runCLI(t, "", "config")
	if code != 0 || !strings.Contains(out, "REPORTBOT_API_KEYS=(none: the API is off)\n") {
		t.Errorf("config without keys: %d\n%s", code, out)
	}
	env := map[string]string{"REPORTBOT_API_KEYS": "site-a:" + apiKeyA + ",site-b:" + apiKeyB}
	var stdout, stderr bytes.Buffer
	code = run(context.Background(), []string{"config"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "REPORTBOT_API_KEYS=site-a:***,site-b:***\n") || strings.Contains(stdout.String(), apiKeyA) {
		t.Errorf("config with keys: %d\n%s", code, stdout.String())
	}
	// A malformed key list stops serve at start, naming the sites, never a key.
	env["REPORTBOT_API_KEYS"] += ",site-c:" + apiKeyA
	stdout.Reset()
	code = run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if msg := stderr.String(); code != exitUsage || !strings.Contains(msg, "keys site-a and site-c are the same") || strings.Contains(msg, apiKeyA) {
		t.Errorf("serve with a key given twice: exit %d, %q", code, msg)
	}
}

// TestOpenAIClientNode runs web/e2e/openai.mjs, the official openai npm
// package against serve: a plain answer with its citations, a stream, a
// follow-up, and 401, 400, 404 and 429 as the client's own errors. It
// needs node and web/e2e's modules, which .ci/run installs; without them
// it fails under CI and is skipped elsewhere.
func TestOpenAIClientNode(t *testing.T) {
	t.Parallel()
	script, _ := filepath.Abs("../../web/e2e/openai.mjs")
	node, err := exec.LookPath("node")
	var missing string
	switch {
	case err != nil:
		missing = "node"
	case !exists(filepath.Join(filepath.Dir(script), "node_modules", "openai")):
		missing = "web/e2e/node_modules (npm ci --prefix web/e2e)"
	}
	needs(t, "the openai client test", missing)
	const rate = "10"
	s := startAPI(t, rate, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, "http://"+s.addr+"/v1")
	cmd.Env = append(os.Environ(), "E2E_KEY="+apiKeyA, "E2E_LIMITED_KEY="+apiKeyB, "E2E_API_RATE="+rate)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the openai client failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "checks passed") {
		t.Fatalf("the script said:\n%s", out)
	}
	t.Logf("%s", out)
	_, metrics := get(t, "http://"+s.addr+"/metrics")
	for _, want := range []string{`reportbot_api_requests_total{code="429",key="site-b"} 1`, `reportbot_api_requests_total{code="401",key="(none)"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(metrics, "api_requests"))
		}
	}
}
