package bot

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/feedback"
	"reportbot/knowledge"
)

// What the bot's buttons carry, and how many it shows.
const (
	sourcePrefix   = "src:"
	feedbackPrefix = "fb:"
	placePrefix    = "pl:"
	askPrefix      = "ask:" // a question the report answers, offered when it does not answer one
	pagePrefix     = "pp:"  // another page of place buttons: the offset of its first
	maxButtons     = 3
	maxPlaces      = 8 // place buttons under a question asked back
)

// conversationOf keys an update's conversation: a private chat, or one
// user in a group, so that two people in a group do not share follow-ups.
// Updates the bot does not handle (edited messages, channel posts) have
// none.
func conversationOf(u tgbotapi.Update) (string, bool) {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		asker, ok := askerOf(u.Message)
		if !ok {
			return "", false
		}
		return convKey(u.Message.Chat, asker), true
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		if m := u.CallbackQuery.Message; m != nil && m.Chat != nil {
			return convKey(m.Chat, u.CallbackQuery.From.ID), true
		}
		return fmt.Sprintf("tg:u%d", u.CallbackQuery.From.ID), true
	case u.InlineQuery != nil && u.InlineQuery.From != nil:
		return fmt.Sprintf("tg:inline:%d", u.InlineQuery.From.ID), true
	}
	return "", false
}

// askerOf is who asks in a message: the chat it is posted on behalf of
// (an anonymous group admin posts as the group, with GroupAnonymousBot as
// its sender), else its human sender; no one for a bot's own messages.
func askerOf(m *tgbotapi.Message) (int64, bool) {
	switch {
	case m.SenderChat != nil:
		return m.SenderChat.ID, true
	case m.From != nil && !m.From.IsBot:
		return m.From.ID, true
	}
	return 0, false
}

// convKey names a conversation: in a private chat, which is its user's,
// by the user, so that in a Redis Cluster its turns, its asker's limits
// and its claims share a hash slot (one node, one round trip).
func convKey(chat *tgbotapi.Chat, user int64) string {
	if chat.IsPrivate() {
		return userKey(user)
	}
	return fmt.Sprintf("tg:%d:%d", chat.ID, user)
}

// forBot reports whether a command is for the bot named self: one with no
// @name is, in a group one for another bot is not.
func forBot(m *tgbotapi.Message, self string) bool {
	at := strings.SplitN(m.CommandWithAt(), "@", 2)
	return len(at) < 2 || strings.EqualFold(at[1], self)
}

func userKey(id int64) string { return fmt.Sprintf("tg:u%d", id) }

func isGroup(c *tgbotapi.Chat) bool { return c != nil && (c.IsGroup() || c.IsSuperGroup()) }

// handler is what each update goes through: the middleware every update
// needs, around the handler of its kind.
func (b *Bot) handler() Handler {
	reply := func(ctx context.Context, to *tgbotapi.Message, text string) { b.reply(ctx, to, text, nil) }
	return chain(b.route, channel, logged(b.log), recovered(), handled(b.mem, b.track, b.cfg.ClaimRefresh, b.asks, b.log), deadline(b.cfg.AnswerTimeout), toUser(reply),
		limitedCommands(b.commands, b.self.UserName))
}

// route hands an update to the handler of its kind.
func (b *Bot) route(ctx context.Context, u tgbotapi.Update) error {
	asked := askingOf(u) // what memory claims a question under, and counts once
	switch {
	case u.Message != nil:
		return b.onMessage(ctx, asked, u.Message)
	case u.CallbackQuery != nil:
		return b.onCallback(ctx, asked, u.CallbackQuery)
	case u.InlineQuery != nil:
		return b.onInline(ctx, asked, u.InlineQuery)
	}
	return nil
}

