package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClient: the client is the connection's address, or behind trusted
// proxies the last address X-Forwarded-For names that is not one of them.
func TestClient(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	for _, c := range []struct{ remote, xff, want string }{
		{"203.0.113.5:4000", "", "203.0.113.5"},
		{"203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},                // not a proxy: the header is the client's own words
		{"10.1.2.3:80", "198.51.100.1", "198.51.100.1"},                    // one trusted proxy
		{"10.1.2.3:80", "1.2.3.4, 198.51.100.1, 10.9.9.9", "198.51.100.1"}, // a spoofed first hop is not believed
		{"10.1.2.3:80", "", "10.1.2.3"},                                    // a proxy that names no one
		{"10.1.2.3:80", "bogus", "10.1.2.3"},                               // a hop that is not an address stops the walk
		{"[::1]:80", "2001:db8::7", "2001:db8::7"},
		{"[::ffff:203.0.113.5]:80", "", "203.0.113.5"},
	} {
		r := httptest.NewRequest("GET", "/api/info", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.client(r); got != c.want {
			t.Errorf("%s, X-Forwarded-For %q: client %q, want %q", c.remote, c.xff, got, c.want)
		}
	}
}
