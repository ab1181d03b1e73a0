package reply

import (
	"reportbot/knowledge"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Language is how a question is written, and so how it is answered.
type Language struct {
	Source string // opens the source line
}

// The languages questions are answered in.
var (
	Simplified  = Language{SourcePrefix}
	Traditional = Language{"來源:"}
	English     = Language{"Source: "}
)

// DetectLanguage is the language a question is written in: English when
// most of its letters are Latin, Traditional when Simplified would change
// it, else Simplified.
func DetectLanguage(question string) Language {
	han, latin := 0, 0
	for _, r := range question {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			latin++
		}
	}
	if latin > 0 && latin >= 3*han { // English, perhaps with the report's own term in it: cross-region services (异地通办)
		return English
	}
	// Converting to Simplified changes a Traditional question.
	if knowledge.Normalize(question) != strings.Join(strings.Fields(knowledge.Fold(question)), " ") {
		return Traditional
	}
	return Simplified
}
