package http

import "testing"

func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"deflate", "gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.001"}, true},
		{[]string{"gzip;q=0.000"}, false},
		{[]string{"gzip;q=bogus"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"x-gzip"}, true},
		{[]string{"identity"}, false},
	} {
		if got := acceptsGzip(c.in); got != c.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// GzipBytes is gzipBytes, for the benchmark in package http_test.
var GzipBytes = gzipBytes

// EmptyRoot is emptyRoot, for the tests in package http_test.
var EmptyRoot = emptyRoot

// DigestMaxAge is digestMaxAge, for TestStateDigestShared.
const DigestMaxAge = digestMaxAge

// DigestsComputed says how often s computed the state digest.
func DigestsComputed(s *Server) int { return s.digests.computed }
