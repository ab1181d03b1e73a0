package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/exports"
	"reportbot/internal/redistest"
	"reportbot/internal/testreport"
	"reportbot/memory"
)

// runEnv runs the program with environment env and no stdin.
func runEnv(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// exported is one line of `export conversations`.
type exported struct {
	Time         time.Time        `json:"time"`
	Channel      string           `json:"channel"`
	Conversation string           `json:"conversation"`
	User         string           `json:"user"`
	Question     string           `json:"question"`
	Mode         string           `json:"mode"`
	Found        bool             `json:"found"`
	Citations    []reply.Citation `json:"citations"`
	Up           int              `json:"up"`
	Down         int              `json:"down"`
}

// exportLines runs `export conversations` in JSON lines with args, and
// reads what it wrote; the raw output too.
func exportLines(t *testing.T, env map[string]string, args ...string) ([]exported, string) {
	t.Helper()
	code, out, errOut := runEnv(t, env, append([]string{"export", "conversations"}, args...)...)
	if code != exitOK {
		t.Fatalf("export conversations %v: exit %d: %s", args, code, errOut)
	}
	var recs []exported
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var r exported
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		recs = append(recs, r)
	}
	return recs, out
}

// TestExportConversations: questions asked on the web and in Telegram,
// answered by the answerer with memory in Redis, and one vote, are
// exported one a line, oldest first, with their channel, question, mode,
// citations and votes; --since leaves out the older; the conversations
// and users are named by a hash that is the same for one salt and another
// for another, and no raw ID is written anywhere, in JSON lines or CSV.
func TestExportConversations(t *testing.T) {
	srv := redistest.Start(t)
	mem, err := memory.NewRedis(srv.URL(), memory.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	ix := testreport.SeedIndex(t)
	ctx := context.Background()
	threeDaysAgo := time.Now().Add(-72 * time.Hour)
	then := &answer.Answerer{Index: ix, Memory: mem, Now: func() time.Time { return threeDaysAgo }}
	now := &answer.Answerer{Index: ix, Memory: mem}
	const (
		tgConv, tgUser   = "tg:424242", "tg:u424242"
		webConv, webUser = "web:conv-7f3a9e", "web:198.51.100.23"
	)
	if _, err := then.AskFor(reply.WithChannel(ctx, "telegram"), reply.Key{Conv: tgConv, User: tgUser, Asked: "9001"}, "法律咨询多少人次?", nil); err != nil {
		t.Fatal(err)
	}
	web := reply.WithChannel(ctx, "web")
	first, err := now.AskFor(web, reply.Key{Conv: webConv, User: webUser}, "行政复议收到多少件申请?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := now.AskFor(web, reply.Key{Conv: webConv, User: webUser}, "那受理了几件?", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Vote(ctx, webConv, first.Ref, webUser, true); err != nil {
		t.Fatal(err)
	}

	const salt = "a-salt-of-sixteen-or-more"
	env := map[string]string{"REDIS_URL": srv.URL(), "REPORTBOT_EXPORT_SALT": salt}
	recs, out := exportLines(t, env)
	if len(recs) != 3 {
		t.Fatalf("%d questions exported, want 3:\n%s", len(recs), out)
	}
	tg, q84, follow := recs[0], recs[1], recs[2]
	if tg.Channel != "telegram" || tg.Question != "法律咨询多少人次?" || tg.Mode != "extractive" || !tg.Found || tg.Up+tg.Down != 0 ||
		len(tg.Citations) == 0 || !strings.Contains(tg.Citations[0].Quote, "4727人次") || tg.Time.Sub(threeDaysAgo).Abs() > time.Millisecond {
		t.Errorf("the Telegram question: %+v", tg)
	}
	if q84.Channel != "web" || q84.Question != "行政复议收到多少件申请?" || q84.Mode != "extractive" || q84.Up != 1 || q84.Down != 0 ||
		len(q84.Citations) == 0 || q84.Citations[0].Section != "一(六)1" || !strings.Contains(q84.Citations[0].Quote, "84件") || q84.Citations[0].Heading == "" {
		t.Errorf("the web question: %+v", q84)
	}
	if follow.Channel != "web" || follow.Question != "那受理了几件?" || follow.Up+follow.Down != 0 {
		t.Errorf("the follow-up: %+v", follow)
	}
	if q84.Conversation != exports.Pseudonym([]byte(salt), webConv) || q84.User != exports.Pseudonym([]byte(salt), webUser) ||
		follow.Conversation != q84.Conversation || tg.Conversation == q84.Conversation || tg.User == "" {
		t.Errorf("pseudonyms: telegram %s/%s, web %s/%s, follow-up %s", tg.Conversation, tg.User, q84.Conversation, q84.User, follow.Conversation)
	}

	again, _ := exportLines(t, env)
	other, _ := exportLines(t, map[string]string{"REDIS_URL": srv.URL(), "REPORTBOT_EXPORT_SALT": "another-salt-as-long-as-it"})
	if again[1].Conversation != q84.Conversation || again[1].User != q84.User || other[1].Conversation == q84.Conversation || other[1].User == q84.User {
		t.Errorf("the same salt hashed %s as %s then %s; another as %s", webConv, q84.Conversation, again[1].Conversation, other[1].Conversation)
	}

	if recent, _ := exportLines(t, env, "--since", "24h"); len(recent) != 2 || recent[0].Question != "行政复议收到多少件申请?" {
		t.Errorf("--since 24h: %+v, want the two web questions", recent)
	}
	twoDaysAgo := time.Now().Add(-48 * time.Hour).In(time.FixedZone("CST", 8*60*60)).Format(time.DateOnly)
	if sinceDate, _ := exportLines(t, env, "--since", twoDaysAgo); len(sinceDate) != 2 {
		t.Errorf("--since %s: %+v, want the two web questions", twoDaysAgo, sinceDate)
	}

	code, csvOut, errOut := runEnv(t, env, "export", "conversations", "--format", "csv")
	if code != exitOK || !strings.HasPrefix(csvOut, "\ufeff") {
		t.Fatalf("CSV: exit %d, no byte-order mark: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvOut, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("CSV: %v, %d rows:\n%s", err, len(rows), csvOut)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	r := rows[2]
	if r[col["channel"]] != "web" || r[col["question"]] != "行政复议收到多少件申请?" || r[col["mode"]] != "extractive" || r[col["sections"]] != "一(六)1" ||
		r[col["up"]] != "1" || r[col["down"]] != "0" || r[col["conversation"]] != q84.Conversation || !strings.Contains(r[col["citations"]], "84件") {
		t.Errorf("CSV row of the web question: %q", r)
	}
	if rows[1][col["channel"]] != "telegram" {
		t.Errorf("CSV's first row: %q", rows[1])
	}

	for _, raw := range []string{tgConv, tgUser, "424242", webConv, "conv-7f3a9e", webUser, "198.51.100.23"} {
		if strings.Contains(out, raw) || strings.Contains(csvOut, raw) {
			t.Errorf("the raw ID %q is in the export", raw)
		}
	}
}

// TestExportConversationsRefused: without Redis, or without a salt, no
// export, and the error says what to set.
func TestExportConversationsRefused(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"REPORTBOT_EXPORT_SALT": "a-salt-of-sixteen-or-more"}, "exports of conversations read the log of questions in Redis, and REDIS_URL is not set"},
		{map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0"}, "REPORTBOT_EXPORT_SALT is not set"},
	} {
		code, out, errOut := runEnv(t, tt.env, "export", "conversations")
		if code != exitUsage || out != "" || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; stderr %q, want %q", tt.env, code, out, errOut, tt.want)
		}
	}
	if code, _, errOut := runEnv(t, nil, "export", "answers"); code != exitUsage || !strings.Contains(errOut, "expected conversations or knowledge") {
		t.Errorf("export answers: exit %d, %q", code, errOut)
	}
}

