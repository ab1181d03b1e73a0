package answer

import (
	"context"
	"reportbot/answer/engine"
	"reportbot/answer/reply"
	"reportbot/knowledge/figure"
	"strings"
	"testing"
)

// TestEnglishWithoutModel: with no model, an English question is read
// through the glossary of the report's words. One the glossary reads is
// answered with the figure under its English label first, then the
// report's Chinese sentence and the source; the report's header answers
// who published it and when; one it cannot read well is declined, saying
// how to ask, and never answered with another figure.
func TestEnglishWithoutModel(t *testing.T) {
	a := newAnswerer(t, nil)
	for _, tt := range []struct{ q, first, quote string }{
		{"How many administrative reconsideration applications were received?", "Administrative reconsideration applications received: 84件.", "2023年,收到84件行政复议申请"},
		{"How many administrative reconsideration applications were accepted?", "Administrative reconsideration applications accepted: 68件.", "其中受理68件"},
		{"How many cases were transferred to the police?", "transferred: 17起.", "移送涉嫌犯罪案件17起"},
		{"What is the rate of agency heads appearing in court?", "Rate of agency heads appearing in court: 100%.", "出庭应诉率达100%"},
		{"How many normative documents were drafted?", "normative documents drafted: 9件.", "制定规范性文件9件"},
		{"Who published the report?", "From the report's header: 这份报告由分宜县人民政府发布。", "来源:分宜县人民政府"},
		{"What is the GDP of Fenyi?", "I could not find this in the report.", ""},
		{"How many applications were not accepted?", "applications not accepted: 16件.", "不予受理16件"},
		// Two terms as long: the sentence holds one of them.
		{"What is the substantive resolution rate of reconsideration cases?", "Substantive resolution rate: 87.3%.", "实质性化解率87.3%"},
		// The report quotes a term (“法律明白人”骨干); groups are no people.
		{"How many residents' groups added a legal backbone?", "newly added: 137个.", "全县137个居民小组皆新增1名"},
		// held says 开展, 召开 or 举办: its measure is named all the same.
		{"How many study sessions were held by the lecture hall?", "study sessions held: 71次.", "各地各部门开展学习71次"},
		{"How many people attended the lecture hall sessions?", "Audience: 2200余人.", "受众2200余人"},
		{"How many regulatory documents were drafted?", "normative documents drafted: 9件.", "制定规范性文件9件"},
		{"How many items need a government license or permit?", "administrative licensing items sorted out: 264项.", "行政许可事项264项"},
		{"How many administrative review applications were received?", "Administrative reconsideration applications received: 84件.", "收到84件行政复议申请"},
		{"How many cases did the police open a criminal investigation into?", "placed under criminal investigation: 10起.", "立案侦查10起"},
	} {
		ans, err := a.Ask(context.Background(), "en", tt.q)
		if err != nil {
			t.Fatal(err)
		}
		first := ans.Lines[0].Text
		if !strings.Contains(first, tt.first) {
			t.Errorf("%q: first line %q, want it to hold %q", tt.q, first, tt.first)
		}
		if tt.quote == "" {
			if ans.Found || len(ans.Citations) > 0 {
				t.Errorf("%q: found %v, cites %v; want it declined", tt.q, ans.Found, ans.Citations)
			}
			continue
		}
		if !ans.Found || !strings.Contains(ans.Text, "Report text: ") || !strings.Contains(ans.Text, tt.quote) || !strings.HasPrefix(ans.Lines[len(ans.Lines)-1].Text, "Source: ") {
			t.Errorf("%q: want the report's sentence %q and the source:\n%s", tt.q, tt.quote, ans.Text)
		}
		if u := engine.Unsupported(a.Index, ans); len(u) > 0 {
			t.Errorf("%q: %q is not in the cited text:\n%s", tt.q, u[0].Raw, ans.Text)
		}
	}
}

