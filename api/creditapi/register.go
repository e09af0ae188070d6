// Package creditapi serves the mutual-credit part of the JSON API: the
// node's currencies, their accounts with balances after demurrage and
// limits as the rules apply them, the demurrage periods, a check of a
// transfer before anyone signs it, an account's statement as CSV and the
// whole ledger as ValueFlows JSON-LD.
// Every write is a signed event (POST /api/v1/events or /api/v1/actions).
package creditapi

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

// Register adds the credit routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{Model{s}}
	s.Handle("GET /api/v1/credit/currencies", a.apiCurrencies)
	s.Handle("GET /api/v1/credit/currencies/{code}", a.apiCurrency)
	s.Handle("GET /api/v1/credit/currencies/{code}/accounts", a.apiAccounts)
	s.Handle("GET /api/v1/credit/currencies/{code}/accounts/{holder}", a.apiAccount)
	s.Handle("GET /api/v1/credit/currencies/{code}/accounts/{holder}/statement", a.apiStatement)
	s.Handle("GET /api/v1/credit/currencies/{code}/periods", a.apiPeriods)
	s.Handle("GET /api/v1/credit/currencies/{code}/check", a.apiCheck)
	s.Handle("GET /api/v1/credit/currencies/{code}/valueflows", a.apiValueFlows)
	s.AddOpenAPI(openAPI)
}
