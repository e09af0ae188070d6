// Package governanceapi serves the governance part of the JSON API:
// polls with their counts and what they enacted, their votes, counted
// ballots and frozen electorates, agents' delegations, commons' decision
// rules and the kinds of change a decision may carry. Every write is a
// signed event (POST /api/v1/events or /api/v1/actions); this package
// only reads.
package governanceapi

import (
	_ "embed"

	"github.com/meent/meent/http"
)

//go:embed openapi.json
var openAPI []byte

type server struct{ Model }

// Register adds the governance routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{Model{s}}
	s.Handle("GET /api/v1/polls", a.apiPolls)
	s.Handle("GET /api/v1/polls/{id}", a.apiPoll)
	s.Handle("GET /api/v1/polls/{id}/votes", a.apiVotes)
	s.Handle("GET /api/v1/polls/{id}/ballots", a.apiBallots)
	s.Handle("GET /api/v1/polls/{id}/electorate", a.apiElectorate)
	s.Handle("GET /api/v1/agents/{id}/delegations", a.apiDelegations)
	s.Handle("GET /api/v1/commons/{id}/decision-rules", a.apiRules)
	s.Handle("GET /api/v1/governance/kinds", a.apiKinds)
	s.AddOpenAPI(openAPI)
}
