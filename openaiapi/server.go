package openaiapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/knowledge"
)

// Observer is told of every request of the API, for metrics: the site's
// name (Authorize's, NoKeyName when it had none that is valid, never a
// key) and the HTTP status answered.
type Observer interface {
	ObserveAPIRequest(key string, code int)
}

// NoKeyName names, in logs and metrics, a request refused for its key.
const NoKeyName = "(none)"

// Config sets up a Server.
type Config struct {
	// Keys are the sites that may call the API; with none, and not open,
	// the API is off and answers every request 404.
	Keys *Keys
	// TrustedProxies are the addresses whose X-Forwarded-For names the
	// client, whose address limits an open API's callers without a key.
	TrustedProxies []netip.Prefix
	Observer       Observer // may be nil
	// AnswerTimeout bounds the answering of one request.
	AnswerTimeout time.Duration
}

// DefaultAnswerTimeout bounds an answer when Config sets none, as the web
// chat's does.
const DefaultAnswerTimeout = time.Minute

// MaxBody caps a request's body: a conversation of questions and the
// answers given, not a document.
const MaxBody = 1 << 20

// maxEarlier is how many earlier questions a question is read after: a
// follow-up leans on the last few, as memory keeps them.
const maxEarlier = 10

// channel is the channel of the API's questions, in metrics and logs.
const channel = "api"

// library is what the API answers from; a reload swaps it whole.
type library struct {
	all     *answer.Answerer
	docs    []*knowledge.Document
	ids     []string
	byID    map[string]int
	created int64 // of AllModel: the newest report's publication
	one     []perReport
}

// perReport is the answerer of one report alone, made when first asked.
type perReport struct {
	once sync.Once
	ans  *answer.Answerer
}

func newLibrary(all *answer.Answerer, docs []*knowledge.Document) *library {
	l := &library{all: all, docs: docs, ids: ModelIDs(docs), byID: map[string]int{}, one: make([]perReport, len(docs))}
	for i, id := range l.ids {
		l.byID[id] = i
		l.created = max(l.created, published(docs[i].Meta))
	}
	return l
}

// answerer answers as model id: from every report, or from one alone.
func (l *library) answerer(id string) (*answer.Answerer, bool) {
	if id == AllModel {
		return l.all, true
	}
	i, ok := l.byID[id]
	if !ok {
		return nil, false
	}
	p := &l.one[i]
	p.once.Do(func() { p.ans = l.all.With(knowledge.NewIndex(l.docs[i])) })
	return p.ans, true
}

// models lists AllModel, then each report in the order loaded.
func (l *library) models() []model {
	out := []model{{ID: AllModel, Object: "model", Created: l.created, OwnedBy: AllModel}}
	for i, d := range l.docs {
		owner := d.Meta.Source
		if owner == "" {
			owner = AllModel
		}
		out = append(out, model{ID: l.ids[i], Object: "model", Created: published(d.Meta), OwnedBy: owner, Title: d.Meta.Title})
	}
	return out
}

// Server serves the OpenAI-compatible API.
type Server struct {
	cfg Config
	log *slog.Logger
	lib atomic.Pointer[library]
}

// New returns a Server that answers with ans from docs.
func New(cfg Config, ans *answer.Answerer, docs []*knowledge.Document, log *slog.Logger) *Server {
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	s := &Server{cfg: cfg, log: log.With("channel", channel)}
	s.Swap(ans, docs)
	return s
}

// Swap makes the API answer from other reports, for requests that come
// after; the answerers of single reports are made anew when asked.
func (s *Server) Swap(ans *answer.Answerer, docs []*knowledge.Document) {
	s.lib.Store(newLibrary(ans, docs))
}

// Register adds the API to mux under /v1/. Off, every request there is
// answered 404 in OpenAI's shape.
func (s *Server) Register(mux *http.ServeMux) {
	if !s.cfg.Keys.Enabled() {
		mux.Handle("/v1/", s.guarded(false, func(w http.ResponseWriter, r *http.Request, _ string) {
			writeError(w, http.StatusNotFound, "invalid_request_error", "the API is off: this server has no API keys", "", "api_off")
		}))
		return
	}
	mux.Handle("POST /v1/chat/completions", s.guarded(true, s.complete))
	mux.Handle("GET /v1/models", s.guarded(false, s.listModels))
	mux.Handle("GET /v1/models/{model}", s.guarded(false, s.getModel))
	mux.Handle("/v1/", s.guarded(false, func(w http.ResponseWriter, r *http.Request, _ string) {
		writeError(w, http.StatusNotFound, "invalid_request_error", fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path), "", "")
	}))
}

