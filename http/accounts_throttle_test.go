package http

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestThrottleNeverLocksOutTheOwner: whatever attackers do (any accounts,
// any addresses but the owner's, any timing), the owner's attempt from
// their own clean address is admitted, and an attacker's admitted wrong
// attempts for one (account, address) never exceed the bucket: 5, plus
// one per minute that passed.
func TestThrottleNeverLocksOutTheOwner(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		th := newLoginThrottle()
		now := time.Unix(1_700_000_000, 0)
		start := now
		admitted := map[string]int{}
		steps := rapid.IntRange(1, 400).Draw(t, "steps")
		for range steps {
			now = now.Add(time.Duration(rapid.IntRange(0, 20_000).Draw(t, "ms")) * time.Millisecond)
			user := fmt.Sprintf("u%d", rapid.IntRange(0, 3).Draw(t, "user"))
			addr := fmt.Sprintf("10.0.0.%d", rapid.IntRange(0, 40).Draw(t, "addr"))
			if th.begin(user, addr, now) == 0 {
				th.end(user, addr, true, now)
				admitted[user+"|"+addr]++
			}
		}
		for k, n := range admitted {
			if limit := 5 + int(now.Sub(start)/time.Minute); n > limit {
				t.Fatalf("%s: %d wrong attempts admitted in %s; the bucket allows %d", k, n, now.Sub(start), limit)
			}
		}
		user := fmt.Sprintf("u%d", rapid.IntRange(0, 3).Draw(t, "owner"))
		if w := th.begin(user, "192.0.2.1", now); w != 0 {
			t.Fatalf("the owner of %s is told to wait %s from a clean address", user, w)
		}
	})
}
