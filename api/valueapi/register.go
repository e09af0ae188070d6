// Package valueapi serves the value cycle over the JSON API: imported
// history and identities, value policies and their previews, incomes,
// distributions with their explanations, balances, payouts and the
// ValueFlows export. Writes are events like any other (value.policy.set,
// income.record, distribution.run, payout.settle, identity.claim; POST
// /api/v1/events or /api/v1/actions); these routes only read. Its Model
// is the area's read model, which the pages (package web) read too.
package valueapi

import (
	_ "embed"

	"github.com/meent/meent/http"
)

// openAPI documents this area's routes and schemas.
//
//go:embed openapi.json
var openAPI []byte

// Model is the value cycle's read model over the http core: what the API
// answers with and the pages show, read the same way.
type Model struct{ *http.Server }

// server is the http core seen from this area's handlers.
type server struct{ Model }

// Register adds the value routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{Model{s}}
	s.Handle("GET /api/v1/commons/{id}/imports", a.apiImports)
	s.Handle("GET /api/v1/commons/{id}/policy", a.apiPolicy)
	s.Handle("POST /api/v1/commons/{id}/policy/preview", a.apiPolicyPreview)
	s.Handle("GET /api/v1/commons/{id}/incomes", a.apiIncomes)
	s.Handle("GET /api/v1/incomes/{id}", a.apiIncome)
	s.Handle("GET /api/v1/incomes/{id}/preview", a.apiIncomePreview)
	s.Handle("GET /api/v1/commons/{id}/distributions", a.apiDistributions)
	s.Handle("GET /api/v1/distributions/{id}", a.apiDistribution)
	s.Handle("GET /api/v1/distributions/{id}/shares", a.apiShares)
	s.Handle("GET /api/v1/commons/{id}/balances", a.apiBalances)
	s.Handle("GET /api/v1/agents/{id}/balances", a.apiAgentBalances)
	s.Handle("GET /api/v1/commons/{id}/payouts", a.apiPayouts)
	s.Handle("GET /api/v1/commons/{id}/valueflows", a.apiValueFlows)
	s.AddOpenAPI(openAPI)
}
