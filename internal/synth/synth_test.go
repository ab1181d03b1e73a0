package synth

import "testing"

// TestPlacesDistinct: every synthetic report of a library of any size has
// a place of its own, never the seed's.
func TestPlacesDistinct(t *testing.T) {
	seen := map[string]int{}
	for n := range 30000 {
		p := Place(n)
		if m, ok := seen[p]; ok {
			t.Fatalf("Place(%d) = Place(%d) = %s", n, m, p)
		}
		if p == seedPlace {
			t.Fatalf("Place(%d) is the seed's place", n)
		}
		seen[p] = n
	}
}
