package knowledge

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

//go:embed lexicon/patterns.txt
var patternData string

// patterns are the named patterns of lexicon/patterns.txt, compiled once.
var patterns = sync.OnceValue(func() map[string]*regexp.Regexp {
	ps, err := parsePatterns(patternData)
	if err != nil {
		panic(err) // the embedded file is the program's own: a test reads it
	}
	return ps
})

// Pattern is the named pattern of the words residents ask with
// (lexicon/patterns.txt): Pattern("sum") finds 加起来, 一共, 合计….
// A name the file lacks is a mistake in the program, and panics.
func Pattern(name string) *regexp.Regexp {
	re, ok := patterns()[name]
	if !ok {
		panic(fmt.Sprintf("knowledge: no pattern %q in lexicon/patterns.txt", name))
	}
	return re
}

// refRE is a reference to another entry in a pattern: {{sum}}.
var refRE = regexp.MustCompile(`\{\{([A-Za-z][A-Za-z0-9]*)\}\}`)

// parsePatterns reads name<TAB>pattern lines, # comments and blank lines,
// expands {{name}} references to earlier entries, and compiles each.
func parsePatterns(text string) (map[string]*regexp.Regexp, error) {
	raw := map[string]string{}
	out := map[string]*regexp.Regexp{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, pat, ok := strings.Cut(line, "\t")
		if !ok || name == "" || pat == "" {
			return nil, fmt.Errorf("patterns line %d: want a name, a tab and a pattern", i+1)
		}
		if _, dup := raw[name]; dup {
			return nil, fmt.Errorf("patterns line %d: %q given twice", i+1, name)
		}
		var missing string
		pat = refRE.ReplaceAllStringFunc(pat, func(ref string) string {
			p, ok := raw[ref[2:len(ref)-2]]
			if !ok {
				missing = ref
			}
			return "(?:" + p + ")"
		})
		if missing != "" {
			return nil, fmt.Errorf("patterns line %d: %s is not an entry above it", i+1, missing)
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("patterns line %d (%s): %w", i+1, name, err)
		}
		raw[name], out[name] = pat, re
	}
	return out, nil
}
