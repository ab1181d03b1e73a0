package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"reportbot/internal/logtest"
	"reportbot/internal/wait"
)

// asMainEnv set to 1 makes this test binary run as reportbot (TestMain).
const asMainEnv = "REPORTBOT_TEST_AS_MAIN"

// mcpCall calls a tool and returns its text, failing the test on a
// protocol error, or on a tool error unless one is wanted.
func mcpCall(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any, wantError bool) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	text := strings.Join(parts, "\n")
	if res.IsError != wantError {
		t.Fatalf("%s %v: tool error %v, want %v: %s", tool, args, res.IsError, wantError, text)
	}
	return text
}

// startMCP starts `reportbot mcp` with args as a separate process, its
// logs at debug level, and connects to it over its stdin and stdout.
func startMCP(t *testing.T, args ...string) (*mcp.ClientSession, *exec.Cmd, *logtest.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"mcp"}, args...)...)
	cmd.Env = []string{asMainEnv + "=1", "LOG_LEVEL=debug"}
	stderr := &logtest.Buffer{}
	cmd.Stderr = stderr
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(context.Background(), &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect to reportbot mcp: %v\n%s", err, stderr)
	}
	return cs, cmd, stderr
}

// TestMCPStdio: an assistant that starts `reportbot mcp` gets the four
// tools over the process's stdin and stdout, answered from the report,
// while the logs go to stderr; closing stdin ends the process cleanly.
func TestMCPStdio(t *testing.T) {
	t.Parallel()
	cs, cmd, stderr := startMCP(t)
	list, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
		if schema, _ := json.Marshal(tool.InputSchema); !strings.Contains(string(schema), `"type":"object"`) {
			t.Errorf("%s: input schema %s", tool.Name, schema)
		}
	}
	if strings.Join(names, " ") != "ask get_section list_reports search_facts" {
		t.Errorf("tools %v", names)
	}
	answer := mcpCall(t, cs, "ask", map[string]any{"question": "行政复议收到多少件申请?"}, false)
	if first, _, _ := strings.Cut(answer, "\n"); !strings.Contains(first, "84件") || !strings.Contains(answer, "来源:一(六)1") {
		t.Errorf("ask: %q", answer)
	}
	if facts := mcpCall(t, cs, "search_facts", map[string]any{"query": "行政复议"}, false); !strings.Contains(facts, "84件 — 收到…行政复议申请") ||
		!strings.Contains(facts, "一(六)1") || !strings.Contains(facts, "原文:2023年,收到84件行政复议申请") {
		t.Errorf("search_facts: %q", facts)
	}
	if sec := mcpCall(t, cs, "get_section", map[string]any{"section": "一(六)1"}, false); !strings.Contains(sec, "收到84件行政复议申请") {
		t.Errorf("get_section: %q", sec)
	}
	if reports := mcpCall(t, cs, "list_reports", nil, false); !strings.Contains(reports, "place=分宜县") || !strings.Contains(reports, "year=2023") {
		t.Errorf("list_reports: %q", reports)
	}
	if msg := mcpCall(t, cs, "get_section", map[string]any{"section": "十(一)1"}, true); !strings.Contains(msg, "一(六)1") {
		t.Errorf("an unknown section: %q", msg)
	}
	if err := cs.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("reportbot mcp exited %d:\n%s", code, stderr)
	}
	if logs := stderr.String(); !strings.Contains(logs, "tool answered") || !strings.Contains(logs, "tool=ask") {
		t.Errorf("no tool logged on stderr:\n%s", logs)
	}
}

// TestMCPStdioReports: `reportbot mcp --report A --report B` serves both,
// and ask keeps to the one named.
func TestMCPStdioReports(t *testing.T) {
	t.Parallel()
	cs, _, _ := startMCP(t, "--report", "../../knowledge/reports/fenyi-2023-rule-of-law-report.txt", "--report", "../../knowledge/testdata/report.md")
	defer cs.Close()
	if reports := mcpCall(t, cs, "list_reports", nil, false); !strings.Contains(reports, "分宜县-2023\t") || !strings.Contains(reports, "示例县-2024\t") {
		t.Errorf("list_reports: %q", reports)
	}
	answer := mcpCall(t, cs, "ask", map[string]any{"question": "行政复议收到多少件申请?", "report": "示例县-2024"}, false)
	if first, _, _ := strings.Cut(answer, "\n"); !strings.Contains(first, "120件") || strings.Contains(answer, "84件") {
		t.Errorf("ask of 示例县-2024: %q", answer)
	}
}

// TestServeMCP: serve answers MCP clients at /mcp, and after SIGHUP from
// the reloaded report. It runs before the parallel tests, not beside
// them: its SIGHUP would reload their serves too.
func TestServeMCP(t *testing.T) {
	dir, sample := sampleDir(t)
	file := filepath.Join(dir, "a.md")
	const key = "mcp-test-key-0123456789"
	s := runServe(t, nil, map[string]string{"REPORTBOT_LISTEN": freeAddr(t), "REPORTBOT_REPORTS": file, "LOG_LEVEL": "debug",
		"REPORTBOT_API_KEYS": "assistant:" + key})
	get(t, "http://"+s.addr+"/healthz") // serve is up, listening for SIGHUP too
	connect := func(key string) (*mcp.ClientSession, error) {
		client := &http.Client{Transport: bearerTransport{key: key}}
		return mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(context.Background(),
			&mcp.StreamableClientTransport{Endpoint: "http://" + s.addr + "/mcp", HTTPClient: client}, nil)
	}
	// /mcp takes the API's keys: none, or another, is refused.
	for _, bad := range []string{"", "not-the-key-0123456789"} {
		if cs, err := connect(bad); err == nil {
			cs.Close()
			t.Errorf("connected to /mcp with key %q", bad)
		}
	}
	cs, err := connect(key)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	ask := func() string {
		return mcpCall(t, cs, "ask", map[string]any{"question": "行政复议收到申请多少件?", "report": "示例县-2024"}, false)
	}
	if got := ask(); !strings.Contains(got, "120件") {
		t.Fatalf("before reload: %q", got)
	}
	os.WriteFile(file, []byte(strings.ReplaceAll(string(sample), "120件", "150件")), 0o600)
	reloads := strings.Count(s.stderr.String(), "reports reloaded")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	wait.Eventually(t, 10*time.Second, func() bool { return strings.Count(s.stderr.String(), "reports reloaded") > reloads }, "no reload logged:\n%s", s.stderr)
	if got := ask(); !strings.Contains(got, "150件") {
		t.Errorf("after reload: %q", got)
	}
}

// bearerTransport sends an API key with each request, as an MCP client
// configured with one does.
type bearerTransport struct{ key string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.key != "" {
		r.Header.Set("Authorization", "Bearer "+b.key)
	}
	return http.DefaultTransport.RoundTrip(r)
}
