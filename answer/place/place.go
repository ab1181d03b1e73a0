// Package place knows the loaded reports by the places they are of: the
// names a question may call a place by, a report's label in an answer,
// each place's newest report, and a book that finds the places a question
// names without going through every report.
package place

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"reportbot/knowledge"
)

// Label names a report in an answer: its place (and department) and year.
func Label(d *knowledge.Document) string {
	switch {
	case d.Meta.Place != "" && d.Meta.Year > 0:
		return d.Meta.Place + d.Meta.Department + strconv.Itoa(d.Meta.Year) + "年"
	case d.Meta.Place != "":
		return d.Meta.Place + d.Meta.Department
	}
	return d.Meta.Title
}

// Aliases are the names a question may call a report's place by, longest
// first: 分宜县 and 分宜, 新余市渝水区 and 渝水区 and 渝水.
func Aliases(d *knowledge.Document) []string {
	p := d.Meta.Place
	if p == "" {
		return nil
	}
	out := []string{p}
	out = append(out, partRE.FindAllString(p, -1)...)
	for _, n := range slices.Clone(out) {
		for _, suf := range []string{"自治县", "自治州", "县", "市", "区", "省", "旗", "镇", "乡"} {
			if short, ok := strings.CutSuffix(n, suf); ok && utf8.RuneCountInString(short) >= 2 {
				out = append(out, short)
				break
			}
		}
	}
	slices.SortFunc(out, func(x, y string) int { return cmp.Compare(len(y), len(x)) })
	return slices.Compact(out)
}

// partRE splits a place of several levels (新余市渝水区) into each.
var partRE = knowledge.Pattern("placePart")

// Latest keeps the newest report of each place (and department), in the
// order their places were first loaded; a report of no place stands alone.
func Latest(docs []*knowledge.Document) []*knowledge.Document {
	var out []*knowledge.Document
	at := make(map[string]int, len(docs)) // place and department → index in out
	for _, d := range docs {
		k := d.Meta.Place + "\x00" + d.Meta.Department
		i, ok := at[k]
		switch {
		case !ok || d.Meta.Place == "":
			at[k] = len(out)
			out = append(out, d)
		case d.Meta.Year > out[i].Meta.Year:
			out[i] = d
		}
	}
	return out
}

// Book finds the loaded reports' places in a question without going
// through every report: each name a report's place is called by
// (Aliases), every part of those names, and the reports of each place.
type Book struct {
	docs    []*knowledge.Document
	byName  map[string][]*knowledge.Document // in load order
	parts   map[string]bool                  // every run of two or more characters of a name
	longest int                              // the runes of the longest name
	byPlace map[string][]*knowledge.Document // by place and department
}

// NewBook is the book of the places of docs.
func NewBook(docs []*knowledge.Document) *Book {
	b := &Book{docs: docs, byName: map[string][]*knowledge.Document{}, parts: map[string]bool{}, byPlace: map[string][]*knowledge.Document{}}
	for _, d := range docs {
		for _, n := range Aliases(d) {
			b.byName[n] = append(b.byName[n], d)
			rs := []rune(n)
			b.longest = max(b.longest, len(rs))
			for i := range rs {
				for j := i + 2; j <= len(rs); j++ {
					b.parts[string(rs[i:j])] = true
				}
			}
		}
		k := d.Meta.Place + d.Meta.Department
		b.byPlace[k] = append(b.byPlace[k], d)
	}
	return b
}

// Names calls found for each place name text holds, at its rune offset,
// until found returns false.
func (b *Book) Names(text string, found func(at int, name string) bool) {
	rs := []rune(text)
	for i := range rs {
		for j := i + 2; j <= len(rs) && j-i <= b.longest; j++ {
			if _, ok := b.byName[string(rs[i:j])]; ok && !found(i, string(rs[i:j])) {
				return
			}
		}
	}
}

// In are the reports whose place a question (normalized) names, in the
// order loaded.
func (b *Book) In(norm string) []*knowledge.Document {
	seen := map[*knowledge.Document]bool{}
	b.Names(norm, func(_ int, name string) bool {
		for _, d := range b.byName[name] {
			seen[d] = true
		}
		return true
	})
	if len(seen) == 0 {
		return nil
	}
	var out []*knowledge.Document
	for _, d := range b.docs {
		if seen[d] {
			out = append(out, d)
		}
	}
	return out
}

// Loaded reports whether a place a question names (named, its stem stem:
// 乙二东山县, 乙二东山) is a loaded report's: it holds one of their names,
// or its stem is part of one.
func (b *Book) Loaded(named, stem string) bool {
	held := false
	b.Names(named, func(int, string) bool { held = true; return false })
	return held || b.parts[stem]
}

// Same are the loaded reports of d's place and department, d's too, in the
// order loaded.
func (b *Book) Same(d *knowledge.Document) []*knowledge.Document {
	if d.Meta.Place == "" {
		return []*knowledge.Document{d} // of no place a title names: its own
	}
	return b.byPlace[d.Meta.Place+d.Meta.Department]
}

// Unique makes the names of reports unique, in order: a name several share,
// or a reserved one, gets what tell says of each report that has it (its
// file, a hash of its title), and a name still taken a number.
func Unique(names []string, tell func(i int) string, reserved ...string) []string {
	count := map[string]int{}
	for _, n := range names {
		count[n]++
	}
	for _, n := range reserved {
		count[n] += 2
	}
	out := make([]string, len(names))
	taken := map[string]bool{}
	for _, n := range reserved {
		taken[n] = true
	}
	for i, n := range names {
		if count[n] > 1 {
			n += "-" + tell(i)
		}
		for k, stem := 2, n; taken[n]; k++ {
			n = stem + "-" + strconv.Itoa(k)
		}
		taken[n] = true
		out[i] = n
	}
	return out
}
