// Package licenseweb serves licensing's pages: a commons' license page
// (its policy in words, the check "is X licensed?", the exports, the
// policy's history, its grants), a grant's page, and the licensing parts
// of the commons page and of an agent's page. It reads the rules' state
// and the objects projection; every form is a link to the JSON API.
package licenseweb

import (
	"embed"
	nethttp "net/http"

	"github.com/meent/meent/http"
	"github.com/meent/meent/web"
)

//go:embed *.html
var templates embed.FS

// openAPI documents the pages' routes.
//
//go:embed openapi.json
var openAPI []byte

var _ = web.Templates(templates, nil)

// The licensing part of a commons page and the licenses on an agent's,
// each after the value cycle's (Order 20 where value's is 10).
var (
	_ = web.AddPart(web.Part{Page: "commons", Order: 20, Template: "commons.license", Read: commonsPart})
	_ = web.AddPart(web.Part{Page: "agent", Order: 20, Template: "agent.grants", Read: agentPart})
)

// pages is the web core seen from licensing's pages.
type pages struct{ web.Core }

// Register adds licensing's pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := pages{web.New(s)}
	s.Handle("GET /commons/{id}/license", p.pageLicense)
	s.Handle("GET /grants/{id}", p.pageGrant)
	s.AddOpenAPI(openAPI)
}

// commonsPart reads the licensing part of the commons page.
func commonsPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	sec, err := pages{c}.licensingOf(o, id)
	if err != nil {
		return nil, err
	}
	cm, err := o.Commons(id)
	if err != nil {
		return nil, err
	}
	return struct {
		Commons any
		Names   *http.Names
		Section *licenseSection
	}{cm, http.NewNames(r.Context(), c.Node().Store()), sec}, nil
}

// agentPart reads one page of an agent's licenses (?grants=).
func agentPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	q, err := http.CursorQuery(r.URL.Query().Get("grants"), "agent-grants", 100)
	if err != nil {
		return nil, err
	}
	gs, next, err := pages{c}.agentGrants(id, q)
	if err != nil {
		return nil, err
	}
	return struct {
		Agent      string
		Grants     []grantRow
		NextGrants string
	}{id, gs, next}, nil
}
