package answer

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"reportbot/knowledge"
)

// Fallback reasons, as Answer.Fallback and the logs give them.
const (
	FallbackUnavailable = "llm_unavailable"   // the model could not be reached, or its breaker is open
	FallbackConfig      = "llm_config"        // the API refused the key, URL or model
	FallbackTimeout     = "llm_timeout"       // no answer within the deadline
	FallbackBadResponse = "llm_bad_response"  // a reply the API could not give
	FallbackRefused     = "selection_refused" // a selection the program refused (Refusal)
	FallbackBudget      = "llm_budget"        // the day's budget of model calls is spent
)

// language is how a question is written, and so how it is answered.
type language struct {
	source string // opens the source line
}

var (
	simplified  = language{SourcePrefix}
	traditional = language{"來源:"}
	english     = language{"Source: "}
)

func detectLanguage(question string) language {
	han, latin := 0, 0
	for _, r := range question {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			latin++
		}
	}
	if han == 0 && latin > 0 {
		return english
	}
	// Converting to Simplified changes a Traditional question.
	if knowledge.Normalize(question) != strings.Join(strings.Fields(knowledge.Fold(question)), " ") {
		return traditional
	}
	return simplified
}

// withModel asks the model which of the report's facts and sentences
// answer the question, in one call, and renders the answer from those it
// selected once they pass validate; ext, the extractive answer, is given
// when the model fails or its selection is refused. docs are the reports
// in scope.
func (a *Answerer) withModel(ctx context.Context, m Model, question string, lang language, history []Turn, docs []*knowledge.Document, ext Answer) Answer {
	sl := a.shortlistFor(docs, question, history)
	reply, err := m.Complete(ctx, Request{Messages: sl.prompt(question, history), Schema: SelectionSchema})
	if err != nil {
		return a.fallback(ctx, ext, reasonFor(err), err)
	}
	sel, ref := parseSelection(reply)
	var c chosen
	if ref == nil {
		c, ref = sl.validate(sel, question, lang, history, ext)
	}
	if ref != nil {
		if a.Observer != nil {
			a.Observer.ObserveRefusal(ref.Reason)
		}
		return a.fallback(ctx, ext, FallbackRefused, ref)
	}
	return a.render(question, lang, c, sl)
}

func (a *Answerer) fallback(ctx context.Context, ext Answer, reason string, err error) Answer {
	a.logger().WarnContext(ctx, "answer fell back to the report's own sentences", "reason", reason, "err", err)
	ext.Fallback = reason
	return ext
}

func reasonFor(err error) string {
	switch {
	case errors.Is(err, ErrModelConfig):
		return FallbackConfig
	case errors.Is(err, ErrModelTimeout), errors.Is(err, context.DeadlineExceeded):
		return FallbackTimeout
	case errors.Is(err, ErrModelResponse):
		return FallbackBadResponse
	}
	return FallbackUnavailable
}
