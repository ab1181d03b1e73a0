package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkColdAsk measures a whole `reportbot ask` process: start, parse
// the embedded report, index it, answer, exit. The binary is built once,
// as `go build` would build it.
func BenchmarkColdAsk(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "reportbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for b.Loop() {
		out, err := exec.Command(bin, "ask", "行政复议收到多少件申请?").Output()
		if err != nil || len(out) == 0 {
			b.Fatalf("ask: %v %q", err, out)
		}
	}
}
