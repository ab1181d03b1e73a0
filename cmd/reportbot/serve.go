package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"reportbot/answer"
	"reportbot/bot"
	"reportbot/config"
	"reportbot/knowledge"
)

// serve runs the Telegram bot until ctx is done, then lets in-flight
// answers finish within the shutdown timeout.
func serve(ctx context.Context, cfg config.Config, a *answer.Answerer, mem bot.Memory, docs []*knowledge.Document, log *slog.Logger, stderr io.Writer) int {
	// Answers in flight outlive intake by up to the shutdown timeout.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	b, err := bot.New(ctx, work, bot.Config{
		Token: cfg.Telegram.Token.Reveal(), Endpoint: cfg.Telegram.Endpoint, Workers: cfg.Telegram.Workers,
		MaxQuestionRunes: cfg.MaxQuestionRunes,
	}, a, mem, docs, log)
	if err != nil {
		fmt.Fprintf(stderr, "reportbot serve: %v\n", err)
		if errors.Is(err, bot.ErrToken) {
			return exitUsage
		}
		return exitError
	}
	if err := b.RegisterCommands(work); err != nil {
		log.Warn("bot commands not registered", "err", err)
	}
	var pollErr error
	polled := cfg.Telegram.WebhookURL == ""
	if polled {
		log.Info("serving", "bot", b.Username(), "mode", "polling")
		pollErr = b.Poll(ctx)
	} else {
		log.Info("serving", "bot", b.Username(), "mode", "webhook", "listen", cfg.Telegram.Listen)
		pollErr = b.ServeWebhook(ctx, cfg.Telegram.Listen, cfg.Telegram.WebhookURL, cfg.Telegram.WebhookSecret.Reveal())
	}
	shutdown, cancel := context.WithTimeout(work, cfg.Telegram.ShutdownTimeout)
	defer cancel()
	if err := b.Shutdown(shutdown, polled); err != nil {
		log.Error("shutdown", "err", err)
	}
	if pollErr != nil {
		fmt.Fprintf(stderr, "reportbot serve: %v\n", pollErr)
		if errors.Is(pollErr, bot.ErrToken) {
			return exitUsage
		}
		return exitError
	}
	log.Info("stopped")
	return exitOK
}
