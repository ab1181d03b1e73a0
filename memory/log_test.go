package memory

import (
	"context"
	"fmt"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/feedback"
	"reportbot/internal/redistest"
	"reportbot/internal/testreport"
)

// logged is every question the log holds from since on.
func logged(t *testing.T, r *Redis, since time.Time) []feedback.Asked {
	t.Helper()
	var out []feedback.Asked
	if err := r.Log(context.Background(), since, func(a feedback.Asked) error { out = append(out, a); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLog: each question answered is logged once, with its channel, time,
// identities, mode and citations, and read back with the votes on its
// answer; since leaves out those answered before it.
func TestLog(t *testing.T) {
	srv := redistest.Start(t)
	r := newRedis(t, srv, Options{}, nil)
	clk := newClock()
	clk.Advance(-3 * time.Hour) // answered in the past: the log's IDs are Redis's clock
	a := &answer.Answerer{Index: testreport.SeedIndex(t), Memory: r, Now: clk.Now}
	ctx := context.Background()
	early := clk.Now()
	if _, err := a.AskFor(reply.WithChannel(ctx, "telegram"), reply.Key{Conv: "tg:5", User: "tg:u5", Asked: "update-1"}, "法律咨询多少人次?", nil); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Hour)
	web := reply.WithChannel(ctx, "web")
	first, err := a.AskFor(web, reply.Key{Conv: "web:c1", User: "web:203.0.113.9"}, q84, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AskFor(web, reply.Key{Conv: "web:c1", User: "web:203.0.113.9"}, "那受理了几件?", nil); err != nil {
		t.Fatal(err)
	}
	for voter, up := range map[string]bool{"v1": true, "v2": true, "v3": false} {
		if v, err := r.Vote(ctx, "web:c1", first.Ref, voter, up); err != nil || v != feedback.Counted {
			t.Fatalf("vote of %s: %v, %v", voter, v, err)
		}
	}

	all := logged(t, r, time.Time{})
	if len(all) != 3 {
		t.Fatalf("%d questions logged, want 3: %+v", len(all), all)
	}
	tg, q, follow := all[0], all[1], all[2]
	if tg.Channel != "telegram" || tg.Conv != "tg:5" || tg.User != "tg:u5" || !tg.At.Equal(early) || tg.Up+tg.Down != 0 {
		t.Errorf("the Telegram question: %+v", tg)
	}
	if q.Channel != "web" || q.Question != q84 || q.Conv != "web:c1" || q.User != "web:203.0.113.9" || q.Mode != reply.ModeExtractive || !q.Found ||
		q.Ref != first.Ref || q.Up != 2 || q.Down != 1 || !q.At.Equal(early.Add(2*time.Hour)) {
		t.Errorf("the web question: %+v", q)
	}
	if len(q.Citations) == 0 || q.Citations[0].Section != "一(六)1" || q.Citations[0].Heading == "" || q.Citations[0].Quote == "" {
		t.Errorf("the web question's citations: %+v", q.Citations)
	}
	if follow.Question != "那受理了几件?" || follow.Up+follow.Down != 0 {
		t.Errorf("the follow-up: %+v", follow)
	}
	if since := logged(t, r, early.Add(time.Hour)); len(since) != 2 || since[0].Question != q84 {
		t.Errorf("since an hour after the first: %+v, want the two web questions", since)
	}
	// An asking answered again (its replica died after Save) is not a
	// question asked again: Load refuses it, and it is not logged.
	if _, err := a.AskFor(ctx, reply.Key{Conv: "tg:5", User: "tg:u5", Asked: "update-1"}, "法律咨询多少人次?", nil); err == nil {
		t.Error("an asking answered was answered again")
	}
	if n := len(logged(t, r, time.Time{})); n != 3 {
		t.Errorf("%d questions logged after an asking answered came again, want 3", n)
	}
}

// TestLogPages: a log longer than a page is read whole, in order, a page
// a round trip; each stops the reading at its first error.
func TestLogPages(t *testing.T) {
	srv := redistest.Start(t)
	r := newRedis(t, srv, Options{}, nil)
	ctx := context.Background()
	n := 2*logPage + 7
	for i := range n {
		if err := r.Save(ctx, reply.Key{Conv: fmt.Sprint("c", i)}, turn(fmt.Sprint("q", i))); err != nil {
			t.Fatal(err)
		}
	}
	all := logged(t, r, time.Time{})
	if len(all) != n {
		t.Fatalf("%d questions read, want %d", len(all), n)
	}
	for i, a := range all {
		if a.Question != fmt.Sprint("q", i) {
			t.Fatalf("question %d read is %q", i, a.Question)
		}
	}
	stop := fmt.Errorf("stop")
	read := 0
	err := r.Log(ctx, time.Time{}, func(feedback.Asked) error {
		read++
		if read == 3 {
			return stop
		}
		return nil
	})
	if err != stop || read != 3 {
		t.Errorf("each's error after %d: %v", read, err)
	}
}

// TestLogBounded: the log is trimmed to about LogEntries (whole blocks of
// a hundred entries, as Redis trims cheaply), keeping the newest; a
// negative LogEntries keeps none.
func TestLogBounded(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	r := newRedis(t, srv, Options{LogEntries: 10, Prefix: "bounded"}, nil)
	for i := range 350 {
		if err := r.Save(ctx, reply.Key{Conv: "c"}, turn(fmt.Sprint("q", i))); err != nil {
			t.Fatal(err)
		}
	}
	all := logged(t, r, time.Time{})
	if len(all) < 10 || len(all) > 110 || all[len(all)-1].Question != "q349" {
		t.Errorf("the log holds %d questions, the last %q; want 10 to 110, the last q349", len(all), all[len(all)-1].Question)
	}
	none := newRedis(t, srv, Options{LogEntries: -1, Prefix: "none"}, nil)
	if err := none.Save(ctx, reply.Key{Conv: "c"}, turn(q84)); err != nil {
		t.Fatal(err)
	}
	if n := none.client.Exists(ctx, none.logKey()).Val(); n != 0 {
		t.Error("a log kept with LogEntries < 0")
	}
}

// TestLogOnCluster: on a Redis Cluster, the log (one key, on one master)
// is written in Save's pipeline whichever master keeps the conversation,
// and read back with the votes kept on the conversations' masters.
func TestLogOnCluster(t *testing.T) {
	t.Parallel()
	c := redistest.StartCluster(t, 3, 0)
	r := redisAt(t, c.URL(), Options{}, nil)
	ctx := context.Background()
	masters := map[*redistest.Server]bool{}
	for i := range 12 {
		conv, rec := fmt.Sprint("conv", i), turn(fmt.Sprint("q", i))
		rec.Ref = fmt.Sprint("ref", i)
		if err := r.Save(ctx, reply.Key{Conv: conv, User: fmt.Sprint("u", i)}, rec); err != nil {
			t.Fatalf("save %s: %v", conv, err)
		}
		if i%2 == 0 {
			if v, err := r.Vote(ctx, conv, rec.Ref, "voter", i%4 == 0); err != nil || v != feedback.Counted {
				t.Fatalf("vote on %s: %v, %v", conv, v, err)
			}
		}
		masters[c.MasterOf(r.convKey(conv))] = true
	}
	if len(masters) != 3 {
		t.Fatalf("conversations on %d masters, want 3", len(masters))
	}
	all := logged(t, r, time.Time{})
	if len(all) != 12 {
		t.Fatalf("%d questions logged, want 12", len(all))
	}
	for i, a := range all {
		up, down := 0, 0 // 👍 on every fourth from the first, 👎 on every fourth from the third
		switch i % 4 {
		case 0:
			up = 1
		case 2:
			down = 1
		}
		if a.Question != fmt.Sprint("q", i) || a.Conv != fmt.Sprint("conv", i) || a.User != fmt.Sprint("u", i) || a.Up != up || a.Down != down {
			t.Errorf("entry %d: %+v, want %d up, %d down", i, a, up, down)
		}
	}
}