// TestYesNoForms: a figure stated in a question is checked, in every way
// residents ask (…对吗, 是不是…, …吗, 有没有超过…, …了吗): 对 or 不对 first,
// then the report's own figure; the stated figure never steers the search
// (是不是受理了70件 is not answered with the 70项 of another section). Which
// of two figures is more is said first, with the difference and its
// working.
func TestYesNoForms(t *testing.T) {
	a := newAnswerer(t, nil)
	for _, tt := range []struct{ q, want string }{
		{"是不是受理了70件?", "不对,报告说的是:受理68件。"},
		{"受理了68件,对吗?", "对,报告说的正是这个数:受理68件。"},
		{"异地通办有600项吗", "不对,报告说的是:542项事项实现“异地通办”。"},
		{"异地通办有542项吗?", "对,报告说的正是这个数:542项事项实现“异地通办”。"},
		{"行政复议有没有超过100件?", "不对,报告说的是:收到84件行政复议申请。"},
		{"复议申请超过80件了吗?", "对,报告说:收到84件行政复议申请。"},
		{"出庭应诉率达到100%了吗?", "对,报告说:行政机关负责人出庭应诉率达100%。"},
		{"法律咨询是不是不到5000人次?", "对,报告说:通过公共法律服务平台解答群众法律咨询4727人次。"},
		{"受理了68件吧", "对,报告说的正是这个数:受理68件。"},
		{"实质性化解率达到90%了没有", "不对,报告说的是:实质性化解率87.3%。"},
		{"分宜是全省第二批行政复议体制改革试点县吗", "不对,报告说的是:我县系全省第一批行政复议体制改革试点县之一。"},
		{"分宜是不是全省第一批行政复议体制改革试点县", "对,报告说的正是这个数:我县系全省第一批行政复议体制改革试点县之一。"},
		{"信访局的工作法是2023年10月6日受表彰的吗", "不对,报告说的是:2023年11月6日。"},
		{"承诺制办件占比超过20%了吗", "不对,报告说的是:占承诺制事项总办件量的18.31%。"},
		// 收到多少件 reads 收到行政部门答复2件 too: a figure the report
		// states in a clause of all the claim's words is right.
		{"收到84件,对吗?", "对,报告说的正是这个数:收到84件行政复议申请。"},
		{"报告说收到84件,对吗?", "对,报告说的正是这个数:收到84件行政复议申请。"},
		{"收到2件对吗", "对,报告说的正是这个数:收到行政部门答复2件。"},
		// Neither states it: the claim is of the one nearest its figure.
		{"收到85件对吗", "不对,报告说的是:收到84件行政复议申请。"},
		{"收到3件对吗", "不对,报告说的是:收到行政部门答复2件。"},
		// A count claimed of all (全都) is claimed of what all are said to do.
		{"移送公安的那17起案子,全都立案侦查了吧", "不对,报告说的是:立案侦查10起。"},
		{"移送公安的17起都受理了吗", "对,报告说的正是这个数:经审查受理案件17起。"},
		{"移送到公安的那17起案子,是不是全部都立案侦查了?", "不对,报告说的是:立案侦查10起。"},
		// Quantities said in words: 过九成, 破一百, 百分之百, 六十八件.
		{"实质性化解率过九成了吗", "不对,报告说的是:实质性化解率87.3%。"},
		{"新办执法证的人数破一百了吧", "不对,报告说的是:2023年新办执法证95人。"},
		{"无事不扰实现率做到百分之百了对不对", "对,报告说的正是这个数:全县低风险市场主体\"无事不扰\"实现率达到100%。"},
		{"受理了六十八件对吗", "对,报告说的正是这个数:受理68件。"},
		// Who it was heard from, and tags that ask to confirm it.
		{"我听邻居讲复议的实质性化解率都过九成了,真有这么高吗", "不对,报告说的是:实质性化解率87.3%。"},
		{"复议后起诉的有10件,我没记错吧", "对,报告说的正是这个数:复议后起诉的10件。"},
		{"新办执法证比注销执法证多还是少", "新办执法证更多:2023年新办执法证95人,比注销执法证7人多88人(按报告数字计算:2023年新办执法证95人 − 注销执法证7人;报告本身没有给出这个数)。"},
	} {
		ans, err := a.Ask(context.Background(), "yn", tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := ans.Lines[0].Text; got != tt.want {
			t.Errorf("%q: first line %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestNotTheReports: a question about a person's own case, advice on it or
// the future is declined, saying why and what the report does cover, and
// no model is asked; the report itself asked in spoken words is answered
// from its header.
func TestNotTheReports(t *testing.T) {
	m := &recordingModel{answerWith: func(reply.Request) string { return `{"kind":"value","facts":["F1"]}` }}
	a := newAnswerer(t, nil)
	a.Model = m
	for _, q := range []string{"我去年申请的复议办到哪一步了", "我家的事去申请复议能赢吗", "明年会不会有更多复议案件", "我申请的执法证多久能办好",
		"我被罚了款能申请复议吗", "我开的店轻微违法能不能给我免罚", "我想当法律明白人要咋报名", "我的执法证被注销了还能重新办吗",
		"想当我们小组的法律明白人,要啥条件", "法律援助去哪申请"} { // how to take part: advice, not the year's work
		ans, err := a.Ask(context.Background(), "p", q)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Found || !strings.HasPrefix(ans.Text, "报告是政府年度工作的总结,不涉及个人的具体案件") || !strings.Contains(ans.Text, "报告讲的是:") ||
			len(figure.Extract(ans.Text)) > 0 { // the program's own words state no figure
			t.Errorf("%q: found %v:\n%s", q, ans.Found, ans.Text)
		}
	}
	if len(m.reqs) != 0 {
		t.Errorf("the model was asked %d times about what no report answers", len(m.reqs))
	}
	a.Model = nil
	for _, q := range []string{"报告是啥时候发出来的", "这份报告啥时候挂到网上的"} {
		if ans, _ := a.Ask(context.Background(), "p", q); !strings.HasPrefix(ans.Text, "这份报告发布于2025-06-25") {
			t.Errorf("%q: the report's date in spoken words:\n%s", q, ans.Text)
		}
	}
	// The report named as who says what is asked is no word to find.
	if ans, _ := a.Ask(context.Background(), "p", "报告最后说下一步打算干些啥"); !ans.Found || ans.Citations[0].Section != "三" {
		t.Errorf("the report's plans asked as what it says: found %v, %v", ans.Found, ans.Citations)
	}
}

// TestTyposBySound: a question mistyped by sound is answered as read with
// the report's words, and the answer says how it was read.
func TestTyposBySound(t *testing.T) {
	a := newAnswerer(t, nil)
	ans, err := a.Ask(context.Background(), "typo", "检查院提出的检查意见有几件")
	if err != nil {
		t.Fatal(err)
	}
	if want := "提出检察意见7件。(按“检察院、检察意见”理解)"; ans.Lines[0].Text != want || ans.Question != "检查院提出的检查意见有几件" {
		t.Errorf("first line %q, want %q; question %q", ans.Lines[0].Text, want, ans.Question)
	}
	// Of 议审 and 审洁, both unknown, the typo is the character the
	// report never uses (洁), not 审 of 复议审结 read as 申 of 复议申请.
	if ans, err = a.Ask(context.Background(), "typo2", "行政复议审洁了多少件"); err != nil {
		t.Fatal(err)
	}
	if got := ans.Lines[0].Text; !strings.HasPrefix(got, "审结79件。") {
		t.Errorf("first line %q, want 审结79件 first", got)
	}
}

// TestSpokenForms: everyday ways of asking lead with the figure asked for.
// 几个亿 asks for money, not a count of 个; 占百分之几 and 占几成 ask for a
// share, worked out; 哪个多 of two things is a comparison, worked out;
// 办完 is the report's 审结; 几份 counts 件; 人家 is no word of the report;
// the fact whose measure is named whole (经济发达镇) leads.
func TestSpokenForms(t *testing.T) {
	firstLinesHold(t, []leadCase{
		{"企业拿到的补贴是几个亿", "企业享受各类惠企资金11.47亿元。"},
		{"行政复议申请受理的占百分之几", "81.0%"},
		{"不予受理的占了几成", "不予受理占比19.0%"},
		{"下放的处罚事项乡镇和街道哪个多?", "比街道45项多25项"},
		{"复议的案子办完了多少件", "审结79件"},
		{"检察意见人家回复了几份", "已回复6件"},
		{"经济发达镇那块审核确认了多少项处罚事项", "经济发达镇110项。"},
		{"检察意见已经回复的占百分之多少", "占比85.7%(按报告数字计算:已回复6件 ÷ 提出检察意见7件"},
		{"县政府开会布置法治政府建设开了几次", "召开会议部署法治政府建设工作2次"},
		{"规范性文件去年一共出了几个哦", "我县制定规范性文件9件。"},         // 几个 counts anything: not 12个 of another sentence
		{"手机上能代办的事情上线了几个?", "上线16个代办事项。"},          // …but a figure in 个 leads when the sentence has one
		{"社区里培养的法律明白人骨干总共多少个", "“法律明白人”骨干,共165名。"}, // a total over 27个社区
		{"企业实际享受到多少钱", "企业享受各类惠企资金11.47亿元。"},       // 钱 asks the unit; no sentence says it
		// What a resident tells first is why they ask, not what: the
		// clause that asks is answered.
		{"我在城里开了个五金小店,平时走不开,听说赣服通上有个帮代办专区,那上面上线了几个代办事项", "上线16个代办事项。"},
		{"我常年在外地打工,办事老要请假回来,县里能异地通办的事项有几项", "542项事项实现“异地通办”。"},
		{"我家孩子在县一中读书,县里今年教育经费有多少", "报告里没有"}, // what it asks, the report does not say
		{"县政府自己制定的规范性文件有几件,有人晓得不", "我县制定规范性文件9件。"},
		{"复议完了又去法院起诉的有多少件", "复议后起诉的10件。"},
	})
}

// TestSubjectBefore: reports leave a sentence's subject to the sentence
// before (县检察院…。…收到行政部门答复2件): a question that names it is
// answered by the figure, quoting both sentences with what lies between
// them marked left out.
func TestSubjectBefore(t *testing.T) {
	a := newAnswerer(t, nil)
	ans, err := a.Ask(context.Background(), "subject", "行政部门给检察院回了几件答复")
	if err != nil {
		t.Fatal(err)
	}
	if got := ans.Lines[0].Text; got != "收到行政部门答复2件。" {
		t.Errorf("first line %q, want 收到行政部门答复2件。", got)
	}
	if want := "县检察院积极主动履行职责纠正违法行为,及时落实、回复检察建议。……召开行政公益诉讼诉前听证会、磋商会各一次,收到行政部门答复2件。"; !strings.Contains(ans.Text, want) {
		t.Errorf("want the quote %q:\n%s", want, ans.Text)
	}
}

// TestShares: one thing's share of another, each named (X占Y的比例), is
// worked out from the two counts, the first over the second; a share the
// report states is not worked out; differences asked as 多几 or 比…多管几
// are, and sums of things joined by 加上 or named before 合起来 asks; the
// rest of a whole (没回复的) is the whole less the part, unless the report
// states it.
func TestShares(t *testing.T) {
	firstLinesHold(t, []leadCase{
		{"专职执法人员占综合行政执法人员的比例是多少", "占46.7%(按报告数字计算:专职执法人员57人 ÷ 各乡镇共挑选122名精干力量作为综合行政执法人员"},
		{"不予受理的占收到的复议申请的百分之几", "占19.0%(按报告数字计算:不予受理16件 ÷ 收到84件行政复议申请"},
		{"联合抽查事项占双随机检查事项的比例", "79.73%"},
		{"新办执法证比注销的多几个人", "相差88人(按报告数字计算:2023年新办执法证95人 − 注销执法证7人"},
		{"行政复议申请收到的比审结的多几件", "相差5件(按报告数字计算:收到84件行政复议申请 − 审结79件"},
		{"复议后起诉的占审结的比例是多少", "占12.7%(按报告数字计算:复议后起诉的10件 ÷ 审结79件"},
		{"经济发达镇比乡镇多管几项处罚事项", "相差40项(按报告数字计算:经济发达镇110项 − 审核确认乡镇行政处罚事项70项"},
		{"听汇报再加上调度工作,一共几次", "合计5次(按报告数字计算:听取法治政府建设情况汇报2次 + 调度部署法治政府建设相关工作3次"},
		{"专职执法人员和执法辅助人员,合起来多少人", "合计183人(按报告数字计算:专职执法人员57人 + 配备执法辅助人员126人"},
		{"没回复的检察意见有几件", "没有回复的1件(按报告数字计算:提出检察意见7件 − 已回复6件"},
		{"受理的案件里还有几起没立案侦查", "没有立案侦查的7起(按报告数字计算:经审查受理案件17起 − 立案侦查10起"},
		{"有没有立案侦查的案件,几起", "立案侦查10起"}, // 有没有 asks whether, not the rest
		{"复议申请没受理的有几件", "不予受理16件"},   // the report states the rest itself
		// The share's own words (的比例, 占) are no thing to find.
		{"审结的占收到复议申请的比例是多少", "占94.0%(按报告数字计算:审结79件 ÷ 收到84件行政复议申请"},
		// Its whole first: X里(面/头)/当中, Y的占几成.
		{"惠企政策梳理更新的里头,上线惠企通的占百分之多少", "占60.0%(按报告数字计算:上线惠企政策45条 ÷ 梳理更新惠企政策75条"},
		{"综合行政执法人员当中,专职的占几成", "占46.7%(按报告数字计算:专职执法人员57人 ÷ 各乡镇共挑选122名精干力量"},
		// 加 joins two things of a sum when it makes no word (not 增加).
		{"专职执法人员加辅助人员一共多少人", "合计183人(按报告数字计算:专职执法人员57人 + 配备执法辅助人员126人"},
		// The things in a clause of their own, the operation after (,哪个多);
		// 还有 joins a third; 差了几 asks a difference.
		{"乡镇和街道的处罚事项,哪个多?多几项", "审核确认乡镇行政处罚事项更多:审核确认乡镇行政处罚事项70项,比街道45项多25项"},
		{"乡镇、街道还有经济发达镇的处罚事项,加起来一共多少项", "合计225项(按报告数字计算:审核确认乡镇行政处罚事项70项 + 街道45项 + 经济发达镇110项"},
		{"移送公安的案子跟立案侦查的,差了几起", "相差7起"},
		// The second thing in a clause of its own, opening with 跟.
		{"年初目录里的重大行政决策事项,跟年底实际制定下发的比,还差几件", "相差3件(按报告数字计算:我县制定公布县政府重大行政决策事项目录9件 − 我县制定并下发6件"},
	})
}

// leadCase is a question and what its answer's first line must hold.
type leadCase struct{ q, first string }

// firstLinesHold asks each question of the seed report, a conversation
// each, and checks its answer's first line.
func firstLinesHold(t *testing.T, tests []leadCase) {
	t.Helper()
	a := newAnswerer(t, nil)
	for _, tt := range tests {
		ans, err := a.Ask(context.Background(), "fl-"+tt.q, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := ans.Lines[0].Text; !strings.Contains(got, tt.first) {
			t.Errorf("%q: first line %q, want it to hold %q", tt.q, got, tt.first)
		}
	}
}