// TestExportKnowledge: one knowledge entry a fact of `reportbot facts`, in
// CSV and JSON; the 84件 entry is a question of 分宜县 in 2023, answered
// with 84件 and cited to 一(六)1 of the report published 2025-06-25.
func TestExportKnowledge(t *testing.T) {
	_, facts, _ := runCLI(t, "", "facts", "--json")
	n := len(strings.Split(strings.TrimSpace(facts), "\n"))

	code, out, errOut := runCLI(t, "", "export", "knowledge", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(out), &entries); err != nil || len(entries) != n {
		t.Fatalf("%v; %d entries for %d facts", err, len(entries), n)
	}
	var e map[string]any
	for _, x := range entries {
		if x["figure"] == "84件" {
			e = x
		}
	}
	if e["title"] != "分宜县2023年收到多少件行政复议申请?" || !strings.HasPrefix(e["content"].(string), "收到84件行政复议申请。") || e["section"] != "一(六)1" ||
		e["scope"] != "分宜县" || e["year"] != 2023.0 || e["published"] != "2025-06-25" || e["effective"] != "2025-06-25" ||
		e["report"] != "分宜县2023年法治政府建设年度报告" || !strings.Contains(e["source"].(string), "分宜县人民政府") {
		t.Errorf("the 84件 entry: %v", e)
	}

	code, out, errOut = runCLI(t, "", "export", "knowledge")
	if code != exitOK || !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("CSV: exit %d, no byte-order mark: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != n+1 {
		t.Fatalf("CSV: %v; %d rows for %d facts", err, len(rows), n)
	}
	found := false
	for _, r := range rows[1:] {
		found = found || r[1] == "分宜县2023年收到多少件行政复议申请?" && strings.Contains(r[2], "84件") && r[3] == "分宜县" && r[11] == "一(六)1"
	}
	if !found {
		t.Error("no CSV row of the 84件 entry")
	}
}
