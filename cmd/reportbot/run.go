package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"reportbot/answer"
	"reportbot/answer/reply"
	"reportbot/bot"
	"reportbot/config"
	"reportbot/eval"
	"reportbot/knowledge"
	"reportbot/llm"
	"reportbot/mcpserver"
	"reportbot/memory"
	"reportbot/metrics"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

const usage = `reportbot answers questions about a government report, with its exact figures and sources.

Usage:
  reportbot ask [--json] QUESTION     answer one question
  reportbot chat [--json]             answer one question a line from stdin, as one conversation
  reportbot sections                  print the report's outline with section IDs
  reportbot facts [--json|--csv]      print every figure of the reports as a fact: what it counts, where, when
  reportbot reports                   list the loaded reports: title, place, year, publisher, date
  reportbot eval [--set FILE]         score a question set (default testdata/gold.jsonl)
  reportbot serve                     answer in Telegram
  reportbot config                    print the effective configuration, secrets as ***
  reportbot export conversations [--since 7d|DATE] [--format jsonl|csv]
                                      export the questions answered, from the log in Redis, identities hashed (REPORTBOT_EXPORT_SALT)
  reportbot export knowledge [--format csv|json]
                                      export every fact of the reports as a 12345 hotline knowledge entry
  reportbot health [URL]              check a running serve's /healthz (for container health checks) (TELEGRAM_BOT_TOKEN; long polling)
  reportbot mcp                       serve the reports' tools to an MCP client (an AI assistant) over stdin and stdout

Every command takes --report FILE (repeatable) to load report files
(.txt, .md, .html) instead of the embedded 2023 Fenyi County report.
With OPENAI_API_KEY or OPENAI_BASE_URL set (OPENAI_MODEL too), ask, chat
and eval ask that language model which of the report's facts answer;
the answer is still written from the report alone.
`

// run is the whole program: main only wires the process to it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "health":
		return health(ctx, args, getenv, stdout, stderr)
	case "export":
		return export(ctx, args, getenv, stdout, stderr)
	case "ask", "chat", "sections", "facts", "reports", "eval", "serve", "config", "mcp":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "reportbot: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	cfg, rest, err := config.Load(cmd, args, getenv, stderr)
	if errors.Is(err, config.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "reportbot %s: %v\n", cmd, err)
		return exitUsage
	}
	if cmd == "config" {
		for _, s := range cfg.Settings() {
			fmt.Fprintf(stdout, "%s=%s\n", s.Name, s.Value)
		}
		return exitOK
	}
	log := newLogger(cfg, stderr)
	docs, err := loadReports(cfg.Reports, cfg.ReportsDir)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot: %v\n", err)
		return exitError
	}
	ix := knowledge.NewIndex(docs...)
	stats := metrics.New()
	mem, err := newMemory(cfg.Memory, stats, log)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot: %v\n", err)
		return exitUsage
	}
	if c, ok := mem.(io.Closer); ok {
		defer c.Close()
	}
	ans, modelStats := newAnswerer(cfg, ix, mem, stats, log)
	switch cmd {
	case "ask":
		if len(rest) == 0 {
			fmt.Fprintf(stderr, "reportbot ask: no question; usage: reportbot ask [--json] QUESTION\n")
			return exitUsage
		}
		return printAnswer(stdout, stderr, cfg.JSON, ask(ctx, ans, cfg.Conversation, strings.Join(rest, " ")))
	case "chat":
		return chat(ctx, ans, cfg.Conversation, cfg.JSON, stdin, stdout, stderr)
	case "sections":
		printSections(stdout, docs)
		return exitOK
	case "facts":
		return printFacts(stdout, stderr, docs, cfg.JSON, cfg.CSV)
	case "reports":
		printReports(stdout, docs)
		return exitOK
	case "serve":
		return serve(ctx, cfg, ans, mem, docs, stats, log, stderr)
	case "mcp":
		// stdout is the protocol's: the logs, as always, go to stderr.
		if err := mcpserver.New(mcpserver.Config{}, ans, docs, log).Serve(ctx, stdin, stdout); err != nil {
			fmt.Fprintf(stderr, "reportbot mcp: %v\n", err)
			return exitError
		}
		return exitOK
	default: // eval
		return runEval(ctx, ans, modelStats, ix, cfg.GoldSet, cfg.Strict, stdout, stderr)
	}
}

// newLogger logs to stderr at the configured level, as text or JSON.
func newLogger(cfg config.Config, stderr io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(stderr, opts))
	}
	return slog.New(slog.NewTextHandler(stderr, opts))
}

// newAnswerer answers from ix with memory mem, through the configured
// language model when there is one; the returned Stats count what the
// model did, for eval (nil without a model).
func newAnswerer(cfg config.Config, ix *knowledge.Index, mem memoryStore, stats *metrics.Metrics, log *slog.Logger) (*answer.Answerer, *answer.Stats) {
	ans := &answer.Answerer{Index: ix, Memory: mem, Log: log, MaxQuestionRunes: cfg.MaxQuestionRunes, ModelBudget: cfg.Memory.ModelBudget,
		Observer: answer.Observers{stats, mem}}
	if !cfg.LLM.Enabled() {
		return ans, nil
	}
	client := llm.New(llm.Config{
		BaseURL: cfg.LLM.BaseURL, APIKey: cfg.LLM.APIKey.Reveal(), Model: cfg.LLM.Model, Timeout: cfg.LLM.Timeout, Parallel: cfg.LLM.Parallel,
		Retries: cfg.LLM.Retries, MaxTokens: cfg.LLM.MaxTokens,
		Observer: stats,
	}, log)
	modelStats := &answer.Stats{}
	ans.Model, ans.ModelID = client, cfg.LLM.BaseURL+"|"+client.Model()
	ans.Observer = answer.Observers{stats, mem, modelStats}
	return ans, modelStats
}

