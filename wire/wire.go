// Package wire registers every area of the web layer on a server: each
// area's JSON API (api/...) and pages (web/...), with the OpenAPI fragment
// each API carries. It is the one place that names them all, so adding an
// area is one line in Areas; cmd/meent and the whole-server tests call
// Register on the server they build.
package wire

import (
	"github.com/meent/meent/api/breadfundapi"
	"github.com/meent/meent/api/budgetapi"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/api/creditapi"
	"github.com/meent/meent/api/governanceapi"
	"github.com/meent/meent/api/licenseapi"
	"github.com/meent/meent/api/privateapi"
	"github.com/meent/meent/api/sharingapi"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/breadfundweb"
	"github.com/meent/meent/web/budgetweb"
	"github.com/meent/meent/web/commonsweb"
	"github.com/meent/meent/web/creditweb"
	"github.com/meent/meent/web/governanceweb"
	"github.com/meent/meent/web/licenseweb"
	"github.com/meent/meent/web/sharingweb"
	"github.com/meent/meent/web/valueweb"
)

// Areas lists every area's registration, in the order they register.
// Order matters only for the listing of routes: a pattern two areas claim
// panics at start whatever the order.
var Areas = []func(*http.Server){
	commonsapi.Register,
	valueapi.Register,
	licenseapi.Register,
	privateapi.Register,
	governanceapi.Register,
	budgetapi.Register,
	creditapi.Register,
	breadfundapi.Register,
	sharingapi.Register,
	web.Register,
	commonsweb.Register,
	valueweb.Register,
	licenseweb.Register,
	governanceweb.Register,
	budgetweb.Register,
	creditweb.Register,
	breadfundweb.Register,
	sharingweb.Register,
}

// Register adds every area to s.
func Register(s *http.Server) {
	for _, register := range Areas {
		register(s)
	}
}
