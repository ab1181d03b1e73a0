package answer

import (
	"context"
	"errors"

	"reportbot/answer/reply"
	"reportbot/answer/selection"
	"reportbot/knowledge"
)

// withModel asks the model which of the report's facts and sentences
// answer the question, in one call, and renders the answer from those it
// selected once they pass validate; ext, the extractive answer, is given
// when the model fails or its selection is refused. docs are the reports
// in scope.
func (a *Answerer) withModel(ctx context.Context, m Model, question string, lang reply.Language, history []reply.Turn, docs []*knowledge.Document, ext reply.Answer) reply.Answer {
	sl := selection.New(a.reports(), docs, question, history)
	out, err := m.Complete(ctx, reply.Request{Messages: sl.Prompt(question, history), Schema: selection.Schema})
	if err != nil {
		return a.fallback(ctx, ext, reasonFor(err), err)
	}
	ans, ref := sl.Answer(out, question, lang, history, ext)
	if ref != nil {
		if a.Observer != nil {
			a.Observer.ObserveRefusal(ref.Reason)
		}
		return a.fallback(ctx, ext, reply.FallbackRefused, ref)
	}
	return ans
}

func (a *Answerer) fallback(ctx context.Context, ext reply.Answer, reason string, err error) reply.Answer {
	a.logger().WarnContext(ctx, "answer fell back to the report's own sentences", "reason", reason, "err", err)
	ext.Fallback = reason
	return ext
}

func reasonFor(err error) string {
	switch {
	case errors.Is(err, reply.ErrModelConfig):
		return reply.FallbackConfig
	case errors.Is(err, reply.ErrModelTimeout), errors.Is(err, context.DeadlineExceeded):
		return reply.FallbackTimeout
	case errors.Is(err, reply.ErrModelResponse):
		return reply.FallbackBadResponse
	}
	return reply.FallbackUnavailable
}
