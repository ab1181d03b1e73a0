// Package answer turns a citizen's question, in its conversation, into an
// Answer: the report sentences that answer it, their figures exactly as
// printed, and the sections they come from. Extractive answering needs no
// key and no network; it is also what any other answering path falls back to.
package answer

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"reportbot/knowledge"
)

// Mode says how an answer was made.
type Mode string

// ModeExtractive answers with the report's own sentences.
const ModeExtractive Mode = "extractive"

// Answer is what a user is shown for one question. The CLI's --json output
// is this value, so scripts see exactly what a chat user sees.
type Answer struct {
	Question  string     `json:"question"`
	Text      string     `json:"answer"` // the plain text shown, its citation line last
	Found     bool       `json:"found"`  // false when the report does not answer
	Mode      Mode       `json:"mode"`
	Citations []Citation `json:"citations"`
	// Verified is true when every figure of the text was found in the cited
	// sections: always for the report's own sentences, and for a model's
	// words once checked.
	Verified bool `json:"verified"`
	// Fallback says why a model's answer was not given, when one was asked
	// for: the text is then the report's own sentences.
	Fallback string `json:"fallback,omitempty"`
	// Resolved is the question as searched, with the earlier turn's topic
	// added when the question was a follow-up.
	Resolved string `json:"-"`
}

// Citation names a section an answer uses and the exact report text taken
// from it.
type Citation struct {
	Section string `json:"section"`
	Heading string `json:"heading"`
	Quote   string `json:"quote"`
	Report  string `json:"report,omitempty"` // the report's title, when several are loaded
}

// Turn is one question and answer of a conversation, as memory keeps it.
type Turn struct {
	Question string    `json:"question"`
	Resolved string    `json:"resolved"`
	Sections []string  `json:"sections"`
	Found    bool      `json:"found"`
	At       time.Time `json:"at"`
}

// Memory keeps the recent turns of each conversation.
type Memory interface {
	Load(ctx context.Context, conv string) ([]Turn, error)
	Append(ctx context.Context, conv string, t Turn) error
}

// Errors for questions that are not asked at all; UserMessage words them.
var (
	ErrEmptyQuestion   = errors.New("empty question")
	ErrQuestionTooLong = errors.New("question too long")
)

// DefaultMaxQuestionRunes is how long a question may be by default.
const DefaultMaxQuestionRunes = 500

// Answerer answers questions from an index of reports.
type Answerer struct {
	Index  *knowledge.Index
	Memory Memory // nil: every question stands alone
	Model  Model  // nil: answers are the report's own sentences
	Stats  *Stats // counts of the model's answers and fallbacks; may be nil
	Log    *slog.Logger
	// MaxQuestionRunes bounds a question's length; 0 means the default.
	MaxQuestionRunes int
	Now              func() time.Time

	sections sync.Map // *knowledge.Section → *parsedSection
}

// Ask answers question in conversation conv and remembers the turn. Its
// errors are ErrEmptyQuestion and ErrQuestionTooLong; memory that fails is
// logged and the question answered on its own.
func (a *Answerer) Ask(ctx context.Context, conv, question string) (Answer, error) {
	question = strings.TrimSpace(question)
	if question == "" {
		return Answer{}, ErrEmptyQuestion
	}
	limit := a.MaxQuestionRunes
	if limit <= 0 {
		limit = DefaultMaxQuestionRunes
	}
	if utf8.RuneCountInString(question) > limit {
		return Answer{}, ErrQuestionTooLong
	}
	var history []Turn
	if a.Memory != nil {
		h, err := a.Memory.Load(ctx, conv)
		if err != nil {
			a.logger().WarnContext(ctx, "conversation memory unavailable; answering without it", "err", err)
		}
		history = h
	}
	// The reports are searched in Chinese: with a model, an English question
	// is searched in its translation, and answered in English.
	lang := detectLanguage(question)
	search := question
	if lang == english && a.Model != nil {
		search = a.translate(ctx, question)
	}
	ans := a.answer(search, history)
	ans.Question = question
	ans.Verified = len(Unsupported(a.Index, ans)) == 0
	if a.Model != nil && ans.Found && ans.Verified {
		ans = a.withModel(ctx, question, history, ans)
	}
	if !ans.Found && lang == english {
		ans.Text = "The report does not say. " + a.coverageEnglish()
	}
	if a.Memory != nil {
		t := Turn{Question: question, Resolved: ans.Resolved, Found: ans.Found, At: a.now()}
		for _, c := range ans.Citations {
			t.Sections = append(t.Sections, c.Section)
		}
		if err := a.Memory.Append(ctx, conv, t); err != nil {
			a.logger().WarnContext(ctx, "conversation memory unavailable; turn not remembered", "err", err)
		}
	}
	return ans, nil
}

func (a *Answerer) logger() *slog.Logger {
	if a.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Log
}

func (a *Answerer) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// UserMessage is the one place that turns an error of Ask into words for
// the person who asked.
func UserMessage(err error) string {
	switch {
	case errors.Is(err, ErrEmptyQuestion):
		return "请发一个关于报告的问题,比如:“行政复议收到多少件申请?”"
	case errors.Is(err, ErrQuestionTooLong):
		return "问题太长了,请用一两句话问一个具体的问题。"
	default:
		return "抱歉,暂时无法回答,请稍后再试。"
	}
}
