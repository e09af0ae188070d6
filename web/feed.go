package web

import (
	"encoding/json"
	"encoding/xml"
	nethttp "net/http"
	"strconv"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/web/activity"
)

// feedEntries is how many events an Atom feed carries.
const feedEntries = 50

// refsOf reads the reason an event gives, if any, for the feed's entry
// body. What else an event names is read by its area's line (web/activity).
func refsOf(rec meent.Record) (d struct {
	Reason string `json:"reason"`
}) {
	json.Unmarshal(rec.Data, &d) // what does not decode stays empty
	return d
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

// writeFeed writes an Atom feed of recs. created is the log index of the
// event that created the feed's subject, whose time is the feed's updated
// time while it has no entries.
func (s server) writeFeed(w nethttp.ResponseWriter, r *nethttp.Request, id, titleKey, name, self, alternate string, created int64, o *http.Objects, recs []meent.Record) {
	base := s.BaseURL(r)
	loc := s.LineLocale(w, r)
	title := activity.Say(loc, titleKey, "name", name)
	nm := http.NewNames(r.Context(), s.Node().Store())
	f := atomFeed{
		ID:     id,
		Title:  title,
		Author: atomPerson{Name: "meent node " + s.Options().Origin, URI: base + "/"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + self},
			{Rel: "alternate", Type: "text/html", Href: base + alternate},
		},
	}
	for _, rec := range recs {
		hash := ledger.Hash(rec.Hash).String()
		t := api.Timestamp(rec.Time).String()
		e := atomEntry{
			ID:        "urn:meent:event:" + hash,
			Title:     http.Summarize(o, nm, loc, rec),
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
		f.Updated = api.Timestamp(recs[0].Time).String()
	} else if rec, err := s.Node().Store().RecordByIndex(r.Context(), created); err == nil {
		f.Updated = api.Timestamp(rec.Time).String()
	} else {
		f.Updated = api.Timestamp(s.Now().UnixMilli()).String()
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
}

func (s server) commonsFeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.webCommons(o, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	recs, _, err := s.commons.CommonsActivity(o, id, 0, feedEntries)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writeFeed(w, r, "urn:meent:commons:"+id, "activity.feed.title", c.Name, "/commons/"+id+"/feed.atom", "/commons/"+id, c.Created, o, recs)
}

func (s server) agentFeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.Agent(r)
	if err != nil {
		if meent.ErrorCode(err) == meent.EINVALID {
			err = meent.Errorf(meent.ENOTFOUND, "no agent has that ID")
		}
		s.Fail(w, r, err)
		return
	}
	// ?touching=1 is the feed of every event the index records for the
	// agent, as on its page: a feed of its own, with an ID of its own.
	touching, err := http.QueryFlag(r, "touching")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	recs, _, err := s.AgentActivity(r.Context(), v.ID, 0, feedEntries, touching)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	if touching {
		s.writeFeed(w, r, "urn:meent:agent:"+v.ID+":touching", "activity.feed.title.touching", v.Name, "/agents/"+v.ID+"/feed.atom?touching=1", "/agents/"+v.ID+"?touching=1", v.Created, o, recs)
		return
	}
	s.writeFeed(w, r, "urn:meent:agent:"+v.ID, "activity.feed.title", v.Name, "/agents/"+v.ID+"/feed.atom", "/agents/"+v.ID, v.Created, o, recs)
}