// memoryStore is what both memories are: the answerer's and the bot's.
type memoryStore interface {
	answer.Memory
	answer.Observer // counts the answers for /stats
	bot.Memory
	bot.Feedback
}

// health checks a running serve's /healthz: exit 0 when it answers 200.
// The URL defaults to REPORTBOT_LISTEN's port on localhost.
func health(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	target := "http://127.0.0.1:8080/healthz"
	if l := getenv("REPORTBOT_LISTEN"); l != "" {
		if _, port, err := net.SplitHostPort(l); err == nil {
			target = "http://127.0.0.1:" + port + "/healthz"
		}
	}
	if len(args) > 0 {
		target = args[0]
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot health: %v\n", err)
		return exitUsage
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot health: %v\n", err)
		return exitError
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "reportbot health: %s answered %s\n", target, resp.Status)
		return exitError
	}
	fmt.Fprintln(stdout, "ok")
	return exitOK
}

// newMemory keeps memory in Redis when a URL is configured, else in this
// process.
func newMemory(cfg config.Memory, stats *metrics.Metrics, log *slog.Logger) (memoryStore, error) {
	opt := memory.Options{Turns: cfg.Turns, TTL: cfg.TTL, CacheTTL: cfg.CacheTTL, ClaimTTL: cfg.ClaimTTL, DownAfter: cfg.DownAfter, PerMinute: cfg.PerMinute, PerDay: cfg.PerDay, Prefix: cfg.Prefix,
		LogEntries: cfg.LogEntries, Observer: stats}
	if cfg.LogEntries == 0 {
		opt.LogEntries = -1 // the operator's 0 keeps no log; memory's 0 is its default
	}
	if cfg.RedisURL == "" {
		return memory.NewInProcess(opt), nil
	}
	return memory.NewRedis(cfg.RedisURL.Reveal(), opt, log)
}

// loadReports loads the report files named and those of the folder, or
// the embedded report when neither is given. The folder is read anew each
// time, so that a reload finds the files added or replaced.
func loadReports(paths []string, dir string) ([]*knowledge.Document, error) {
	if dir != "" {
		files, err := knowledge.ReportFiles(dir)
		if err != nil {
			return nil, err
		}
		paths = append(slices.Clone(paths), files...)
	}
	if len(paths) == 0 {
		return knowledge.Default()
	}
	return knowledge.LoadFiles(paths)
}

// ask answers one question; a question that cannot be asked gets its
// polite reply as the answer.
func ask(ctx context.Context, a *answer.Answerer, conv, q string) reply.Answer {
	ans, err := a.Ask(ctx, conv, q)
	if err != nil {
		return reply.Answer{Question: q, Text: answer.UserMessage(err), Mode: reply.ModeExtractive, Citations: []reply.Citation{}}
	}
	return ans
}

func printAnswer(stdout, stderr io.Writer, asJSON bool, a reply.Answer) int {
	if !asJSON {
		fmt.Fprintln(stdout, a.Text)
		return exitOK
	}
	if a.Citations == nil {
		a.Citations = []reply.Citation{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot: encode answer: %v\n", err)
		return exitError
	}
	fmt.Fprintln(stdout, string(b))
	return exitOK
}

// chat answers each line of stdin in turn, as one conversation.
func chat(ctx context.Context, a *answer.Answerer, conv string, asJSON bool, stdin io.Reader, stdout, stderr io.Writer) int {
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	first := true
	for sc.Scan() {
		if ctx.Err() != nil {
			return exitError
		}
		if !asJSON && !first {
			fmt.Fprintln(stdout)
		}
		first = false
		if code := printAnswer(stdout, stderr, asJSON, ask(ctx, a, conv, sc.Text())); code != exitOK {
			return code
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "reportbot chat: read stdin: %v\n", err)
		return exitError
	}
	return exitOK
}

func printSections(w io.Writer, docs []*knowledge.Document) {
	for i, d := range docs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if len(docs) > 1 {
			fmt.Fprintf(w, "# %s (%s)\n", d.Meta.Title, d.Meta.File)
		}
		for _, s := range d.Sections {
			indent := strings.Repeat("  ", len(s.Path))
			fmt.Fprintf(w, "%s%s\t%s\n", indent, s.ID, s.Heading)
		}
	}
}

func runEval(ctx context.Context, a *answer.Answerer, modelStats *answer.Stats, ix *knowledge.Index, set string, strict bool, stdout, stderr io.Writer) int {
	f, err := os.Open(set)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot eval: %v; name a question set with --set FILE\n", err)
		return exitError
	}
	defer f.Close()
	cases, err := eval.Load(f, set)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot eval: %v\n", err)
		return exitError
	}
	rep, err := eval.Run(ctx, a, ix, cases)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot eval: %v\n", err)
		return exitError
	}
	rep.Print(stdout, strict)
	if modelStats != nil {
		answers, refused, fallbacks := modelStats.Counts()
		total, n := 0, 0
		for _, k := range fallbacks {
			total += k
		}
		for _, k := range refused {
			n += k
		}
		fmt.Fprintf(stdout, "\nlanguage model: %d answers from its selections, %d selections refused %v, %d fell back to the report's own answer %v\n",
			answers, n, refused, total, fallbacks)
	}
	return exitOK
}
