// Package budgetweb serves co-budgeting's pages: a round with its pool and
// where the money came from, its method, times and status, each bucket's
// progress towards its minimum and maximum as bars and a table, what the
// close funded, returned and left over and where the leftover went, and
// budget against actual spending; a bucket with its recipients, its
// allocations by giver and its spendings; the forms to propose a bucket,
// to allocate from one's allowance and to withdraw an allocation (the
// last two after a confirmation step, since money moves); and the rounds
// part of the commons page. It reads through co-budgeting's read model
// (api/budgetapi).
package budgetweb

import (
	"embed"
	"html/template"
	nethttp "net/http"
	"slices"

	"github.com/meent/meent/api"
	"github.com/meent/meent/api/budgetapi"
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
		"bucketChart": func(p *roundPage) template.HTML { return bucketChart(loc, p) },
	}
})

// The rounds of a commons on its page, after governance's polls (30) and
// the bread fund (40).
var _ = web.AddPart(web.Part{Page: "commons", Order: 50, Template: "commons.budget", Read: commonsPart})

// pages is the web core seen from co-budgeting's pages, with its read model.
type pages struct {
	web.Core
	budget budgetapi.Model
}

func newPages(s *http.Server) pages {
	return pages{Core: web.New(s), budget: budgetapi.Model{Server: s}}
}

// Register adds co-budgeting's pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := newPages(s)
	s.Handle("GET /budget/rounds/{id}", p.pageRound)
	s.Handle("POST /budget/rounds/{id}/buckets", p.postPropose)
	s.Handle("GET /budget/buckets/{id}", p.pageBucket)
	s.Handle("GET /budget/buckets/{id}/allocate", p.pageAllocate)
	s.Handle("POST /budget/buckets/{id}/allocate", p.postAllocate)
	s.Handle("GET /budget/allocations/{id}/withdraw", p.pageWithdraw)
	s.Handle("POST /budget/allocations/{id}/withdraw", p.postWithdraw)
	s.AddOpenAPI(openAPI)
}

// commonsPart reads the rounds part of the commons page: one page of its
// rounds, newest first (?rounds=).
func commonsPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	p := newPages(c.Server)
	all, err := p.budget.Rounds(id)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	slices.Reverse(all)
	q, err := http.CursorQuery(r.URL.Query().Get("rounds"), "commons-rounds", 20)
	if err != nil {
		return nil, err
	}
	page, next, err := http.PageSlice(all, q, "commons-rounds", func(x api.BudgetRound) string { return http.DescKey(x.Index) })
	if err != nil {
		return nil, err
	}
	return struct {
		Commons    string
		Rounds     []api.BudgetRound
		NextRounds string
	}{id, page, next}, nil
}
