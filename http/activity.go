package http

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	nethttp "net/http"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/value"
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

// eventRefs is what a commons-area event's data names. Every event type
// of package commons names its object with one of these members.
type eventRefs struct {
	Commons      string `json:"commons"`
	Contribution string `json:"contribution"`
	Need         string `json:"need"`
	Agent        string `json:"agent"`
	Name         string `json:"name"`
	Title        string `json:"title"`
	Verdict      string `json:"verdict"`
	Outcome      string `json:"outcome"`
	Reason       string `json:"reason"`
	Kind         string `json:"kind"`
	Role         string `json:"role"`
	Priority     int    `json:"priority"`
	Pledge       *Money `json:"pledge"`
	LeaseDays    int    `json:"lease_days"`
	// The value cycle's and the imports' members.
	Income    string            `json:"income"`
	Identity  string            `json:"identity"`
	Recipient string            `json:"recipient"`
	Amount    *Money            `json:"amount"`
	Commits   []json.RawMessage `json:"commits"`
	Amends    []json.RawMessage `json:"amends"`
	// Licensing's members. A grant is a string in license.revoke and the
	// terms in license.request, so it is kept raw.
	Licensee   string          `json:"licensee"`
	Commercial bool            `json:"commercial"`
	Scope      string          `json:"scope"`
	Grant      json.RawMessage `json:"grant"`
}

