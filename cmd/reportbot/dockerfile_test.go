package main

import (
	"bufio"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDockerfile checks, without a Docker engine, what the image build
// needs: every path the Dockerfile copies from the repository exists, and
// its build command, run here with the same flags, gives a static binary
// that answers a question.
func TestDockerfile(t *testing.T) {
	f, err := os.Open("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var build string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		fields := strings.Fields(line)
		switch {
		case len(fields) > 2 && fields[0] == "COPY" && !strings.HasPrefix(fields[1], "--from"):
			for _, src := range fields[1 : len(fields)-1] {
				if _, err := os.Stat(filepath.Join("../..", src)); err != nil {
					t.Errorf("Dockerfile copies %s, which does not exist: %v", src, err)
				}
			}
		case strings.HasPrefix(line, "RUN CGO_ENABLED=0 go build"):
			build = strings.TrimPrefix(line, "RUN ")
		}
	}
	if build == "" {
		t.Fatal("no static go build step in the Dockerfile")
	}
	out := t.TempDir()
	build = strings.ReplaceAll(build, "/out/reportbot", filepath.Join(out, "reportbot"))
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = "../.."
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, msg)
	}
	bin := filepath.Join(out, "reportbot")
	e, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, p := range e.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary is not static: it has a %v program header", p.Type)
		}
	}
	ask, err := exec.Command(bin, "ask", "行政复议收到多少件申请?").Output()
	if err != nil || !strings.Contains(string(ask), "84件") {
		t.Errorf("the built binary's answer: %v\n%s", err, ask)
	}
}
