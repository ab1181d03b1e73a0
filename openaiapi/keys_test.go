package openaiapi

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewKeysErrors(t *testing.T) {
	long := strings.Repeat("k", MinSecretLen)
	for _, tt := range []struct {
		keys []Key
		want string
	}{
		{[]Key{{Name: "a", Secret: ""}}, "key a is empty"},
		{[]Key{{Name: "a", Secret: "short"}}, "key a is shorter than 16 characters"},
		{[]Key{{Name: "", Secret: long}}, `key name "": expected`},
		{[]Key{{Name: "a b", Secret: long}}, `key name "a b": expected`},
		{[]Key{{Name: "(open)", Secret: long}}, `key name "(open)": expected`},
		{[]Key{{Name: "a", Secret: long + " x"}}, "key a holds a space"},
		{[]Key{{Name: "a", Secret: long}, {Name: "a", Secret: long + "2"}}, "key name a is given twice"},
		{[]Key{{Name: "a", Secret: long}, {Name: "b", Secret: long}}, "keys a and b are the same; give each site its own"},
	} {
		_, err := NewKeys(tt.keys, 0, false)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%v: %v, want %q", tt.keys, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), long) {
			t.Errorf("the error holds the key: %v", err)
		}
	}
}

func TestAuthorize(t *testing.T) {
	k, err := NewKeys([]Key{{Name: "site-a", Secret: keyA}, {Name: "site-b", Secret: keyB}}, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if !k.Enabled() || k.Open() {
		t.Error("two keys, not open: enabled, not open")
	}
	for _, tt := range []struct{ header, name string }{
		{"Bearer " + keyA, "site-a"},
		{"bearer  " + keyB + " ", "site-b"},
		{"BEARER " + keyB, "site-b"},
		{"Bearer " + keyA + "x", ""},
		{"Bearer " + keyA[:len(keyA)-1], ""},
		{"Basic " + keyA, ""},
		{keyA, ""},
		{"Bearer", ""},
		{"Bearer ", ""},
		{"", ""},
	} {
		r := httptest.NewRequest("GET", "/v1/models", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		name, ok := k.Authorize(r)
		if name != tt.name || ok != (tt.name != "") {
			t.Errorf("%q: %q %v, want %q", tt.header, name, ok, tt.name)
		}
	}
	// Opened, any caller is let in; a site's key still names it.
	open, _ := NewKeys([]Key{{Name: "site-a", Secret: keyA}}, 0, true)
	for header, want := range map[string]string{"": OpenName, "Bearer nope": OpenName, "Bearer " + keyA: "site-a"} {
		r := httptest.NewRequest("GET", "/v1/models", nil)
		r.Header.Set("Authorization", header)
		if name, ok := open.Authorize(r); !ok || name != want {
			t.Errorf("open, %q: %q %v", header, name, ok)
		}
	}
	// No keys and not open: off.
	off, _ := NewKeys(nil, 0, false)
	if off.Enabled() {
		t.Error("no keys: enabled")
	}
	if _, ok := off.Authorize(httptest.NewRequest("GET", "/", nil)); ok {
		t.Error("off, a request let in")
	}
	var none *Keys
	if none.Enabled() {
		t.Error("nil keys: enabled")
	}
}

func TestAllow(t *testing.T) {
	k, _ := NewKeys([]Key{{Name: "site-a", Secret: keyA}, {Name: "site-b", Secret: keyB}}, 3, false)
	for i := range 3 {
		if _, ok := k.Allow("site-a"); !ok {
			t.Fatalf("request %d of a burst of 3 refused", i+1)
		}
	}
	wait, ok := k.Allow("site-a")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Errorf("the 4th of 3 a minute: %v %v", wait, ok)
	}
	// A refusal takes nothing: it waits as long again, not longer.
	if again, _ := k.Allow("site-a"); again > wait+time.Second {
		t.Errorf("refused again, wait %v after %v", again, wait)
	}
	if _, ok := k.Allow("site-b"); !ok {
		t.Error("site-b is limited by site-a's requests")
	}
	if _, ok := k.Allow(OpenName); !ok {
		t.Error("open callers are limited by the keys' limiter")
	}
}
