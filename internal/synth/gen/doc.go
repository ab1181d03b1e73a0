// Command gen writes synthetic reports to a folder, for measuring a
// library of many: go run ./internal/synth/gen -n 1000 -out /tmp/reports.
package main
