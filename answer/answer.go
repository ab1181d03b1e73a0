package answer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"reportbot/answer/engine"
	"reportbot/answer/english"
	"reportbot/answer/reply"
	"reportbot/answer/route"
	"reportbot/answer/selection"
	"reportbot/knowledge"
)

// Memory keeps conversations, cached answers, rate limits and the model
// budget: a Load before a question is answered and a Save after, each one
// round trip to a shared store. Load also claims the question's asking
// (Key.Asked), and Save marks it answered, in those round trips.
type Memory interface {
	Load(ctx context.Context, k reply.Key) (reply.Session, error)
	Save(ctx context.Context, k reply.Key, r reply.Record) error
}

// Observer is told what answering does, for metrics.
type Observer interface {
	ObserveAnswer(ctx context.Context, a reply.Answer, retrieval time.Duration)
	ObserveRefusal(reason string) // a model's selection refused, and why (reply.RefusalReasons)
	ObserveLimited(ctx context.Context)
}

// RateLimitError says a user asked too often, and when to try again.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited; retry after %v", e.RetryAfter)
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
	// ModelID names the model and its settings; answers cached with another
	// are not used.
	ModelID string
	// ModelBudget caps the model calls of the whole bot a day (0: no cap);
	// past it answers are the report's own sentences.
	ModelBudget int
	Observer    Observer // told of answers, rejections and limits; may be nil
	Log         *slog.Logger
	// MaxQuestionRunes bounds a question's length; 0 means the default.
	MaxQuestionRunes int
	Now              func() time.Time

	built  sync.Once
	router *route.Router // of Index's reports, made once (reports)

	suggested   sync.Once
	suggestions []string // first questions the reports answer, made once
}

// reports is the router of Index's reports, made on first use.
func (a *Answerer) reports() *route.Router {
	a.built.Do(func() { a.router = route.New(a.Index) })
	return a.router
}

// With returns an Answerer that answers from ix with a's memory, model,
// limits and logs: what a reload of the reports swaps in.
func (a *Answerer) With(ix *knowledge.Index) *Answerer {
	return &Answerer{Index: ix, Memory: a.Memory, Model: a.Model, ModelID: a.ModelID, ModelBudget: a.ModelBudget,
		Observer: a.Observer, Log: a.Log, MaxQuestionRunes: a.MaxQuestionRunes, Now: a.Now}
}

// Ask answers question in conversation conv, asked by the conversation's
// own user, and remembers the turn: AskFor for a conversation of one.
func (a *Answerer) Ask(ctx context.Context, conv, question string) (reply.Answer, error) {
	return a.AskFor(ctx, reply.Key{Conv: conv, User: conv}, question, nil)
}

// AskFor answers question in conversation k.Conv, asked by k.User (""
// for no limits), and hands the answer to deliver, when not nil, before
// memory keeps the turn: the turn, and k.Asked (a Telegram update) marked
// answered, are kept once the answer is delivered, in one round trip.
// Memory's Load claims k.Asked first. k.Cache is the answerer's to set.
// Its errors are ErrEmptyQuestion, ErrQuestionTooLong and a
// *RateLimitError, none of which changes anything, and, for an asking,
// ErrInFlight and ErrAnswered; memory that fails is logged and the
// question answered on its own.
func (a *Answerer) AskFor(ctx context.Context, k reply.Key, question string, deliver func(context.Context, reply.Answer)) (reply.Answer, error) {
	return a.ask(ctx, k, nil, question, deliver)
}

