package licenseapi

import (
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/commonsweb"
	"github.com/meent/meent/web/licenseweb"
	"github.com/meent/meent/web/valueweb"
)

// withPages registers this area, the commons and value APIs the tests set up and
// check with, and the web pages, which the tests read too (the license page, an agent's grants).
func withPages(s *http.Server) {
	commonsapi.Register(s)
	valueapi.Register(s)
	Register(s)
	web.Register(s)
	commonsweb.Register(s)
	licenseweb.Register(s)
	valueweb.Register(s)
}
