package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"reportbot/config"
	"reportbot/exports"
	"reportbot/memory"
)

// export writes an export to stdout: `export conversations` the questions
// answered, from the log in Redis; `export knowledge` the reports' facts
// as knowledge entries.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if len(args) == 0 || args[0] != "conversations" && args[0] != "knowledge" {
		fmt.Fprintf(stderr, "reportbot export: expected conversations or knowledge\n\n%s", usage)
		return exitUsage
	}
	cmd := "export " + args[0]
	cfg, rest, err := config.Load(cmd, args[1:], getenv, stderr)
	if errors.Is(err, config.ErrHelp) {
		return exitOK
	}
	if err == nil && len(rest) > 0 {
		err = fmt.Errorf("unexpected %q; see reportbot %s -h", rest[0], cmd)
	}
	if err != nil {
		fmt.Fprintf(stderr, "reportbot %s: %v\n", cmd, err)
		return exitUsage
	}
	if args[0] == "knowledge" {
		docs, err := loadReports(cfg.Reports, cfg.ReportsDir)
		if err != nil {
			fmt.Fprintf(stderr, "reportbot: %v\n", err)
			return exitError
		}
		if _, err := exports.Knowledge(docs, cfg.Export.Format, stdout); err != nil {
			fmt.Fprintf(stderr, "reportbot %s: %v\n", cmd, err)
			return exitError
		}
		return exitOK
	}
	// memory's log is a bot's: of outages it says the bot waits, then
	// answers without memory. An export's failure is its error, said below.
	r, err := memory.NewRedis(cfg.Memory.RedisURL.Reveal(), memory.Options{Prefix: cfg.Memory.Prefix}, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintf(stderr, "reportbot %s: %v\n", cmd, err)
		return exitUsage
	}
	defer r.Close()
	salt := []byte(cfg.Export.Salt.Reveal())
	if _, err := exports.Conversations(ctx, r, cfg.Export.Since.From(time.Now()), cfg.Export.Format, salt, stdout); err != nil {
		fmt.Fprintf(stderr, "reportbot %s: %v\n", cmd, err)
		return exitError
	}
	return exitOK
}