// AskAfter answers question as AskFor does, in a conversation whose earlier
// questions the asker holds and sends each time (an API client's messages):
// its turns are those questions read again from the reports alone, oldest
// first, not memory's, so that a follow-up is read as it was asked however
// many conversations share a key.
func (a *Answerer) AskAfter(ctx context.Context, k reply.Key, earlier []string, question string) (reply.Answer, error) {
	turns := []reply.Turn{}
	for _, q := range earlier {
		if q = strings.TrimSpace(plainText(q)); q == "" {
			continue
		}
		search := q
		if reply.DetectLanguage(q) == reply.English {
			search = english.Default().ReadQuestion(q)
		}
		ans := a.reports().Answer(search, turns)
		turns = append(turns, turnOf(q, ans, a.now()))
	}
	return a.ask(ctx, k, turns, question, nil)
}

// turnOf is what a conversation remembers of question answered by ans.
func turnOf(question string, ans reply.Answer, at time.Time) reply.Turn {
	t := reply.Turn{Question: question, Resolved: ans.Resolved, Found: ans.Found, At: at, Scope: ans.Scope}
	for _, c := range ans.Citations {
		t.Sections = append(t.Sections, c.Section)
	}
	return t
}

// ask answers question in k's conversation: after turns when they are not
// nil, else after memory's.
func (a *Answerer) ask(ctx context.Context, k reply.Key, turns []reply.Turn, question string, deliver func(context.Context, reply.Answer)) (reply.Answer, error) {
	question = strings.TrimSpace(plainText(question))
	if question == "" {
		return reply.Answer{}, ErrEmptyQuestion
	}
	limit := a.MaxQuestionRunes
	if limit <= 0 {
		limit = DefaultMaxQuestionRunes
	}
	if utf8.RuneCountInString(question) > limit {
		return reply.Answer{}, ErrQuestionTooLong
	}
	lang := reply.DetectLanguage(question)
	key := reply.Key{Conv: k.Conv, User: k.User, Asked: k.Asked}
	if a.Model != nil { // the report's own sentences are found in microseconds: cached, they would cost a read
		key.Cache = a.cacheKey(question, lang)
	}
	var sess reply.Session
	if a.Memory != nil {
		s, err := a.Memory.Load(ctx, key)
		if errors.Is(err, reply.ErrInFlight) || errors.Is(err, reply.ErrAnswered) {
			return reply.Answer{}, err
		}
		if err != nil {
			a.logger().DebugContext(ctx, "answering without memory", "err", err)
		}
		sess = s
	}
	if turns != nil {
		sess.Turns = turns
	}
	if sess.RetryAfter > 0 {
		if a.Observer != nil {
			a.Observer.ObserveLimited(ctx)
		}
		return reply.Answer{}, &RateLimitError{RetryAfter: sess.RetryAfter}
	}
	ans, calls, cacheable := a.compose(ctx, question, lang, sess)
	ans.Ref = answerRef(k.Conv, question, a.now())
	if deliver != nil {
		deliver(ctx, ans)
	}
	if a.Memory != nil {
		rec := reply.Record{Turn: turnOf(question, ans, a.now()), ModelCalls: calls, Ref: ans.Ref, Mode: ans.Mode, Citations: ans.Citations}
		if cacheable {
			rec.Cache = &ans
		}
		// Kept even when the asker gave up waiting: the answer was given.
		if err := a.Memory.Save(context.WithoutCancel(ctx), key, rec); err != nil {
			a.logger().DebugContext(ctx, "turn not remembered", "err", err)
		}
	}
	return ans, nil
}

