package latency

import (
	"slices"
	"testing"
	"time"
)

// Recorder collects the latencies of one benchmark.
type Recorder struct {
	lat []time.Duration
}

// Time runs f and records how long it took.
func (r *Recorder) Time(f func()) {
	start := time.Now()
	f()
	r.lat = append(r.lat, time.Since(start))
}

// Report adds p50-ns and p99-ns to the benchmark's results.
func (r *Recorder) Report(b *testing.B) {
	if len(r.lat) == 0 {
		return
	}
	lat := slices.Sorted(slices.Values(r.lat))
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
