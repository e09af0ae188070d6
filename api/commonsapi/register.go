// Package commonsapi serves peer production over the JSON API: commons,
// contributions with their history, forks and their lineage, the needs
// board, and a commons' activity. Writes are events like any other (POST
// /api/v1/events or /api/v1/actions); this package only reads. Its Model
// is the area's read model: what the API answers and the pages (package
// web) show, read the same way.
package commonsapi

import (
	_ "embed"

	"github.com/meent/meent/http"
)

// openAPI documents this area's routes and schemas.
//
//go:embed openapi.json
var openAPI []byte

// Model is the commons' read model over the http core: the lists and
// objects the API answers with and the pages show. It reads the objects
// projection (meent.Store.Objects), which the sequencer keeps as the
// commons rules computed it, and adds what depends on the reader's clock
// (the time left on a claim) or on several objects (a fork's lineage).
type Model struct{ *http.Server }

// server is the http core seen from this area's handlers.
type server struct{ Model }

// Register adds the commons routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{Model{s}}
	s.Handle("GET /api/v1/commons", a.apiCommonsList)
	s.Handle("GET /api/v1/commons/{id}", a.apiCommons)
	s.Handle("GET /api/v1/commons/{id}/contributions", a.apiCommonsContributions)
	s.Handle("GET /api/v1/commons/{id}/needs", a.apiNeeds)
	s.Handle("GET /api/v1/commons/{id}/activity", a.apiCommonsActivity)
	s.Handle("GET /api/v1/contributions/{id}", a.apiContribution)
	s.Handle("GET /api/v1/needs/{id}", a.apiNeed)
	s.Handle("GET /api/v1/agents/{id}/contributions", a.apiAgentContributions)
	s.AddOpenAPI(openAPI)
}
