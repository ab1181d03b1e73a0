package failover

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"reportbot/internal/logtest"
	"reportbot/internal/redistest"
	"reportbot/internal/tgfake"
	"reportbot/internal/wait"
)

const (
	token    = "424242:failover-test-token"
	secret   = "failover_webhook_secret_0123"
	question = "行政复议收到多少件申请?"
	// claimTTL is how long an update held by a replica killed waits for
	// another: short, so that the tests do not wait serve's 15 s.
	claimTTL = "2s"
)

// replica is one `reportbot serve` process.
type replica struct {
	url  string // its webhook
	cmd  *exec.Cmd
	logs *logtest.Buffer
}

// startReplica runs bin serve in webhook mode against api and the cluster,
// and waits until it listens.
func startReplica(t *testing.T, bin string, api *tgfake.Server, redisURL string, env ...string) *replica {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", redistest.FreePort(t))
	r := &replica{url: "http://" + addr + "/telegram", logs: &logtest.Buffer{}, cmd: exec.Command(bin, "serve")}
	r.cmd.Env = append(append(os.Environ(), "TELEGRAM_BOT_TOKEN="+token, "TELEGRAM_API_ENDPOINT="+api.Endpoint(), "REDIS_URL="+redisURL,
		"REPORTBOT_LISTEN="+addr, "LOG_LEVEL=info", "REPORTBOT_CLAIM_TTL="+claimTTL), env...)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		if strings.Contains(r.logs.String(), token) {
			t.Error("the bot token is in the logs")
		}
	})
	wait.Eventually(t, 6*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, "replica on %s did not start:\n%s", addr, r.logs)
	return r
}

// deliverUntilOK delivers update id as Telegram does: to each of replicas
// in turn, from the first, pausing between tries, until one answers 200
// or the deadline passes. It returns the tries answered otherwise (a 503
// for an update held elsewhere, or a replica down).
func deliverUntilOK(t *testing.T, api *tgfake.Server, replicas []*replica, first, id int, chat int64, pause time.Duration, deadline time.Time) int {
	t.Helper()
	for i := first; ; i++ {
		if api.Deliver(replicas[i%len(replicas)].url, secret, id, chat, question) == http.StatusOK {
			return i - first
		}
		if time.Now().After(deadline) {
			t.Errorf("update %d: no replica acknowledged it", id)
			return i - first
		}
		time.Sleep(pause) // Telegram's pause before it tries again: the pace of its retries, not a wait for an event
	}
}

// build builds reportbot, as deployed, for a test.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "reportbot")
	if out, err := exec.Command("go", "build", "-o", bin, "reportbot/cmd/reportbot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// answeredOnce checks that updates 1 to n were each answered, none lost,
// and that a kill doubled at most the one reply it interrupted between its
// send and its done-mark; it returns the replies doubled.
func answeredOnce(t *testing.T, answers map[int]int, n int) int {
	t.Helper()
	doubled := 0
	for id := 1; id <= n; id++ {
		switch k := answers[id]; {
		case k == 0:
			t.Errorf("update %d was lost", id)
		case k > 1:
			doubled += k - 1
		}
	}
	if doubled > 1 {
		t.Errorf("%d replies doubled; a kill may double only the one between its send and its done-mark", doubled)
	}
	return doubled
}

// TestPollerKilled: a serve process polling Telegram is killed with
// SIGKILL during a burst of questions from ten chats, and another takes its
// place on the same Redis: every question is answered, and a reply is
// doubled at most once (the one the kill interrupted between its send and
// its done-mark); none that the dead process held is lost.
func TestPollerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("separate processes; -short skips it")
	}
	t.Parallel()
	srv := redistest.Start(t)
	bin := build(t)
	api := tgfake.Start(t, token)
	api.FloodGap = 900 * time.Millisecond
	first := startReplica(t, bin, api, srv.URL())
	const chats, perChat = 10, 3
	for q := range perChat {
		for c := range chats {
			id := 1 + q*chats + c
			api.Push(id, map[string]any{"message": map[string]any{"message_id": id, "date": 1, "text": question,
				"chat": map[string]any{"id": int64(4000 + c), "type": "private"}, "from": map[string]any{"id": 4000 + c, "is_bot": false, "first_name": "u"}}})
		}
	}
	api.WaitSent(chats, time.Minute) // a first reply to each chat: the burst is under way
	first.cmd.Process.Kill()
	first.cmd.Wait()
	before := len(api.Sent())
	startReplica(t, bin, api, srv.URL())
	answers := map[int]int{}
	for deadline := time.Now().Add(time.Minute); ; { // until every update is answered
		sent := api.WaitSent(len(api.Sent())+1, time.Second)
		clear(answers)
		for _, m := range sent {
			answers[m.ReplyTo]++
		}
		if len(answers) == chats*perChat || time.Now().After(deadline) {
			break
		}
	}
	doubled := answeredOnce(t, answers, chats*perChat)
	t.Logf("%d of %d answered before the kill, %d doubled", before, chats*perChat, doubled)
}

