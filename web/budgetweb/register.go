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

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/budgetapi"
	"github.com/meent/meent/budget"
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
// On an agent's page, what it gave in budget rounds.
var (
	_ = web.AddPart(web.Part{Page: "commons", Order: 50, Template: "commons.budget", Read: commonsPart})
	_ = web.AddPart(web.Part{Page: "agent", Order: 50, Template: "agent.budget", Read: agentPart})
)

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

// givenRow is one of an agent's allocations, with its bucket.
type givenRow struct {
	*budget.Allocation
	Bucket    *budget.Bucket
	RoundName string
}

// agentPart reads one page of an agent's allocations in budget rounds,
// newest first (?allocations=).
func agentPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	q, err := http.CursorQuery(r.URL.Query().Get("allocations"), "agent-allocations", 50)
	if err != nil {
		return nil, err
	}
	as, next, err := http.PageObjects[budget.Allocation](o, meent.ObjectFilter{Kind: budget.KindAllocation, Agent: id, Desc: true}, q, "agent-allocations", nil)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	rows := make([]givenRow, 0, len(as))
	for _, a := range as {
		b, err := http.Get[budget.Bucket](o, budget.KindBucket, a.Bucket)
		if err != nil {
			return nil, err
		}
		x, err := http.Get[budget.Round](o, budget.KindRound, a.Round)
		if err != nil {
			return nil, err
		}
		rows = append(rows, givenRow{Allocation: a, Bucket: b, RoundName: x.Title})
	}
	return struct {
		Agent     string
		Given     []givenRow
		NextGiven string
	}{id, rows, next}, nil
}
