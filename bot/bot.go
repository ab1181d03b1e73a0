package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"reportbot/answer/reply"
	"reportbot/feedback"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"reportbot/answer"
	"reportbot/knowledge"
)

// Answerer answers a question of a user in a conversation.
type Answerer interface {
	// AskFor answers a question in k's conversation, asked by k's user,
	// hands the answer to deliver, then remembers the turn and marks k's
	// asking answered.
	AskFor(ctx context.Context, k reply.Key, question string, deliver func(context.Context, reply.Answer)) (reply.Answer, error)
	// Suggestions are up to n first questions the reports answer.
	Suggestions(n int) []string
	// Places are the places a question may be about, as an answer that
	// asks back offers them: for another page of their buttons.
	Places(question string) []string
}

// Memory is what the bot keeps besides answers: which updates it handled,
// so that none is answered twice, and conversations to forget. An update is
// claimed and marked under its asking in its conversation (claimKey), as
// its question's Load and Save name it.
type Memory interface {
	// Claim takes an asking for this process, atomically across replicas:
	// claimed when none had it, or this one; else done says whether it was
	// answered (or another replica is at it).
	Claim(ctx context.Context, k reply.Key) (claimed, done bool, err error)
	// Extend renews this process's claim on an asking it is handling.
	Extend(ctx context.Context, k reply.Key) error
	MarkHandled(ctx context.Context, k reply.Key) error
	Forget(ctx context.Context, conv string) error
}

// Feedback keeps 👍/👎 votes on answers and the statistics admins read.
type Feedback interface {
	// Vote records voter's vote on the answer ref names, given in
	// conversation conv: one a voter, a second press withdrawing or
	// changing it; Unknown when no answer has that name (forged, or older
	// than a week).
	Vote(ctx context.Context, conv, ref, voter string, up bool) (feedback.Vote, error)
	Summary(ctx context.Context) (feedback.Summary, error)
}

// Config sets up a Bot.
type Config struct {
	// Feedback keeps votes and statistics; nil offers no 👍/👎 and no
	// /stats.
	Feedback Feedback
	Token    string
	Endpoint string // the Bot API's URL format, http://host/bot%s/%s; empty for Telegram's
	// Workers bounds the updates handled at once; the updates of one
	// conversation are handled in order, one at a time.
	Workers int
	// Pace shares the send limits among replicas; nil keeps them to this
	// one.
	Pace Pace
	// MessagesPerSecond bounds what the bot sends in all (Telegram's limit
	// for a bot is 30; paid broadcasts allow more).
	MessagesPerSecond float64
	// ChatInterval and GroupInterval space the messages to one chat and to
	// one group (Telegram's limits: 1 a second, 20 a minute); zero for those.
	ChatInterval, GroupInterval time.Duration
	// MaxQuestionRunes declines longer messages before any search.
	MaxQuestionRunes int
	// AnswerTimeout bounds the handling of one update.
	AnswerTimeout time.Duration
	// ClaimRefresh is how often the claim on an update being handled is
	// renewed: a third of memory's claim lifetime; 0 for never.
	ClaimRefresh time.Duration
	HTTPClient   *http.Client
	// Observer is told of each update received, by kind, and each vote;
	// may be nil.
	Observer interface {
		ObserveUpdate(kind string)
		ObserveFeedback(ctx context.Context, up bool)
	}
	// Admins are the Telegram user IDs that may use /stats.
	Admins []int64
	// LogQuestions puts the question's text in each answer's log line.
	LogQuestions bool
}

// DefaultWorkers is how many updates are handled at once by default: more
// than the language model's parallel requests, so that answers waiting for
// Telegram's per-chat limits do not keep the model idle.
const DefaultWorkers = 64

// Bot answers questions in Telegram.
type Bot struct {
	cfg    Config
	lib    atomic.Pointer[library]
	mem    Memory
	log    *slog.Logger
	poll   *tgbotapi.BotAPI // requests that stop with intake
	out    *sender          // requests that finish in-flight answers
	self   tgbotapi.User
	track  *tracker
	queues *dispatcher
	// unauthorized paces the log lines of rejected webhook requests.
	unauthorized rate.Sometimes
	commands     *perUser  // commands a user may send, like questions
	inline       *latestOf // each user's latest inline query
}

