// Package feedback holds what citizens' votes on answers and the bot's
// statistics are, and what was asked and answered (Asked), for the stores
// that keep them (memory) and the channels and exports that show them (bot,
// exports), none of which imports another.
package feedback
