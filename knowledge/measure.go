package knowledge

import (
	"cmp"
	"strings"
)

// Measure is what a figure quantifies, in its clause's own words: the
// words before the figure and those after it (收到 and 行政复议申请 of
// 收到84件行政复议申请). Its text, as JSON and CSV give it, writes the
// figure as …: 收到…行政复议申请; a measure of one side is that side.
type Measure struct {
	Before string
	After  string
}

// String is the measure's text: its sides with the figure as … between.
func (m Measure) String() string {
	if m.Before != "" && m.After != "" {
		return m.Before + "…" + m.After
	}
	return m.Before + m.After
}

// Words are the measure's words without the figure: 收到行政复议申请.
func (m Measure) Words() string { return m.Before + m.After }

// Sides are the measure's sides that hold words, in reading order.
func (m Measure) Sides() []string {
	var out []string
	for _, s := range []string{m.Before, m.After} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Main is the side that names what is counted nearest the verb: the words
// before the figure when there are any (收到 of 收到…行政复议申请).
func (m Measure) Main() string { return cmp.Or(m.Before, m.After) }

// IsZero reports whether the measure has no words.
func (m Measure) IsZero() bool { return m.Before == "" && m.After == "" }

// MarshalText writes the measure as its text (String).
func (m Measure) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a measure's text; a text of one side is read as
// the words before the figure, which behave as either side would.
func (m *Measure) UnmarshalText(text []byte) error {
	m.Before, m.After, _ = strings.Cut(string(text), "…")
	return nil
}
