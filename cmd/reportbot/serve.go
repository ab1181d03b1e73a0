package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"reportbot/answer"
	"reportbot/bot"
	"reportbot/config"
	"reportbot/knowledge"
	"reportbot/mcpserver"
	"reportbot/memory"
	"reportbot/metrics"
	"reportbot/openaiapi"
	"reportbot/web"
)

// reloadOnHUP reloads the report files on SIGHUP, without a restart: all of
// them parse, and each channel swaps to them at once; or one does not, and
// the reports in use stay, with a log line that says why.
func reloadOnHUP(ctx context.Context, hup <-chan os.Signal, paths []string, dir string, base *answer.Answerer, log *slog.Logger, swaps ...func(*answer.Answerer, []*knowledge.Document)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		docs, err := loadReports(paths, dir)
		if err != nil {
			log.Error("reports not reloaded; the current ones stay in use", "err", err)
			continue
		}
		next := base.With(knowledge.NewIndex(docs...))
		go next.Prepare()
		for _, swap := range swaps {
			swap(next, docs)
		}
		var titles []string
		for _, d := range docs {
			titles = append(titles, d.Meta.Title)
		}
		log.Info("reports reloaded", "reports", titles, "version", next.Index.Version())
	}
}

// sendLimits space what serve sends: Telegram's limits (zero: the bot's
// defaults). Tests of the wiring send faster, not to wait on pacing that
// the bot's own tests measure.
var sendLimits struct {
	chat, group time.Duration
	overall     float64
}

// pinger is what /readyz checks besides Telegram: Redis, when used.
type pinger interface {
	Ping(ctx context.Context) error
}

// serve runs the web chat, and the Telegram bot when it has a token, until
// ctx is done, then lets in-flight answers finish within the shutdown
// timeout. On the listen address it serves the chat page and its API,
// the MCP tools at /mcp, /healthz, /readyz and /metrics, and in webhook
// mode the webhook.
func serve(ctx context.Context, cfg config.Config, a *answer.Answerer, mem memoryStore, docs []*knowledge.Document, stats *metrics.Metrics, log *slog.Logger, stderr io.Writer) int {
	// Listen for SIGHUP before anything else: one sent while the bot starts
	// must reload the reports once it runs, not end the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	// Answers in flight outlive intake by up to the shutdown timeout.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	go a.Prepare() // a library of many reports: ready for the first question naming no place
	site := web.New(web.Config{Origins: cfg.Web.Origins, TrustedProxies: cfg.Web.TrustedProxies, Feedback: mem, Observer: stats}, a, docs, log)
	keys, err := openaiapi.NewKeys(cfg.API.KeyList(), cfg.API.Rate, cfg.API.Open)
	if err != nil { // config validated them
		fmt.Fprintf(stderr, "reportbot serve: %v\n", err)
		return exitUsage
	}
	api := openaiapi.New(openaiapi.Config{Keys: keys, TrustedProxies: cfg.Web.TrustedProxies, Observer: stats}, a, docs, log)
	tools := mcpserver.New(mcpserver.Config{}, a, docs, log)
	swaps := []func(*answer.Answerer, []*knowledge.Document){
		func(next *answer.Answerer, docs []*knowledge.Document) { site.Swap(next, docs) },
		api.Swap, tools.Swap,
	}
	var b *bot.Bot
	if cfg.Telegram.Token != "" {
		if b, err = newBot(ctx, work, cfg, a, mem, docs, stats, log); err != nil {
			fmt.Fprintf(stderr, "reportbot serve: %v\n", err)
			if errors.Is(err, bot.ErrToken) {
				return exitUsage
			}
			return exitError
		}
		swaps = append(swaps, func(next *answer.Answerer, docs []*knowledge.Document) { b.Swap(next, docs) })
	}
	go reloadOnHUP(ctx, hup, cfg.Reports, cfg.ReportsDir, a, log, swaps...)
	mux := http.NewServeMux()
	site.Register(mux)
	mountKeyed(mux, keys, api, tools, len(cfg.API.Keys), log)
	serveHealth(mux, stats, mem, b)
	polled := cfg.Telegram.WebhookURL == ""
	if b != nil && !polled {
		u, _ := url.Parse(cfg.Telegram.WebhookURL) // validated by config
		path := u.Path
		if path == "" {
			path = "/"
		}
		mux.Handle("POST "+path, b.Webhook(cfg.Telegram.WebhookSecret.Reveal()))
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot serve: listen on %s: %v; set REPORTBOT_LISTEN to a free address\n", cfg.Listen, err)
		return exitError
	}
	// A slow client cannot hold a connection: headers and bodies have their
	// time; an answer's own time is bounded where it is made.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return work }}
	go srv.Serve(ln)

	runErr := runBot(ctx, b, cfg, ln.Addr().String(), log)
	shutdown, cancel := context.WithTimeout(work, cfg.Telegram.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Error("shutdown", "err", err)
	}
	if b != nil {
		if err := b.Shutdown(shutdown, polled); err != nil {
			log.Error("shutdown", "err", err)
		}
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "reportbot serve: %v\n", runErr)
		if errors.Is(runErr, bot.ErrToken) {
			return exitUsage
		}
		return exitError
	}
	log.Info("stopped")
	return exitOK
}

