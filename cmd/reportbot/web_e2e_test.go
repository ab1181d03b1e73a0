package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestWebPageInBrowser drives the real page in headless Chromium through
// playwright-core (web/e2e/chat.mjs): a question and its citation, a
// follow-up, the whole section opened, markup shown as text, no console
// error, no request to another host, nothing scrolling sideways at 375 px,
// and a screenshot. It needs node, web/e2e's modules and Debian's
// chromium, which .ci/run installs; without them it fails under CI and is
// skipped elsewhere.
func TestWebPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("a browser test; -short skips it")
	}
	t.Parallel()
	script, _ := filepath.Abs("../../web/e2e/chat.mjs")
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	var missing string
	switch {
	case err != nil:
		missing = "node"
	case !exists(chromium):
		missing = chromium
	case !exists(filepath.Join(filepath.Dir(script), "node_modules", "playwright-core")):
		missing = "web/e2e/node_modules (npm ci --prefix web/e2e)"
	}
	needs(t, "the browser test", missing)
	s := startWeb(t, nil)
	shot := filepath.Join(t.TempDir(), "chat.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, "http://"+s.addr+"/", shot)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the page failed in Chromium: %v\n%s", err, out)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Fatalf("no screenshot: %v", err)
	}
	t.Logf("%s", out)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
