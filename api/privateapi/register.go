// Package privateapi serves private records (docs/privacy.md) over the
// JSON API: storing one for a commitment the log will name, reading and
// erasing it, by token, session or a signed private.request; and the
// settlements that name a private record (the payee's bank details).
package privateapi

import (
	_ "embed"

	"github.com/meent/meent/http"
)

// openAPI documents this area's routes and schemas.
//
//go:embed openapi.json
var openAPI []byte

// server is the http core seen from this area, with the area's own state:
// the signed requests already answered, so a replayed one is refused.
type server struct {
	*http.Server
	signed *usedRequests
}

// Register adds the private-record routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{Server: s, signed: &usedRequests{}}
	s.Handle("POST /api/v1/private", a.apiPutPrivate)
	s.Handle("GET /api/v1/private/{commitment}", a.apiGetPrivate)
	s.Handle("DELETE /api/v1/private/{commitment}", a.apiErasePrivate)
	s.Handle("POST /api/v1/commons/{id}/settlements", a.apiSettle)
	s.AddOpenAPI(openAPI)
}
