package config

import "log/slog"

// Secret is a value that must never be printed: its String, LogValue and
// JSON are *** whatever it holds.
type Secret string

const redacted = "***"

func (s Secret) String() string { return s.mask() }

// LogValue keeps the secret out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.mask()) }

// MarshalText keeps the secret out of JSON and other encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.mask()), nil }

// GoString keeps the secret out of %#v.
func (s Secret) GoString() string { return s.mask() }

// Reveal returns the secret itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) mask() string {
	if s == "" {
		return ""
	}
	return redacted
}
