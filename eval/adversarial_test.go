package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"reportbot/answer"
	"reportbot/internal/modelfake"
	"reportbot/memory"
)

func goldCases(t *testing.T) []Case {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := Load(f, "gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestLyingModel runs a stand-in model that lies on purpose, in each kind
// of lie, over every question of the gold set, in the claims form and in
// the older form. Not one lie reaches the user: wherever it lied, the user
// is shown exactly the report's own answer, as a fallback. The stand-in
// builds its lies from the prompt it is given, so every question it is
// asked is one more chance to get a lie through.
func TestLyingModel(t *testing.T) {
	ix := seedIndex(t)
	cases := goldCases(t)
	for _, legacy := range []bool{false, true} {
		for _, kind := range modelfake.Lies {
			liar := &modelfake.Model{Kind: kind, Legacy: legacy}
			stats := &answer.Stats{}
			lying := &answer.Answerer{Index: ix, Memory: memory.NewInProcess(memory.Options{}), Model: liar, Observer: stats}
			plain := &answer.Answerer{Index: ix, Memory: memory.NewInProcess(memory.Options{})}
			lies := 0
			for _, c := range cases {
				for _, turn := range c.Turns {
					liar.Reset()
					got, err := lying.Ask(context.Background(), c.ID, turn.Q)
					if err != nil {
						t.Fatal(err)
					}
					want, err := plain.Ask(context.Background(), c.ID, turn.Q)
					if err != nil {
						t.Fatal(err)
					}
					// Leaving a part out is a lie only where two were asked.
					if !liar.Lied() || kind == modelfake.Omit && len(want.Lead) < 2 {
						continue
					}
					lies++
					if got.Text != want.Text || got.Mode != answer.ModeExtractive || got.Fallback != answer.FallbackFigureCheck {
						t.Errorf("%s lie (legacy %v) reached the user for %q (mode %s, fallback %q):\n%s\nwant the report's own answer:\n%s",
							kind, legacy, turn.Q, got.Mode, got.Fallback, got.Text, want.Text)
					}
				}
			}
			_, rejected, _ := stats.Counts()
			t.Logf("%s (legacy %v): %d lies told, all refused; rejections %v", kind, legacy, lies, rejected)
			if min := minLies(kind); lies < min {
				t.Errorf("%s (legacy %v): the stand-in told only %d lies over the gold set, want at least %d: it proves little", kind, legacy, lies, min)
			}
		}
	}
}

// minLies is how many lies of a kind the stand-in must manage over the
// gold set for the test to mean something: most kinds find material in
// nearly every answer; a part to leave out or a name to swap, rarely.
func minLies(kind string) int {
	switch kind {
	case modelfake.Omit:
		return 10
	case modelfake.Name:
		return 5
	}
	return 60
}

// TestHonestModel: the same stand-in, honest, copying the sentences that
// answer or saying them in a frame of its own, is answered in its words
// for at least 95% of the gold questions it is asked.
func TestHonestModel(t *testing.T) {
	ix := seedIndex(t)
	cases := goldCases(t)
	for _, kind := range []string{modelfake.Honest, modelfake.Paraphrase} {
		honest := &modelfake.Model{Kind: kind}
		a := &answer.Answerer{Index: ix, Memory: memory.NewInProcess(memory.Options{}), Model: honest}
		asked, inWords := 0, 0
		for _, c := range cases {
			for _, turn := range c.Turns {
				honest.Reset()
				ans, err := a.Ask(context.Background(), c.ID, turn.Q)
				if err != nil {
					t.Fatal(err)
				}
				if honest.Calls() == 0 || !ans.Found {
					continue // declined, computed or the header: no model is asked to answer
				}
				asked++
				if ans.Mode == answer.ModeLLM && ans.Verified {
					inWords++
				} else {
					t.Logf("%s: %q fell back (%s):\n%s", kind, turn.Q, ans.Fallback, ans.Text)
				}
				if u := answer.Unsupported(ix, ans); len(u) > 0 {
					t.Errorf("%q: %q is not in the cited text:\n%s", turn.Q, u[0].Raw, ans.Text)
				}
			}
		}
		share := float64(inWords) / float64(asked)
		t.Logf("%s: %d of %d questions answered in the model's words (%.1f%%)", kind, inWords, asked, 100*share)
		if asked < 150 || share < 0.95 {
			t.Errorf("%s: %d of %d answered in the model's words, want at least 95%% of at least 150", kind, inWords, asked)
		}
	}
}
