package reply

import "context"

// channelKey is the context key of the channel a question came through.
type channelKey struct{}

// WithChannel tells what answers in ctx that the question came through
// channel (telegram, web): metrics and logs say so.
func WithChannel(ctx context.Context, channel string) context.Context {
	return context.WithValue(ctx, channelKey{}, channel)
}

// ChannelOf is the channel ctx carries, or "cli" when none.
func ChannelOf(ctx context.Context) string {
	if c, ok := ctx.Value(channelKey{}).(string); ok {
		return c
	}
	return "cli"
}
