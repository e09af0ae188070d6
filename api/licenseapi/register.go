// Package licenseapi serves the licensing part of the JSON API: commons'
// license policies, evaluations and checks, offers, grants with their
// offline proofs, the policy's exports (ODRL, REUSE, the well-known file)
// and a payment provider's webhook. Every write ends in node.Submit.
package licenseapi

import (
	_ "embed"

	"github.com/meent/meent/http"
)

// openAPI documents this area's routes and schemas; the server merges it
// into the document it serves.
//
//go:embed openapi.json
var openAPI []byte

// server is the http core seen from this area: its handlers are methods
// on it, so they reach the node, errors and auth the way the core's do.
type server struct{ *http.Server }

// Register adds the licensing routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{s}
	s.Handle("GET /api/v1/commons/{id}/license", a.apiLicensePolicy)
	s.Handle("GET /api/v1/commons/{id}/license/evaluate", a.apiLicenseEvaluate)
	s.Handle("GET /api/v1/commons/{id}/license/{form}", a.apiLicenseExport)
	s.Handle("GET /api/v1/licenses/check", a.apiLicenseCheck)
	s.Handle("GET /api/v1/licenses/registry", a.apiLicenseRegistry)
	s.Handle("GET /api/v1/offers/{id}", a.apiOffer)
	s.Handle("GET /api/v1/grants/{id}", a.apiGrant)
	s.Handle("GET /api/v1/grants/{id}/proof", a.apiGrantProof)
	s.Handle("GET /api/v1/agents/{id}/grants", a.apiAgentGrants)
	s.Handle("POST /api/v1/webhooks/payments/{provider}", a.apiPaymentWebhook)
	s.AddOpenAPI(openAPI)
}