func (b *Bot) onMessage(ctx context.Context, asked string, m *tgbotapi.Message) error {
	asker, ok := askerOf(m)
	if !ok || m.Chat == nil {
		return nil
	}
	conv, user := convKey(m.Chat, asker), userKey(asker)
	if m.IsCommand() {
		if forBot(m, b.self.UserName) {
			b.command(ctx, m, conv)
		}
		return nil
	}
	text, ok := b.question(m)
	switch {
	case !ok:
		return nil
	case text == "":
		b.reply(ctx, m, textOnly(b.lib.Load().suggestions), nil)
		return nil
	case utf8.RuneCountInString(text) > b.cfg.MaxQuestionRunes:
		return &replyError{m, answer.ErrQuestionTooLong}
	}
	b.out.request(ctx, 0, false, tgbotapi.NewChatAction(m.Chat.ID, tgbotapi.ChatTyping)) // not a message: no chat limit
	start := time.Now()
	lib := b.lib.Load() // one update, one set of reports
	_, err := lib.ans.AskFor(ctx, reply.Key{Conv: conv, User: user, Asked: asked}, text, func(ctx context.Context, ans reply.Answer) {
		var cited []string
		for _, c := range ans.Citations {
			cited = append(cited, c.Section)
		}
		attrs := []any{"conv_hash", hashString(conv), "latency", time.Since(start), "mode", ans.Mode,
			"verified", ans.Verified, "fallback", ans.Fallback, "found", ans.Found, "cached", ans.Cached, "sections", cited}
		if b.cfg.LogQuestions {
			attrs = append(attrs, "question", text)
		}
		b.log.Info("answered", attrs...)
		b.sendHTML(ctx, m.Chat.ID, isGroup(m.Chat), m.MessageID, FormatHTML(ans), b.keyboard(lib.docs, ans))
	})
	return b.askError(m, conv, err)
}

// askError is what came of asking a question in reply to m: nothing, an
// asking another process holds or answered (no one is told), or an error
// to tell the asker.
func (b *Bot) askError(m *tgbotapi.Message, conv string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, reply.ErrInFlight) || errors.Is(err, reply.ErrAnswered):
		return err
	}
	return &replyError{m, fmt.Errorf("answer for %s: %w", hashString(conv), err)}
}

// question is the question a message asks: in a group, only one addressed
// to the bot (ok), without the mention; trimmed.
func (b *Bot) question(m *tgbotapi.Message) (string, bool) {
	text, _ := questionOf(m)
	if isGroup(m.Chat) {
		var addressed bool
		if text, addressed = b.addressed(m); !addressed {
			return "", false
		}
	}
	return strings.TrimSpace(text), true
}

// asks reports whether an update is a question to answer (onMessage): its
// asking is claimed by memory's Load, and marked answered by its Save.
func (b *Bot) asks(u tgbotapi.Update) bool {
	m := u.Message
	if m == nil || m.Chat == nil || m.IsCommand() {
		return false
	}
	if _, ok := askerOf(m); !ok {
		return false
	}
	text, ok := b.question(m)
	return ok && text != "" && utf8.RuneCountInString(text) <= b.cfg.MaxQuestionRunes
}

