package openaiapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Key is one site's key to the API.
type Key struct {
	Name   string // the site, as logs and metrics name it; never the key
	Secret string // what it sends: Authorization: Bearer <Secret>
}

// OpenName names, in logs and metrics, the callers of an API opened to all
// that send no key of the configured ones.
const OpenName = "(open)"

// DefaultRatePerMinute is how many requests a minute each key may make
// when none is configured.
const DefaultRatePerMinute = 60

// MinSecretLen is the shortest key taken: a short one is guessed.
const MinSecretLen = 16

// NameRE is what a key's name may be: it is a label of metrics and a word
// of logs.
var NameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// Keys are the sites that may call the API, each with its own rate limit.
// Its methods are safe for concurrent use.
type Keys struct {
	open     bool
	keys     []entry
	limiters map[string]*rate.Limiter // by name, each key's own
}

type entry struct {
	name string
	sum  [sha256.Size]byte // of the key: compared, the key's length leaks nothing
}

// NewKeys makes the keys of the API: each may make perMinute requests a
// minute (up to a minute's worth at once); 0 or less is
// DefaultRatePerMinute. With open, callers without a configured key are
// let in too, under OpenName, and limited as a question of the web chat is.
// A key that is empty or short, or a name or key given twice, is an error.
func NewKeys(keys []Key, perMinute int, open bool) (*Keys, error) {
	if perMinute <= 0 {
		perMinute = DefaultRatePerMinute
	}
	k := &Keys{open: open, limiters: map[string]*rate.Limiter{}}
	seen := map[[sha256.Size]byte]string{}
	for _, key := range keys {
		switch {
		case !NameRE.MatchString(key.Name):
			return nil, fmt.Errorf("key name %q: expected 1 to 64 letters, digits, _, . and -", key.Name)
		case key.Secret == "":
			return nil, fmt.Errorf("key %s is empty", key.Name)
		case len(key.Secret) < MinSecretLen:
			return nil, fmt.Errorf("key %s is shorter than %d characters", key.Name, MinSecretLen)
		case strings.ContainsFunc(key.Secret, isSpace):
			return nil, fmt.Errorf("key %s holds a space; a Bearer token cannot", key.Name)
		case k.limiters[key.Name] != nil:
			return nil, fmt.Errorf("key name %s is given twice", key.Name)
		}
		sum := sha256.Sum256([]byte(key.Secret))
		if other, ok := seen[sum]; ok {
			return nil, fmt.Errorf("keys %s and %s are the same; give each site its own", other, key.Name)
		}
		seen[sum] = key.Name
		k.keys = append(k.keys, entry{name: key.Name, sum: sum})
		k.limiters[key.Name] = rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), perMinute)
	}
	return k, nil
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// Enabled reports whether anyone may call the API.
func (k *Keys) Enabled() bool { return k != nil && (k.open || len(k.keys) > 0) }

// Open reports whether callers without a key are let in.
func (k *Keys) Open() bool { return k != nil && k.open }

// Authorize names the site whose key the request carries (Authorization:
// Bearer <key>), compared in constant time with every key. Without a
// configured key it is OpenName when the API is open, else not ok. The key
// itself is never returned, logged or kept.
func (k *Keys) Authorize(r *http.Request) (name string, ok bool) {
	if k == nil {
		return "", false
	}
	if token, found := bearer(r.Header.Get("Authorization")); found {
		sum := sha256.Sum256([]byte(token))
		match := -1
		for i, e := range k.keys { // every key is compared: how long it takes says nothing of which matched
			if subtle.ConstantTimeCompare(sum[:], e.sum[:]) == 1 {
				match = i
			}
		}
		if match >= 0 {
			return k.keys[match].name, true
		}
	}
	if k.open {
		return OpenName, true
	}
	return "", false
}

// bearer is the token of an Authorization header of the Bearer scheme.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// Allow takes one request from the rate limit of the site name
// (Authorize's): ok, or not before retryAfter. OpenName's callers are not
// limited here.
func (k *Keys) Allow(name string) (retryAfter time.Duration, ok bool) {
	lim := k.limiters[name]
	if lim == nil {
		return 0, true
	}
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d, false
	}
	return 0, true
}
