package http

import (
	"math"
	"net"
	nethttp "net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Login throttling. Every login attempt takes a token from three buckets
// before its password is hashed, and a successful one gives them back:
//
//   - the (account, address) pair: 5 attempts, then one a minute. This is
//     what stops guessing one person's password from one place, and it
//     cannot lock the person out from anywhere else;
//   - the address, across accounts: 30 attempts, then one every 10 s, so
//     one place cannot spray guesses over many accounts;
//   - the account, across addresses: 60 attempts, then one every 10 s,
//     which slows guessing from many places (a botnet, or the 65,536 /64s
//     of one IPv6 /48). Every attempt is charged to it except those from
//     an address the account has logged in from before (remembered for
//     30 days), so an attacker who floods an account never locks its
//     owner out of the places the owner uses; from a new place during
//     such a flood the owner waits at most 10 s per attempt.
//
// Buckets refill continuously, so a throttle decays on its own: the pair
// is whole again 5 minutes after its last failure. A refused attempt
// costs nothing (no hash is computed) and is answered 429 with
// Retry-After. An address is the client's IP as the connection shows it
// (an IPv6 address by its /64, which one subscriber usually holds);
// behind a reverse proxy every client has the proxy's address, so the
// pair and address limits then apply to all of them together, and the
// proxy should throttle too.
//
// The state is in memory and per process, bounded in size (see
// maxThrottleKeys). With several processes sharing a PostgreSQL database,
// each throttles on its own: an attacker spread over N processes gets N
// times the attempts, and a restart forgets every bucket.

// Limits of the login buckets; see above.
var (
	pairLimit    = bucketLimit{burst: 5, every: time.Minute}
	addressLimit = bucketLimit{burst: 30, every: 10 * time.Second}
	accountLimit = bucketLimit{burst: 60, every: 10 * time.Second}
)

// maxThrottleKeys bounds each table. When one is full, the bucket that
// has refilled most (the one that says least) makes room for a new one.
const maxThrottleKeys = 10000

// bucketLimit is a token bucket's size and the time one token takes to
// come back.
type bucketLimit struct {
	burst float64
	every time.Duration
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// level returns the bucket's tokens at now.
func (b bucket) level(l bucketLimit, now time.Time) float64 {
	return math.Min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.every))
}

// buckets is one table of token buckets by key, bounded in size.
type buckets struct {
	limit bucketLimit
	m     map[string]bucket
}

func newBuckets(l bucketLimit) *buckets { return &buckets{limit: l, m: map[string]bucket{}} }

// wait returns how long until key has a token; 0 when it has one now.
func (bs *buckets) wait(key string, now time.Time) time.Duration {
	b, ok := bs.m[key]
	if !ok {
		return 0
	}
	lv := b.level(bs.limit, now)
	if lv >= 1 {
		return 0
	}
	return time.Duration((1 - lv) * float64(bs.limit.every))
}

// take removes one token from key's bucket (the caller has checked wait).
func (bs *buckets) take(key string, now time.Time) {
	b, ok := bs.m[key]
	if !ok {
		bs.makeRoom(now)
		b = bucket{tokens: bs.limit.burst, at: now}
	}
	bs.m[key] = bucket{tokens: b.level(bs.limit, now) - 1, at: now}
}

// give returns a token to key's bucket; a full bucket is forgotten.
func (bs *buckets) give(key string, now time.Time) {
	b, ok := bs.m[key]
	if !ok {
		return
	}
	lv := b.level(bs.limit, now) + 1
	if lv >= bs.limit.burst {
		delete(bs.m, key)
		return
	}
	bs.m[key] = bucket{tokens: lv, at: now}
}

// failed reports whether key has spent a token that has not come back.
func (bs *buckets) failed(key string, now time.Time) bool {
	b, ok := bs.m[key]
	return ok && b.level(bs.limit, now) < bs.limit.burst
}

