// Command reportbot answers citizens' questions about a government report
// with the report's exact figures and the sections they come from.
//
// Usage:
//
//	reportbot ask [--json] [--report FILE]... QUESTION
//	reportbot chat [--json] [--report FILE]...   (one question a line on stdin)
//	reportbot sections [--report FILE]...
//	reportbot eval [--set FILE] [--report FILE]...
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
