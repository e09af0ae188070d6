// Package breadfundweb serves the bread fund's pages: a fund's public
// page with its health as aggregates only (members, pot totals, claims
// running, solvency), and for a member their own pot; and the fund's part
// of its commons page. Nothing about who is ill, or why, is on these
// pages: the aggregates are what GET /api/v1/breadfunds/{id} shows
// anyone. It reads through the bread fund API's read model.
package breadfundweb

import (
	"embed"
	nethttp "net/http"

	"github.com/meent/meent/api"
	"github.com/meent/meent/api/breadfundapi"
	"github.com/meent/meent/breadfund"
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
	Info api.BreadfundInfo
	Mine *breadfund.Member // the reader's own pot, when they are in the fund
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
	}
	p.Render(w, r, nethttp.StatusOK, "breadfund", info.Name, data)
}
