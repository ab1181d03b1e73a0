package bot

import (
	"reportbot/answer/reply"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFormatHTML(t *testing.T) {
	a := reply.Answer{Text: "原文<script>&“引号”\n来源:一(六)1 持续深化行政复议改革成果",
		Lines: []reply.Line{{Text: "原文<script>&“引号”"}, {Text: "来源:一(六)1 持续深化行政复议改革成果", Source: true}}}
	got := FormatHTML(a)
	want := "原文&lt;script&gt;&amp;“引号”\n<i>来源:一(六)1 持续深化行政复议改革成果</i>"
	if len(got) != 1 || got[0] != want {
		t.Errorf("FormatHTML = %q, want %q", got, want)
	}
}

func TestSplit(t *testing.T) {
	para := strings.Repeat("法", 3000)
	tests := []struct {
		name  string
		text  string
		count int
	}{
		{"short", "一段\n两段", 1},
		{"two long paragraphs", para + "\n" + para, 2},
		{"one paragraph over the limit", strings.Repeat("&", 5000), 7}, // 25 000 runes escaped, 819 entities a message
		{"exactly the limit", strings.Repeat("法", MaxMessageRunes), 1},
	}
	for _, tt := range tests {
		var lines []reply.Line
		for _, l := range strings.Split(tt.text, "\n") {
			lines = append(lines, reply.Line{Text: l})
		}
		msgs := FormatHTML(reply.Answer{Text: tt.text, Lines: lines})
		if len(msgs) != tt.count {
			t.Errorf("%s: %d messages, want %d", tt.name, len(msgs), tt.count)
		}
		var joined strings.Builder
		for _, m := range msgs {
			if utf8.RuneCountInString(m) > MaxMessageRunes {
				t.Errorf("%s: message of %d runes", tt.name, utf8.RuneCountInString(m))
			}
			if strings.Count(m, "&") != strings.Count(m, "&amp;") {
				t.Errorf("%s: an entity was cut", tt.name)
			}
			joined.WriteString(m)
		}
		// Nothing is lost: the messages hold every character of the text.
		want := strings.ReplaceAll(strings.ReplaceAll(tt.text, "&", "&amp;"), "\n", "")
		if got := strings.ReplaceAll(joined.String(), "\n", ""); got != want {
			t.Errorf("%s: text lost or changed in splitting", tt.name)
		}
	}
}
