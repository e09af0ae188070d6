package privateapi

import (
	"github.com/meent/meent/http"
	"github.com/meent/meent/web"
)

// withPages registers this area and the web pages, which the tests read
// too (the payouts page and its settle form).
func withPages(s *http.Server) {
	Register(s)
	web.Register(s)
}
