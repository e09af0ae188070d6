// Package valueweb serves the value cycle's pages: a commons' value
// policy with its history, an income with the preview of its
// distribution, a distribution with who gets what and why, a commons'
// identities (with the forms to claim one and decide a claim) and its
// payouts (with the form to record a payment), and the value cycle's
// parts of the commons page and of an agent's page. It reads through the
// value API's read model (api/valueapi).
package valueweb

import (
	"embed"
	"html/template"
	"math/big"
	nethttp "net/http"
	"strings"

	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/authority"
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
	num := func(s string) string { return loc.Number(s) }
	return template.FuncMap{
		"decay":      func(f uint64) string { return num(strings.TrimSuffix(decayPercent(f), "%")) + "%" },
		"points":     func(w *big.Int) string { return num(weightPoints(w)) },
		"weighs":     func(p int64, d uint64) string { return num(weighs(p, d)) },
		"recipient":  func(rs recipients, kind, id string) template.HTML { return recipientLink(loc, rs, kind, id) },
		"shareChart": func(p distributionPage) template.HTML { return shareChart(loc, p) },
	}
})

// The value part of a commons page and the balances on an agent's, each
// before licensing's (Order 20).
var (
	_ = web.AddPart(web.Part{Page: "commons", Order: 10, Template: "commons.value", Read: commonsPart})
	_ = web.AddPart(web.Part{Page: "agent", Order: 10, Template: "agent.balances", Read: agentPart})
)

// pages is the web core seen from the value cycle's pages, with the
// value API's read model.
type pages struct {
	web.Core
	value valueapi.Model
}

func newPages(s *http.Server) pages { return pages{Core: web.New(s), value: valueapi.Model{Server: s}} }

// Register adds the value cycle's pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := newPages(s)
	s.Handle("GET /commons/{id}/policy", p.pagePolicy)
	s.Handle("GET /commons/{id}/identities", p.pageIdentities)
	s.Handle("POST /commons/{id}/identities/claim", p.postIdentityClaim)
	s.Handle("POST /commons/{id}/identities/decide", p.postIdentityDecision)
	s.Handle("GET /commons/{id}/payouts", p.pagePayouts)
	s.Handle("POST /commons/{id}/payouts/settle", p.postSettle)
	s.Handle("GET /commons/{id}/incomes/confirm", p.pageIncomeConfirm)
	s.Handle("POST /commons/{id}/incomes", p.postIncome)
	s.Handle("GET /incomes/{id}", p.pageIncome)
	s.Handle("GET /incomes/{id}/distribute", p.pageDistribute)
	s.Handle("POST /incomes/{id}/distribute", p.postDistribute)
	s.Handle("GET /distributions/{id}", p.pageDistribution)
	s.AddOpenAPI(openAPI)
}

// commonsPart reads the value section of the commons page (its open
// balances paged by ?balances=).
func commonsPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	q, err := http.CursorQuery(r.URL.Query().Get("balances"), "balances", 100)
	if err != nil {
		return nil, err
	}
	nm := http.NewNames(r.Context(), c.Node().Store())
	sec, err := newPages(c.Server).valueOf(o, nm, id, q)
	if err != nil {
		return nil, err
	}
	cm, err := o.Commons(id)
	if err != nil {
		return nil, err
	}
	// A maintainer gets the form to record an income.
	var rec *incomeForm
	if sess := c.Session(r); sess != nil && newPages(c.Server).allowed(sess.Agent, authority.RecordIncome, cm) {
		cur := ""
		if len(sec.Incomes) > 0 {
			cur = sec.Incomes[0].Amount.Currency
		}
		f := newIncomeForm(cur)
		rec = &f
	}
	return struct {
		Commons any
		Names   *http.Names
		Section *valueSection
		Record  *incomeForm
	}{cm, nm, sec, rec}, nil
}

// agentPart reads one page of what the commons owe an agent (?balances=).
func agentPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	q, err := http.CursorQuery(r.URL.Query().Get("balances"), "balances", 100)
	if err != nil {
		return nil, err
	}
	bs, next, err := newPages(c.Server).agentBalances(o, id, q)
	if err != nil {
		return nil, err
	}
	return struct {
		Agent        string
		Balances     []balanceRow
		NextBalances string
		Names        *http.Names
	}{id, bs, next, http.NewNames(r.Context(), c.Node().Store())}, nil
}
