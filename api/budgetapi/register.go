// Package budgetapi serves the co-budgeting part of the JSON API: a
// commons' budget rounds, a round with its budget against actual
// spending, its buckets, a member's allowance, and a bucket's
// allocations, approvals and spendings, every list paged. Writes are
// signed events (POST /api/v1/events or /api/v1/actions): the area adds no
// write route.
package budgetapi

import (
	_ "embed"

	"github.com/meent/meent/http"
)

// openAPI documents this area's routes and schemas; the server merges it
// into the document it serves.
//
//go:embed openapi.json
var openAPI []byte

// server is the http core seen from this area, with its read model.
type server struct{ Model }

// Register adds the budget routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{Model{s}}
	s.Handle("GET /api/v1/commons/{id}/budget/rounds", a.apiRounds)
	s.Handle("GET /api/v1/budget/rounds/{id}", a.apiRound)
	s.Handle("GET /api/v1/budget/rounds/{id}/buckets", a.apiBuckets)
	s.Handle("GET /api/v1/budget/rounds/{id}/allowance", a.apiAllowance)
	s.Handle("GET /api/v1/budget/buckets/{id}", a.apiBucket)
	s.Handle("GET /api/v1/budget/buckets/{id}/allocations", a.apiAllocations)
	s.Handle("GET /api/v1/budget/buckets/{id}/approvals", a.apiApprovals)
	s.Handle("GET /api/v1/budget/buckets/{id}/spendings", a.apiSpendings)
	s.AddOpenAPI(openAPI)
}
