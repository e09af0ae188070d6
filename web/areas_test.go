package web

import (
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/http"
)

// withAreas registers the pages and the API areas whose routes the tests
// use to set up and check what the pages show.
func withAreas(s *http.Server) {
	commonsapi.Register(s)
	valueapi.Register(s)
	Register(s)
}