// statusWriter remembers the status written, for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController flush the stream.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// guarded lets in the requests with a valid key (Authorize), within their
// key's rate limit when limited, and counts and logs each request by its
// key's name.
func (s *Server) guarded(limited bool, h func(w http.ResponseWriter, r *http.Request, name string)) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &statusWriter{ResponseWriter: rw}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		name := NoKeyName
		defer func() {
			if s.cfg.Observer != nil {
				s.cfg.Observer.ObserveAPIRequest(name, w.status)
			}
			level := slog.LevelInfo
			if w.status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(r.Context(), level, "api request", "key", name, "method", r.Method, "path", r.URL.Path, "status", w.status, "took", time.Since(start))
		}()
		if s.cfg.Keys.Enabled() {
			n, ok := s.cfg.Keys.Authorize(r)
			if !ok {
				writeError(w, http.StatusUnauthorized, "invalid_request_error",
					"Incorrect or missing API key: send the key this server's operator gave your site as Authorization: Bearer followed by the key", "", "invalid_api_key")
				return
			}
			name = n
			if limited {
				if wait, ok := s.cfg.Keys.Allow(name); !ok {
					rateLimited(w, wait)
					return
				}
			}
		}
		h(w, r, name)
	})
}

// rateLimited answers 429 with when to try again.
func rateLimited(w http.ResponseWriter, wait time.Duration) {
	secs := max(1, int((wait+time.Second-1)/time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, "requests", answer.UserMessage(&answer.RateLimitError{RetryAfter: wait}), "", "rate_limit_exceeded")
}

// roles are the roles a message may have; only the user's are questions.
var roles = []string{"system", "developer", "user", "assistant", "tool", "function"}

// complete answers the conversation's last question, after its earlier
// ones, from the model's reports.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, name string) {
	var req chatRequest
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "invalid_request_error", fmt.Sprintf("the request body is over %d bytes", MaxBody), "", "request_too_large")
			return
		}
		writeError(w, http.StatusBadRequest, "invalid_request_error", "We could not parse the JSON body of your request: "+err.Error(), "", "")
		return
	}
	lib := s.lib.Load()
	question, earlier, bad := readRequest(req, lib)
	if bad != nil {
		writeError(w, bad.status, bad.typ, bad.msg, bad.param, bad.code)
		return
	}
	a, _ := lib.answerer(req.Model) // readRequest checked it
	k := reply.Key{Conv: channel + ":" + name}
	if name == OpenName {
		// A caller without a key is limited by its address, as a
		// question of the web chat is.
		k.User = channel + ":" + s.client(r)
	}
	ctx, cancel := context.WithTimeout(reply.WithChannel(r.Context(), channel), s.cfg.AnswerTimeout)
	defer cancel()
	ans, err := a.AskAfter(ctx, k, earlier, question)
	if err != nil {
		var limited *answer.RateLimitError
		switch {
		case errors.Is(err, answer.ErrEmptyQuestion), errors.Is(err, answer.ErrQuestionTooLong):
			writeError(w, http.StatusBadRequest, "invalid_request_error", answer.UserMessage(err), fmt.Sprintf("messages[%d].content", len(req.Messages)-1), "")
		case errors.As(err, &limited):
			rateLimited(w, limited.RetryAfter)
		default:
			s.log.ErrorContext(ctx, "question not answered", "key", name, "err", err)
			writeError(w, http.StatusInternalServerError, "server_error", answer.UserMessage(err), "", "")
		}
		return
	}
	s.log.InfoContext(ctx, "answered", "key", name, "model", req.Model, "mode", ans.Mode, "found", ans.Found, "fallback", ans.Fallback, "earlier", len(earlier))
	id := "chatcmpl-" + ans.Ref
	if ans.Ref == "" {
		id = "chatcmpl-" + randomHex(12)
	}
	cites := citations(ans, lib, req.Model)
	created := time.Now().Unix()
	if req.Stream {
		stream(w, id, created, req.Model, ans, cites, req.StreamOptions != nil && req.StreamOptions.IncludeUsage)
		return
	}
	writeJSON(w, http.StatusOK, chatCompletion{
		ID: id, Object: "chat.completion", Created: created, Model: req.Model,
		Choices: []choice{{Message: outMessage{Role: "assistant", Content: ans.Text}, FinishReason: "stop", Citations: cites, Verified: ans.Verified}},
	})
}

// badRequest is what is wrong with a request, in OpenAI's terms.
type badRequest struct {
	status                int
	typ, msg, param, code string
}

func invalid(param, format string, args ...any) *badRequest {
	return &badRequest{status: http.StatusBadRequest, typ: "invalid_request_error", msg: fmt.Sprintf(format, args...), param: param}
}