// addressed reports whether a group message is for the bot: an entity of
// it mentions the bot by its whole username (not @report_botfan), or it
// replies to the bot. The mention is taken out of the question, at the
// entity's offsets, which Telegram counts in UTF-16 code units.
func (b *Bot) addressed(m *tgbotapi.Message) (string, bool) {
	text, entities := questionOf(m)
	units := utf16.Encode([]rune(text))
	for _, e := range entities {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(units) {
			continue
		}
		span := string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
		mine := e.Type == "mention" && b.self.UserName != "" && strings.EqualFold(span, "@"+b.self.UserName) ||
			e.Type == "text_mention" && e.User != nil && e.User.ID == b.self.ID
		if mine {
			rest := append(append([]uint16(nil), units[:e.Offset]...), units[e.Offset+e.Length:]...)
			return string(utf16.Decode(rest)), true
		}
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == b.self.ID {
		return text, true
	}
	return "", false
}

// questionOf is what a message asks: its text, or the caption of a photo
// or file, with the entities marked in it.
func questionOf(m *tgbotapi.Message) (string, []tgbotapi.MessageEntity) {
	if m.Text == "" && m.Caption != "" {
		return m.Caption, m.CaptionEntities
	}
	return m.Text, m.Entities
}

// keyboard is what goes under an answer: a 查看原文 button for each cited
// section, and 👍/👎 when feedback is kept.
func (b *Bot) keyboard(docs []*knowledge.Document, ans reply.Answer) *tgbotapi.InlineKeyboardMarkup {
	var rows [][]tgbotapi.InlineKeyboardButton
	if row := sourceButtons(docs, ans); row != nil {
		rows = append(rows, row)
	}
	// Asked back which place: a button for each, by pages.
	rows = append(rows, placeRows(ans.Choices, 0)...)
	// Found nothing: a button for each nearby question the report answers.
	for _, q := range ans.Suggested {
		if data := askPrefix + q; len(data) <= 64 {
			rows = append(rows, []tgbotapi.InlineKeyboardButton{tgbotapi.NewInlineKeyboardButtonData(q, data)})
		}
	}
	if b.cfg.Feedback != nil && ans.Ref != "" && len(ans.Choices) == 0 {
		rows = append(rows, []tgbotapi.InlineKeyboardButton{
			tgbotapi.NewInlineKeyboardButtonData("👍", feedbackPrefix+"+:"+ans.Ref),
			tgbotapi.NewInlineKeyboardButtonData("👎", feedbackPrefix+"-:"+ans.Ref),
		})
	}
	if len(rows) == 0 {
		return nil
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &kb
}

// placeRows are the buttons of a page of places from offset, two to a
// row, and a row to turn the page when there are more.
func placeRows(places []string, offset int) [][]tgbotapi.InlineKeyboardButton {
	var rows [][]tgbotapi.InlineKeyboardButton
	page := places[min(offset, len(places)):min(offset+maxPlaces, len(places))]
	for i, p := range page {
		if data := placePrefix + p; len(data) <= 64 {
			if i%2 == 0 {
				rows = append(rows, nil)
			}
			rows[len(rows)-1] = append(rows[len(rows)-1], tgbotapi.NewInlineKeyboardButtonData(p, data))
		}
	}
	var turn []tgbotapi.InlineKeyboardButton
	if offset > 0 {
		turn = append(turn, tgbotapi.NewInlineKeyboardButtonData("◀ 上一页", pagePrefix+strconv.Itoa(max(0, offset-maxPlaces))))
	}
	if offset+maxPlaces < len(places) {
		turn = append(turn, tgbotapi.NewInlineKeyboardButtonData("下一页 ▶", pagePrefix+strconv.Itoa(offset+maxPlaces)))
	}
	if turn != nil {
		rows = append(rows, turn)
	}
	return rows
}

// sourceButtons offers the full text of each cited section.
func sourceButtons(docs []*knowledge.Document, ans reply.Answer) []tgbotapi.InlineKeyboardButton {
	if !ans.Found {
		return nil
	}
	var row []tgbotapi.InlineKeyboardButton
	seen := map[string]bool{}
	for _, c := range ans.Citations {
		doc := docIndex(docs, c)
		data := sourcePrefix + strconv.Itoa(doc) + ":" + c.Section
		if doc < 0 || seen[data] || len(data) > 64 || len(row) == maxButtons {
			continue
		}
		seen[data] = true
		label := viewSource
		if len(ans.Citations) > 1 {
			label += " " + c.Section
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, data))
	}
	return row
}

func docIndex(docs []*knowledge.Document, c reply.Citation) int {
	for i, d := range docs {
		if (c.Report == "" || c.Report == d.Meta.Title) && d.Section(c.Section) != nil {
			return i
		}
	}
	return -1
}

// parseSource reads a 查看原文 button's data; forged or stale data is not ok.
func (b *Bot) parseSource(data string) (*knowledge.Document, *knowledge.Section, bool) {
	rest, ok := strings.CutPrefix(data, sourcePrefix)
	if !ok || len(data) > 64 {
		return nil, nil, false
	}
	idx, id, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(idx)
	docs := b.docs()
	if !ok || err != nil || n < 0 || n >= len(docs) {
		return nil, nil, false
	}
	s := docs[n].Section(id)
	return docs[n], s, s != nil
}

func (b *Bot) onCallback(ctx context.Context, asked string, q *tgbotapi.CallbackQuery) error {
	if strings.HasPrefix(q.Data, feedbackPrefix) {
		b.onVote(ctx, q)
		return nil
	}
	if place, ok := strings.CutPrefix(q.Data, placePrefix); ok {
		return b.onPlace(ctx, asked, q, place)
	}
	if question, ok := strings.CutPrefix(q.Data, askPrefix); ok {
		return b.onSuggested(ctx, asked, q, question)
	}
	if offset, ok := strings.CutPrefix(q.Data, pagePrefix); ok {
		b.onPage(ctx, q, offset)
		return nil
	}
	doc, sec, ok := b.parseSource(q.Data)
	if !ok || q.Message == nil || q.Message.Chat == nil {
		b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, staleButton))
		return nil
	}
	b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, ""))
	b.sendHTML(ctx, q.Message.Chat.ID, isGroup(q.Message.Chat), q.Message.MessageID, sectionHTML(doc, sec), nil)
	return nil
}

