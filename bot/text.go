package bot

import (
	"fmt"
	"strings"

	"reportbot/feedback"
	"reportbot/knowledge"
)

// What the bot says of its own, in one place; answer.UserMessage words the
// questions it does not answer.
const (
	staleButton = "这个按钮已失效,请重新提问。"
	resetDone   = "好的,已清空本次对话,可以问新的问题了。"
	resetFailed = "抱歉,暂时无法清空对话,请稍后再试。"
	voteFailed  = "抱歉,暂时无法记录,请稍后再试。"
	sourceUsage = "请在 /source 后写章节编号,如:/source 一(六)1。发送 /sections 查看目录。"
	adminOnly   = "抱歉,这个命令只对管理员开放。"
	noStats     = "没有保存统计数据。"
	statsFailed = "抱歉,暂时无法读取统计,请稍后再试。"
	viewSource  = "查看原文" // the button under an answer that shows its section
	inlineTitle = "问:"   // before the question, in an inline answer's title
)

// suggestionCount is how many first questions /start offers.
const suggestionCount = 3

// voteWords answer a press of 👍 or 👎.
var voteWords = map[feedback.Vote]string{
	feedback.Unknown:   staleButton,
	feedback.Counted:   "谢谢你的反馈!",
	feedback.Changed:   "已改为你这次的评价,谢谢!",
	feedback.Withdrawn: "已取消你的评价。",
}

// commands are the bot's commands and what each does, for Telegram's menu
// and /help.
var commands = []struct{ name, help string }{
	{"start", "介绍与示例问题"},
	{"help", "使用帮助"},
	{"sections", "报告目录"},
	{"source", "查看章节原文,如 /source 一(六)1"},
	{"reset", "清空本次对话"},
	{"about", "报告的标题、日期和来源"},
}

// textOnly asks for a question in words, with one the reports answer.
func textOnly(suggestions []string) string {
	if len(suggestions) == 0 {
		return "请用文字提问。"
	}
	return "请用文字提问,比如:“" + suggestions[0] + "”"
}

// noSection says a /source ID names no section.
func noSection(id string) string {
	return fmt.Sprintf("没有找到章节“%s”。发送 /sections 查看目录。", knowledge.Clip(id, 20))
}

// startText greets with the reports' titles and first questions they
// answer.
func startText(docs []*knowledge.Document, suggestions []string) string {
	var titles []string
	for _, d := range docs {
		titles = append(titles, "《"+d.Meta.Title+"》")
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "你好!我回答关于%s的问题:答案里的数字都照抄报告原文,并注明出自哪一节。\n", strings.Join(titles, "、"))
	if len(suggestions) > 0 {
		sb.WriteString("\n可以这样问:\n")
		for _, q := range suggestions {
			fmt.Fprintf(&sb, "· %s\n", q)
		}
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

// statsText is what /stats tells an admin.
func statsText(s feedback.Summary) string {
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

// aboutText names each report, its date and its publisher.
func aboutText(docs []*knowledge.Document) string {
	var parts []string
	for _, d := range docs {
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
