// Package governanceweb serves governance's pages: the polls of a commons
// and of the node (with the form to open one), a poll with its question,
// method, electorate, times and status, its count as bars and a table (a
// ranked count round by round, with its transfers), who voted what, the
// changes its decision enacted, and the forms to vote, change a vote and
// close it; and the polls part of the commons page and of an agent's
// page. It reads through governance's read model (api/governanceapi).
package governanceweb

import (
	"embed"
	"html/template"
	nethttp "net/http"
	"strings"

	"github.com/meent/meent/api/governanceapi"
	"github.com/meent/meent/governance"
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
		"ballot":    func(b any) string { return ballotWords(loc, b) },
		"votes":     func(s string) string { return ratWords(loc, s) },
		"key":       func(s string) string { return strings.ReplaceAll(s, " ", "_") },
		"pollChart": func(p *pollPage) template.HTML { return pollChart(loc, p) },
		"threshold": func(t any) string { return thresholdWords(loc, t) },
		"join":      func(s []string) string { return strings.Join(s, ", ") },
		"optionWords": func(p *governance.Poll, o string) string {
			return optionWords(loc, o)
		},
	}
})

// The polls of a commons on its page, after licensing's (Order 20); the
// polls an agent may vote in on its page.
var (
	_ = web.AddPart(web.Part{Page: "commons", Order: 30, Template: "commons.polls", Read: commonsPart})
	_ = web.AddPart(web.Part{Page: "agent", Order: 30, Template: "agent.polls", Read: agentPart})
)

// pages is the web core seen from governance's pages, with its read model.
type pages struct {
	web.Core
	gov governanceapi.Model
}

func newPages(s *http.Server) pages {
	return pages{Core: web.New(s), gov: governanceapi.Model{Server: s}}
}

// Register adds governance's pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := newPages(s)
	s.Handle("GET /polls", p.pageNodePolls)
	s.Handle("POST /polls", p.postOpen)
	s.Handle("GET /commons/{id}/polls", p.pageCommonsPolls)
	s.Handle("GET /polls/{id}", p.pagePoll)
	s.Handle("POST /polls/{id}/vote", p.postVote)
	s.Handle("POST /polls/{id}/close", p.postClose)
	s.AddOpenAPI(openAPI)
}

// commonsPart reads the polls part of the commons page: its open polls
// and the latest decided ones, at most partPolls, with a link to them all.
func commonsPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	p := newPages(c.Server)
	all := p.gov.Polls(id, "")
	if len(all) == 0 && !p.mayOpen(r, id) {
		return nil, nil
	}
	return struct {
		Commons string
		Polls   []row
		More    int
		Names   *http.Names
	}{id, rows(o, newestFirst(all, partPolls)), max(len(all)-partPolls, 0), http.NewNames(r.Context(), c.Node().Store())}, nil
}

// partPolls is how many polls a part shows before "all polls".
const partPolls = 5

// agentPart reads one page of the polls an agent may vote in (?polls=),
// newest first.
func agentPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	q, err := http.CursorQuery(r.URL.Query().Get("polls"), "agent-polls", 50)
	if err != nil {
		return nil, err
	}
	p := newPages(c.Server)
	var mine []*governance.Poll
	for _, pl := range newestFirst(p.gov.Polls("", ""), 0) {
		if in, _ := p.gov.Voter(pl.ID, id); in {
			mine = append(mine, pl)
		}
	}
	if len(mine) == 0 {
		return nil, nil
	}
	page, next, err := http.PageSlice(mine, q, "agent-polls", func(p *governance.Poll) string { return http.DescKey(p.Index) })
	if err != nil {
		return nil, err
	}
	return struct {
		Agent     string
		Polls     []row
		NextPolls string
	}{id, rows(o, page), next}, nil
}
