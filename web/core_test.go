package web_test

import (
	"html/template"
	nethttp "net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/meent/meent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/i18n"
)

// An area's pages as a web/<area>web package writes them: templates added
// with web.Templates from a package-level variable, handlers on a type
// that embeds web.Core, registered on the server beside the web core.
var _ = web.Templates(fstest.MapFS{
	"toy.html": {Data: []byte(`{{define "title"}}Toy{{end}}{{define "content"}}<p class="toy">{{shout .Data.Name}} {{.Data.Lang}}</p>{{end}}`)},
}, func(loc *i18n.Locale) template.FuncMap {
	return template.FuncMap{"shout": func(s string) string { return strings.ToUpper(s) + " " + string(loc.Lang) }}
})

type toyPages struct{ web.Core }

func (p toyPages) page(w nethttp.ResponseWriter, r *nethttp.Request) {
	if r.PathValue("name") == "missing" {
		p.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no such toy"), 0)
		return
	}
	p.Render(w, r, nethttp.StatusOK, "toy", "Toy", struct{ Name, Lang string }{r.PathValue("name"), string(p.Locale(r).Lang)})
}

func (p toyPages) post(w nethttp.ResponseWriter, r *nethttp.Request) {
	if _, err := p.FormSession(w, r); err != nil {
		p.Error(w, r, err, 0)
		return
	}
	nethttp.Redirect(w, r, "/toys/done", nethttp.StatusSeeOther)
}

func registerToy(s *http.Server) {
	web.Register(s)
	p := toyPages{web.New(s)}
	s.Handle("GET /toys/{name}", p.page)
	s.Handle("POST /toys/{name}", p.post)
}

// TestAreaPages: an area outside package web renders its own template in
// the layout and the request's language, with its own functions, answers
// errors as pages, and checks a form's session, through web.Core alone.
func TestAreaPages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, registerToy)
	r := e.Get("/toys/kite", "Accept-Language", "nl")
	apitest.WantStatus(t, r, 200)
	apitest.WantContains(t, r, `<p class="toy">KITE nl nl</p>`, `<html lang="nl"`)
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	r = e.Get("/toys/missing")
	apitest.WantStatus(t, r, 404)
	apitest.WantContains(t, r, "no such toy", "</html>")
	r = e.Do("POST", "/toys/kite", apitest.Form("csrf", "x"), "Content-Type", apitest.FormType)
	apitest.WantStatus(t, r, 401)
	apitest.WantContains(t, r, "not logged in")
}
