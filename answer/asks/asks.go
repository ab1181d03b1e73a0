// Package asks reads what a question asks of a report's figures, as words
// residents use say it: the operation (a sum, a difference, a comparison,
// a share), the rate a question asks for, and a share's two things. It
// reads; the engine and compute work the figures out.
package asks

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"reportbot/answer/reply"
	"reportbot/knowledge"
)

var (
	// rateRE finds a rate or share asked for: 受理率, 占比, 比例.
	rateRE = knowledge.Pattern("rate")
	// sumRE asks for figures added up; differenceRE for one less another;
	// compareRE for which is the larger, and by how much.
	sumRE        = knowledge.Pattern("sum")
	differenceRE = knowledge.Pattern("difference")
	compareRE    = knowledge.Pattern("compare")
	// shareRE asks what share one thing is of another: 专职的占执法人员的比例;
	// shareOfNothingRE asks a share of what it does not name (占百分之几).
	shareRE          = knowledge.Pattern("share")
	shareOfNothingRE = knowledge.Pattern("shareOfNothing")
	// shareAskRE is the words that ask a share (的比例, 几成): the
	// operation, not a thing to find.
	shareAskRE = knowledge.Pattern("shareAsk")
	// shareWithinRE asks a share with its whole first (惠企政策里,上线的占几成).
	shareWithinRE = knowledge.Pattern("shareWithin")
)

// Op says what a question asks of its figures, as a selection's kind
// names it (compare, difference, sum), or "" for none.
func Op(norm string) string {
	switch {
	case compareRE.MatchString(norm):
		return reply.KindCompare
	case differenceRE.MatchString(norm):
		return reply.KindDifference
	case sumRE.MatchString(norm):
		return reply.KindSum
	case shareRE.MatchString(norm) && !shareOfNothingRE.MatchString(norm): // 已回复的占百分之多少 is a rate of one thing
		return reply.KindShare
	}
	return ""
}

// Rate finds the rate a question asks for: the word (受理率), its stem
// (受理, 不予受理 of 不予受理的比例: up to four characters before it), and
// the byte span of both in norm; "" when it asks for none.
func Rate(norm string) (word, stem string, at, end int) {
	m := rateRE.FindStringIndex(norm)
	if m == nil {
		return "", "", 0, 0
	}
	at = m[0]
	end = at
	if strings.HasSuffix(norm[:at], "的") { // 不予受理的比例
		at -= len("的")
		end = at
	}
	if strings.HasSuffix(norm[:at], "了") { // 回复了的占几成
		at -= len("了")
		end = at
	}
	for n := 0; n < 4 && at > 0; n++ {
		r, size := utf8.DecodeLastRuneInString(norm[:at])
		if !unicode.Is(unicode.Han, r) || strings.ContainsRune("的之是有在了", r) {
			break
		}
		at -= size
	}
	word, stem = norm[at:m[1]], norm[at:end]
	if asked := norm[m[0]:m[1]]; strings.Contains(asked, "几") || strings.Contains(asked, "多少") {
		word = stem + "占比" // 受理的占百分之几 is said 受理占比
	}
	return word, stem, at, m[1]
}

// WholeLast is a share asked with its whole first (X里,Y的占几成) asked
// with its part first (Y的占X的比例), as the share is read; false for
// another question.
func WholeLast(norm string) (string, bool) {
	m := shareWithinRE.FindStringSubmatch(norm)
	if m == nil {
		return "", false
	}
	return m[2] + "的占" + m[1] + "的比例", true
}

// ShareParts are a share question's content runs (审结的占收到复议申请的比例)
// as its two things (审结, 收到复议申请): split at 占, without the words
// that ask the share.
func ShareParts(parts [][]string) [][]string {
	out := make([][]string, len(parts))
	for i, runs := range parts {
		for _, run := range runs {
			for _, piece := range strings.Split(shareAskRE.ReplaceAllString(run, "占"), "占") {
				if piece = strings.TrimSuffix(piece, "的"); piece != "" {
					out[i] = append(out[i], piece)
				}
			}
		}
	}
	return out
}
