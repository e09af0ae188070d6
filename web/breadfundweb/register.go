// Package breadfundweb serves the bread fund's pages: a fund's public
// page with its health as aggregates only (members, pot totals, claims
// running, solvency); a member's pot (their statement line by line and its
// balance over time, with the form to report illness) for that member and
// the board; the claims page for the fund's members and board (running
// claims by name, the month's proposed gifts, the payouts waiting, and
// for the board the buttons to propose and approve, each through a
// confirmation); a claim's private reason for the board, the buddy and
// the member; and the fund's part of its commons page. Nothing about who
// is ill, or why, is on a page a visitor sees: the public page shows what
// GET /api/v1/breadfunds/{id} shows anyone, and the others check who reads
// them the way the API does (breadfundapi.Model). It reads through the
// bread fund API's read model.
package breadfundweb

import (
	"embed"
	"html/template"
	nethttp "net/http"
	"strings"

	"github.com/meent/meent/api"
	"github.com/meent/meent/api/breadfundapi"
	"github.com/meent/meent/breadfund"
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
		"potChart": func(d potPage) template.HTML { return potChart(loc, d) },
		"bfNames":  func(names []string) string { return strings.Join(names, ", ") },
	}
})

// The bread fund's line on its commons page, after licensing's (20) and
// mutual credit's agent part (30).
var _ = web.AddPart(web.Part{Page: "commons", Order: 40, Template: "commons.breadfund", Read: commonsPart})

type pages struct {
	web.Core
	fund breadfundapi.Model
}

// Register adds the bread fund's pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := pages{Core: web.New(s), fund: breadfundapi.Model{Server: s}}
	s.Handle("GET /breadfunds/{id}", p.pageFund)
	s.Handle("GET /breadfunds/{id}/pots/{agent}", p.pagePot)
	s.Handle("POST /breadfunds/{id}/sick", p.postSick)
	s.Handle("GET /breadfunds/{id}/claims", p.pageClaims)
	s.Handle("GET /breadfunds/{id}/claims/{claim}/reason", p.pageReason)
	s.Handle("GET /breadfunds/{id}/board", p.pageConfirm)
	s.Handle("POST /breadfunds/{id}/board", p.postBoard)
	s.AddOpenAPI(openAPI)
}

func commonsPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	info, err := breadfundapi.Model{Server: c.Server}.Info(id)
	if err != nil {
		return nil, nil // a commons without a fund shows nothing
	}
	return info, nil
}

type fundPage struct {
	Info    api.BreadfundInfo
	Mine    *breadfund.Member // the reader's own pot, when they are in the fund
	Me      string            // the reader
	Insider bool              // the reader may see the claims page
}

func (p pages) pageFund(w nethttp.ResponseWriter, r *nethttp.Request) {
	info, err := p.fund.Info(r.PathValue("id"))
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	data := fundPage{Info: info}
	if sess := p.Session(r); sess != nil {
		data.Mine = p.fund.Member(info.Commons, sess.Agent)
		data.Me, data.Insider = sess.Agent, p.fund.Insider(info.Commons, sess.Agent)
	}
	p.Render(w, r, nethttp.StatusOK, "breadfund", info.Name, data)
}
