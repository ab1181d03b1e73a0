// Package feedback holds what citizens' votes on answers and the bot's
// statistics are, for the stores that keep them (memory) and the channels
// that show them (bot), neither of which imports the other.
package feedback