// New connects to the Bot API and checks the token. intake bounds the
// polling; work bounds the handling and sending of answers, which goes on
// after intake stops until in-flight answers are sent.
func New(intake, work context.Context, cfg Config, ans Answerer, mem Memory, docs []*knowledge.Document, log *slog.Logger) (*Bot, error) {
	if cfg.Token == "" {
		return nil, errors.New("TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.MessagesPerSecond <= 0 {
		cfg.MessagesPerSecond = float64(overall)
	}
	if cfg.ChatInterval <= 0 {
		cfg.ChatInterval = DefaultChatInterval
	}
	if cfg.GroupInterval <= 0 {
		cfg.GroupInterval = DefaultGroupInterval
	}
	if cfg.MaxQuestionRunes <= 0 {
		cfg.MaxQuestionRunes = answer.DefaultMaxQuestionRunes
	}
	if cfg.AnswerTimeout <= 0 {
		cfg.AnswerTimeout = time.Minute
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	api, err := newAPI(intake, cfg.Token, cfg.Endpoint, cfg.HTTPClient, pollTimeout+10*time.Second)
	if err != nil {
		return nil, err
	}
	log = log.With("channel", "telegram")
	b := &Bot{cfg: cfg, mem: mem, log: log, poll: api, self: api.Self, track: newTracker(), unauthorized: rate.Sometimes{Interval: time.Minute},
		commands: newPerUser(rate.Every(time.Minute/commandsPerMinute), commandsPerMinute), inline: &latestOf{ids: map[int64]string{}}}
	b.Swap(ans, docs)
	b.out = newSender(withContext(api, work, cfg.HTTPClient, 30*time.Second), rate.Limit(cfg.MessagesPerSecond),
		rate.Every(cfg.ChatInterval), rate.Every(cfg.GroupInterval), cfg.Pace, log)
	h := b.handler()
	b.queues = newDispatcher(cfg.Workers, func(u tgbotapi.Update) { h(work, u) }) // the handling outlives intake
	return b, nil
}

// library is what the bot answers from: swapped whole when reports are
// reloaded, so that an update sees the old reports or the new, never a mix.
type library struct {
	ans         Answerer
	docs        []*knowledge.Document
	suggestions []string // first questions /start offers
}

// Swap makes the bot answer from other reports, from the next update on;
// updates being handled finish with the reports they began with.
func (b *Bot) Swap(ans Answerer, docs []*knowledge.Document) {
	b.lib.Store(&library{ans: ans, docs: docs, suggestions: ans.Suggestions(suggestionCount)})
}

func (b *Bot) docs() []*knowledge.Document { return b.lib.Load().docs }

// Username is the bot's username.
func (b *Bot) Username() string { return b.self.UserName }

// RegisterCommands tells Telegram the bot's commands.
func (b *Bot) RegisterCommands(ctx context.Context) error {
	var cmds []tgbotapi.BotCommand
	for _, c := range commands {
		cmds = append(cmds, tgbotapi.BotCommand{Command: c.name, Description: c.help})
	}
	if err := b.out.request(ctx, 0, false, tgbotapi.NewSetMyCommands(cmds...)); err != nil {
		return fmt.Errorf("register commands: %w", described(err))
	}
	return nil
}

// described makes a Bot API error say its code and description, or that
// it had none: the library's error is its description alone, which may be
// empty.
func described(err error) error {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return err
	}
	desc := te.Message
	if desc == "" {
		desc = "no description"
	}
	return fmt.Errorf("telegram answered %d: %s", te.Code, desc)
}

// hashID hides a chat or user ID in logs.
func hashID(id int64) string {
	h := fnv.New32a()
	fmt.Fprint(h, id)
	return fmt.Sprintf("%08x", h.Sum32())
}

func hashString(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%08x", h.Sum32())
}

func hashUint(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