// onPlace answers the question a place button was offered under, asked of
// that place: the button's message replies to the question. The place then
// stays the asker's conversation's for its follow-ups.
func (b *Bot) onPlace(ctx context.Context, asked string, q *tgbotapi.CallbackQuery, place string) error {
	lib := b.lib.Load()
	m := q.Message
	loaded := false
	for _, d := range lib.docs {
		loaded = loaded || d.Meta.Place == place
	}
	if !loaded || m == nil || m.Chat == nil || m.ReplyToMessage == nil || q.From == nil {
		b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, staleButton))
		return nil
	}
	b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, ""))
	orig := m.ReplyToMessage
	text := orig.Text
	if isGroup(m.Chat) {
		text, _ = b.addressed(orig)
	}
	// The answer is its asker's, in whose conversation it goes on (and is
	// voted on); who pressed the button is limited for it.
	asker, ok := askerOf(orig)
	if !ok {
		asker = q.From.ID
	}
	conv := convKey(m.Chat, asker)
	k := reply.Key{Conv: conv, User: userKey(q.From.ID), Asked: asked}
	_, err := lib.ans.AskFor(ctx, k, place+strings.TrimSpace(text), func(ctx context.Context, ans reply.Answer) {
		b.sendHTML(ctx, m.Chat.ID, isGroup(m.Chat), orig.MessageID, FormatHTML(ans), b.keyboard(lib.docs, ans))
	})
	return b.askError(orig, conv, err)
}

// onPage turns a page of the place buttons under a question asked back:
// the places are found again from the question the message replies to.
// Forged or stale data gets a polite answer.
func (b *Bot) onPage(ctx context.Context, q *tgbotapi.CallbackQuery, offset string) {
	m := q.Message
	n, err := strconv.Atoi(offset)
	if err != nil || n < 0 || m == nil || m.Chat == nil || m.ReplyToMessage == nil {
		b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, staleButton))
		return
	}
	text := m.ReplyToMessage.Text
	if isGroup(m.Chat) {
		text, _ = b.addressed(m.ReplyToMessage)
	}
	places := b.lib.Load().ans.Places(text)
	if n >= len(places) {
		b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, staleButton))
		return
	}
	b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, ""))
	b.out.request(ctx, m.Chat.ID, isGroup(m.Chat), tgbotapi.NewEditMessageReplyMarkup(m.Chat.ID, m.MessageID, tgbotapi.NewInlineKeyboardMarkup(placeRows(places, n)...)))
}

// onSuggested asks the question a button offered under an answer that
// found nothing, as its presser's, in reply to that answer. The question is
// the button's data: a forged one is a question like any typed.
func (b *Bot) onSuggested(ctx context.Context, asked string, q *tgbotapi.CallbackQuery, question string) error {
	m := q.Message
	if m == nil || m.Chat == nil || q.From == nil || strings.TrimSpace(question) == "" {
		b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, staleButton))
		return nil
	}
	b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, ""))
	lib := b.lib.Load()
	conv := convKey(m.Chat, q.From.ID)
	k := reply.Key{Conv: conv, User: userKey(q.From.ID), Asked: asked}
	_, err := lib.ans.AskFor(ctx, k, question, func(ctx context.Context, ans reply.Answer) {
		b.sendHTML(ctx, m.Chat.ID, isGroup(m.Chat), m.MessageID, FormatHTML(ans), b.keyboard(lib.docs, ans))
	})
	return b.askError(m, conv, err)
}

