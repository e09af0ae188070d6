package wire

import (
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/http"
)

func TestPanicRecovery(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	s := http.NewServer(e.Server.Options()) // shares the registry: collectors are reused
	s.Handle("GET /api/v1/panic", func(nethttp.ResponseWriter, *nethttp.Request) { panic("boom") })
	s.Handle("GET /panic", func(nethttp.ResponseWriter, *nethttp.Request) { panic("boom") })
	Register(s)
	h := s.Handler()
	for path, ct := range map[string]string{"/api/v1/panic": "application/problem+json", "/panic": "text/html; charset=utf-8"} {
		req, _ := nethttp.NewRequest("GET", path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 500 || rec.Header().Get("Content-Type") != ct {
			t.Errorf("%s: status %d, Content-Type %q", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if strings.Contains(rec.Body.String(), "boom") {
			t.Errorf("%s: the panic value leaks", path)
		}
	}
}
