// Package breadfundapi serves the bread fund's part of the JSON API: a
// fund's rules and health as aggregates for anyone; its members and
// pots, claims, payouts and a month's gifts for its members and board;
// a claim's private reason for the board and the buddy. Every write is
// a signed event submitted to POST /api/v1/events (docs/solidarity.md).
package breadfundapi

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

// Register adds the bread fund's routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{Model{s}}
	s.Handle("GET /api/v1/breadfunds/{id}", a.apiFund)
	s.Handle("GET /api/v1/breadfunds/{id}/members", a.apiMembers)
	s.Handle("GET /api/v1/breadfunds/{id}/claims", a.apiClaims)
	s.Handle("GET /api/v1/breadfunds/{id}/claims/{claim}/reason", a.apiReason)
	s.Handle("GET /api/v1/breadfunds/{id}/payouts", a.apiPayouts)
	s.Handle("GET /api/v1/breadfunds/{id}/gifts/{period}", a.apiGifts)
	s.AddOpenAPI(openAPI)
}