// compose answers a question in its session: from the cache when it stands
// alone and was answered before, else from the reports, through the model
// when there is one and the day's budget allows. It returns the answer, the
// model calls made, and whether the answer may be cached.
func (a *Answerer) compose(ctx context.Context, question string, lang reply.Language, sess reply.Session) (reply.Answer, int, bool) {
	standalone := len(sess.Turns) == 0 || !engine.IsFollowUp(question, a.reports().Vocabulary().Analyze(question))
	if sess.Cached != nil && standalone {
		ans := *sess.Cached
		ans.Question, ans.Cached = question, true
		if a.Observer != nil {
			a.Observer.ObserveAnswer(ctx, ans, 0)
		}
		return ans, 0, false
	}
	model := a.Model
	budgetSpent := a.ModelBudget > 0 && sess.ModelCalls >= a.ModelBudget
	if budgetSpent {
		model = nil
	}
	calls := 0
	counted := countCalls(model, &calls)
	// Without a model an English question is read through the glossary:
	// the report's words for its words, unless it instructs.
	search := question
	if lang == reply.English && counted == nil && !engine.Instructs(question) {
		search = english.Default().ReadQuestion(question)
	}
	start := time.Now()
	ans := a.reports().Answer(search, sess.Turns)
	retrieval := time.Since(start)
	defer func() {
		if a.Observer != nil {
			a.Observer.ObserveAnswer(ctx, ans, retrieval)
		}
	}()
	ans.Question = question
	ans.Verified = len(engine.Unsupported(a.Index, ans)) == 0
	switch {
	case counted != nil && len(ans.Choices) == 0 && !engine.Personal(knowledge.Normalize(question)): // no report answers a person's case, however read
		if docs := a.reports().InScope(question, sess.Turns); len(docs) > 0 {
			ans = a.withModel(ctx, counted, question, lang, sess.Turns, docs, ans)
		}
	case budgetSpent && ans.Found:
		ans = a.fallback(ctx, ans, reply.FallbackBudget, errors.New("the day's reply.Language model budget is spent"))
	}
	switch {
	case lang != reply.English || ans.Mode == reply.ModeLLM:
	case ans.Found && counted == nil && !a.readWell(question, ans):
		ans = reply.Answer{Question: question, Mode: reply.ModeExtractive, Resolved: ans.Resolved, Verified: true}
		ans.SetLines([]reply.Line{{Text: engine.EnglishWithoutModel(a.Suggestions(1))}})
	case ans.Found:
		ans.SetLines(engine.EnglishLines(ans, ans.Lines[0].Text))
	case counted == nil:
		// Read through a glossary alone, a question not found may still
		// be answered: say so, and how to ask.
		ans.SetLines([]reply.Line{{Text: engine.EnglishWithoutModel(a.Suggestions(1))}})
	default:
		ans.SetLines([]reply.Line{{Text: "The report does not say. " + a.reports().Library().CoverageEnglish()}})
	}
	return ans, calls, standalone && ans.Fallback == ""
}

// readWell reports whether an answer found for an English question read
// through the glossary gives figures that the question's words name: its
// lead's sentences hold the longest term the glossary read, at least englishShare
// of each lead fact's measure is held by the question's words, and none of
// its section's figures in its unit held more. A glossary misses more than a
// model does; the report not found beats a figure of another thing.
func (a *Answerer) readWell(question string, ans reply.Answer) bool {
	if slices.ContainsFunc(ans.Citations, func(c reply.Citation) bool { return c.Section == knowledge.HeaderID }) {
		return true // the report's publisher or date, asked in words the glossary reads
	}
	if len(ans.Lead) == 0 {
		return false
	}
	// The longest term the glossary read the question by, the most
	// specific (one of them, when several are as long), stands in the
	// lead's sentences: an answer from a sentence that lacks it (the
	// 综合执法大队 of "townships that set up a team") answers another
	// question.
	var quoted strings.Builder
	for _, c := range ans.Citations {
		if slices.ContainsFunc(ans.Lead, func(f knowledge.Fact) bool { return f.Section == c.Section }) {
			quoted.WriteString(quoteMarks.Replace(knowledge.Fold(c.Quote))) // “法律明白人”骨干 says 法律明白人骨干
		}
	}
	if terms := english.Default().Chinese(question); len(terms) > 0 {
		most := utf8.RuneCountInString(slices.MaxFunc(terms, func(x, y string) int { return utf8.RuneCountInString(x) - utf8.RuneCountInString(y) }))
		if !slices.ContainsFunc(terms, func(t string) bool {
			return utf8.RuneCountInString(t) == most && strings.Contains(quoted.String(), t)
		}) {
			return false
		}
	}
	// Its measure is named by what the question's words may say, each of
	// several readings of one (held: 开展, 召开 or 举办).
	anchor := selection.Anchor(strings.Join(english.Default().Readings(question), " "), reply.Simplified)
	for _, f := range ans.Lead {
		own := selection.MeasureShare(f, anchor)
		if own < englishShare {
			return false
		}
		for _, d := range a.Index.Docs() {
			s := d.Section(f.Section)
			if s == nil || d.Meta.Title != f.Report && f.Report != "" {
				continue
			}
			for _, g := range s.Facts() {
				if g.Unit == f.Unit && !engine.SameFact(f, g) && selection.MeasureShare(g, anchor) > own {
					return false
				}
			}
		}
	}
	return true
}

