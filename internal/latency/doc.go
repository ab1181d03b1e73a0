// Package latency records the time of each operation of a benchmark and
// reports its median and 99th percentile beside Go's mean.
package latency
