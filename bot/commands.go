package bot

import (
	"context"
	"fmt"
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
		b.reply(ctx, m, b.startText(), nil)
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
			b.reply(ctx, m, "请在 /source 后写章节编号,如:/source 一(六)1。发送 /sections 查看目录。", nil)
			return
		}
		b.reply(ctx, m, fmt.Sprintf("没有找到章节“%s”。发送 /sections 查看目录。", knowledge.Clip(id, 20)), nil)
	case "reset":
		if err := b.mem.Forget(ctx, conv); err != nil {
			b.log.Warn("conversation not forgotten", "conv_hash", hashString(conv), "err", err)
			b.reply(ctx, m, "抱歉,暂时无法清空对话,请稍后再试。", nil)
			return
		}
		b.reply(ctx, m, resetDone, nil)
	case "about":
		b.reply(ctx, m, b.aboutText(), nil)
	case "stats":
		b.reply(ctx, m, b.statsText(ctx, m.From.ID), nil)
	default: // help, and any command the bot does not know
		b.reply(ctx, m, helpText(), nil)
	}
}

func (b *Bot) startText() string {
	var titles []string
	for _, d := range b.docs() {
		titles = append(titles, "《"+d.Meta.Title+"》")
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "你好!我回答关于%s的问题:答案里的数字都照抄报告原文,并注明出自哪一节。\n\n可以这样问:\n", strings.Join(titles, "、"))
	for _, e := range examples {
		fmt.Fprintf(&sb, "· %s\n", e)
	}
	sb.WriteString("\n发送 /help 查看更多用法。")
	return sb.String()
}

func helpText() string {
	var sb strings.Builder
	sb.WriteString("直接用文字提问即可,可以接着追问(如“那受理了几件?”)。在群里请 @我 或回复我的消息。\n\n")
	for _, c := range commands {
		fmt.Fprintf(&sb, "/%s %s\n", c.name, c.help)
	}
	return strings.TrimSpace(sb.String())
}

// statsText is /stats for an admin, and a polite refusal for anyone else.
func (b *Bot) statsText(ctx context.Context, user int64) string {
	if !slices.Contains(b.cfg.Admins, user) {
		return "抱歉,这个命令只对管理员开放。"
	}
	fb := b.cfg.Feedback
	ok := fb != nil
	if !ok {
		return "没有保存统计数据。"
	}
	s, err := fb.Summary(ctx)
	if err != nil {
		b.log.Warn("stats unavailable", "err", err)
		return "抱歉,暂时无法读取统计,请稍后再试。"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "最近一个月:回答 %d 次,其中 %d 次模型未通过而改用报告原文。\n反馈:👍 %d,👎 %d。", s.Answers, s.Fallbacks, s.Up, s.Down)
	if len(s.Top) > 0 {
		sb.WriteString("\n最常问的问题:")
		for i, q := range s.Top {
			fmt.Fprintf(&sb, "\n%d. %s(%d 次)", i+1, q.Question, q.Count)
		}
	}
	return sb.String()
}

func (b *Bot) aboutText() string {
	var parts []string
	for _, d := range b.docs() {
		s := "《" + d.Meta.Title + "》"
		if d.Meta.Published != "" {
			s += "\n发布日期:" + d.Meta.Published
		}
		if d.Meta.Source != "" {
			s += "\n来源:" + d.Meta.Source
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n\n")
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
