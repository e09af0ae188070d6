package sharingapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	nethttp "net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/http"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/state"
)

// MaxWindow is the longest span of time ?from=&to= may ask for.
const MaxWindow = 62 * sharing.Day

// FeedPast is how far back a calendar feed goes: bookings that ended
// longer ago are left out, so that a feed does not grow with the years.
// Cancelled bookings in that range stay, as cancelled.
const FeedPast = 180 * sharing.Day

func key(created int64, id string) string { return fmt.Sprintf("%012d/%s", created, id) }

func (s server) apiResources(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	q, err := http.QueryPage(r, "resources")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := api.ResourceList{Commons: id}
	s.Node().State(func(st *state.State) {
		if st.Sharing.Catalogue(id) == nil {
			err = meent.Errorf(meent.ENOTFOUND, "commons %s has no catalogue", id)
			return
		}
		out.TimeZone = st.Sharing.Catalogue(id).TimeZone
		var page []*sharing.Resource
		page, out.Next, err = http.PageSlice(st.Sharing.Resources(id), q, "resources", func(x *sharing.Resource) string { return key(x.Created, x.ID) })
		for _, x := range page {
			out.Resources = append(out.Resources, api.ResourceInfo{Resource: *x, TimeZone: out.TimeZone})
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Resources = http.NonNil(out.Resources)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiResource(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var out api.ResourceInfo
	var err error
	s.Node().State(func(st *state.State) {
		x := st.Sharing.Resource(id)
		if x == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no resource %s", id)
			return
		}
		out = api.ResourceInfo{Resource: *x, TimeZone: st.Sharing.Catalogue(x.Commons).TimeZone}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// apiResourceBookings lists a resource's bookings: all of them in log
// order, cancelled ones included, or with ?from=&to= (Unix ms, at most
// MaxWindow apart) the bookings that hold an item in that window, by item
// and start, read from the interval index: a week of a resource with
// 100,000 bookings is a few binary searches.
func (s server) apiResourceBookings(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	q, err := http.QueryPage(r, "bookings")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	from, err := http.QueryInt(r, "from", 0)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	to, err := http.QueryInt(r, "to", 0)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	window := r.URL.Query().Has("from") || r.URL.Query().Has("to")
	if window && (to <= from || to-from > MaxWindow) {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "from and to: a window of at most %d days, to after from", MaxWindow/sharing.Day))
		return
	}
	var out api.BookingList
	s.Node().State(func(st *state.State) {
		x := st.Sharing.Resource(id)
		if x == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no resource %s", id)
			return
		}
		var all []*sharing.Booking
		keyOf := func(b *sharing.Booking) string { return key(b.Created, b.ID) }
		if window {
			for item := 1; item <= len(x.Items); item++ {
				if sl := st.Sharing.Slots(id, item); sl != nil {
					sl.Between(from, to, func(bid string) bool {
						all = append(all, st.Sharing.Booking(bid))
						return true
					})
				}
			}
			keyOf = func(b *sharing.Booking) string { return fmt.Sprintf("%03d/%020d/%s", b.Item, b.Start, b.ID) }
		} else {
			for _, bid := range st.Sharing.ResourceBookings(id) {
				all = append(all, st.Sharing.Booking(bid))
			}
		}
		var page []*sharing.Booking
		page, out.Next, err = http.PageSlice(all, q, "bookings", keyOf)
		for _, b := range page {
			out.Bookings = append(out.Bookings, *b)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Bookings = http.NonNil(out.Bookings)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiBooking(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var out sharing.Booking
	var err error
	s.Node().State(func(st *state.State) {
		b := st.Sharing.Booking(id)
		if b == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no booking %s", id)
			return
		}
		out = *b
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiAgentBookings(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	q, err := http.QueryPage(r, "bookings")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var out api.BookingList
	s.Node().State(func(st *state.State) {
		if st.Agents.Agent(id) == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no agent %s", id)
			return
		}
		var all []*sharing.Booking
		for _, bid := range st.Sharing.AgentBookings(id) {
			all = append(all, st.Sharing.Booking(bid))
		}
		var page []*sharing.Booking
		page, out.Next, err = http.PageSlice(all, q, "bookings", func(b *sharing.Booking) string { return key(b.Created, b.ID) })
		for _, b := range page {
			out.Bookings = append(out.Bookings, *b)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Bookings = http.NonNil(out.Bookings)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// feed builds a calendar of bookings (IDs in log order), the newest
// MaxFeed that ended at most FeedPast ago.
func (s server) feed(r *nethttp.Request, st *state.State, name, zone string, ids []string, byResource bool) *sharing.Feed {
	const maxFeed = 2000
	f := &sharing.Feed{Name: name, TimeZone: zone, Host: hostOf(s.BaseURL(r))}
	since := s.Now().UnixMilli() - FeedPast
	for i := len(ids) - 1; i >= 0 && len(f.Events) < maxFeed; i-- {
		b := st.Sharing.Booking(ids[i])
		if b.End < since {
			continue
		}
		x := st.Sharing.Resource(b.Resource)
		e := sharing.FeedEvent{Booking: b, Location: x.Location}
		who := b.Agent
		if a := st.Agents.Agent(b.Agent); a != nil {
			who = a.Name
		}
		item := ""
		if len(x.Items) > 1 {
			item = " #" + strconv.Itoa(b.Item)
		}
		if byResource {
			e.Summary = who
		} else {
			e.Summary = x.Name + item
		}
		e.Detail = strings.TrimSpace(fmt.Sprintf("%s%s, booked by %s\n%s", x.Name, item, who, b.Note))
		f.Events = append(f.Events, e)
	}
	// Oldest first, as calendars list them.
	slices.Reverse(f.Events)
	return f
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return "meent"
}

func writeICS(w nethttp.ResponseWriter, f *sharing.Feed) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(f.ICS())
}

func (s server) apiResourceCalendar(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var f *sharing.Feed
	var err error
	s.Node().State(func(st *state.State) {
		x := st.Sharing.Resource(id)
		if x == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no resource %s", id)
			return
		}
		f = s.feed(r, st, x.Name, st.Sharing.Catalogue(x.Commons).TimeZone, st.Sharing.ResourceBookings(id), true)
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	writeICS(w, f)
}

// feeds is what the store keeps of calendar links (sqlstore, migration
// 0009).
type feeds interface {
	SetFeedToken(ctx context.Context, agent string, hash [32]byte, at int64) error
	DeleteFeedToken(ctx context.Context, agent string) error
	FeedTokenAgent(ctx context.Context, hash [32]byte) (string, error)
}

func (s server) feeds() (feeds, error) {
	f, ok := s.Node().Store().(feeds)
	if !ok {
		return nil, meent.Errorf(meent.EUNAVAILABLE, "this node keeps no calendar links")
	}
	return f, nil
}

// apiAgentCalendar serves an agent's feed to whoever holds its secret
// link. A wrong or revoked token is a 404, like an agent without a link:
// the answer says nothing about which.
func (s server) apiAgentCalendar(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	fs, err := s.feeds()
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	tok := r.URL.Query().Get("token")
	who, err := fs.FeedTokenAgent(r.Context(), sha256.Sum256([]byte(tok)))
	if tok == "" || meent.ErrorCode(err) == meent.ENOTFOUND || (err == nil && subtle.ConstantTimeCompare([]byte(who), []byte(id)) != 1) {
		s.WriteError(w, r, meent.Errorf(meent.ENOTFOUND, "no such calendar"))
		return
	}
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var f *sharing.Feed
	s.Node().State(func(st *state.State) {
		name := id
		if a := st.Agents.Agent(id); a != nil {
			name = a.Name
		}
		f = s.feed(r, st, name, "", st.Sharing.AgentBookings(id), false)
	})
	writeICS(w, f)
}

// self checks that the request acts for the agent of the path.
func (s server) self(r *nethttp.Request) (string, error) {
	me, err := s.Authenticate(r)
	if err != nil {
		return "", err
	}
	if me != r.PathValue("id") {
		return "", meent.Errorf(meent.EFORBIDDEN, "only the agent itself manages its calendar link")
	}
	return me, nil
}

// apiCalendarLinkMake makes a new secret link for the agent's feed,
// revoking the one before.
func (s server) apiCalendarLinkMake(w nethttp.ResponseWriter, r *nethttp.Request) {
	me, err := s.self(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	fs, err := s.feeds()
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var raw [32]byte
	rand.Read(raw[:])
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	if err := fs.SetFeedToken(r.Context(), me, sha256.Sum256([]byte(tok)), s.Now().UnixMilli()); err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusCreated, api.CalendarLink{
		URL: s.BaseURL(r) + "/api/v1/agents/" + me + "/calendar.ics?token=" + tok, Token: tok})
}

func (s server) apiCalendarLinkRevoke(w nethttp.ResponseWriter, r *nethttp.Request) {
	me, err := s.self(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	fs, err := s.feeds()
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if err := fs.DeleteFeedToken(r.Context(), me); err != nil {
		s.WriteError(w, r, err)
		return
	}
	w.WriteHeader(nethttp.StatusNoContent)
}
