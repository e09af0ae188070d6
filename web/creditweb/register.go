// Package creditweb serves mutual credit's pages: a currency (its name,
// its accounts, the sum of all balances, which is zero, the demurrage
// rule and the periods applied), an account (its balance after
// demurrage, its limits, its statement a page at a time and a chart of
// the balance over time), the transfer form with its confirmation step,
// and the credit part of an agent's page. It reads through the credit
// API's read model (api/creditapi).
package creditweb

import (
	"embed"
	"html/template"
	nethttp "net/http"

	"github.com/meent/meent/api/creditapi"
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
		"credit":       func(amount int64, code string, exp int) string { return creditMoney(loc, amount, code, exp) },
		"balanceChart": func(p accountPage) template.HTML { return balanceChart(loc, p) },
		"ppm":          func(ppm int64) string { return loc.Percent(ppm, 1_000_000, 2) },
		"permille":     func(pm int64) string { return loc.Percent(pm, 1000, 1) },
		"decimal":      func(v int64, exp int) string { return loc.Decimal(v, exp) },
	}
})

// The credit accounts on an agent's page, after licensing's (20).
var _ = web.AddPart(web.Part{Page: "agent", Order: 30, Template: "agent.credit", Read: agentPart})

// pages is the web core seen from mutual credit's pages, with the credit
// API's read model.
type pages struct {
	web.Core
	credit creditapi.Model
}

func newPages(s *http.Server) pages {
	return pages{Core: web.New(s), credit: creditapi.Model{Server: s}}
}

// Register adds mutual credit's pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := newPages(s)
	s.Handle("GET /credit/{code}", p.pageCurrency)
	s.Handle("GET /credit/{code}/accounts/{holder}", p.pageAccount)
	s.Handle("GET /credit/{code}/pay", p.pagePay)
	s.Handle("POST /credit/{code}/pay", p.postPay)
	s.AddOpenAPI(openAPI)
}

// agentPart lists an agent's accounts, one per currency.
func agentPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	p := newPages(c.Server)
	accs := p.credit.HolderAccounts(id)
	if len(accs) == 0 {
		return nil, nil
	}
	rows := make([]accountRow, 0, len(accs))
	for _, a := range accs {
		cur, _, err := p.credit.Currency(a.Currency)
		if err != nil {
			return nil, err
		}
		rows = append(rows, accountRow{CreditAccount: a, CurrencyName: cur.Name, Exponent: cur.Exponent})
	}
	return struct{ Accounts []accountRow }{rows}, nil
}
