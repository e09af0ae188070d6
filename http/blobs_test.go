package http_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/http"
	"github.com/meent/meent/node"
)

func TestBlobs(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil, func(o *http.Options) { o.MaxBlobSize = 4096 })
	if _, err := e.Accounts.SignUp(t.Context(), node.SignUp{Username: "grace", Password: "a long enough password"}); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := e.Login("grace", "a long enough password")
	token, err := e.Accounts.CreateToken(t.Context(), apitest.MustAccount(t, e, "grace").Agent, "test")
	if err != nil {
		t.Fatal(err)
	}
	auth := "Bearer " + token
	data := []byte("drawing of the blade, rev 3")
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])

	t.Run("upload needs credentials", func(t *testing.T) {
		apitest.WantProblem(t, e.Do("PUT", "/api/v1/blobs/"+hash, data), 401, meent.EUNAUTHORIZED)
		// A cookie needs the CSRF header.
		apitest.WantProblem(t, e.Do("PUT", "/api/v1/blobs/"+hash, data, "Cookie", cookie), 403, meent.EFORBIDDEN)
		if e.Blobs.Has(hash) {
			t.Error("a refused upload was stored")
		}
	})

	t.Run("put", func(t *testing.T) {
		r := e.Do("PUT", "/api/v1/blobs/"+hash, data, "Authorization", auth, "Content-Type", "application/octet-stream")
		apitest.WantStatus(t, r, 201)
		var bi api.BlobInfo
		r.JSON(t, &bi)
		if bi.Hash != hash || bi.Size != int64(len(data)) || r.Header.Get("Location") != "/api/v1/blobs/"+hash {
			t.Errorf("answer %+v, Location %q", bi, r.Header.Get("Location"))
		}
		// Again, with the session cookie and CSRF header: idempotent.
		apitest.WantStatus(t, e.Do("PUT", "/api/v1/blobs/"+hash, data, "Cookie", cookie, api.CSRFHeader, csrf), 201)
	})

	t.Run("post computes the hash", func(t *testing.T) {
		other := []byte("minutes of the design meeting")
		r := e.Do("POST", "/api/v1/blobs", other, "Authorization", auth)
		apitest.WantStatus(t, r, 201)
		var bi api.BlobInfo
		r.JSON(t, &bi)
		if s := sha256.Sum256(other); bi.Hash != hex.EncodeToString(s[:]) || !e.Blobs.Has(bi.Hash) {
			t.Errorf("answer %+v", bi)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		wrong := strings.Repeat("ab", 32)
		p := apitest.WantProblem(t, e.Do("PUT", "/api/v1/blobs/"+wrong, data, "Authorization", auth), 400, meent.EINVALID)
		if !strings.Contains(p.Detail, "bytes do not match their hash") || e.Blobs.Has(wrong) {
			t.Errorf("mismatch: %+v", p)
		}
		apitest.WantProblem(t, e.Do("PUT", "/api/v1/blobs/ABC", data, "Authorization", auth), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Do("PUT", "/api/v1/blobs/"+strings.ToUpper(hash), data, "Authorization", auth), 400, meent.EINVALID)
		big := bytes.Repeat([]byte("x"), 4097)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/blobs", big, "Authorization", auth), 413, meent.ETOOLARGE)
		// Without a Content-Length the limit holds while reading.
		apitest.WantProblem(t, chunked(e, "POST", "/api/v1/blobs", big, "Authorization", auth), 413, meent.ETOOLARGE)
		if s := sha256.Sum256(big); e.Blobs.Has(hex.EncodeToString(s[:])) {
			t.Error("an oversize file was stored")
		}
	})

	t.Run("get", func(t *testing.T) {
		r := e.Get("/api/v1/blobs/" + hash)
		apitest.WantStatus(t, r, 200)
		if !bytes.Equal(r.Body, data) || r.Header.Get("Content-Type") != "application/octet-stream" ||
			r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || r.Header.Get("ETag") != `"`+hash+`"` ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("body %q, headers %v", r.Body, r.Header)
		}
		r = e.Get("/api/v1/blobs/"+hash, "Range", "bytes=0-7")
		if r.Status != 206 || string(r.Body) != "drawing " {
			t.Errorf("range: %d %q", r.Status, r.Body)
		}
		if r := e.Get("/api/v1/blobs/"+hash, "If-None-Match", `"`+hash+`"`); r.Status != 304 {
			t.Errorf("If-None-Match: %d", r.Status)
		}
		apitest.WantProblem(t, e.Get("/api/v1/blobs/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/blobs/..%2F..%2Fetc%2Fpasswd"), 400, meent.EINVALID)
	})

	t.Run("client", func(t *testing.T) {
		other := []byte("client upload")
		bi, err := e.Client.PutBlob(t.Context(), token, other)
		if err != nil || bi.Size != int64(len(other)) {
			t.Fatalf("PutBlob: %+v, %v", bi, err)
		}
		var buf bytes.Buffer
		if n, err := e.Client.Blob(t.Context(), bi.Hash, &buf); err != nil || n != int64(len(other)) || !bytes.Equal(buf.Bytes(), other) {
			t.Errorf("Blob: %d, %v, %q", n, err, buf.Bytes())
		}
		if _, err := e.Client.Blob(t.Context(), strings.Repeat("1", 64), &buf); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("Blob missing: %v", err)
		}
	})

	t.Run("no blob store", func(t *testing.T) {
		e2 := apitest.New(t, nil, func(o *http.Options) { o.Blobs = nil })
		apitest.WantProblem(t, e2.Get("/api/v1/blobs/"+hash), 503, meent.EUNAVAILABLE)
		apitest.WantProblem(t, e2.Do("POST", "/api/v1/blobs", data, "Authorization", "Bearer x"), 503, meent.EUNAVAILABLE)
	})
}

// chunked sends a request whose length the server does not know ahead.
func chunked(e *apitest.Env, method, path string, body []byte, header ...string) apitest.Response {
	e.T.Helper()
	return e.DoReader(method, path, struct{ *bytes.Reader }{bytes.NewReader(body)}, header...)
}
