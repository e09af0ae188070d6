// Package web is the web core of a meent node: the layout and the core's
// own pages (the log, an event, the agents and an agent, sign-up, login
// and the account), the error page the http core shows on every path that
// is not the API's, the forms' sessions and CSRF check, the static files
// and the Atom feeds; and what an area's pages (web/<area>web) are built
// on: Templates (their templates, parsed once per language with
// web/i18n's functions and the layout), Core (rendering, errors, forms)
// and AddPart (what an area shows on a page another package writes). It
// registers on the http core like an API area (package wire) and reads
// through the core's exported helpers and the commons API's read model
// (for the feeds); no API area imports it.
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
	s.Handle("GET /commons/{id}/feed.atom", w.commonsFeed)
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