// TestReplicasSurviveKills: two serve processes in webhook mode share a
// Redis Cluster of three masters, each with a replica. 200 questions from
// 40 chats are delivered as Telegram does: each tried again, at the other
// replica, until one answers 200; a tenth of them to both at once. Midway
// one replica is killed with SIGKILL. Every update is answered with the
// right figure, exactly once but for the one reply a kill may interrupt
// between its send and its done-mark; none is lost; no user is limited by
// a duplicate; and both replicas together keep Telegram's limits (1 a
// second in a chat, 30 in all). Then a master is killed: once its replica
// is promoted, within 5 s, conversations on it go on.
func TestReplicasSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("separate processes on a Redis Cluster; -short skips it")
	}
	t.Parallel()
	cluster := redistest.StartCluster(t, 3, 1)
	bin := build(t)
	api := tgfake.Start(t, token)
	// The replicas pace a chat's sends a second apart; sends that arrive
	// within half of it were not paced together (two replicas that did not
	// share the pace send at once). The other half is room for the jitter
	// of arrival on a loaded machine, which flaked at 900 ms.
	api.FloodGap = 500 * time.Millisecond
	const chats, perChat = 40, 5 // five questions a chat within a minute: exactly the limit set
	hook := []string{"TELEGRAM_WEBHOOK_URL=https://bot.example.org/telegram", "TELEGRAM_WEBHOOK_SECRET=" + secret,
		fmt.Sprint("REPORTBOT_RATE_PER_MINUTE=", perChat)}
	replicas := []*replica{startReplica(t, bin, api, cluster.URL(), hook...), startReplica(t, bin, api, cluster.URL(), hook...)}

	deliver := func(id int, chat int64, first int) {
		deliverUntilOK(t, api, replicas, first, id, chat, 200*time.Millisecond, time.Now().Add(2*time.Minute))
	}
	var acked atomic.Int64
	var kill sync.Once
	var wg sync.WaitGroup
	for c := range chats {
		wg.Go(func() {
			for q := range perChat {
				id, chat := 1+c*perChat+q, int64(3000+c)
				if id%10 == 0 { // delivered again to the other replica while the first handles it
					var both sync.WaitGroup
					both.Go(func() { deliver(id, chat, c+q) })
					both.Go(func() { deliver(id, chat, c+q+1) })
					both.Wait()
				} else {
					deliver(id, chat, c+q)
				}
				if acked.Add(1) == chats*perChat/2 {
					kill.Do(func() { replicas[0].cmd.Process.Kill() }) // SIGKILL, with updates accepted
				}
			}
		})
	}
	wg.Wait()

	sent := api.Sent()
	answers := map[int]int{}
	for _, m := range sent {
		answers[m.ReplyTo]++
		if !strings.Contains(m.Text, "84件") || strings.Contains(m.Text, "提问太频繁") {
			t.Errorf("chat %d, update %d: %q", m.ChatID, m.ReplyTo, m.Text)
		}
	}
	answeredOnce(t, answers, chats*perChat)
	if refused := len(api.Calls("sendMessage")) - len(sent); refused > 0 {
		t.Errorf("%d sends refused for flooding a chat: the replicas did not share the chat's pace", refused)
	}
	for i := range sent {
		n := 0
		for _, m := range sent[i:] {
			if m.At.Sub(sent[i].At) < 950*time.Millisecond {
				n++
			}
		}
		if n > 30 {
			t.Fatalf("%d messages within a second from %v: over Telegram's 30", n, sent[i].At)
		}
	}

	// A master dies. From the moment of the kill Telegram sends again the
	// updates whose done-marks it held (answered before) and new questions
	// from chats it keeps, each tried at the replica alive until it answers
	// 200. The failover takes longer than a claim's lifetime
	// (claims last claimTTL, a promotion about 2.2 s): the updates wait
	// (503) rather than being answered blind; none answered before is
	// answered again, each new one once, all within 5 s of the promotion.
	first := "reportbot:seen:{tg:u3000}:tg:1" // update 1's done-mark, in chat 3000's slot
	master := cluster.MasterOf(first)
	if master == nil {
		t.Fatal("no master serves the done-mark of update 1")
	}
	var held []int // the updates whose done-marks the master holds
	for _, k := range master.Keys("reportbot:seen:*") {
		id, err := strconv.Atoi(k[strings.LastIndex(k, ":")+1:])
		if err != nil {
			t.Fatalf("done-mark %q", k)
		}
		held = append(held, id)
	}
	if len(held) == 0 {
		t.Fatal("the master holds no done-mark")
	}
	fresh := map[int]int64{} // new updates, by ID, from chats the master keeps
	for chat := int64(5000); len(fresh) < 5 && chat < 5100; chat++ {
		id := int(chat) * 10
		if cluster.MasterOf(fmt.Sprintf("reportbot:seen:{tg:u%d}:tg:%d", chat, id)) == master {
			fresh[id] = chat
		}
	}
	before := len(api.Sent())
	master.Kill()
	killedAt := time.Now()
	promotion := cluster.Promotion(first, master, killedAt)
	var retried atomic.Int64 // deliveries answered other than 200
	var acks sync.WaitGroup
	resend := func(id int, chat int64) {
		retried.Add(int64(deliverUntilOK(t, api, replicas[1:], 0, id, chat, 100*time.Millisecond, killedAt.Add(40*time.Second))))
	}
	for _, id := range held {
		acks.Go(func() { resend(id, int64(3000+(id-1)/perChat)) })
	}
	for id, chat := range fresh {
		acks.Go(func() { resend(id, chat) })
	}
	acks.Wait()
	ackedAt := time.Now()
	promoted, ok := <-promotion
	if !ok {
		t.Fatal("no replica was promoted in 30 s")
	}
	if d := ackedAt.Sub(promoted); d > 5*time.Second {
		t.Errorf("the updates acknowledged %v after the promotion, want within 5 s", d)
	}
	again := map[int]int{}
	for _, m := range api.Sent()[before:] {
		again[m.ReplyTo]++
		if !strings.Contains(m.Text, "84件") {
			t.Errorf("update %d: %q", m.ReplyTo, m.Text)
		}
	}
	n := 0
	for _, id := range held {
		n += again[id]
	}
	if n > 0 {
		t.Errorf("after the failover %d of %d updates answered before were answered again", n, len(held))
	}
	for id := range fresh {
		if again[id] != 1 {
			t.Errorf("new update %d from a chat the dead master kept answered %d times, want once", id, again[id])
		}
	}
	t.Logf("master killed; a replica promoted after %v; %d updates answered before and %d new acknowledged %v after the promotion, %d deliveries put off (503) on the way",
		promoted.Sub(killedAt).Round(time.Millisecond), len(held), len(fresh), ackedAt.Sub(promoted).Round(time.Millisecond), retried.Load())
}
