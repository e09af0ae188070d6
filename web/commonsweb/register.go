// Package commonsweb serves peer production's pages: the list of commons,
// a commons (its needs board, its contributions with those recognised
// from upstream, the forms to contribute and to post a need, and the
// parts other areas add to it), a contribution with its history, a need
// with its pledges and claims (and the forms to signal, claim and
// release it), and an agent's contributions on its page. It reads
// through the commons API's read model (api/commonsapi).
package commonsweb

import (
	"embed"
	"html/template"
	nethttp "net/http"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/i18n"
)

//go:embed *.html
var templates embed.FS

// openAPI documents the pages' routes.
//
//go:embed openapi.json
var openAPI []byte

var _ = web.Templates(templates, func(loc *i18n.Locale) template.FuncMap {
	return template.FuncMap{
		"pledgeChart": func(n api.Need, nm *http.Names) template.HTML { return pledgeChart(loc, n, nm) },
	}
})

// An agent's contributions on its page, before the balances (Order 10).
var _ = web.AddPart(web.Part{Page: "agent", Order: 5, Template: "agent.contributions", Read: agentPart})

// pages is the web core seen from the commons' pages, with the commons
// API's read model.
type pages struct {
	web.Core
	commons commonsapi.Model
}

// Register adds the commons' pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := pages{Core: web.New(s), commons: commonsapi.Model{Server: s}}
	s.Handle("GET /commons", p.pageCommonsList)
	s.Handle("GET /commons/{id}", p.pageCommons)
	s.Handle("POST /commons/{id}/contributions", p.postContribute)
	s.Handle("POST /commons/{id}/needs", p.postNeed)
	s.Handle("GET /contributions/{id}", p.pageContribution)
	s.Handle("POST /contributions/{id}/review", p.postReview)
	s.Handle("GET /needs/{id}", p.pageNeed)
	s.Handle("POST /needs/{id}/signal", p.postNeedAction)
	s.Handle("POST /needs/{id}/claim", p.postNeedAction)
	s.Handle("POST /needs/{id}/release", p.postNeedAction)
	s.AddOpenAPI(openAPI)
}

// contributionRow is a contribution listed with the name of its commons.
type contributionRow struct {
	api.Contribution
	CommonsName string
}

// agentPart reads one page of an agent's contributions (?contributions=),
// 50 a page, newest first.
func agentPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	kq, err := http.CursorQuery(r.URL.Query().Get("contributions"), "agent-contributions", 50)
	if err != nil {
		return nil, err
	}
	ks, knext, err := http.PageObjects[commons.Contribution](o, meent.ObjectFilter{Kind: commons.KindContribution, Agent: id, Desc: true}, kq, "agent-contributions", nil)
	if err != nil {
		return nil, err
	}
	var rows []contributionRow
	for _, k := range ks {
		row := contributionRow{Contribution: commonsapi.ContributionOf(k), CommonsName: http.ShortID(k.Commons)}
		if c, err := o.Commons(k.Commons); err == nil {
			row.CommonsName = c.Name
		}
		rows = append(rows, row)
	}
	return struct {
		Agent             string
		Contributions     []contributionRow
		NextContributions string
	}{id, rows, knext}, nil
}