func refsOf(rec meent.Record) eventRefs {
	var d eventRefs
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

// summarize describes an event in one line, naming agents and objects.
func summarize(o *objects, nm *names, rec meent.Record) string {
	who := nm.Name(rec.Author)
	d := refsOf(rec)
	commonsName := func(id string) string {
		if c, err := o.commons(id); err == nil {
			return c.Name
		}
		return shortID(id)
	}
	contribution := func(id string) string {
		if k, err := o.contribution(id); err == nil {
			return "“" + k.Title + "”"
		}
		return "contribution " + shortID(id)
	}
	need := func(id string) string {
		if n, err := o.need(id); err == nil {
			return "the need “" + n.Title + "”"
		}
		return "need " + shortID(id)
	}
	withReason := func(s string) string {
		if r := strings.TrimSpace(d.Reason); r != "" {
			return s + ": " + firstLine(r)
		}
		return s
	}
	switch rec.Type {
	case agent.TypeCreate:
		return fmt.Sprintf("%s joined as a new %s", d.Name, d.Kind)
	case agent.TypeUpdate:
		return fmt.Sprintf("Agent %s is now called %s", shortID(rec.Author), d.Name)
	case agent.TypeKeyAdd:
		return fmt.Sprintf("%s added a signing key", who)
	case agent.TypeKeyRevoke:
		return fmt.Sprintf("%s revoked a signing key", who)
	case agent.TypeMemberSet:
		return fmt.Sprintf("%s made %s a %s", who, nm.Name(d.Agent), d.Role)
	case agent.TypeMemberRm:
		return fmt.Sprintf("%s ended the membership of %s", who, nm.Name(d.Agent))
	case commons.TypeCreate:
		return fmt.Sprintf("%s created the commons %s", who, d.Name)
	case commons.TypeUpdate:
		return fmt.Sprintf("%s updated %s", who, commonsName(d.Commons))
	case commons.TypeMaintainerAdd:
		return fmt.Sprintf("%s made %s a maintainer of %s", who, nm.Name(d.Agent), commonsName(d.Commons))
	case commons.TypeMaintainerRemove:
		return fmt.Sprintf("%s removed %s as a maintainer of %s", who, nm.Name(d.Agent), commonsName(d.Commons))
	case commons.TypeFork:
		return fmt.Sprintf("%s forked %s as %s", who, commonsName(d.Commons), d.Name)
	case commons.TypeSubmit:
		return fmt.Sprintf("%s contributed “%s” to %s", who, d.Title, commonsName(d.Commons))
	case commons.TypeRevise:
		return fmt.Sprintf("%s revised %s", who, contribution(d.Contribution))
	case commons.TypeReview:
		verb := map[string]string{commons.VerdictAccept: "accepted", commons.VerdictReject: "rejected", commons.VerdictChanges: "asked for changes to"}[d.Verdict]
		if verb == "" {
			verb = "reviewed"
		}
		return withReason(fmt.Sprintf("%s %s %s", who, verb, contribution(d.Contribution)))
	case commons.TypeDispute:
		return withReason(fmt.Sprintf("%s disputed the rejection of %s", who, contribution(d.Contribution)))
	case commons.TypeResolve:
		verb := map[string]string{commons.OutcomeUphold: "upheld the rejection of", commons.OutcomeOverturn: "overturned the rejection of"}[d.Outcome]
		if verb == "" {
			verb = "resolved the dispute over"
		}
		return withReason(fmt.Sprintf("%s %s %s", who, verb, contribution(d.Contribution)))
	case commons.TypeEndorse:
		return fmt.Sprintf("%s endorsed %s", who, contribution(d.Contribution))
	case commons.TypeNeedPost:
		return fmt.Sprintf("%s posted the need “%s” in %s", who, d.Title, commonsName(d.Commons))
	case commons.TypeNeedSignal:
		switch d.Kind {
		case commons.SignalPlusOne:
			return fmt.Sprintf("%s gave %s a +1", who, need(d.Need))
		case commons.SignalPriority:
			return fmt.Sprintf("%s gave %s priority %d of 5", who, need(d.Need), d.Priority)
		case commons.SignalPledge:
			if d.Pledge != nil {
				return fmt.Sprintf("%s pledged %s to %s", who, formatMoney(*d.Pledge), need(d.Need))
			}
		}
		return fmt.Sprintf("%s signalled %s", who, need(d.Need))
	case commons.TypeNeedClaim, commons.TypeNeedRenew:
		days := d.LeaseDays
		if days == 0 {
			days = commons.DefaultLease
		}
		verb := "claimed"
		if rec.Type == commons.TypeNeedRenew {
			verb = "renewed their claim on"
		}
		return fmt.Sprintf("%s %s %s for %d days", who, verb, need(d.Need), days)
	case commons.TypeNeedRelease:
		return fmt.Sprintf("%s released their claim on %s", who, need(d.Need))
	case commons.TypeNeedClose:
		return withReason(fmt.Sprintf("%s closed %s", who, need(d.Need)))
	case commons.TypeImport:
		if len(d.Amends) > 0 {
			return fmt.Sprintf("%s imported %s into %s and added the line counts of %s imported without them", who,
				plural(len(d.Commits), "commit"), commonsName(d.Commons), plural(len(d.Amends), "commit"))
		}
		return fmt.Sprintf("%s imported %s into %s", who, plural(len(d.Commits), "commit"), commonsName(d.Commons))
	case commons.TypeIdentityClaim:
		return fmt.Sprintf("%s claimed the identity %s in %s", who, d.Identity, commonsName(d.Commons))
	case commons.TypeIdentityAttest:
		return fmt.Sprintf("%s attested that the identity %s is %s in %s", who, d.Identity, nm.Name(d.Agent), commonsName(d.Commons))
	case commons.TypeIdentityContest:
		return withReason(fmt.Sprintf("%s contested %s's claim on the identity %s in %s", who, nm.Name(d.Agent), d.Identity, commonsName(d.Commons)))
	case commons.TypeIdentityReject:
		return withReason(fmt.Sprintf("%s rejected %s's claim on the identity %s in %s", who, nm.Name(d.Agent), d.Identity, commonsName(d.Commons)))
	case commons.TypeIdentityFinalize:
		return fmt.Sprintf("%s finalized %s's proven claim on the identity %s in %s", who, nm.Name(d.Agent), d.Identity, commonsName(d.Commons))
	case value.TypePolicySet:
		return fmt.Sprintf("%s set a new value policy for %s", who, commonsName(d.Commons))
	case value.TypeIncomeRecord:
		if d.Amount != nil {
			return fmt.Sprintf("%s recorded %s of %s for %s", who, article(label(d.Kind)), formatAmount(d.Amount.Amount, d.Amount.Currency), commonsName(d.Commons))
		}
	case value.TypeDistributionRun:
		if inc, err := o.income(d.Income); err == nil {
			return fmt.Sprintf("%s distributed the income of %s in %s", who, formatAmount(inc.Amount.Amount, inc.Amount.Currency), commonsName(inc.Commons))
		}
		return fmt.Sprintf("%s distributed income %s", who, shortID(d.Income))
	case value.TypePayoutSettle:
		if d.Amount != nil {
			to := d.Recipient
			switch d.Kind {
			case value.RecipientAgent:
				to = nm.Name(d.Recipient)
			case value.RecipientPool:
				to = "the " + poolLabel(d.Recipient) + " pool"
			}
			return fmt.Sprintf("%s recorded a payment of %s from %s to %s", who, formatAmount(d.Amount.Amount, d.Amount.Currency), commonsName(d.Commons), to)
		}
	case license.TypePolicySet:
		return fmt.Sprintf("%s set a new license policy for %s", who, commonsName(d.Commons))
	case license.TypeAttest:
		return fmt.Sprintf("%s attested that %s is %s", who, nm.Name(d.Agent), article(label(d.Kind)))
	case license.TypeRequest:
		use := useWords(d.Commercial, d.Scope)
		var t license.Terms
		if len(d.Grant) > 0 && json.Unmarshal(d.Grant, &t) == nil && t.Rule != "" {
			if t.Rule == "trial" {
				return fmt.Sprintf("%s started a free trial of %s for %s", who, commonsName(d.Commons), use)
			}
			return fmt.Sprintf("%s was granted a free license for %s of %s (%s)", who, use, commonsName(d.Commons), ruleLabel(t.Rule))
		}
		if of, err := get[license.Offer](o, license.KindOffer, ledger.Hash(rec.Hash).String()); err == nil {
			return fmt.Sprintf("%s asked for a license for %s of %s and was offered one at %s a year", who, use, commonsName(d.Commons), of.Price)
		}
		return fmt.Sprintf("%s asked for a license for %s of %s", who, use, commonsName(d.Commons))
	case license.TypePay:
		if d.Amount != nil {
			return fmt.Sprintf("%s recorded the payment of %s by %s for a license for %s of %s", who,
				commons.Money{Amount: d.Amount.Amount, Currency: d.Amount.Currency}, nm.Name(d.Licensee), useWords(d.Commercial, d.Scope), commonsName(d.Commons))
		}
	case license.TypeRevoke:
		var id string
		json.Unmarshal(d.Grant, &id)
		if g, err := get[license.Grant](o, license.KindGrant, id); err == nil {
			return withReason(fmt.Sprintf("%s revoked the license of %s for %s", who, nm.Name(g.Licensee), commonsName(g.Commons)))
		}
		return withReason(fmt.Sprintf("%s revoked the license %s", who, shortID(id)))
	}
	return fmt.Sprintf("%s signed %s", who, rec.Type)
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

// article puts "a" or "an" before a word.
func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// formatMoney writes an amount in minor units as an exact decimal in the
// currency's major unit: "65.00 EUR", "1234 JPY" (commons.Money.String).
func formatMoney(m Money) string {
	return commons.Money{Amount: m.Amount, Currency: m.Currency}.String()
}

func (s *Server) activityOf(o *objects, nm *names, recs []meent.Record) []Activity {
	out := make([]Activity, 0, len(recs))
	for _, rec := range recs {
		out = append(out, Activity{Event: eventOf(rec), Summary: summarize(o, nm, rec)})
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
	writeJSON(w, r, nethttp.StatusOK, activityList(w, r, s.activityOf(o, newNames(r.Context(), s.node.Store()), recs), next))
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
	writeJSON(w, r, nethttp.StatusOK, activityList(w, r, s.activityOf(o, newNames(r.Context(), s.node.Store()), recs), next))
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
func (s *Server) writeFeed(w nethttp.ResponseWriter, r *nethttp.Request, id, title, self, alternate string, created int64, o *objects, recs []meent.Record) {
	base := s.baseURL(r)
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
			Title:     summarize(o, nm, rec),
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
		e.Content = atomText{Type: "text", Body: fmt.Sprintf("%s\n\nEvent %d (%s), %s.", body, rec.Index, rec.Type, hash)}
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
	s.writeFeed(w, r, "urn:meent:commons:"+id, c.Name+" · activity", "/commons/"+id+"/feed.atom", "/commons/"+id, c.Created, o, recs)
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
		s.writeFeed(w, r, "urn:meent:agent:"+v.ID+":touching", v.Name+" · activity touching", "/agents/"+v.ID+"/feed.atom?touching=1", "/agents/"+v.ID+"?touching=1", v.Created, o, recs)
		return
	}
	s.writeFeed(w, r, "urn:meent:agent:"+v.ID, v.Name+" · activity", "/agents/"+v.ID+"/feed.atom", "/agents/"+v.ID, v.Created, o, recs)
}