// englishShare is how much of a fact's measure an English question read
// through the glossary must name.
const englishShare = 0.3

// quoteMarks are the marks a report quotes a term with.
var quoteMarks = strings.NewReplacer("“", "", "”", "", "‘", "", "’", "", "\"", "")

// markupRE finds the marks a pasted question may carry: Markdown links
// ([行政复议](http://…)) and emphasis, and HTML tags.
var (
	mdLinkRE = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	markupRE = regexp.MustCompile(`</?[a-zA-Z][^<>]*>|\*\*|__|~~|\x60`)
)

// plainText is a question without its formatting: what it asks is its
// words, not its marks.
func plainText(q string) string {
	return markupRE.ReplaceAllString(mdLinkRE.ReplaceAllString(q, "$1"), "")
}

// answerRef names an answer, short enough for Telegram's 64-byte button
// data.
func answerRef(conv, question string, at time.Time) string {
	h := sha256.Sum256([]byte(conv + "\x00" + question + "\x00" + at.Format(time.RFC3339Nano)))
	return hex.EncodeToString(h[:8])
}

// countCalls wraps m so that each call is counted in n; nil stays nil.
func countCalls(m Model, n *int) Model {
	if m == nil {
		return nil
	}
	return modelFunc(func(ctx context.Context, req reply.Request) (string, error) {
		*n++
		return m.Complete(ctx, req)
	})
}

type modelFunc func(ctx context.Context, req reply.Request) (string, error)

func (f modelFunc) Complete(ctx context.Context, req reply.Request) (string, error) {
	return f(ctx, req)
}

// answerVersion changes when answering changes, so that answers cached by
// an older version are not served.
const answerVersion = "answer/4"

// cacheKey is a question's key in the answer cache: the normalized question,
// the script it is answered in, and the version of everything an answer
// depends on (the reports, the lexicon, the model, this code).
func (a *Answerer) cacheKey(question string, lang reply.Language) string {
	h := sha256.New()
	for _, part := range []string{answerVersion, a.Index.Version(), a.ModelID, lang.Source, knowledge.Normalize(question)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
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
	var limited *RateLimitError
	switch {
	case errors.Is(err, ErrEmptyQuestion):
		return "请发一个关于报告的问题,比如:“行政复议收到多少件申请?”"
	case errors.Is(err, ErrQuestionTooLong):
		return "问题太长了,请用一两句话问一个具体的问题。"
	case errors.As(err, &limited):
		return fmt.Sprintf("提问太频繁了,请%s后再试。", waitWords(limited.RetryAfter))
	default:
		return "抱歉,暂时无法回答,请稍后再试。"
	}
}

// waitWords says a wait in Chinese, rounded up: 40秒, 3分钟, 5小时.
func waitWords(d time.Duration) string {
	switch {
	case d <= time.Minute:
		return fmt.Sprintf("%d秒", max(1, int((d+time.Second-1)/time.Second)))
	case d <= time.Hour:
		return fmt.Sprintf("%d分钟", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d小时", int((d+time.Hour-1)/time.Hour))
}
