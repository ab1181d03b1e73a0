// Command gen writes synthetic reports to a folder, for measuring a
// library of many: go run ./internal/synth/gen -n 1000 -out /tmp/reports;
// with -years 5 each place has five years (every county's reports:
// -n 15000 -years 5).
package main
