package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/knowledge"
)

// askRequest is the body of POST /api/ask.
type askRequest struct {
	Question     string `json:"question"`
	Conversation string `json:"conversation"` // empty: a new conversation
}

// askReply is what `ask --json` prints, with the answer's name for
// feedback and the conversation to send with a follow-up.
type askReply struct {
	reply.Answer
	Ref          string `json:"ref,omitempty"`
	Conversation string `json:"conversation"`
}

// voteRequest is the body of POST /api/feedback.
type voteRequest struct {
	Ref          string `json:"ref"`
	Up           bool   `json:"up"`
	Conversation string `json:"conversation"`
}

// errorReply is every error of the API: words to show as they are.
type errorReply struct {
	Error      string `json:"error"`
	RetryAfter int    `json:"retry_after,omitempty"` // seconds, when rate limited
}

// conversationRE is what a conversation's ID may be: what newConversation
// makes, or a site's own ID of similar shape.
var conversationRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// refRE is an answer's name, as answer makes it.
var refRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

func newConversation() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// ask answers a question in its conversation; the user limited is the
// client's address.
func (s *Server) ask(w http.ResponseWriter, r *http.Request) {
	var req askRequest
	if !decode(w, r, &req) {
		return
	}
	switch {
	case req.Conversation == "":
		req.Conversation = newConversation()
	case !conversationRE.MatchString(req.Conversation):
		writeError(w, http.StatusBadRequest, msgConversation, 0)
		return
	}
	ctx, cancel := context.WithTimeout(reply.WithChannel(r.Context(), "web"), s.cfg.AnswerTimeout)
	defer cancel()
	start := time.Now()
	ans, err := s.lib.Load().ans.AskFor(ctx, reply.Key{Conv: "web:" + req.Conversation, User: "web:" + s.client(r)}, req.Question, nil)
	if err != nil {
		var limited *answer.RateLimitError
		status, retry := http.StatusInternalServerError, 0
		switch {
		case errors.Is(err, answer.ErrEmptyQuestion):
			status = http.StatusBadRequest
		case errors.Is(err, answer.ErrQuestionTooLong):
			status = http.StatusUnprocessableEntity
		case errors.As(err, &limited):
			status, retry = http.StatusTooManyRequests, max(1, int((limited.RetryAfter+time.Second-1)/time.Second))
			w.Header().Set("Retry-After", strconv.Itoa(retry))
		default:
			s.log.ErrorContext(ctx, "question not answered", "err", err)
		}
		writeError(w, status, answer.UserMessage(err), retry)
		return
	}
	s.log.InfoContext(ctx, "answered", "mode", ans.Mode, "found", ans.Found, "fallback", ans.Fallback, "took", time.Since(start))
	writeJSON(w, http.StatusOK, askReply{Answer: ans, Ref: ans.Ref, Conversation: req.Conversation})
}

// vote records a 👍 or 👎 on an answer, one a conversation.
func (s *Server) vote(w http.ResponseWriter, r *http.Request) {
	var req voteRequest
	if !decode(w, r, &req) {
		return
	}
	if !refRE.MatchString(req.Ref) || !conversationRE.MatchString(req.Conversation) {
		writeError(w, http.StatusBadRequest, msgVote, 0)
		return
	}
	if s.cfg.Feedback == nil {
		writeError(w, http.StatusNotFound, msgNoFeedback, 0)
		return
	}
	ctx := reply.WithChannel(r.Context(), "web")
	v, err := s.cfg.Feedback.Vote(ctx, "web:"+req.Conversation, req.Ref, "web:"+req.Conversation, req.Up)
	if err != nil {
		s.log.ErrorContext(ctx, "vote not recorded", "err", err)
		writeError(w, http.StatusServiceUnavailable, answer.UserMessage(err), 0)
		return
	}
	if v.Stands() && s.cfg.Observer != nil {
		s.cfg.Observer.ObserveFeedback(ctx, req.Up)
	}
	writeJSON(w, http.StatusOK, map[string]string{"result": v.String(), "message": voteWords(v, req.Up)})
}

// reportInfo names a loaded report.
type reportInfo struct {
	Title string `json:"title"`
	Place string `json:"place,omitempty"`
	Year  int    `json:"year,omitempty"`
}

// info names the loaded reports and the first questions to offer.
func (s *Server) info(w http.ResponseWriter, _ *http.Request) {
	lib := s.lib.Load()
	reports := make([]reportInfo, 0, len(lib.docs))
	for _, d := range lib.docs {
		reports = append(reports, reportInfo{Title: d.Meta.Title, Place: d.Meta.Place, Year: d.Meta.Year})
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": reports, "suggestions": lib.suggestions})
}

// sectionInfo is a section of a report; Text only when one is asked for.
type sectionInfo struct {
	ID      string `json:"id"`
	Heading string `json:"heading"`
	Report  string `json:"report"`
	Text    string `json:"text,omitempty"`
}

// sections lists every section of every report.
func (s *Server) sections(w http.ResponseWriter, _ *http.Request) {
	var out []sectionInfo
	for _, d := range s.lib.Load().docs {
		for _, sec := range d.Sections {
			out = append(out, sectionInfo{ID: sec.ID, Heading: sec.Heading, Report: d.Meta.Title})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"sections": out})
}

// section returns one section's whole text, its parts included: of the
// report named by ?report= (a title), or of the first that has it.
func (s *Server) section(w http.ResponseWriter, r *http.Request) {
	id, report := r.PathValue("id"), r.URL.Query().Get("report")
	for _, d := range s.lib.Load().docs {
		if report != "" && d.Meta.Title != report {
			continue
		}
		if sec := d.Section(id); sec != nil {
			writeJSON(w, http.StatusOK, sectionInfo{ID: sec.ID, Heading: sec.Heading, Report: d.Meta.Title, Text: d.FullText(id)})
			return
		}
	}
	writeError(w, http.StatusNotFound, msgNoSection, 0)
}

// facts returns the fact table of every report.
func (s *Server) facts(w http.ResponseWriter, _ *http.Request) {
	out := []knowledge.Fact{}
	for _, d := range s.lib.Load().docs {
		out = append(out, d.Facts()...)
	}
	writeJSON(w, http.StatusOK, out)
}

// decode reads a JSON body of at most maxBody bytes into v, or answers
// with what is wrong with it.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, msgContentType, 0)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	err := json.NewDecoder(r.Body).Decode(v)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, msgTooLarge, 0)
	case err != nil:
		writeError(w, http.StatusBadRequest, msgBadJSON, 0)
	default:
		return true
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true) // the page shows text as text; this is a second guard
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string, retryAfter int) {
	writeJSON(w, status, errorReply{Error: msg, RetryAfter: retryAfter})
}
