package licenseapi

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzVerifyWebhook throws arbitrary signature headers and bodies at the
// payment webhook's check: it never panics, and accepts only what was
// signed with the secret within the tolerance.
func FuzzVerifyWebhook(f *testing.F) {
	secret := []byte("whsec-0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"tr_1","offer":"x","amount":{"amount":1,"currency":"EUR"}}`)
	f.Add(SignWebhook(secret, body, now), body)
	f.Add("t=1800000000,v1=00", body)
	f.Add("t=,v1=", []byte{})
	f.Add("v1=ab,t=1800000000,v1=cd", body)
	f.Fuzz(func(t *testing.T, header string, b []byte) {
		err := verifyWebhook(secret, header, b, now)
		if err == nil && header != SignWebhook(secret, b, now) {
			// A valid header for b at a nearby time is fine; anything else is a forgery that passed.
			ts, _, _ := strings.Cut(strings.TrimPrefix(header, "t="), ",")
			n, perr := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
			if perr != nil || verifyWebhook(secret, SignWebhook(secret, b, time.Unix(n, 0)), b, now) != nil {
				t.Fatalf("accepted header %q", header)
			}
		}
	})
}
