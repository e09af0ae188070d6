package http

import (
	"context"
	"html/template"
	nethttp "net/http"
	"net/url"
	"reflect"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/web/activity"
	"github.com/meent/meent/web/i18n"
)

// Holoptism: everyone sees what happens in a commons and what an agent
// does, as a JSON activity stream and as an Atom feed, each entry a signed
// event of the log with a one-line summary in words.

// Names resolves agent IDs to display names for one request, each agent
// read at most once.
type Names struct {
	ctx   context.Context
	store meent.Store
	m     map[string]string
}

// NewNames starts a request's name cache over st.
func NewNames(ctx context.Context, st meent.Store) *Names {
	return &Names{ctx: ctx, store: st, m: map[string]string{}}
}

// Name returns the agent's display name, or the start of its ID when the
// agent is unknown.
func (n *Names) Name(id string) string {
	if id == "" {
		return ""
	}
	if v, ok := n.m[id]; ok {
		return v
	}
	name := ShortID(id)
	if a, err := n.store.Agent(n.ctx, id); err == nil && a.Name != "" {
		name = a.Name
	}
	n.m[id] = name
	return name
}

// ShortID is the start of an ID, for where a name is unknown.
func ShortID(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// AgentActivity returns the events an agent signed, newest first; with
// touching, every event that touches it (the event index: what it signed,
// and what others did about it, such as a review of its contribution, its
// admission, a payment to it).
func (s *Server) AgentActivity(ctx context.Context, id string, before int64, limit int, touching bool) ([]meent.Record, *int64, error) {
	f := meent.EventFilter{Author: id, Before: before, Limit: limit, Desc: true}
	if touching {
		f.Author, f.Touches = "", id
	}
	return s.ActivityPage(ctx, f)
}

// ActivityPage reads one page newest first, and the "before" of the next
// page when this one is full (a full page may be the last: the next is
// then empty). Before 0 means "no bound", so a page that ends at the first
// event has no next.
func (s *Server) ActivityPage(ctx context.Context, f meent.EventFilter) ([]meent.Record, *int64, error) {
	recs, err := s.node.Store().Records(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	if len(recs) == f.Limit && recs[len(recs)-1].Index > 0 {
		next := recs[len(recs)-1].Index
		return recs, &next, nil
	}
	return recs, nil, nil
}

// Summarize describes an event in one line in loc's language. The lines
// are written by each area in package web/activity; this side only names
// agents and objects for them, through the request's caches.
func Summarize(o *Objects, nm *Names, loc *i18n.Locale, rec meent.Record) string {
	return activity.Describe(rec, lineLookup{o: o, nm: nm}, loc)
}

// lineLookup is activity.Lookup over one request's name and object caches.
type lineLookup struct {
	o  *Objects
	nm *Names
}

func (l lineLookup) Agent(id string) string { return l.nm.Name(id) }

// Object decodes an object into v. It reads through the request's object
// cache: an object a page already read is not read again, and one read
// here is there for the page (as the value get[T] would have stored).
func (l lineLookup) Object(kind, id string, v any) bool {
	k := [2]string{kind, id}
	if c, ok := l.o.cache[k]; ok {
		if c == nil {
			return false
		}
		if cv := reflect.ValueOf(c); cv.Type() == reflect.TypeOf(v) {
			reflect.ValueOf(v).Elem().Set(cv.Elem())
			return true
		}
	}
	obj, err := l.o.store.Object(l.o.ctx, kind, id)
	if meent.ErrorCode(err) == meent.ENOTFOUND {
		l.o.cache[k] = nil
		return false
	}
	if err != nil || jsonv2.Unmarshal(obj.Data, v) != nil {
		return false // the line names the thing by its ID instead
	}
	if _, ok := l.o.cache[k]; !ok {
		cp := reflect.New(reflect.TypeOf(v).Elem())
		cp.Elem().Set(reflect.ValueOf(v).Elem())
		l.o.cache[k] = cp.Interface()
	}
	return true
}

// zones keeps the time zones lines are written in, loaded once each.
var zones sync.Map // name -> *time.Location

// Locale is the formats of a language in the node's time zone, with
// English money written as the API writes it (i18n.Locale.ISOMoney), as
// the pages have it.
func (s *Server) Locale(l i18n.Lang) *i18n.Locale {
	z, ok := zones.Load(s.opts.TimeZone)
	if !ok {
		loc, err := i18n.LoadZone(s.opts.TimeZone)
		if err != nil {
			loc = nil // UTC; loadPages refuses a bad zone at start
		}
		z, _ = zones.LoadOrStore(s.opts.TimeZone, loc)
	}
	loc := i18n.New(l, z.(*time.Location))
	loc.ISOMoney = l == i18n.EN
	return loc
}

// PageLocale is the language a page is rendered in (render's choice, but
// without remembering it: render sets the cookie).
func (s *Server) PageLocale(r *nethttp.Request) *i18n.Locale {
	var cookie string
	if c, err := r.Cookie(i18n.CookieName); err == nil {
		cookie = c.Value
	}
	l, _ := i18n.Pick(r.URL.Query().Get("lang"), cookie, r.Header.Get("Accept-Language"))
	return s.Locale(l)
}

// LineLocale is the language of the activity API's summaries and of the
// Atom feeds: ?lang= and then Accept-Language, as the pages choose, but no
// cookie, read or set. A script or a feed reader states its language in
// the request, and an answer that changed with a browser's cookie would
// surprise it. A request that states nothing gets English, the default,
// so the summaries read as they always did. The answer says its language
// (Content-Language) and that it depends on the header (Vary).
func (s *Server) LineLocale(w nethttp.ResponseWriter, r *nethttp.Request) *i18n.Locale {
	l, _ := i18n.Pick(r.URL.Query().Get("lang"), "", r.Header.Get("Accept-Language"))
	w.Header().Set("Content-Language", string(l))
	w.Header().Add("Vary", "Accept-Language")
	return s.Locale(l)
}

// ActivityOf describes recs, each with its summary in loc's language.
func (s *Server) ActivityOf(o *Objects, nm *Names, loc *i18n.Locale, recs []meent.Record) []api.Activity {
	out := make([]api.Activity, 0, len(recs))
	for _, rec := range recs {
		out = append(out, api.Activity{Event: eventOf(rec), Summary: Summarize(o, nm, loc, rec)})
	}
	return out
}

// ActivityQuery reads ?before= or ?cursor=, and ?limit=.
func ActivityQuery(r *nethttp.Request) (before int64, limit int, err error) {
	if before, err = QueryInt(r, "before", 0); err != nil {
		return 0, 0, err
	}
	q, err := queryPage(r, "activity")
	if err != nil {
		return 0, 0, err
	}
	if n, ok, err := q.index(); err != nil {
		return 0, 0, err
	} else if ok {
		before = n
	}
	return before, q.Limit, nil
}

// QueryFlag reads an optional 1/0 (true/false) query parameter, as
// members= and lineage= are read.
func QueryFlag(r *nethttp.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, meent.Errorf(meent.EINVALID, "%s must be 1 or 0", name)
}

// ActivityList is a page of activity with its cursors.
func ActivityList(w nethttp.ResponseWriter, r *nethttp.Request, events []api.Activity, next *int64) api.ActivityList {
	out := api.ActivityList{Events: events, NextBefore: next}
	if next != nil {
		out.Next = indexCursor("activity", *next)
		setNext(w, r, out.Next)
	}
	return out
}

func (s *Server) apiAgentActivity(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.Agent(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	before, limit, err := ActivityQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	touching, err := QueryFlag(r, "touching")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	recs, next, err := s.AgentActivity(r.Context(), v.ID, before, limit, touching)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o := NewObjects(r.Context(), s.node.Store())
	writeJSON(w, r, nethttp.StatusOK, ActivityList(w, r, s.ActivityOf(o, NewNames(r.Context(), s.node.Store()), s.LineLocale(w, r), recs), next))
}

// baseURL is the absolute URL of this node as the request reached it. The
// scheme is https when the connection is TLS or the node runs with secure
// cookies (behind a TLS proxy).
func (s *Server) baseURL(r *nethttp.Request) string {
	scheme := "http"
	if r.TLS != nil || s.opts.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Link renders an agent as a link to its page, named.
func (n *Names) Link(id string) template.HTML {
	if id == "" {
		return ""
	}
	return template.HTML(`<a href="/agents/` + url.PathEscape(id) + `">` + template.HTMLEscapeString(n.Name(id)) + `</a>`)
}
