package reply

import (
	"reportbot/knowledge"
	"reportbot/knowledge/figure"
	"strings"
)

// Mode says how an answer was made.
type Mode string

// ModeExtractive answers with the report's own sentences.
const ModeExtractive Mode = "extractive"

// Answer is what a user is shown for one question. The CLI's --json output
// is this value, so scripts see exactly what a chat user sees.
type Answer struct {
	Question string `json:"question"`
	Text     string `json:"answer"` // the plain text shown, its citation line last
	Lines    []Line `json:"lines"`  // the same, line by line, each with what it is
	Found    bool   `json:"found"`  // false when the report does not answer
	// NoFigure is true when the report speaks of what was asked but gives
	// no number for it (败诉率偏高): the text says so and quotes it.
	NoFigure  bool       `json:"no_figure,omitempty"`
	Mode      Mode       `json:"mode"`
	Citations []Citation `json:"citations"`
	// Lead are the facts that answer what was asked, said first: 受理68件
	// for 受理了几件, not the 收到84件 of the same sentence.
	Lead []knowledge.Fact `json:"lead,omitempty"`
	// Computed is a figure worked out from the lead facts (a rate, a sum,
	// a difference), labelled as such in the text with its working.
	Computed *Computed `json:"computed,omitempty"`
	// Verified is true when every figure of the text was found in the cited
	// sections: always for the report's own sentences, and for a model's
	// words once checked.
	Verified bool `json:"verified"`
	// Fallback says why a model's answer was not given, when one was asked
	// for: the text is then the report's own sentences.
	Fallback string `json:"fallback,omitempty"`
	// Cached is true when the answer was given before, to the same question.
	Cached bool `json:"cached,omitempty"`
	// Ref names this answer for feedback on it; memory keeps what it answered.
	Ref string `json:"-"`
	// Resolved is the question as searched, with the earlier turn's topic
	// added when the question was a follow-up.
	Resolved string `json:"-"`
	// Scope names the reports the answer is about, when several are loaded.
	Scope []string `json:"-"`
	// Suggested are questions the report does answer, offered when it does
	// not answer the one asked: what its asker may have meant.
	Suggested []string `json:"suggested,omitempty"`
	// Choices are the places a question may be about, when it names none
	// and too many are loaded to answer for each: the bot asks which.
	Choices []string `json:"choices,omitempty"`
}

// Citation names a section an answer uses and the exact report text taken
// from it.
type Citation struct {
	Section string `json:"section"`
	Heading string `json:"heading"`
	Quote   string `json:"quote"`
	Report  string `json:"report,omitempty"` // the report's title, when several are loaded
}

// SourcePrefix opens the line of an answer that names its sources.
const SourcePrefix = "来源:"

// Line is one line of an answer as shown, with what it is: the channels
// render an answer from its lines (a source line in italics), never by
// reading its text back.
type Line struct {
	Text   string `json:"text"`
	Source bool   `json:"source,omitempty"` // names the sections the answer comes from
	// Quote is the report's own words under a lead that already says what
	// was asked: a page may fold it under the citation.
	Quote bool `json:"quote,omitempty"`
}

// SetLines makes lines the answer's, and its text, as the CLI and JSON
// show it.
func (a *Answer) SetLines(lines []Line) {
	a.Lines = lines
	texts := make([]string, len(lines))
	for i, l := range lines {
		texts[i] = l.Text
	}
	a.Text = strings.Join(texts, "\n")
}

// Body is an answer's text without its source lines: the words whose
// figures must all come from the cited sections.
func (a Answer) Body() string {
	var keep []string
	for _, l := range a.Lines {
		if !l.Source {
			keep = append(keep, l.Text)
		}
	}
	return strings.Join(keep, "\n")
}

// CitationLabel names a cited section: its ID and heading, and the report when
// several are loaded.
func CitationLabel(c Citation) string {
	l := c.Section
	if c.Heading != "" {
		l += " " + c.Heading
	}
	if c.Report != "" {
		l = "《" + c.Report + "》" + l
	}
	return l
}

// Computed is a figure the program worked out from the report's facts,
// because a citizen asked for it and the report does not state it: a rate,
// a sum or a difference. It is never presented as the report's own.
type Computed struct {
	Op       string           `json:"op"` // rate, sum, difference or count
	Value    float64          `json:"value"`
	Unit     string           `json:"unit"`
	Text     string           `json:"text"`    // as shown: 约81.0%
	Working  string           `json:"working"` // 受理68件 ÷ 收到84件行政复议申请
	Rounding string           `json:"rounding,omitempty"`
	Inputs   []knowledge.Fact `json:"inputs"` // the report's facts it is computed from, all cited
}

// Figure is the computed figure, for checking an answer's figures.
func (c Computed) Figure() figure.Figure {
	kind := figure.KindNumber
	if c.Unit == "%" {
		kind = figure.KindPercent
	}
	return figure.Figure{Value: c.Value, Unit: c.Unit, Kind: kind, Raw: c.Text}
}

// ModeLLM is an answer whose facts a language model selected: every
// sentence of it is still the report's or the program's (render.go).
const ModeLLM Mode = "llm"

// Fallback reasons, as Answer.Fallback and the logs give them.
const (
	FallbackUnavailable = "llm_unavailable"   // the model could not be reached, or its breaker is open
	FallbackConfig      = "llm_config"        // the API refused the key, URL or model
	FallbackTimeout     = "llm_timeout"       // no answer within the deadline
	FallbackBadResponse = "llm_bad_response"  // a reply the API could not give
	FallbackRefused     = "selection_refused" // a selection the program refused (Refusal)
	FallbackBudget      = "llm_budget"        // the day's budget of model calls is spent
)

// Operations a question can ask of several figures.
const (
	OpRate       = "rate"
	OpSum        = "sum"
	OpDifference = "difference"
	OpCount      = "count" // of the loaded reports or their places: no report states it
)
