package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/bot"
	"reportbot/internal/modelfake"
	"reportbot/internal/testreport"
	"reportbot/internal/tgfake"
	"reportbot/knowledge"
	"reportbot/llm"
	"reportbot/memory"
)

const (
	modelLatency  = 300 * time.Millisecond
	modelParallel = 16
)

// slowModel is an OpenAI-compatible stand-in that takes modelLatency to
// select, as modelfake's honest model does, the facts that share the most
// words with the question, and counts its calls and the most in flight at
// once.
type slowModel struct {
	calls, inFlight, peak atomic.Int64
	selector              modelfake.Model
}

func (m *slowModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := m.inFlight.Add(1)
	defer m.inFlight.Add(-1)
	for p := m.peak.Load(); n > p && !m.peak.CompareAndSwap(p, n); p = m.peak.Load() {
	}
	m.calls.Add(1)
	var req struct {
		Messages []reply.Message `json:"messages"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	reply, _ := m.selector.Complete(r.Context(), reply.Request{Messages: req.Messages})
	select { // the model's own time
	case <-time.After(modelLatency):
	case <-r.Context().Done():
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": "x", "object": "chat.completion",
		"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": reply}, "finish_reason": "stop"}}})
}

// uncached is in-process memory that serves no cached answer, so that
// every question costs a model call, as the load test's ideal assumes.
type uncached struct{ *memory.InProcess }

func (u uncached) Load(ctx context.Context, k reply.Key) (reply.Session, error) {
	s, err := u.InProcess.Load(ctx, k)
	s.Cached = nil
	return s, err
}

// TestLoad: conversations each asking five questions at once, through a
// model that takes 300 ms and answers 16 at a time. Every question is
// answered once, in order within its conversation, and the model is kept
// at its limit, never over it; the time against the ideal the limit sets
// is logged. REPORTBOT_LOAD_CONVERSATIONS
// sets the size (default 64; the full size is 200).
func TestLoad(t *testing.T) {
	convs := 64
	if v, err := strconv.Atoi(os.Getenv("REPORTBOT_LOAD_CONVERSATIONS")); err == nil && v > 0 {
		convs = v
	}
	questions := []string{"行政复议收到多少件申请?", "那受理了几件?", "法律咨询多少人次?", "免罚金额是多少?", "新办了多少执法证?"}
	model := &slowModel{selector: modelfake.Model{Kind: modelfake.Honest}}
	llmSrv := httptest.NewServer(model)
	defer llmSrv.Close()
	api := tgfake.Start(t, "1:tok")
	api.PollWait = 50 * time.Millisecond
	docs := testreport.Seed(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mem := memory.NewInProcess(memory.Options{})
	ans := &answer.Answerer{Index: knowledge.NewIndex(docs...), Memory: uncached{mem}, Log: quiet,
		Model: llm.New(llm.Config{BaseURL: llmSrv.URL + "/v1", Model: "m", Timeout: 5 * time.Minute, Parallel: modelParallel}, quiet)}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	b, err := bot.New(ctx, context.Background(), bot.Config{Token: "1:tok", Endpoint: api.Endpoint(), MessagesPerSecond: 1000}, ans, mem, docs, quiet)
	if err != nil {
		t.Fatal(err)
	}
	id := 0
	for c := range convs {
		for i, q := range questions {
			id++
			api.Push(id, text(c*10+i+1, int64(1000+c), q))
		}
	}
	var peak atomic.Uint64
	sampling := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-sampling:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	go b.Poll(ctx)
	total := convs * len(questions)
	sent := api.WaitSent(total, 5*time.Minute)
	took := time.Since(start)
	close(sampling)
	wg.Wait()
	if len(sent) != total {
		t.Fatalf("%d of %d questions answered", len(sent), total)
	}
	replies := map[int64][]int{}
	once := map[string]int{}
	for _, s := range sent {
		replies[s.ChatID] = append(replies[s.ChatID], s.ReplyTo)
		once[fmt.Sprint(s.ChatID, ":", s.ReplyTo)]++
	}
	for key, n := range once {
		if n != 1 {
			t.Errorf("question %s answered %d times", key, n)
		}
	}
	for chat, r := range replies {
		if !slices.IsSorted(r) || len(r) != len(questions) {
			t.Errorf("chat %d: answers reply to %v, out of order or missing", chat, r)
		}
	}
	calls := int(model.calls.Load())
	ideal := time.Duration((calls+modelParallel-1)/modelParallel) * modelLatency
	t.Logf("%d conversations × %d questions: %d model calls, at most %d at once; %v, ideal %v (%.2f×); peak heap in use %.1f MiB",
		convs, len(questions), calls, model.peak.Load(), took.Round(time.Millisecond), ideal, float64(took)/float64(ideal), float64(peak.Load())/(1<<20))
	if model.peak.Load() > modelParallel {
		t.Errorf("%d model calls at once, over the limit of %d", model.peak.Load(), modelParallel)
	}
	if calls < total {
		t.Errorf("%d model calls for %d questions", calls, total)
	}
	// The model's limit is what bounds the whole: it is used to the full.
	// (How close the whole comes to the ideal is logged above, and is a
	// figure of BENCHMARKS.md, not a test's: it depends on what else the
	// machine runs.)
	if model.peak.Load() < modelParallel {
		t.Errorf("at most %d model calls at once: the limit of %d was never used in full", model.peak.Load(), modelParallel)
	}
}
