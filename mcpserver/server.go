package mcpserver

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"reportbot/answer"
	"reportbot/knowledge"
)

// Config sets up a Server.
type Config struct {
	// AnswerTimeout bounds the answering of one question.
	AnswerTimeout time.Duration
}

// DefaultAnswerTimeout bounds an answer when Config sets none: a model's
// reply, its retries and the report's own words if it fails.
const DefaultAnswerTimeout = time.Minute

// instructions tell a client's model what the server is for and how its
// tools fit together.
const instructions = `reportbot answers questions about public government reports (Chinese rule-of-law government reports) with the reports' exact figures and the sections they come from; it never invents a number.
list_reports names the loaded reports and their IDs. ask answers a question in plain words (Chinese or English), citing sections. search_facts finds the figures the reports state about a topic. get_section reads the whole text of a section a citation or fact names.
Quote figures as the tools give them, with their section.`

// Server is the MCP server of the reports: its tools answer from the
// reports last swapped in.
type Server struct {
	cfg Config
	log *slog.Logger
	mcp *mcp.Server
	lib atomic.Pointer[library]
}

// New returns a Server whose tools answer with ans from docs, the
// reports ans's index holds.
func New(cfg Config, ans *answer.Answerer, docs []*knowledge.Document, log *slog.Logger) *Server {
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = DefaultAnswerTimeout
	}
	s := &Server{cfg: cfg, log: log.With("channel", "mcp")}
	s.Swap(ans, docs)
	s.mcp = mcp.NewServer(&mcp.Implementation{Name: "reportbot", Title: "reportbot: government reports, figures cited", Version: version()},
		&mcp.ServerOptions{Instructions: instructions, Logger: s.log})
	s.addTools()
	return s
}

// version is the module's version as built, or dev.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Swap makes the tools answer from other reports, for calls that come
// after.
func (s *Server) Swap(ans *answer.Answerer, docs []*knowledge.Document) {
	s.lib.Store(newLibrary(ans, docs))
}

// Serve speaks MCP over in and out, one JSON message a line, as a client
// that started this process does over its stdin and stdout, until in ends
// or ctx is done. Nothing else may write to out.
func (s *Server) Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	err := s.mcp.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(in), Writer: nopWriteCloser{out}})
	if errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
		return nil // the client closed the connection, or the process is stopping
	}
	return err
}

// nopWriteCloser leaves closing out to its owner.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// Authorize admits an HTTP request to the tools and names who sends it
// (an API key's name; "" for a caller let in without one, limited by its
// address), or refuses it.
type Authorize func(r *http.Request) (name string, ok bool)

// askerHeader carries who asks from Handler to the tools: the SDK hands a
// tool the headers of the request that called it. Handler sets it on every
// request, over whatever the client sent.
const askerHeader = "X-Reportbot-Asker"

// Handler serves MCP over streamable HTTP, to the requests authorize
// admits (all of them when it is nil). The server keeps no sessions, so
// that any replica answers any request; questions are limited per asker:
// the name authorize gives, or the client's address.
func (s *Server) Handler(authorize Authorize) http.Handler {
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.mcp },
		&mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true, Logger: s.log})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asker := "addr:" + clientHost(r)
		if authorize != nil {
			name, ok := authorize(r)
			if !ok {
				http.Error(w, "this MCP endpoint needs an API key; ask the site's operator for one", http.StatusUnauthorized)
				return
			}
			if name != "" {
				asker = "key:" + name
			}
		}
		r.Header.Set(askerHeader, asker)
		h.ServeHTTP(w, r)
	})
}

// clientHost is the address of the connection's other end.
func clientHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// askerOf is who asks in a tool call: "" over stdio, where the one user
// is the one who started the process, and is not limited.
func askerOf(req *mcp.CallToolRequest) string {
	if req.Extra == nil || req.Extra.Header == nil {
		return ""
	}
	if a := req.Extra.Header.Get(askerHeader); a != "" {
		return "mcp:" + a
	}
	return ""
}