// onVote records a 👍 or 👎, one a user; forged or stale data gets a
// polite answer.
func (b *Bot) onVote(ctx context.Context, q *tgbotapi.CallbackQuery) {
	rest := strings.TrimPrefix(q.Data, feedbackPrefix)
	vote, ref, _ := strings.Cut(rest, ":")
	up := vote == "+"
	result := feedback.Unknown
	conv, ok := answeredIn(q)
	if fb := b.cfg.Feedback; fb != nil && (vote == "+" || vote == "-") && len(ref) == 16 && ok {
		var err error
		if result, err = fb.Vote(ctx, conv, ref, userKey(q.From.ID), up); err != nil {
			b.log.Warn("vote not recorded", "err", err)
			b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, voteFailed))
			return
		}
	}
	if result.Stands() && b.cfg.Observer != nil {
		b.cfg.Observer.ObserveFeedback(ctx, up)
	}
	b.out.request(ctx, 0, false, tgbotapi.NewCallback(q.ID, voteWords[result]))
}

// answeredIn is the conversation of the answer a button is under: in a
// private chat, the voter's; in a group, its asker's, whose question the
// answer replies to.
func answeredIn(q *tgbotapi.CallbackQuery) (string, bool) {
	m := q.Message
	if q.From == nil || m == nil || m.Chat == nil {
		return "", false
	}
	if m.Chat.IsPrivate() {
		return convKey(m.Chat, q.From.ID), true
	}
	if r := m.ReplyToMessage; r != nil {
		if asker, ok := askerOf(r); ok {
			return convKey(m.Chat, asker), true
		}
	}
	return "", false
}

// sectionHTML is a section's full text as messages.
func sectionHTML(doc *knowledge.Document, s *knowledge.Section) []string {
	lines := []string{"<b>" + html.EscapeString(s.Label()) + "</b>"}
	for _, l := range strings.Split(doc.FullText(s.ID), "\n") {
		lines = append(lines, html.EscapeString(l))
	}
	return split(lines, MaxMessageRunes)
}

func (b *Bot) onInline(ctx context.Context, asked string, q *tgbotapi.InlineQuery) error {
	text := strings.TrimSpace(q.Query)
	// Telegram sends a query for each keystroke: only the user's latest is
	// answered, and inline answers count against no question limit.
	if text == "" || utf8.RuneCountInString(text) > b.cfg.MaxQuestionRunes || !b.inline.latest(q.From.ID, q.ID) {
		b.out.request(ctx, 0, false, tgbotapi.InlineConfig{InlineQueryID: q.ID, Results: []interface{}{}})
		return nil
	}
	ans, err := b.lib.Load().ans.AskFor(ctx, reply.Key{Conv: fmt.Sprintf("tg:inline:%d", q.From.ID), Asked: asked}, text, nil)
	body := ""
	if err != nil {
		body = html.EscapeString(answer.UserMessage(err))
	} else {
		body = FormatHTML(ans)[0]
	}
	title := inlineTitle + text
	article := tgbotapi.NewInlineQueryResultArticleHTML(strconv.Itoa(int(hashUint(text))), title, body)
	article.Description = firstLine(ans.Text)
	b.out.request(ctx, 0, false, tgbotapi.InlineConfig{InlineQueryID: q.ID, Results: []interface{}{article}, CacheTime: 60})
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return knowledge.Clip(l, 100)
}

// reply sends plain text, escaped, in reply to m.
func (b *Bot) reply(ctx context.Context, m *tgbotapi.Message, text string, kb *tgbotapi.InlineKeyboardMarkup) {
	b.sendHTML(ctx, m.Chat.ID, isGroup(m.Chat), m.MessageID, split(strings.Split(html.EscapeString(text), "\n"), MaxMessageRunes), kb)
}

// sendHTML sends messages in order, the first in reply to replyTo, the
// keyboard under the last.
func (b *Bot) sendHTML(ctx context.Context, chat int64, group bool, replyTo int, msgs []string, kb *tgbotapi.InlineKeyboardMarkup) {
	for i, text := range msgs {
		cfg := tgbotapi.NewMessage(chat, text)
		cfg.ParseMode = tgbotapi.ModeHTML
		cfg.DisableWebPagePreview = true
		if i == 0 && replyTo != 0 {
			cfg.ReplyToMessageID = replyTo
			cfg.AllowSendingWithoutReply = true
		}
		if i == len(msgs)-1 && kb != nil {
			cfg.ReplyMarkup = *kb
		}
		if _, err := b.out.send(ctx, chat, group, cfg); err != nil {
			b.log.Error("telegram sendMessage failed", "chat_hash", hashID(chat), "err", err)
			return
		}
	}
}