// readRequest is the question a request asks, the user's questions before it,
// oldest first (the last maxEarlier of them, those of an answerable
// length), or what is wrong with it. System and assistant messages are the
// conversation's context, not questions: the answer is the reports' alone.
func readRequest(req chatRequest, lib *library) (string, []string, *badRequest) {
	switch {
	case req.Model == "":
		return "", nil, invalid("model", "you must provide a model parameter: %s for every report, or one of GET /v1/models", AllModel)
	case len(req.Messages) == 0:
		return "", nil, invalid("messages", "messages is empty: the last message must be the user's question")
	case req.N != nil && *req.N != 1:
		return "", nil, invalid("n", "only n=1 is supported: the reports give one answer")
	}
	for i, m := range req.Messages {
		switch {
		case !slices.Contains(roles, m.Role):
			return "", nil, invalid(fmt.Sprintf("messages[%d].role", i), "%q is not a role; expected user, assistant or system", m.Role)
		case m.Role == "user" && m.Content.NonText:
			return "", nil, invalid(fmt.Sprintf("messages[%d].content", i), "only text content is read; send the question as text")
		}
	}
	last := len(req.Messages) - 1
	if req.Messages[last].Role != "user" {
		return "", nil, invalid(fmt.Sprintf("messages[%d].role", last), "the last message must be the user's question, not a message of role %s", req.Messages[last].Role)
	}
	if _, ok := lib.answerer(req.Model); !ok {
		return "", nil, &badRequest{status: http.StatusNotFound, typ: "invalid_request_error",
			msg:   fmt.Sprintf("The model %q does not exist: GET /v1/models lists %s and the reports", req.Model, AllModel),
			param: "model", code: "model_not_found"}
	}
	limit := lib.all.MaxQuestionRunes
	if limit <= 0 {
		limit = answer.DefaultMaxQuestionRunes
	}
	var earlier []string
	for _, m := range req.Messages[:last] {
		if q := strings.TrimSpace(m.Content.Text); m.Role == "user" && q != "" && utf8.RuneCountInString(q) <= limit {
			earlier = append(earlier, q)
		}
	}
	if len(earlier) > maxEarlier {
		earlier = earlier[len(earlier)-maxEarlier:]
	}
	return req.Messages[last].Content.Text, earlier, nil
}

// citations are the answer's, each naming its report's title.
func citations(ans reply.Answer, lib *library, modelID string) []citation {
	title := ""
	if i, ok := lib.byID[modelID]; ok {
		title = lib.docs[i].Meta.Title
	} else if len(lib.docs) == 1 {
		title = lib.docs[0].Meta.Title
	}
	out := make([]citation, 0, len(ans.Citations))
	for _, c := range ans.Citations {
		report := c.Report
		if report == "" {
			report = title
		}
		out = append(out, citation{Section: c.Section, Heading: c.Heading, Quote: c.Quote, Report: report})
	}
	return out
}

// stream sends an answer, already made and checked, as server-sent events
// in OpenAI's chunks: the role, the text in pieces, then a last chunk that
// says stop and carries the citations, each flushed, and [DONE].
func stream(w http.ResponseWriter, id string, created int64, modelID string, ans reply.Answer, cites []citation, withUsage bool) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each chunk on as it comes
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(data []byte) bool {
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	event := func(c chunkChoice, u *usage) bool {
		ch := chunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: modelID, Choices: []chunkChoice{c}, Usage: u}
		if u != nil {
			ch.Choices = []chunkChoice{}
		}
		b, _ := json.Marshal(ch) // of plain values: never fails
		return send(b)
	}
	empty := ""
	if !event(chunkChoice{Delta: delta{Role: "assistant", Content: &empty}}, nil) {
		return
	}
	for _, p := range pieces(ans.Text) {
		if !event(chunkChoice{Delta: delta{Content: &p}}, nil) {
			return
		}
	}
	stop, verified := "stop", ans.Verified
	if !event(chunkChoice{FinishReason: &stop, Citations: cites, Verified: &verified}, nil) {
		return
	}
	if withUsage && !event(chunkChoice{}, &usage{}) {
		return
	}
	send([]byte("[DONE]"))
}

// pieceRunes is the longest piece of text a chunk carries.
const pieceRunes = 24

// pieces cuts text into the deltas of a stream: each line, its newline
// with it, in pieces of at most pieceRunes runes. Joined, they are text.
func pieces(text string) []string {
	var out []string
	start, n := 0, 0
	for i, r := range text {
		n++
		if r == '\n' || n == pieceRunes {
			end := i + utf8.RuneLen(r)
			out = append(out, text[start:end])
			start, n = end, 0
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// listModels lists the models: AllModel, then each report.
func (s *Server) listModels(w http.ResponseWriter, _ *http.Request, _ string) {
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: s.lib.Load().models()})
}

// getModel describes one model.
func (s *Server) getModel(w http.ResponseWriter, r *http.Request, _ string) {
	id := r.PathValue("model")
	for _, m := range s.lib.Load().models() {
		if m.ID == id {
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	writeError(w, http.StatusNotFound, "invalid_request_error", fmt.Sprintf("The model %q does not exist", id), "model", "model_not_found")
}

// client is the address a request comes from: the connection's, or, from
// a trusted proxy, the last address X-Forwarded-For names that is not one.
func (s *Server) client(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := ap.Addr().Unmap()
	trusted := func(a netip.Addr) bool {
		return slices.ContainsFunc(s.cfg.TrustedProxies, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0 && trusted(addr); i-- {
		next, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = next.Unmap()
	}
	return addr.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers with an error in OpenAI's shape; an empty param or
// code is null.
func writeError(w http.ResponseWriter, status int, typ, msg, param, code string) {
	orNull := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	writeJSON(w, status, apiError{Error: errorBody{Message: msg, Type: typ, Param: orNull(param), Code: orNull(code)}})
}
