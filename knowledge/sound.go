package knowledge

import (
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// soundArgs read characters as toneless pinyin, one reading each.
var soundArgs = pinyin.NewArgs()

// sounds are an index's characters by their toneless pinyin (cha → 察,
// 查), made on first use.
type sounds struct {
	once     sync.Once
	runes    map[string][]rune
	trigrams map[string]bool // the reports' runs of three Han characters
}

// syllables keeps each character's toneless pinyin once read: a
// question's characters are read again and again.
var syllables sync.Map // rune → string

// syllable is a character's toneless pinyin, or "" for none.
func syllable(r rune) string {
	if s, ok := syllables.Load(r); ok {
		return s.(string)
	}
	s := ""
	if p := pinyin.LazyPinyin(string(r), soundArgs); len(p) == 1 {
		s = p[0]
	}
	syllables.Store(r, s)
	return s
}

// soundAlike are the reports' characters that sound as r does, r aside.
func (ix *Index) soundAlike(r rune) []rune {
	var out []rune
	for _, c := range ix.soundIndex()[syllable(r)] {
		if c != r {
			out = append(out, c)
		}
	}
	return out
}

// uses reports whether the reports use the character r.
func (ix *Index) uses(r rune) bool {
	for _, c := range ix.soundIndex()[syllable(r)] {
		if c == r {
			return true
		}
	}
	return false
}

// soundIndex is the reports' characters by their toneless pinyin, made on
// first use.
func (ix *Index) soundIndex() map[string][]rune {
	ix.sounds.once.Do(func() {
		ix.build()
		by := map[string][]rune{}
		seen := map[rune]bool{}
		tri := map[string]bool{}
		text := []rune(ix.text)
		for i, c := range text {
			if !unicode.Is(unicode.Han, c) {
				continue
			}
			if i+2 < len(text) && unicode.Is(unicode.Han, text[i+1]) && unicode.Is(unicode.Han, text[i+2]) {
				tri[string(text[i:i+3])] = true
			}
			if seen[c] {
				continue
			}
			seen[c] = true
			if s := syllable(c); s != "" {
				by[s] = append(by[s], c)
			}
		}
		ix.sounds.runes, ix.sounds.trigrams = by, tri
	})
	return ix.sounds.runes
}

// functionRunes are characters a typo by sound does not replace: words of
// their own (和, 的), question words (几, 多少) and spoken verbs and
// pronouns (搞, 咱), not one character of a mistyped word.
const functionRunes = "和的了是在与及或也都就还又吗呢吧啊呀么嘛哦那这个有没不几多少啥咋谁哪怎之其以于而被把给对从向为将让等各每该此后前里上下搞弄整咱俺"

// ReadBySound corrects a question's typos by sound (检查院 for 检察院): a
// two-character word of the question that the reports do not hold is read
// as a word of theirs with one character replaced by one that sounds the
// same, when the corrected word with a character or two beside it stands
// in the reports too (检察院; not 事业率 for 失业率). A word the reports
// hold, and a function or question word (和, 几), are never changed. It
// returns the question as read, and the reports' words it was read by.
func (ix *Index) ReadBySound(question string) (string, []string) {
	runes := []rune(question)
	var read []string
	for i := 0; i+1 < len(runes); i++ {
		if !unicode.Is(unicode.Han, runes[i]) || !unicode.Is(unicode.Han, runes[i+1]) || ix.Known(string(runes[i:i+2])) {
			continue
		}
		// Of two unknown words side by side (议审|审洁), the mistyped
		// character is rather one the reports never use (洁) than one
		// they do (议): the next word is read first.
		if i+2 < len(runes) && unicode.Is(unicode.Han, runes[i+2]) && !ix.Known(string(runes[i+1:i+3])) && ix.uses(runes[i]) && !ix.uses(runes[i+2]) {
			continue
		}
		fix, around := ix.typoAt(runes, i)
		if around == "" {
			continue
		}
		runes[i], runes[i+1] = fix[0], fix[1]
		read = append(read, around)
		i++
	}
	return string(runes), read
}

// typoAt finds the reading of the word at i of runes with one character
// replaced by a sound-alike, and the longest run around it that the
// reports hold; none when no reading, or two, stand in them.
func (ix *Index) typoAt(runes []rune, i int) (fix [2]rune, around string) {
	found := 0
	for pos := range 2 {
		x := runes[i+pos]
		if strings.ContainsRune(functionRunes, x) {
			continue
		}
		for _, c := range ix.soundAlike(x) {
			f := [2]rune{runes[i], runes[i+1]}
			f[pos] = c
			if !ix.Known(string(f[:])) || ix.breaks(runes, i+pos, c) {
				continue
			}
			a := ix.around(runes, i, f)
			if a == "" && !ix.uses(x) && !strings.ContainsRune(functionRunes, runes[i+1-pos]) && !ix.heldOutside(runes, i, pos) {
				// A character the reports never use (审洁) needs no
				// more of their words beside it to be read as theirs,
				// unless the other character is a word of its own (官的
				// is no 关的) or of a word of theirs outside (人 of 人口
				// in 常住人口 is no 助人).
				a = string(f[:])
			}
			if a != "" {
				found++
				fix, around = f, a
			}
		}
	}
	if found != 1 {
		return fix, ""
	}
	return fix, around
}

// heldOutside reports whether the character of the word at i of runes
// that is not at pos makes a word the reports hold with its neighbour
// outside the word.
func (ix *Index) heldOutside(runes []rune, i, pos int) bool {
	lo, hi := i+1, i+3 // the other is the second: it and the one after
	if pos == 1 {
		lo, hi = i-1, i+1 // the other is the first: the one before and it
	}
	if lo < 0 || hi > len(runes) || !unicode.Is(unicode.Han, runes[lo]) || !unicode.Is(unicode.Han, runes[hi-1]) {
		return false
	}
	return ix.Known(string(runes[lo:hi]))
}

// breaks reports whether putting c at j of runes turns the word on its
// other side, which the reports hold, into one they do not (审结 of 复议审结
// is no typo for 申结; 检查 of 检查院 may be for 检察).
func (ix *Index) breaks(runes []rune, j int, c rune) bool {
	for _, k := range []int{j - 1, j + 1} {
		if k < 0 || k >= len(runes) || !unicode.Is(unicode.Han, runes[k]) {
			continue
		}
		lo, hi := min(j, k), max(j, k)
		word := string(runes[lo : hi+1])
		fixed := []rune(word)
		fixed[j-lo] = c
		if ix.Known(word) && !ix.Known(string(fixed)) {
			return true
		}
	}
	return false
}

// around is the longest run of runes, with fix put at i and one or two
// characters beside it, that stands in the reports (检察意见 for 检查意见),
// or "" when none does. Runs of three are looked up first, in the
// reports' set of them: most readings have none; a longer run is sought in
// the reports' text.
func (ix *Index) around(runes []rune, i int, fix [2]rune) string {
	run := func(before, after int) string {
		if before > i || i+2+after > len(runes) {
			return ""
		}
		w := string(runes[i-before:i]) + string(fix[:]) + string(runes[i+2:i+2+after])
		if before+after == 1 && !ix.sounds.trigrams[w] || before+after > 1 && !ix.Mentions(Fold(w)) {
			return ""
		}
		return w
	}
	best := ""
	for _, side := range [][2]int{{1, 0}, {0, 1}} {
		w := run(side[0], side[1])
		if w == "" {
			continue
		}
		for _, longer := range [][2]int{{side[0] + 1, side[1]}, {side[0], side[1] + 1}, {1, 1}} {
			if l := run(longer[0], longer[1]); len(l) > len(w) {
				w = l
			}
		}
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}
