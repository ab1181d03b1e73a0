package eval

import (
	"context"
	"fmt"
	"testing"

	"reportbot/answer"
	"reportbot/internal/modelfake"
	"reportbot/memory"
)

type logModel struct{ m *modelfake.Model }

func (l logModel) Complete(ctx context.Context, msgs []answer.Message) (string, error) {
	r, err := l.m.Complete(ctx, msgs)
	if len(msgs) > 2 {
		fmt.Println("  RETRY MSG:", msgs[len(msgs)-1].Content)
	}
	return r, err
}

func TestScratch(t *testing.T) {
	ix := seedIndex(t)
	for _, c := range goldCases(t)[:12] {
		m := &modelfake.Model{Kind: modelfake.Honest}
		a := &answer.Answerer{Index: ix, Memory: memory.NewInProcess(memory.Options{}), Model: logModel{m}}
		fmt.Println("Q", c.Turns[0].Q)
		a.Ask(context.Background(), "x", c.Turns[0].Q)
	}
}
