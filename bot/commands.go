package bot

import (
	"context"
	"html"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"reportbot/knowledge"
)

// command answers /start, /help, /sections, /source, /reset and /about;
// any other command gets the help.
func (b *Bot) command(ctx context.Context, m *tgbotapi.Message, conv string) {
	group := isGroup(m.Chat)
	switch m.Command() {
	case "start":
		lib := b.lib.Load()
		b.reply(ctx, m, startText(lib.docs, lib.suggestions), nil)
	case "sections":
		b.sendHTML(ctx, m.Chat.ID, group, m.MessageID, b.outline(), nil)
	case "source":
		id := normalizeID(m.CommandArguments())
		for _, d := range b.docs() {
			if s := d.Section(id); s != nil {
				b.sendHTML(ctx, m.Chat.ID, group, m.MessageID, sectionHTML(d, s), nil)
				return
			}
		}
		if id == "" {
			b.reply(ctx, m, sourceUsage, nil)
			return
		}
		b.reply(ctx, m, noSection(id), nil)
	case "reset":
		if err := b.mem.Forget(ctx, conv); err != nil {
			b.log.Warn("conversation not forgotten", "conv_hash", hashString(conv), "err", err)
			b.reply(ctx, m, resetFailed, nil)
			return
		}
		b.reply(ctx, m, resetDone, nil)
	case "about":
		b.reply(ctx, m, aboutText(b.docs()), nil)
	case "stats":
		b.reply(ctx, m, b.stats(ctx, m.From.ID), nil)
	default: // help, and any command the bot does not know
		b.reply(ctx, m, helpText(), nil)
	}
}

// stats is /stats for an admin, and a polite refusal for anyone else.
func (b *Bot) stats(ctx context.Context, user int64) string {
	switch {
	case !slices.Contains(b.cfg.Admins, user):
		return adminOnly
	case b.cfg.Feedback == nil:
		return noStats
	}
	s, err := b.cfg.Feedback.Summary(ctx)
	if err != nil {
		b.log.Warn("stats unavailable", "err", err)
		return statsFailed
	}
	return statsText(s)
}

// outline lists the reports' sections, indented, as messages.
func (b *Bot) outline() []string {
	var lines []string
	for _, d := range b.docs() {
		lines = append(lines, "<b>"+html.EscapeString(d.Meta.Title)+"</b>")
		for _, s := range d.Sections {
			lines = append(lines, strings.Repeat("  ", len(s.Path))+html.EscapeString(s.Label()))
		}
	}
	return split(lines, MaxMessageRunes)
}

// normalizeID reads a section ID as a user types it: full-width brackets,
// spaces, a trailing 、 or . are all accepted.
func normalizeID(s string) string {
	s = knowledge.Fold(s)
	s = strings.Join(strings.Fields(s), "")
	return strings.TrimRight(s, "、.。")
}