// makeRoom, when the table is full, forgets every bucket that is whole
// again (they hold no information) and, if that frees nothing, the one
// closest to whole. It scans the table, but only when it is full.
func (bs *buckets) makeRoom(now time.Time) {
	if len(bs.m) < maxThrottleKeys {
		return
	}
	var fullest string
	best := math.Inf(-1)
	for k, b := range bs.m {
		lv := b.level(bs.limit, now)
		if lv >= bs.limit.burst {
			delete(bs.m, k)
			continue
		}
		if lv > best {
			best, fullest = lv, k
		}
	}
	if len(bs.m) >= maxThrottleKeys {
		delete(bs.m, fullest)
	}
}

// knownFor is how long an (account, address) pair that logged in is
// exempt from the account-wide bucket.
const knownFor = 30 * 24 * time.Hour

// loginThrottle holds the three tables of login buckets, and the pairs
// that logged in.
type loginThrottle struct {
	mu      sync.Mutex
	pair    *buckets
	address *buckets
	account *buckets
	known   map[string]time.Time // pair key -> last successful login
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{pair: newBuckets(pairLimit), address: newBuckets(addressLimit), account: newBuckets(accountLimit),
		known: map[string]time.Time{}}
}

// isKnown reports whether the pair logged in within knownFor.
func (t *loginThrottle) isKnown(pk string, now time.Time) bool {
	at, ok := t.known[pk]
	return ok && now.Sub(at) < knownFor
}

// remember records a successful login of the pair, bounded like the
// bucket tables: when full, expired pairs go, then the oldest.
func (t *loginThrottle) remember(pk string, now time.Time) {
	if _, ok := t.known[pk]; !ok && len(t.known) >= maxThrottleKeys {
		var oldest string
		var at time.Time
		for k, v := range t.known {
			if now.Sub(v) >= knownFor {
				delete(t.known, k)
				continue
			}
			if oldest == "" || v.Before(at) {
				oldest, at = k, v
			}
		}
		if len(t.known) >= maxThrottleKeys {
			delete(t.known, oldest)
		}
	}
	t.known[pk] = now
}

// begin admits a login attempt for username from addr, taking a token
// from each bucket, or returns how long to wait (and takes nothing).
func (t *loginThrottle) begin(username, addr string, now time.Time) time.Duration {
	username = throttleName(username)
	pk := username + "\x00" + addr
	t.mu.Lock()
	defer t.mu.Unlock()
	w := max(t.pair.wait(pk, now), t.address.wait(addr, now))
	// The account-wide bucket binds every address but those the account
	// logged in from (see above).
	known := t.isKnown(pk, now)
	if !known {
		w = max(w, t.account.wait(username, now))
	}
	if w > 0 {
		return w
	}
	t.pair.take(pk, now)
	t.address.take(addr, now)
	if !known {
		t.account.take(username, now)
	}
	return 0
}

// end settles an admitted attempt: a success or an attempt that was not
// judged (the database failed) gives every token back; a wrong password
// keeps them spent. A success also forgets the pair's failures.
func (t *loginThrottle) end(username, addr string, wrongPassword, succeeded bool, now time.Time) {
	if wrongPassword {
		return
	}
	username = throttleName(username)
	pk := username + "\x00" + addr
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.isKnown(pk, now) {
		t.account.give(username, now) // begin took one
	}
	t.pair.give(pk, now)
	delete(t.pair.m, pk)
	t.address.give(addr, now)
	if succeeded {
		t.remember(pk, now)
	}
}

// throttleName bounds the key a username makes, so a long made-up name
// cannot grow the tables' memory beyond their count.
func throttleName(u string) string {
	if len(u) > 64 {
		return u[:64]
	}
	return u
}

// clientAddress is the key of the connection's client: its IP, or for
// IPv6 its /64 network.
func clientAddress(r *nethttp.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// retryAfter formats a wait as whole seconds, rounded up, for the
// Retry-After header.
func retryAfter(d time.Duration) string {
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}
