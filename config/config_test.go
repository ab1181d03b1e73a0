package config

import (
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	c, rest, err := Load("ask", []string{"--json", "--report", "a.txt", "--report", "b.md", "问题", "两个"},
		env(map[string]string{"LOG_LEVEL": "debug", "REPORTBOT_REPORTS": "x.txt"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.JSON || !slices.Equal(c.Reports, []string{"a.txt", "b.md"}) || c.LogLevel != slog.LevelDebug || !slices.Equal(rest, []string{"问题", "两个"}) {
		t.Errorf("config = %+v, rest %q", c, rest)
	}
	c, _, err = Load("sections", nil, env(map[string]string{"REPORTBOT_REPORTS": " x.txt, ,y.txt", "REPORTBOT_MAX_QUESTION": "80"}), io.Discard)
	if err != nil || !slices.Equal(c.Reports, []string{"x.txt", "y.txt"}) || c.MaxQuestionRunes != 80 || c.GoldSet != DefaultGoldSet {
		t.Errorf("from the environment: %+v, %v", c, err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		cmd  string
		args []string
		env  map[string]string
		want string
	}{
		{"ask", nil, map[string]string{"LOG_LEVEL": "loud"}, `LOG_LEVEL: "loud" is not a level; expected debug, info, warn or error`},
		{"ask", nil, map[string]string{"REPORTBOT_MAX_QUESTION": "-3"}, `REPORTBOT_MAX_QUESTION: "-3" is not a positive number of characters`},
		{"ask", []string{"--report", " "}, nil, `invalid value " " for flag -report: empty path; expected a report file`},
		{"sections", []string{"--json"}, nil, "flag provided but not defined: -json"},
		{"eval", []string{"--set"}, nil, "flag needs an argument: -set"},
	}
	for _, tt := range tests {
		_, _, err := Load(tt.cmd, tt.args, env(tt.env), io.Discard)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s %v %v: error = %v, want %q", tt.cmd, tt.args, tt.env, err, tt.want)
		}
	}
	var help strings.Builder
	if _, _, err := Load("ask", []string{"-h"}, env(nil), &help); !errors.Is(err, ErrHelp) || !strings.Contains(help.String(), "-report") {
		t.Errorf("-h: %v, %q", err, help.String())
	}
}
