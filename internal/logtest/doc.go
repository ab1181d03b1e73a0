// Package logtest collects log output in tests, safely across the
// goroutines that write it.
package logtest
