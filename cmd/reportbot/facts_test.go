package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFactsCommand: every figure of the report is a fact a line, in JSON
// with what it counts, and in CSV a spreadsheet opens.
func TestFactsCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "facts", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var found bool
	for _, l := range lines {
		var f map[string]any
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"report", "section", "value", "unit", "text", "clause", "measure", "period"} {
			if _, ok := f[k]; !ok {
				t.Errorf("fact %q lacks %s", l, k)
			}
		}
		if f["text"] == "68件" {
			found = f["measure"] == "受理" && f["of"] == "收到…行政复议申请" && f["section"] == "一(六)1" && f["period"] == 2023.0 && f["clause"] == "其中受理68件"
		}
	}
	if len(lines) < 50 || !found {
		t.Errorf("%d facts; 68件 read as 受理 of 收到…行政复议申请 in 一(六)1: %v", len(lines), found)
	}

	code, out, errOut = runCLI(t, "", "facts", "--csv")
	if code != 0 || !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("exit %d, no byte-order mark: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines)+1 || strings.Join(rows[0], ",") != strings.Join(factColumns, ",") {
		t.Errorf("CSV: %d rows for %d facts, header %q", len(rows), len(lines), rows[0])
	}

	if code, _, errOut := runCLI(t, "", "facts", "--json", "--csv"); code != 2 || !strings.Contains(errOut, "choose one") {
		t.Errorf("--json --csv: exit %d, %s", code, errOut)
	}
}

func TestReportsCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "", "reports", "--report", "../../knowledge/reports/fenyi-2023-rule-of-law-report.txt", "--report", "../../knowledge/testdata/report.html")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"分宜县2023年法治政府建设年度报告\tplace=分宜县\tlevel=县\tdepartment=\tyear=2023\tpublisher=分宜县人民政府\tpublished=2025-06-25 15:27",
		"示例县2024年法治政府建设年度报告\tplace=示例县\tlevel=县\tdepartment=\tyear=2024\tpublisher=示例县人民政府"} {
		if !strings.Contains(out, want) {
			t.Errorf("reports lacks %q:\n%s", want, out)
		}
	}
}

// TestReportsFolder: --reports loads every report file of a folder, and a
// folder without one is an error that says so.
func TestReportsFolder(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{"a.txt": "../../knowledge/reports/fenyi-2023-rule-of-law-report.txt", "b.html": "../../knowledge/testdata/report.html"} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.csv"), []byte("not a report"), 0o600)
	code, out, errOut := runCLI(t, "", "reports", "--reports", dir)
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "place=分宜县") || !strings.Contains(out, "place=示例县") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	empty := t.TempDir()
	if code, _, errOut := runCLI(t, "", "reports", "--reports", empty); code != 1 || !strings.Contains(errOut, "has no .txt, .md or .html file") {
		t.Errorf("empty folder: exit %d, %s", code, errOut)
	}
}
