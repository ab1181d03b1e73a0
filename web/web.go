package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"reportbot/answer/reply"
	"reportbot/feedback"
	"reportbot/knowledge"
)

// Answerer answers a question of a user in a conversation, and offers
// first questions.
type Answerer interface {
	AskFor(ctx context.Context, k reply.Key, question string, deliver func(context.Context, reply.Answer)) (reply.Answer, error)
	Suggestions(n int) []string
}

// Feedback keeps 👍/👎 votes on answers, one a voter: on the answer ref
// names, given in conversation conv.
type Feedback interface {
	Vote(ctx context.Context, conv, ref, voter string, up bool) (feedback.Vote, error)
}

// Observer is told of votes, for metrics.
type Observer interface {
	ObserveFeedback(ctx context.Context, up bool)
}

// Config sets up a Server.
type Config struct {
	// Origins are the sites that may embed the chat and call the API
	// from their pages (https://www.fenyi.gov.cn); none but the page's own
	// when empty.
	Origins []string
	// TrustedProxies are the addresses whose X-Forwarded-For names the
	// client; from any other, the connection's address is the client.
	TrustedProxies []netip.Prefix
	Feedback       Feedback // nil offers no 👍/👎
	Observer       Observer // may be nil
	// AnswerTimeout bounds the answering of one question.
	AnswerTimeout time.Duration
}

// DefaultAnswerTimeout bounds an answer when Config sets none: a model's
// reply, its retries and the report's own words if it fails.
const DefaultAnswerTimeout = time.Minute

// maxBody caps a request's body: a question is a sentence or two.
const maxBody = 64 << 10

// suggestionCount is how many first questions the page offers.
const suggestionCount = 4

//go:embed static
var static embed.FS

// library is what the API answers from; a reload swaps it whole.
type library struct {
	ans         Answerer
	docs        []*knowledge.Document
	suggestions []string
}

// Server serves the page, the widget and the API.
type Server struct {
	cfg Config
	log *slog.Logger
	lib atomic.Pointer[library]
}

// New returns a Server that answers with ans from docs.
func New(cfg Config, ans Answerer, docs []*knowledge.Document, log *slog.Logger) *Server {
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	s := &Server{cfg: cfg, log: log.With("channel", "web")}
	s.Swap(ans, docs)
	return s
}

// Swap makes the API answer from other reports, for requests that come
// after.
func (s *Server) Swap(ans Answerer, docs []*knowledge.Document) {
	s.lib.Store(&library{ans: ans, docs: docs, suggestions: ans.Suggestions(suggestionCount)})
}

// Register adds the page, the widget and the API to mux.
func (s *Server) Register(mux *http.ServeMux) {
	assets, _ := fs.Sub(static, "static") // the directory is embedded: it exists
	files := http.FileServerFS(assets)
	page := s.secured(files)
	for _, p := range []string{"GET /{$}", "GET /app.js", "GET /style.css"} {
		mux.Handle(p, page)
	}
	mux.Handle("GET /widget.js", s.embeddable(files))
	api := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, s.cors(h))
	}
	api("POST /api/ask", s.ask)
	api("POST /api/feedback", s.vote)
	api("GET /api/info", s.info)
	api("GET /api/sections", s.sections)
	api("GET /api/sections/{id}", s.section)
	api("GET /api/facts", s.facts)
	mux.Handle("OPTIONS /api/", s.cors(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
}

// secured serves the page with the headers that keep it safe: no script
// but its own, framed only by the allowed sites.
func (s *Server) secured(next http.Handler) http.Handler {
	ancestors := strings.Join(append([]string{"'self'"}, s.cfg.Origins...), " ")
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors " + ancestors
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}

// embeddable serves the widget, which any page may load.
func (s *Server) embeddable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}

// cors lets the allowed sites call the API from their pages; any other
// site's browser is refused the answer, and its preflight with 403.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		switch {
		case origin == "" || origin == sameOrigin(r):
		case slices.Contains(s.cfg.Origins, origin):
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Content-Type")
			h.Set("Access-Control-Max-Age", "600")
		case r.Method == http.MethodOptions:
			writeError(w, http.StatusForbidden, msgOrigin, 0)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin is the origin a request to this server has when its page is
// this server's own.
func sameOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// client is the address a request comes from: the connection's, or, from
// a trusted proxy, the last address X-Forwarded-For names that is not one.
func (s *Server) client(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := ap.Addr().Unmap()
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0 && s.trusted(addr); i-- {
		next, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = next.Unmap()
	}
	return addr.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	return slices.ContainsFunc(s.cfg.TrustedProxies, func(p netip.Prefix) bool { return p.Contains(a) })
}
