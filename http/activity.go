package http

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	nethttp "net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/web/activity"
	"github.com/meent/meent/web/i18n"
)

// Holoptism: everyone sees what happens in a commons and what an agent
// does, as a JSON activity stream and as an Atom feed, each entry a signed
// event of the log with a one-line summary in words.

// feedEntries is how many events an Atom feed carries.
const feedEntries = 50

// names resolves agent IDs to display names for one request, each agent
// read at most once.
type names struct {
	ctx   context.Context
	store meent.Store
	m     map[string]string
}

func newNames(ctx context.Context, st meent.Store) *names {
	return &names{ctx: ctx, store: st, m: map[string]string{}}
}

// Name returns the agent's display name, or the start of its ID when the
// agent is unknown.
func (n *names) Name(id string) string {
	if id == "" {
		return ""
	}
	if v, ok := n.m[id]; ok {
		return v
	}
	name := shortID(id)
	if a, err := n.store.Agent(n.ctx, id); err == nil && a.Name != "" {
		name = a.Name
	}
	n.m[id] = name
	return name
}

func shortID(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// refsOf reads the reason an event gives, if any, for the feed's entry
// body. What else an event names is read by its area's line (web/activity).
func refsOf(rec meent.Record) (d struct {
	Reason string `json:"reason"`
}) {
	json.Unmarshal(rec.Data, &d) // what does not decode stays empty
	return d
}

// commonsActivity returns the events of a commons, newest first, below
// before (0: from the end of the log): the events the store's event index
// records for it (state.State.Refs: its creation, updates, maintainer
// changes and forks, every event on its contributions and needs, its
// imports, identity claims, value and licensing events). A fork's creation
// is in both the fork's and the upstream's stream; events on upstream
// contributions stay in the upstream's stream, even those the fork
// recognises. A page is one range of the index: exact and as cheap at
// millions of events as at a hundred.
func (s *Server) commonsActivity(o *objects, id string, before int64, limit int) ([]meent.Record, *int64, error) {
	return s.activityPage(o.ctx, meent.EventFilter{Commons: id, Before: before, Limit: limit, Desc: true})
}

// agentActivity returns the events an agent signed, newest first; with
// touching, every event that touches it (the event index: what it signed,
// and what others did about it, such as a review of its contribution, its
// admission, a payment to it).
func (s *Server) agentActivity(ctx context.Context, id string, before int64, limit int, touching bool) ([]meent.Record, *int64, error) {
	f := meent.EventFilter{Author: id, Before: before, Limit: limit, Desc: true}
	if touching {
		f.Author, f.Touches = "", id
	}
	return s.activityPage(ctx, f)
}

// activityPage reads one page newest first, and the "before" of the next
// page when this one is full (a full page may be the last: the next is
// then empty). Before 0 means "no bound", so a page that ends at the first
// event has no next.
func (s *Server) activityPage(ctx context.Context, f meent.EventFilter) ([]meent.Record, *int64, error) {
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

// summarize describes an event in one line in loc's language. The lines
// are written by each area in package web/activity; this side only names
// agents and objects for them, through the request's caches.
func summarize(o *objects, nm *names, loc *i18n.Locale, rec meent.Record) string {
	return activity.Describe(rec, lineLookup{o: o, nm: nm}, loc)
}

// lineLookup is activity.Lookup over one request's name and object caches.
type lineLookup struct {
	o  *objects
	nm *names
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

// locale is the formats of a language in the node's time zone, with
// English money written as the API writes it (i18n.Locale.ISOMoney), as
// the pages have it.
func (s *Server) locale(l i18n.Lang) *i18n.Locale {
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

// pageLocale is the language a page is rendered in (render's choice, but
// without remembering it: render sets the cookie).
func (s *Server) pageLocale(r *nethttp.Request) *i18n.Locale {
	var cookie string
	if c, err := r.Cookie(i18n.CookieName); err == nil {
		cookie = c.Value
	}
	l, _ := i18n.Pick(r.URL.Query().Get("lang"), cookie, r.Header.Get("Accept-Language"))
	return s.locale(l)
}

// lineLocale is the language of the activity API's summaries and of the
// Atom feeds: ?lang= and then Accept-Language, as the pages choose, but no
// cookie, read or set. A script or a feed reader states its language in
// the request, and an answer that changed with a browser's cookie would
// surprise it. A request that states nothing gets English, the default,
// so the summaries read as they always did. The answer says its language
// (Content-Language) and that it depends on the header (Vary).
func (s *Server) lineLocale(w nethttp.ResponseWriter, r *nethttp.Request) *i18n.Locale {
	l, _ := i18n.Pick(r.URL.Query().Get("lang"), "", r.Header.Get("Accept-Language"))
	w.Header().Set("Content-Language", string(l))
	w.Header().Add("Vary", "Accept-Language")
	return s.locale(l)
}

// label turns a code into words: "changes_requested" -> "changes requested".
func label(s string) string { return strings.ReplaceAll(s, "_", " ") }

// plural writes a count of things: "1 commit", "3 commits".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// formatMoney writes an amount in minor units as an exact decimal in the
// currency's major unit: "65.00 EUR", "1234 JPY" (commons.Money.String).
func formatMoney(m Money) string {
	return commons.Money{Amount: m.Amount, Currency: m.Currency}.String()
}

func (s *Server) activityOf(o *objects, nm *names, loc *i18n.Locale, recs []meent.Record) []Activity {
	out := make([]Activity, 0, len(recs))
	for _, rec := range recs {
		out = append(out, Activity{Event: eventOf(rec), Summary: summarize(o, nm, loc, rec)})
	}
	return out
}

// activityQuery reads ?before= or ?cursor=, and ?limit=.
func activityQuery(r *nethttp.Request) (before int64, limit int, err error) {
	if before, err = queryInt(r, "before", 0); err != nil {
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

// queryFlag reads an optional 1/0 (true/false) query parameter, as
// members= and lineage= are read.
func queryFlag(r *nethttp.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, meent.Errorf(meent.EINVALID, "%s must be 1 or 0", name)
}

// activityList is a page of activity with its cursors.
func activityList(w nethttp.ResponseWriter, r *nethttp.Request, events []Activity, next *int64) ActivityList {
	out := ActivityList{Events: events, NextBefore: next}
	if next != nil {
		out.Next = indexCursor("activity", *next)
		setNext(w, r, out.Next)
	}
	return out
}

func (s *Server) apiCommonsActivity(w nethttp.ResponseWriter, r *nethttp.Request) {
	before, limit, err := activityQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id, o, err := s.commonsOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	recs, next, err := s.commonsActivity(o, id, before, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, activityList(w, r, s.activityOf(o, newNames(r.Context(), s.node.Store()), s.lineLocale(w, r), recs), next))
}

func (s *Server) apiAgentActivity(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.agent(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	before, limit, err := activityQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	touching, err := queryFlag(r, "touching")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	recs, next, err := s.agentActivity(r.Context(), v.ID, before, limit, touching)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o := newObjects(r.Context(), s.node.Store())
	writeJSON(w, r, nethttp.StatusOK, activityList(w, r, s.activityOf(o, newNames(r.Context(), s.node.Store()), s.lineLocale(w, r), recs), next))
}

// Atom 1.0 (RFC 4287).

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string       `xml:"id"`
	Title     string       `xml:"title"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published"`
	Author    *atomPerson  `xml:"author,omitempty"`
	Links     []atomLink   `xml:"link"`
	Category  atomCategory `xml:"category"`
	Content   atomText     `xml:"content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
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

// writeFeed writes an Atom feed of recs. created is the log index of the
// event that created the feed's subject, whose time is the feed's updated
// time while it has no entries.
func (s *Server) writeFeed(w nethttp.ResponseWriter, r *nethttp.Request, id, titleKey, name, self, alternate string, created int64, o *objects, recs []meent.Record) {
	base := s.baseURL(r)
	loc := s.lineLocale(w, r)
	title := activity.Say(loc, titleKey, "name", name)
	nm := newNames(r.Context(), s.node.Store())
	f := atomFeed{
		ID:     id,
		Title:  title,
		Author: atomPerson{Name: "meent node " + s.opts.Origin, URI: base + "/"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + self},
			{Rel: "alternate", Type: "text/html", Href: base + alternate},
		},
	}
	for _, rec := range recs {
		hash := ledger.Hash(rec.Hash).String()
		t := Timestamp(rec.Time).String()
		e := atomEntry{
			ID:        "urn:meent:event:" + hash,
			Title:     summarize(o, nm, loc, rec),
			Updated:   t,
			Published: t,
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: base + "/events/" + hash}},
			Category:  atomCategory{Term: rec.Type},
		}
		if rec.Author != "" {
			e.Author = &atomPerson{Name: nm.Name(rec.Author), URI: base + "/agents/" + rec.Author}
		}
		body := e.Title
		if d := refsOf(rec); d.Reason != "" {
			body += "\n\n" + d.Reason
		}
		// The index as digits, not grouped: it is a reference, not an amount.
		e.Content = atomText{Type: "text", Body: body + "\n\n" + activity.Say(loc, "activity.feed.event",
			"index", strconv.FormatInt(rec.Index, 10), "type", rec.Type, "hash", hash)}
		f.Entries = append(f.Entries, e)
	}
	if len(recs) > 0 {
		f.Updated = Timestamp(recs[0].Time).String()
	} else if rec, err := s.node.Store().RecordByIndex(r.Context(), created); err == nil {
		f.Updated = Timestamp(rec.Time).String()
	} else {
		f.Updated = Timestamp(s.now().UnixMilli()).String()
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
}

func (s *Server) commonsFeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	o := newObjects(r.Context(), s.node.Store())
	c, err := s.webCommons(o, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recs, _, err := s.commonsActivity(o, id, 0, feedEntries)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeFeed(w, r, "urn:meent:commons:"+id, "activity.feed.title", c.Name, "/commons/"+id+"/feed.atom", "/commons/"+id, c.Created, o, recs)
}

func (s *Server) agentFeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.agent(r)
	if err != nil {
		if meent.ErrorCode(err) == meent.EINVALID {
			err = meent.Errorf(meent.ENOTFOUND, "no agent has that ID")
		}
		s.fail(w, r, err)
		return
	}
	// ?touching=1 is the feed of every event the index records for the
	// agent, as on its page: a feed of its own, with an ID of its own.
	touching, err := queryFlag(r, "touching")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recs, _, err := s.agentActivity(r.Context(), v.ID, 0, feedEntries, touching)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	o := newObjects(r.Context(), s.node.Store())
	if touching {
		s.writeFeed(w, r, "urn:meent:agent:"+v.ID+":touching", "activity.feed.title.touching", v.Name, "/agents/"+v.ID+"/feed.atom?touching=1", "/agents/"+v.ID+"?touching=1", v.Created, o, recs)
		return
	}
	s.writeFeed(w, r, "urn:meent:agent:"+v.ID, "activity.feed.title", v.Name, "/agents/"+v.ID+"/feed.atom", "/agents/"+v.ID, v.Created, o, recs)
}
