package http_test

import (
	"fmt"
	"io"
	nethttp "net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/http"
	"github.com/meent/meent/node"
)

const trustPW = "correct horse battery"

// Item 6: a flood of logins hashes on at most half the cores at once.
func TestLoginHashingBounded(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	if _, err := e.Accounts.SignUp(t.Context(), node.SignUp{Username: "ada", Password: trustPW}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.ServeFrom(fmt.Sprintf("10.1.%d.1:1", i), "POST", "/api/v1/sessions", `{"username":"ada","password":"wrong password!"}`, "Content-Type", "application/json")
			if r.Status != 401 {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Errorf("%d logins not answered 401", bad.Load())
	}
	seen, limit := e.Accounts.MaxConcurrentHashes()
	if seen < 1 || seen > limit {
		t.Fatalf("%d hashes ran at once; the bound is %d", seen, limit)
	}
}

// countingReader yields n bytes of a multipart body, one file part that
// never ends, and counts what was taken from it.
type countingReader struct {
	n, read int64
}

const multipartHead = "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\nContent-Type: application/octet-stream\r\n\r\n"

func (c *countingReader) Read(p []byte) (int, error) {
	if c.read >= c.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), c.n-c.read)
	for i := range p[:k] {
		p[i] = 'a'
	}
	if c.read < int64(len(multipartHead)) {
		k = int64(copy(p, multipartHead[c.read:]))
	}
	atomic.AddInt64(&c.read, k)
	return int(k), nil
}

// Item 7: a huge body to a cookie-authenticated route is refused before
// it is read, with or without a declared length.
func TestHugeBodiesRefusedUnread(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	_, cookie, _ := e.SignUpAndLogin("ada", trustPW)
	const huge = 1 << 30
	for _, path := range []string{"/api/v1/actions", "/api/v1/tokens", "/api/v1/sessions", "/login", "/account"} {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s chunked=%v", path, chunked), func(t *testing.T) {
				body := &countingReader{n: huge}
				var rd io.Reader = body
				req, err := nethttp.NewRequestWithContext(t.Context(), "POST", e.HTTP.URL+path, rd)
				if err != nil {
					t.Fatal(err)
				}
				if !chunked {
					req.ContentLength = huge
				}
				req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
				req.Header.Set("Cookie", cookie)
				start := time.Now()
				resp, err := nethttp.DefaultTransport.RoundTrip(req)
				took := time.Since(start)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					// 413 or 403 on the API; a web form that does not
					// take multipart reads nothing of it and refuses the
					// empty form.
					if resp.StatusCode < 400 || resp.StatusCode >= 500 {
						t.Errorf("status %d", resp.StatusCode)
					}
				}
				if read := atomic.LoadInt64(&body.read); read > 16<<20 {
					t.Errorf("%d bytes of the body were sent before the refusal", read)
				}
				if took > 5*time.Second {
					t.Errorf("refusal took %s", took)
				}
			})
		}
	}
	t.Run("a declared oversize body is 413 at once", func(t *testing.T) {
		r := e.Do("POST", "/api/v1/events", make([]byte, http.DefaultMaxBody+1), "Content-Type", "application/vnd.meent.event")
		apitest.WantProblem(t, r, 413, meent.ETOOLARGE)
	})
}
