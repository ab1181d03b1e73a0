package knowledge

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPatterns: the embedded patterns compile, a reference stands for its
// entry, and a bad line is refused with its line number.
func TestPatterns(t *testing.T) {
	ps, err := parsePatterns(patternData)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, text string }{{"sum", "加起来一共多少"}, {"op", "相差多少"}, {"op", "合计"}, {"unit人", "有多少名"}} {
		if !ps[tt.name].MatchString(tt.text) {
			t.Errorf("%s does not find %q", tt.name, tt.text)
		}
	}
	if ps["op"].MatchString("多少") {
		t.Errorf("op finds 多少")
	}
	for _, bad := range []string{"a\t(", "a", "a\tx\na\ty", "b\t{{a}}"} {
		if _, err := parsePatterns(bad); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("%q: error %v, want one naming its line", bad, err)
		}
	}
}

// TestPatternsUsed: every entry of lexicon/patterns.txt is asked for by
// name somewhere in the program or is a part of another entry, and every
// name asked for is an entry: no
// dead words, no misspelt name that would panic at start.
func TestPatternsUsed(t *testing.T) {
	ps, err := parsePatterns(patternData)
	if err != nil {
		t.Fatal(err)
	}
	asked := map[string]bool{}
	call := regexp.MustCompile(`knowledge\.Pattern\("([^"]+)"\)`)
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			asked[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(patternData, "\n") {
		if !strings.HasPrefix(line, "#") {
			for _, m := range refRE.FindAllStringSubmatch(line, -1) { // a part of another entry
				asked[m[1]] = true
			}
		}
	}
	for name := range ps {
		if !asked[name] {
			t.Errorf("pattern %q is not used", name)
		}
	}
	for name := range asked {
		if ps[name] == nil {
			t.Errorf("pattern %q is asked for but not in lexicon/patterns.txt", name)
		}
	}
}
