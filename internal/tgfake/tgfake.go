package tgfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"reportbot/knowledge"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Sent is a message the bot sent.
type Sent struct {
	ChatID    int64
	Text      string
	ReplyTo   int
	MessageID int
	Keyboard  [][]Button
	At        time.Time
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// Call is any request the bot made, by method, with its form values.
type Call struct {
	Method string
	Values map[string]string
}

// Server is the fake Bot API.
type Server struct {
	t     testing.TB
	srv   *httptest.Server
	token string
	// FloodGap: a chat sent two messages within it gets a 429.
	FloodGap time.Duration
	// Delay answers getUpdates long polls after at most this long.
	PollWait time.Duration

	mu         sync.Mutex
	updates    []json.RawMessage // pending, by update_id
	ids        []int
	nextMsgID  int
	sent       []Sent
	calls      []Call
	lastSent   map[int64]time.Time
	known      map[int64]map[int]bool // message IDs that exist, per chat
	force429   map[int64]int          // chat → seconds, for its next sendMessage
	offsets    []int
	wake       chan struct{}
	changed    chan struct{} // closed, and replaced, at every message sent
	failing    int           // sendMessage requests still to fail with a 502
	hookURL    string        // where Push posts updates, once set
	hookSecret string
	refused    map[string]refusal // methods that fail, with their error
	emptyPolls bool
}

// AnswerPollsEmpty makes getUpdates answer at once with nothing, as a Bot
// API server under load or an emulator may.
func (s *Server) AnswerPollsEmpty() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emptyPolls = true
}

type refusal struct {
	code int
	desc string
}

// Refuse makes every request of method fail with code and description
// (none when desc is empty).
func (s *Server) Refuse(method string, code int, desc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = map[string]refusal{}
	}
	s.refused[method] = refusal{code, desc}
}

