package http

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestThrottleNeverLocksOutTheOwner: whatever attackers do (any accounts,
// any addresses, the owner's own address included, wrong passwords at any
// pace), each (account, address) pair gets no more wrong attempts than its
// bucket allows, and the owner, who logged in from home before the
// attack, is never told to wait there; from an address nobody used (a new
// place) the owner waits at most one account-bucket token (10 s).
func TestThrottleNeverLocksOutTheOwner(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		th := newLoginThrottle()
		now := time.Unix(1_700_000_000, 0)
		start := now
		owner := fmt.Sprintf("u%d", rapid.IntRange(0, 3).Draw(t, "owner"))
		const home = "192.0.2.1"
		if th.begin(owner, home, now) != 0 {
			t.Fatal("a first login was throttled")
		}
		th.end(owner, home, false, true, now)
		admitted := map[string]int{}
		steps := rapid.IntRange(1, 400).Draw(t, "steps")
		for range steps {
			now = now.Add(time.Duration(rapid.IntRange(0, 20_000).Draw(t, "ms")) * time.Millisecond)
			user := fmt.Sprintf("u%d", rapid.IntRange(0, 3).Draw(t, "user"))
			addr := fmt.Sprintf("10.0.%d.%d", rapid.IntRange(0, 3).Draw(t, "net"), rapid.IntRange(0, 40).Draw(t, "addr"))
			if th.begin(user, addr, now) == 0 {
				th.end(user, addr, true, false, now)
				admitted[user+"|"+addr]++
			}
		}
		for k, n := range admitted {
			if limit := 5 + int(now.Sub(start)/time.Minute); n > limit {
				t.Fatalf("%s: %d wrong attempts admitted in %s; the bucket allows %d", k, n, now.Sub(start), limit)
			}
		}
		if w := th.begin(owner, home, now); w != 0 {
			t.Fatalf("the owner of %s is told to wait %s at home", owner, w)
		}
		th.end(owner, home, false, true, now)
		if w := th.begin(owner, "198.51.100.7", now); w > accountLimit.every {
			t.Fatalf("the owner of %s is told to wait %s from a new place", owner, w)
		}
	})
}

// TestThrottleAccountAcrossAddresses: guesses at one account from a
// thousand fresh addresses are bounded by the account's bucket (60, then
// one every 10 s), not one per address.
func TestThrottleAccountAcrossAddresses(t *testing.T) {
	th := newLoginThrottle()
	now := time.Unix(1_700_000_000, 0)
	admitted := 0
	for i := range 1000 {
		addr := fmt.Sprintf("2001:db8:%x::", i)
		if th.begin("alice", addr, now) == 0 {
			th.end("alice", addr, true, false, now)
			admitted++
		}
	}
	if admitted != int(accountLimit.burst) {
		t.Fatalf("%d wrong guesses from 1000 addresses admitted at once; the account bucket allows %v", admitted, accountLimit.burst)
	}
	now = now.Add(time.Minute)
	admitted = 0
	for i := 1000; i < 2000; i++ {
		addr := fmt.Sprintf("2001:db8:%x::", i)
		if th.begin("alice", addr, now) == 0 {
			th.end("alice", addr, true, false, now)
			admitted++
		}
	}
	if want := int(time.Minute / accountLimit.every); admitted != want {
		t.Fatalf("%d guesses admitted a minute later, want %d", admitted, want)
	}
}

func TestThrottleTablesAreBounded(t *testing.T) {
	t.Parallel()
	bs := newBuckets(pairLimit)
	now := time.Now()
	for i := range maxThrottleKeys + 500 {
		bs.take(strconv.Itoa(i), now)
	}
	if len(bs.m) > maxThrottleKeys {
		t.Fatalf("%d keys, bound %d", len(bs.m), maxThrottleKeys)
	}
	// The newest key, the one with least tokens, is kept.
	if _, ok := bs.m[strconv.Itoa(maxThrottleKeys+499)]; !ok {
		t.Error("the newest bucket was dropped")
	}
}
