// Package web is the web core of a meent node: the server-rendered pages,
// their layout and templates (embedded, parsed once per language with
// web/i18n's functions), the error page the http core shows on every path
// that is not the API's, the forms' sessions and CSRF check, the static
// files and the Atom feeds. It registers on the http core like an API
// area (package wire) and reads through the core's exported helpers and
// the areas' read models; no API area imports it.
package web

import (
	"embed"
	"io/fs"

	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/http"
)

// openAPI holds the fragments documenting the pages and feeds.
//
//go:embed openapi/*.json
var openAPI embed.FS

// server is the http core seen from the pages, with the parsed templates.
type server struct {
	*http.Server
	pages   *pages
	commons commonsapi.Model // the commons' read model, as the API reads it
}

// Register adds the pages, the feeds, the static files and their OpenAPI
// fragments to s, and makes s render its errors on pages as HTML.
func Register(s *http.Server) {
	w := newServer(s)
	s.SetErrorPage(w.errorPage)
	s.Handle("GET /{$}", w.pageHome)
	s.Handle("GET /events/{hash}", w.pageEvent)
	s.Handle("GET /agents", w.pageAgents)
	s.Handle("GET /agents/{id}", w.pageAgent)
	s.Handle("GET /agents/{id}/feed.atom", w.agentFeed)
	s.Handle("GET /commons", w.pageCommonsList)
	s.Handle("GET /commons/{id}", w.pageCommons)
	s.Handle("GET /commons/{id}/feed.atom", w.commonsFeed)
	s.Handle("POST /commons/{id}/contributions", w.postContribute)
	s.Handle("POST /commons/{id}/needs", w.postNeed)
	s.Handle("GET /contributions/{id}", w.pageContribution)
	s.Handle("GET /needs/{id}", w.pageNeed)
	s.Handle("POST /needs/{id}/signal", w.postNeedAction)
	s.Handle("POST /needs/{id}/claim", w.postNeedAction)
	s.Handle("POST /needs/{id}/release", w.postNeedAction)
	s.Handle("GET /login", w.pageLogin)
	s.Handle("POST /login", w.postLogin)
	s.Handle("POST /logout", w.postLogout)
	s.Handle("GET /signup", w.pageSignUp)
	s.Handle("POST /signup", w.postSignUp)
	s.Handle("GET /account", w.pageAccount)
	s.Handle("POST /account", w.postAccount)
	s.Handle("POST /account/tokens", w.postAccountToken)
	s.Handle("POST /account/tokens/{id}/revoke", w.postAccountRevoke)
	s.Handle("GET /static/{file}", w.static)
	for _, f := range must(fs.Glob(openAPI, "openapi/*.json")) {
		s.AddOpenAPI(must(openAPI.ReadFile(f)))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