// Start serves the fake API for the test.
func Start(t testing.TB, token string) *Server {
	s := &Server{t: t, token: token, FloodGap: 500 * time.Millisecond, PollWait: 200 * time.Millisecond,
		nextMsgID: 1000, lastSent: map[int64]time.Time{}, known: map[int64]map[int]bool{}, force429: map[int64]int{},
		wake: make(chan struct{}, 1), changed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// Endpoint is the API's URL format for TELEGRAM_API_ENDPOINT.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// DeliverTo makes Push post updates to a webhook, with its secret, as
// Telegram does once a webhook is set, instead of queuing them for
// getUpdates.
func (s *Server) DeliverTo(url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hookURL, s.hookSecret = url, secret
}

// Push sends an update: queued for getUpdates, or posted to the webhook.
// Its message, if any, becomes a message the bot may reply to.
func (s *Server) Push(id int, update map[string]any) {
	update["update_id"] = id
	raw, err := json.Marshal(update)
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	for _, k := range []string{"message", "edited_message", "channel_post"} {
		if m, ok := update[k].(map[string]any); ok {
			chat := m["chat"].(map[string]any)["id"].(int64)
			s.remember(chat, m["message_id"].(int))
		}
	}
	hook, secret := s.hookURL, s.hookSecret
	if hook == "" {
		s.updates = append(s.updates, raw)
		s.ids = append(s.ids, id)
	}
	s.mu.Unlock()
	if hook != "" {
		s.post(hook, secret, raw)
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// post delivers an update to the webhook, waiting for it to listen.
func (s *Server) post(url, secret string, raw []byte) {
	for range 100 {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				s.t.Errorf("webhook answered %s", resp.Status)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Errorf("webhook %s not listening", url)
}

// Deliver posts update id, the question text from the user of private
// chat, to a webhook once, as each of Telegram's tries does, and returns
// the status it was answered with: 0 when the request failed (no replica
// listening, or one killed while it handled the update).
func (s *Server) Deliver(url, secret string, id int, chat int64, text string) int {
	s.Remember(chat, id)
	raw, _ := json.Marshal(map[string]any{"update_id": id, "message": map[string]any{"message_id": id, "date": 1, "text": text,
		"chat": map[string]any{"id": chat, "type": "private"}, "from": map[string]any{"id": chat, "is_bot": false, "first_name": "u"}}})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Fail makes the next n sendMessage requests fail with a 502 page that is
// not the API's JSON, as a proxy in front of Telegram does.
func (s *Server) Fail(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = n
}

// Force429 makes the next sendMessage to chat fail with retry_after.
func (s *Server) Force429(chat int64, seconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.force429[chat] = seconds
}

// Remember records a message the test sends the bot itself (not through
// Push), so that replies to it are accepted.
func (s *Server) Remember(chat int64, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remember(chat, id)
}

func (s *Server) remember(chat int64, id int) {
	if s.known[chat] == nil {
		s.known[chat] = map[int]bool{}
	}
	s.known[chat][id] = true
}

// Sent returns the messages sent so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Calls returns the requests of a method.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Offsets returns the offsets of every getUpdates.
func (s *Server) Offsets() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.offsets...)
}

// WaitSent waits until n messages were sent or the timeout passes.
func (s *Server) WaitSent(n int, timeout time.Duration) []Sent {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		if len(s.sent) >= n {
			sent := append([]Sent(nil), s.sent...)
			s.mu.Unlock()
			return sent
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			return s.Sent()
		}
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if len(parts) != 2 || parts[0] != s.token {
		fail(w, 401, "Unauthorized", 0)
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(w, 400, "Bad Request: "+err.Error(), 0)
		return
	}
	values := map[string]string{}
	for k := range r.PostForm {
		values[k] = r.PostForm.Get(k)
	}
	method := parts[1]
	s.mu.Lock()
	s.calls = append(s.calls, Call{method, values})
	ref, refused := s.refused[method]
	s.mu.Unlock()
	if refused {
		fail(w, ref.code, ref.desc, 0)
		return
	}
	switch method {
	case "getMe":
		ok(w, map[string]any{"id": 42, "is_bot": true, "first_name": "Report", "username": "report_bot"})
	case "getUpdates":
		s.getUpdates(w, r, values)
	case "sendMessage":
		s.sendMessage(w, values)
	case "editMessageReplyMarkup":
		s.editMarkup(w, values)
	case "setWebhook":
		if values["url"] == "" || values["secret_token"] == "" {
			fail(w, 400, "Bad Request: url and secret_token required here", 0)
			return
		}
		ok(w, true)
	case "sendChatAction", "answerCallbackQuery", "setMyCommands", "answerInlineQuery", "deleteWebhook":
		if method == "answerCallbackQuery" && values["callback_query_id"] == "" {
			fail(w, 400, "Bad Request: callback_query_id is empty", 0)
			return
		}
		ok(w, true)
	default:
		fail(w, 404, "Not Found: method "+method, 0)
	}
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, v map[string]string) {
	s.mu.Lock()
	empty := s.emptyPolls
	s.mu.Unlock()
	if empty {
		ok(w, []any{})
		return
	}
	offset, _ := strconv.Atoi(v["offset"])
	limit, _ := strconv.Atoi(v["limit"])
	timeout, _ := strconv.Atoi(v["timeout"])
	s.mu.Lock()
	s.offsets = append(s.offsets, offset)
	s.mu.Unlock()
	deadline := time.Now().Add(min(time.Duration(timeout)*time.Second, s.PollWait))
	for {
		s.mu.Lock()
		// Updates below the offset are confirmed: forgotten.
		var keep []json.RawMessage
		var keepIDs []int
		for i, id := range s.ids {
			if id >= offset {
				keep, keepIDs = append(keep, s.updates[i]), append(keepIDs, id)
			}
		}
		s.updates, s.ids = keep, keepIDs
		out := append([]json.RawMessage(nil), s.updates...)
		s.mu.Unlock()
		if limit > 0 && len(out) > limit {
			out = out[:limit]
		}
		if len(out) > 0 || time.Now().After(deadline) {
			ok(w, out)
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-s.wake:
		case <-time.After(time.Until(deadline)):
		}
	}
}

var (
	tagRE    = regexp.MustCompile(`<(/?)([a-zA-Z-]+)([^>]*)>`)
	entityRE = regexp.MustCompile(`&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);`)
	allowed  = map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
		"strike": true, "del": true, "a": true, "code": true, "pre": true, "tg-spoiler": true, "blockquote": true}
)

// parseHTML checks text as Telegram's HTML parse mode does and returns the
// text without its markup.
func parseHTML(text string) (string, error) {
	var stack []string
	plain := tagRE.ReplaceAllStringFunc(text, func(tag string) string { return "\x00" })
	for _, m := range tagRE.FindAllStringSubmatch(text, -1) {
		name := strings.ToLower(m[2])
		if !allowed[name] {
			return "", fmt.Errorf("unsupported start tag %q", name)
		}
		if m[1] == "" {
			stack = append(stack, name)
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != name {
			return "", fmt.Errorf("unexpected end tag %q", name)
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("unclosed tag %q", stack[len(stack)-1])
	}
	rest := entityRE.ReplaceAllString(plain, "x")
	if strings.ContainsAny(rest, "<>&") {
		return "", fmt.Errorf("unescaped <, > or & in %q", knowledge.Clip(rest, 60))
	}
	return strings.ReplaceAll(rest, "\x00", ""), nil
}

func (s *Server) sendMessage(w http.ResponseWriter, v map[string]string) {
	chat, err := strconv.ParseInt(v["chat_id"], 10, 64)
	if err != nil {
		fail(w, 400, "Bad Request: chat not found", 0)
		return
	}
	text := v["text"]
	if strings.TrimSpace(text) == "" {
		fail(w, 400, "Bad Request: message text is empty", 0)
		return
	}
	plain := text
	if v["parse_mode"] == "HTML" {
		if plain, err = parseHTML(text); err != nil {
			fail(w, 400, "Bad Request: can't parse entities: "+err.Error(), 0)
			return
		}
	}
	if utf8.RuneCountInString(plain) > 4096 {
		fail(w, 400, "Bad Request: message is too long", 0)
		return
	}
	kb, valid := keyboardOf(w, v)
	if !valid {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.failing > 0 {
		s.failing--
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
		return
	}
	if sec, forced := s.force429[chat]; forced {
		delete(s.force429, chat)
		fail(w, 429, fmt.Sprintf("Too Many Requests: retry after %d", sec), sec)
		return
	}
	if last, ok := s.lastSent[chat]; ok && now.Sub(last) < s.FloodGap {
		fail(w, 429, "Too Many Requests: retry after 1", 1)
		return
	}
	reply, _ := strconv.Atoi(v["reply_to_message_id"])
	if reply != 0 && !s.known[chat][reply] && v["allow_sending_without_reply"] != "true" {
		fail(w, 400, "Bad Request: message to reply not found", 0)
		return
	}
	s.lastSent[chat] = now
	s.nextMsgID++
	s.remember(chat, s.nextMsgID)
	s.sent = append(s.sent, Sent{ChatID: chat, Text: text, ReplyTo: reply, MessageID: s.nextMsgID, Keyboard: kb, At: now})
	close(s.changed)
	s.changed = make(chan struct{})
	ok(w, map[string]any{"message_id": s.nextMsgID, "date": now.Unix(), "chat": map[string]any{"id": chat, "type": "private"}, "text": plain})
}

// keyboardOf reads a request's inline keyboard, refusing button data that
// Telegram refuses (empty, or over 64 bytes).
func keyboardOf(w http.ResponseWriter, v map[string]string) ([][]Button, bool) {
	var kb struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if m := v["reply_markup"]; m != "" {
		if err := json.Unmarshal([]byte(m), &kb); err != nil {
			fail(w, 400, "Bad Request: can't parse reply keyboard markup", 0)
			return nil, false
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if len(b.CallbackData) == 0 || len(b.CallbackData) > 64 {
					fail(w, 400, "Bad Request: BUTTON_DATA_INVALID", 0)
					return nil, false
				}
			}
		}
	}
	return kb.InlineKeyboard, true
}

// editMarkup replaces the keyboard of a message the bot sent, as Telegram's
// editMessageReplyMarkup does; the message keeps its place in Sent.
func (s *Server) editMarkup(w http.ResponseWriter, v map[string]string) {
	chat, err1 := strconv.ParseInt(v["chat_id"], 10, 64)
	id, err2 := strconv.Atoi(v["message_id"])
	if err1 != nil || err2 != nil {
		fail(w, 400, "Bad Request: message to edit not found", 0)
		return
	}
	kb, valid := keyboardOf(w, v)
	if !valid {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.sent {
		if s.sent[i].ChatID == chat && s.sent[i].MessageID == id {
			s.sent[i].Keyboard = kb
			close(s.changed)
			s.changed = make(chan struct{})
			ok(w, true)
			return
		}
	}
	fail(w, 400, "Bad Request: message to edit not found", 0)
}

func ok(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func fail(w http.ResponseWriter, code int, desc string, retryAfter int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	json.NewEncoder(w).Encode(body)
}
