package wait

import (
	"testing"
	"time"
)

// every is how often a condition is polled.
const every = 5 * time.Millisecond

// Until polls cond until it holds or timeout passes, and reports whether
// it held.
func Until(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(every) // the bounded poll this package is for
	}
	return true
}

// Eventually fails t at once if cond does not hold within timeout, saying
// what was awaited.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	if !Until(timeout, cond) {
		t.Fatalf("after %v: "+format, append([]any{timeout}, args...)...)
	}
}
