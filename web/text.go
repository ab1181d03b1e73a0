package web

import "reportbot/feedback"

// What the API says to the people who use it, beside answer.UserMessage's
// words for a question that is not answered.
const (
	msgBadJSON      = "请求格式不对:请发送 JSON,例如 {\"question\":\"行政复议收到多少件申请?\"}。"
	msgContentType  = "请求格式不对:请以 application/json 发送。"
	msgTooLarge     = "内容太长了,请只发一个简短的问题。"
	msgConversation = "会话编号无效,请刷新页面后再问。"
	msgVote         = "无法记录这条评价:缺少回答编号或会话编号。"
	msgNoFeedback   = "本服务没有开启评价。"
	msgNoSection    = "报告里没有这一节。"
	msgOrigin       = "此网站未获准调用本服务。"
)

// voteWords thank for a vote, or say why it was not kept.
func voteWords(v feedback.Vote, up bool) string {
	switch v {
	case feedback.Unknown:
		return "找不到这条回答,可能已经过期,无法评价。"
	case feedback.Withdrawn:
		return "已撤回评价。"
	case feedback.Changed:
		if up {
			return "已改为 👍,谢谢反馈!"
		}
		return "已改为 👎,谢谢反馈!"
	}
	return "谢谢反馈!"
}
