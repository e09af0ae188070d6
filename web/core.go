package web

import (
	"bytes"
	"cmp"
	"html/template"
	nethttp "net/http"
	"reflect"
	"slices"
	"sync"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/web/i18n"
)

// Core is the web core as an area's pages see it (web/<area>web): the
// http core (embedded, so Node, Now, Fail, ... are there), rendering in
// the shared layout and language, errors as pages, and the sessions of
// forms. An area's page handlers are methods on a type that embeds Core;
// its templates are added with Templates.
type Core struct {
	*http.Server
	w server
}

// New is the web core over s. It parses the pages on the first call for
// s's time zone; the areas' templates must have been added by then.
func New(s *http.Server) Core { return Core{Server: s, w: newServer(s)} }

func newServer(s *http.Server) server {
	return server{Server: s, pages: loadPages(s.Options().TimeZone),
		commons: commonsapi.Model{Server: s}}
}

// Render writes page name (a template added with Templates, or the
// core's) in the layout, in the request's language, with the page title
// and data; a template error is a clean 500, never half a page.
func (c Core) Render(w nethttp.ResponseWriter, r *nethttp.Request, status int, name, title string, data any) {
	c.w.render(w, r, status, name, title, data)
}

// Error answers err as an HTML error page, with status (0: the error's
// own), and logs its cause.
func (c Core) Error(w nethttp.ResponseWriter, r *nethttp.Request, err error, status int) {
	c.w.errorPage(w, r, err, status)
}

// Session returns the browser's session (by cookie only), or nil.
func (c Core) Session(r *nethttp.Request) *meent.Session {
	sess, _ := c.w.webSession(r)
	return sess
}

// FormSession reads a posted form (at most 64 KiB) and returns its
// session, after checking the form's CSRF token against it: every form
// that changes something starts here.
func (c Core) FormSession(w nethttp.ResponseWriter, r *nethttp.Request) (*meent.Session, error) {
	sess, _, err := c.w.formSession(w, r)
	return sess, err
}

// Locale is the language and formats the request's page is written in.
func (c Core) Locale(r *nethttp.Request) *i18n.Locale { return c.w.PageLocale(r) }

// A Part is what an area adds to a page another package writes: the
// commons page (Page "commons", id the commons) or an agent's page (Page
// "agent", id the agent). Read reads its data for one request (nil leaves
// the part out); Template, defined in one of the area's "_*.html" files,
// writes it. Parts show on their page by Order, lowest first (packages
// are initialised in an order no area chooses, so the order is stated).
type Part struct {
	Page     string
	Order    int
	Template string
	Read     func(c Core, r *nethttp.Request, o *http.Objects, id string) (any, error)
}

// parts are the Parts the areas added, by page.
var parts struct {
	sync.Mutex
	byPage map[string][]Part
}

// AddPart adds an area's part of another page. Call it from the area's
// package-level variables, like Templates.
func AddPart(p Part) struct{} {
	parts.Lock()
	defer parts.Unlock()
	if parts.byPage == nil {
		parts.byPage = map[string][]Part{}
	}
	ps := append(parts.byPage[p.Page], p)
	slices.SortStableFunc(ps, func(a, b Part) int { return cmp.Compare(a.Order, b.Order) })
	parts.byPage[p.Page] = ps
	return struct{}{}
}

// partsOf reads and writes the parts of page for the thing id, in the
// request's language.
func (s server) partsOf(page string, r *nethttp.Request, o *http.Objects, id string) ([]template.HTML, error) {
	parts.Lock()
	ps := parts.byPage[page]
	parts.Unlock()
	var out []template.HTML
	for _, p := range ps {
		data, err := p.Read(Core{Server: s.Server, w: s}, r, o, id)
		if err != nil {
			return nil, err
		}
		if data == nil || reflect.ValueOf(data).Kind() == reflect.Pointer && reflect.ValueOf(data).IsNil() {
			continue
		}
		var b bytes.Buffer
		if err := s.pages.parts[s.PageLocale(r).Lang].ExecuteTemplate(&b, p.Template, data); err != nil {
			return nil, err
		}
		out = append(out, template.HTML(b.String()))
	}
	return out, nil
}

// EventHash is the hash of the event at a log index, "" if unknown: the
// link from a figure to the event it comes from.
func (c Core) EventHash(o *http.Objects, idx int64) string { return c.w.eventHash(o, idx) }

// Commons reads the commons a page's {id} names; a malformed ID is simply
// not found.
func (c Core) Commons(o *http.Objects, id string) (*commons.Commons, error) {
	return c.w.webCommons(o, id)
}

// eventHash returns the hash of the event at a log index, "" if unknown.
func (s server) eventHash(o *http.Objects, idx int64) string {
	rec, err := s.Node().Store().RecordByIndex(o.Context(), idx)
	if err != nil {
		return ""
	}
	return ledger.Hash(rec.Hash).String()
}

// Act is a form that signs one event for the logged-in person: it checks
// the form's session (answering an error page itself, ok false), then
// reads the event's type and data from the form and has the accounts sign
// and submit it. A refusal by the rules comes back as p, to show in the
// form.
func (c Core) Act(w nethttp.ResponseWriter, r *nethttp.Request, read func() (string, any)) (rc node.Receipt, p *api.Problem, ok bool) {
	return c.w.actWith(w, r, read)
}

// webCommons loads a commons for a page: a malformed ID is simply not found.
func (s server) webCommons(o *http.Objects, id string) (*commons.Commons, error) {
	if http.ParseID(id, "commons") != nil {
		return nil, meent.Errorf(meent.ENOTFOUND, "no commons has that ID")
	}
	return o.Commons(id)
}

// actWith answers a form post: it checks the session and the form's CSRF
// token, lets read turn the form into an event's type and data, and signs
// and submits that event for the logged-in person. ok is false when an
// answer was already written; p is the refusal to show on the page again.
func (s server) actWith(w nethttp.ResponseWriter, r *nethttp.Request, read func() (string, any)) (rc node.Receipt, p *api.Problem, ok bool) {
	sess, _, err := s.formSession(w, r)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return rc, nil, false
	}
	typ, data := read()
	rc, err = s.Accounts().Act(r.Context(), sess.Agent, typ, data)
	if err != nil {
		s.LogError(r, err)
		pr := http.ProblemOf(err)
		return rc, &pr, true
	}
	return rc, nil, true
}

// Parts writes the parts the areas add (AddPart) to page, for the thing
// id: a page an area writes that others add to (the commons page) shows
// them where its template says {{range .Parts}}.
func (c Core) Parts(page string, r *nethttp.Request, o *http.Objects, id string) ([]template.HTML, error) {
	return c.w.partsOf(page, r, o, id)
}
