package memory

import (
	"context"
	"fmt"
	"testing"

	"reportbot/answer"
)

func TestInProcess(t *testing.T) {
	ctx := context.Background()
	m := NewInProcess(3)
	for i := range 5 {
		if err := m.Append(ctx, "a", answer.Turn{Question: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Append(ctx, "b", answer.Turn{Question: "b0"}); err != nil {
		t.Fatal(err)
	}
	got, err := m.Load(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Question != "2" || got[2].Question != "4" {
		t.Errorf("conversation a = %+v, want turns 2, 3, 4", got)
	}
	got[0].Question = "changed"
	if again, _ := m.Load(ctx, "a"); again[0].Question != "2" {
		t.Error("Load returned the store's own slice")
	}
	if b, _ := m.Load(ctx, "b"); len(b) != 1 || b[0].Question != "b0" {
		t.Errorf("conversation b = %+v", b)
	}
	if none, _ := m.Load(ctx, "c"); len(none) != 0 {
		t.Errorf("unknown conversation = %+v", none)
	}
	if NewInProcess(0).max != DefaultTurns {
		t.Error("NewInProcess(0) does not keep the default number of turns")
	}
}
