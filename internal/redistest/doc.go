// Package redistest starts a real redis-server for tests, on a free port of
// this machine, and can kill and restart it. With CI set in the environment a
// test fails when no server can be started; elsewhere it is skipped.
package redistest
