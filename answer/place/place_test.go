package place

import (
	"slices"
	"strconv"
	"testing"
)

// TestUnique: names shared are told apart by what tell says of each
// report, a reserved name too, and a name still taken is numbered.
func TestUnique(t *testing.T) {
	names := []string{"分宜县-2023", "新余市-2023", "分宜县-2023", "all", "x-1", "x"}
	tell := func(i int) string { return strconv.Itoa(i) }
	got := Unique(names, tell, "all")
	want := []string{"分宜县-2023-0", "新余市-2023", "分宜县-2023-2", "all-3", "x-1", "x"}
	if !slices.Equal(got, want) {
		t.Errorf("Unique = %q, want %q", got, want)
	}
	// Told apart alike, a name gets a number.
	if got := Unique([]string{"a", "a"}, func(int) string { return "f" }); !slices.Equal(got, []string{"a-f", "a-f-2"}) {
		t.Errorf("told alike: %q", got)
	}
}
