package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server is a redis-server process owned by one test.
type Server struct {
	t    testing.TB
	Addr string // host:port
	dir  string
	cmd  *exec.Cmd
	args []string // beyond the port, bind and persistence flags
}

// Start starts a redis-server that keeps nothing on disk, and stops it when
// the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable(t, "redis-server is not installed: %v", err)
	}
	s := &Server{t: t, dir: t.TempDir(), Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))}
	s.start(bin)
	t.Cleanup(s.Kill)
	return s
}

// URL is the server's address as REDIS_URL takes it.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

func (s *Server) start(bin string) {
	s.t.Helper()
	_, port, _ := net.SplitHostPort(s.Addr)
	s.cmd = exec.Command(bin, append([]string{"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", s.dir}, s.args...)...)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		unavailable(s.t, "start redis-server: %v", err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Ready to accept connections") {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			unavailable(s.t, "redis-server on %s exited before it was ready", s.Addr)
		}
	case <-time.After(10 * time.Second):
		s.Kill()
		unavailable(s.t, "redis-server on %s not ready after 10s", s.Addr)
	}
}

// Kill stops the server at once, as a crash would.
func (s *Server) Kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart starts the server again on the same port, empty.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	bin, _ := exec.LookPath("redis-server")
	s.start(bin)
}

// FreePort is a local TCP port no one listens on.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// unavailable fails the test in CI and skips it elsewhere.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg + " (set CI to fail instead)")
}

// Cluster is a Redis Cluster of real redis-server processes owned by one
// test: masters, each with its replicas.
type Cluster struct {
	t     testing.TB
	Nodes []*Server
}

// StartCluster starts a cluster of masters, each with replicas, whose nodes
// time out after a second and serve their slots while another's are not
// covered, and waits until it serves every slot.
func StartCluster(t testing.TB, masters, replicas int) *Cluster {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable(t, "redis-server is not installed: %v", err)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		unavailable(t, "redis-cli is not installed: %v", err)
	}
	c := &Cluster{t: t}
	var addrs []string
	for range masters * (1 + replicas) {
		s := &Server{t: t, dir: t.TempDir(), Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t))),
			args: []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000", "--repl-diskless-sync", "no",
				// As docs/telegram.md advises: the other masters serve their
				// slots while one fails over, not CLUSTERDOWN.
				"--cluster-require-full-coverage", "no"}}
		s.start(bin)
		t.Cleanup(s.Kill)
		c.Nodes = append(c.Nodes, s)
		addrs = append(addrs, s.Addr)
	}
	args := append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		unavailable(t, "redis-cli --cluster create: %v\n%s", err, out)
	}
	// Ready: every node sees every slot served, and every replica has
	// synced with its master (a replica still syncing is never promoted).
	deadline := time.Now().Add(30 * time.Second)
	for _, n := range c.Nodes {
		for c.Info(n, "cluster_state") != "ok" || replication(n, "role") == "slave" && replication(n, "master_link_status") != "up" {
			if time.Now().After(deadline) {
				unavailable(t, "cluster not ready after 30s")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return c
}

// replication is one field of a node's INFO replication.
func replication(n *Server, field string) string { return infoField(n, field, "info", "replication") }

// infoField is one field of what redis-cli prints for a command to node n,
// or "" when it does not answer.
func infoField(n *Server, field string, command ...string) string {
	out, err := exec.Command("redis-cli", append([]string{"-h", "127.0.0.1", "-p", port(n.Addr)}, command...)...).Output()
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), field+":"); ok {
			return v
		}
	}
	return ""
}

// Reads is how many requests the server has read from its clients
// (INFO's total_reads_processed): a command, or a pipeline written at once,
// is one. Asking it is one more.
func (s *Server) Reads() int {
	n, err := strconv.Atoi(infoField(s, "total_reads_processed", "info", "stats"))
	if err != nil {
		s.t.Fatalf("INFO stats of %s: %v", s.Addr, err)
	}
	return n
}

// Keys are the keys of server s that match pattern (as SCAN matches).
func (s *Server) Keys(pattern string) []string {
	out, err := exec.Command("redis-cli", "-h", "127.0.0.1", "-p", port(s.Addr), "--scan", "--pattern", pattern).Output()
	if err != nil {
		s.t.Fatalf("redis-cli --scan on %s: %v", s.Addr, err)
	}
	return strings.Fields(string(out))
}

// URL names the cluster as REDIS_URL takes it.
func (c *Cluster) URL() string {
	u := "redis://" + c.Nodes[0].Addr
	for i, n := range c.Nodes[1:] {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		u += sep + "addr=" + n.Addr
	}
	return u
}

// Info is one field of a node's CLUSTER INFO, or "" when it does not answer.
func (c *Cluster) Info(n *Server, field string) string { return infoField(n, field, "cluster", "info") }

// MasterOf is the node that serves key, as a live node reports it.
func (c *Cluster) MasterOf(key string) *Server {
	for _, n := range c.Nodes {
		if n.cmd == nil {
			continue
		}
		out, err := exec.Command("redis-cli", "-h", "127.0.0.1", "-p", port(n.Addr), "cluster", "keyslot", key).Output()
		if err != nil {
			continue
		}
		slot, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		nodes, err := exec.Command("redis-cli", "-h", "127.0.0.1", "-p", port(n.Addr), "cluster", "nodes").Output()
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(nodes), "\n") {
			f := strings.Fields(l)
			if len(f) < 9 || !strings.Contains(f[2], "master") || strings.Contains(f[2], "fail") {
				continue
			}
			for _, r := range f[8:] {
				lo, hi, _ := strings.Cut(r, "-")
				a, _ := strconv.Atoi(lo)
				b := a
				if hi != "" {
					b, _ = strconv.Atoi(hi)
				}
				if slot >= a && slot <= b {
					addr, _, _ := strings.Cut(f[1], "@")
					for _, m := range c.Nodes {
						if m.Addr == addr {
							return m
						}
					}
				}
			}
		}
		return nil
	}
	return nil
}

// Promotion watches, from killed on, for another node than old to serve
// key, as redis-cli sees it (polled every 20 ms): it sends the time it
// does, or closes the channel after 30 s without.
func (c *Cluster) Promotion(key string, old *Server, killed time.Time) <-chan time.Time {
	promoted := make(chan time.Time, 1)
	go func() {
		defer close(promoted)
		for time.Since(killed) < 30*time.Second {
			if m := c.MasterOf(key); m != nil && m != old {
				promoted <- time.Now()
				return
			}
			time.Sleep(20 * time.Millisecond) // a poll of redis-cli's view: the cluster tells no one
		}
	}()
	return promoted
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}