// mountKeyed mounts on mux the surfaces for other sites' programs, the
// OpenAI-compatible API and /mcp, both behind the sites' keys (n of them),
// and logs whether they are on.
func mountKeyed(mux *http.ServeMux, keys *openaiapi.Keys, api *openaiapi.Server, tools *mcpserver.Server, n int, log *slog.Logger) {
	api.Register(mux)
	switch {
	case !keys.Enabled():
		log.Info("the OpenAI-compatible API and /mcp are off: no REPORTBOT_API_KEYS")
		return
	case keys.Open():
		log.Warn("the OpenAI-compatible API and /mcp are open to callers without a key (REPORTBOT_API_OPEN)", "keys", n)
	default:
		log.Info("the OpenAI-compatible API and /mcp are on", "keys", n)
	}
	// The same keys as the API's: each site's name asks.
	mux.Handle("/mcp", tools.Handler(func(r *http.Request) (string, bool) {
		name, ok := keys.Authorize(r)
		if name == openaiapi.OpenName {
			name = "" // no key: limited by its address
		}
		return name, ok
	}))
}

// newBot makes the Telegram bot of serve: replicas on one Redis share
// Telegram's send limits (memory kept in this process has no other replica
// to share them with); its commands are registered with Telegram.
func newBot(ctx, work context.Context, cfg config.Config, a *answer.Answerer, mem memoryStore, docs []*knowledge.Document, stats *metrics.Metrics, log *slog.Logger) (*bot.Bot, error) {
	var pace bot.Pace
	if r, ok := mem.(*memory.Redis); ok {
		pace = r
	}
	b, err := bot.New(ctx, work, bot.Config{
		Token: cfg.Telegram.Token.Reveal(), Endpoint: cfg.Telegram.Endpoint, Workers: cfg.Telegram.Workers,
		MaxQuestionRunes: cfg.MaxQuestionRunes, Observer: stats, Admins: cfg.Telegram.Admins, LogQuestions: cfg.LogQuestions,
		Feedback: mem, Pace: pace, ClaimRefresh: cfg.Memory.ClaimTTL / 3, ChatInterval: sendLimits.chat, GroupInterval: sendLimits.group, MessagesPerSecond: sendLimits.overall,
	}, a, mem, docs, log)
	if err != nil {
		return nil, err
	}
	if err := b.RegisterCommands(work); err != nil {
		log.Warn("bot commands not registered", "err", err)
	}
	return b, nil
}

// serveHealth serves /metrics, /healthz (the process is up) and /readyz
// (Redis, when used, and Telegram, when a bot runs, answer).
func serveHealth(mux *http.ServeMux, stats *metrics.Metrics, mem memoryStore, b *bot.Bot) {
	mux.Handle("GET /metrics", stats.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if p, ok := mem.(pinger); ok {
			if err := p.Ping(rctx); err != nil {
				http.Error(w, "redis: unreachable", http.StatusServiceUnavailable)
				return
			}
		}
		if b != nil {
			if err := b.Ready(rctx); err != nil {
				http.Error(w, "telegram: unreachable", http.StatusServiceUnavailable)
				return
			}
		}
		io.WriteString(w, "ready\n")
	})
}

// runBot runs until ctx is done: the web chat alone, or the bot polling
// Telegram, or the bot's webhook once set.
func runBot(ctx context.Context, b *bot.Bot, cfg config.Config, listen string, log *slog.Logger) error {
	switch {
	case b == nil:
		log.Info("serving", "mode", "web", "listen", listen)
		<-ctx.Done()
		return nil
	case cfg.Telegram.WebhookURL == "":
		log.Info("serving", "bot", b.Username(), "mode", "polling", "listen", listen)
		return b.Poll(ctx)
	}
	log.Info("serving", "bot", b.Username(), "mode", "webhook", "listen", listen)
	if err := b.SetWebhook(ctx, cfg.Telegram.WebhookURL, cfg.Telegram.WebhookSecret.Reveal()); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}
