package http

import (
	"cmp"
	"context"
	"math"
	nethttp "net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
)

// Peer production over the API: commons, contributions with their
// history, forks and their lineage, and the needs board. Writes are events
// like any other (POST /api/v1/events or /api/v1/actions); this file only
// reads. It reads the objects projection (meent.Store.Objects), which the
// sequencer keeps as the commons rules computed it, and adds what depends
// on the reader's clock (the time left on a claim) or on several objects
// (a fork's lineage).

// scanLimit bounds how many objects a listing that filters or sorts in
// memory reads from the store (the store's own maximum).
const scanLimit = 1000

// maxLineage bounds how far up a chain of forks lineage looks.
const maxLineage = 100

var needSorts = []string{api.SortSignals, api.SortPriority, api.SortPledges, api.SortAge, api.SortNewest}

// decodeObject decodes a stored object's document as the rules package
// wrote it.
func decodeObject[T any](o meent.Object) (*T, error) {
	v := new(T)
	if err := jsonv2.Unmarshal(o.Data, v); err != nil {
		return nil, &meent.Error{Code: meent.EINTERNAL, Message: "internal error", Err: err}
	}
	return v, nil
}

// parseID checks an object ID from a path: objects are named by the hash
// of the event that created them.
func parseID(id, what string) error {
	if _, err := ledger.ParseHash(id); err != nil {
		return meent.Errorf(meent.EINVALID, "a %s ID is 64 lowercase hex digits", what)
	}
	return nil
}

// objects reads stored domain objects for one request, each at most once.
type objects struct {
	ctx   context.Context
	store meent.Store
	cache map[[2]string]any // (kind, id) -> *T, or nil when missing
}

func newObjects(ctx context.Context, st meent.Store) *objects {
	return &objects{ctx: ctx, store: st, cache: map[[2]string]any{}}
}

func get[T any](o *objects, kind, id string) (*T, error) {
	k := [2]string{kind, id}
	if v, ok := o.cache[k]; ok {
		if v == nil {
			return nil, meent.Errorf(meent.ENOTFOUND, "no %s %s", kind, id)
		}
		return v.(*T), nil
	}
	obj, err := o.store.Object(o.ctx, kind, id)
	if meent.ErrorCode(err) == meent.ENOTFOUND {
		o.cache[k] = nil
		return nil, meent.Errorf(meent.ENOTFOUND, "no %s %s", kind, id)
	}
	if err != nil {
		return nil, err
	}
	v, err := decodeObject[T](obj)
	if err != nil {
		return nil, err
	}
	o.cache[k] = v
	return v, nil
}

func (o *objects) commons(id string) (*commons.Commons, error) {
	return get[commons.Commons](o, commons.KindCommons, id)
}

func (o *objects) contribution(id string) (*commons.Contribution, error) {
	return get[commons.Contribution](o, commons.KindContribution, id)
}

func (o *objects) need(id string) (*commons.Need, error) {
	return get[commons.Need](o, commons.KindNeed, id)
}

// put remembers an object read by a listing.
func (o *objects) put(kind, id string, v any) { o.cache[[2]string{kind, id}] = v }

// list reads objects of one kind and decodes them.
func list[T any](o *objects, f meent.ObjectFilter) ([]*T, error) {
	objs, err := o.store.Objects(o.ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(objs))
	for _, obj := range objs {
		v, err := decodeObject[T](obj)
		if err != nil {
			return nil, err
		}
		o.put(obj.Kind, obj.ID, v)
		out = append(out, v)
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func moneyOf(m *commons.Money) *api.Money {
	if m == nil {
		return nil
	}
	return &api.Money{Amount: m.Amount, Currency: m.Currency}
}

// commonsOf converts a commons, naming its upstream and its forks.
func (o *objects) commonsOf(c *commons.Commons) api.Commons {
	out := api.Commons{
		ID: c.ID, Name: c.Name, Description: c.Description, Kind: c.Kind, Links: nonNil(c.Links),
		Approvals: c.Approvals, ValuePolicy: c.ValuePolicy, LicensePolicy: c.LicensePolicy,
		Maintainers: nonNil(c.Maintainers), Creator: c.Creator, Created: c.Created, Updated: c.Updated,
		Forks: []api.CommonsRef{},
	}
	if c.ForkOf != "" {
		ref := api.CommonsRef{ID: c.ForkOf}
		if up, err := o.commons(c.ForkOf); err == nil {
			ref.Name = up.Name
		}
		at := c.ForkedAt
		out.ForkOf, out.ForkedAt = &ref, &at
	}
	for _, id := range c.Forks {
		ref := api.CommonsRef{ID: id}
		if f, err := o.commons(id); err == nil {
			ref.Name = f.Name
		}
		out.Forks = append(out.Forks, ref)
	}
	return out
}

func contributionOf(k *commons.Contribution) api.Contribution {
	out := api.Contribution{
		ID: k.ID, Commons: k.Commons, Contributor: k.Contributor, Kind: k.Kind, Title: k.Title,
		Description: k.Description, Evidence: []api.Evidence{}, Need: k.Need, Status: k.Status, Revision: k.Revision,
		Approvals: nonNil(k.Approvals), Rejecters: nonNil(k.Rejecters), Disputes: k.Disputes,
		Endorsements: nonNil(k.Endorsements), Submitted: k.Submitted, SubmittedAt: api.Timestamp(k.SubmittedAt), Updated: k.Updated,
		Quantities: api.Quantities{
			Minutes: k.Quantities.Minutes, LinesAdded: k.Quantities.LinesAdded, LinesRemoved: k.Quantities.LinesRemoved,
			Amount: moneyOf(k.Quantities.Amount),
		},
	}
	for _, e := range k.Evidence {
		out.Evidence = append(out.Evidence, api.Evidence{URL: e.URL, Blob: e.Blob, Commit: e.Commit, Note: e.Note})
	}
	if k.Decided > 0 {
		d := k.Decided
		out.Decided = &d
	}
	return out
}

// needOf converts a need and computes its signals and claims as of now.
func needOf(n *commons.Need, now time.Time) api.Need {
	out := api.Need{
		ID: n.ID, Commons: n.Commons, Poster: n.Poster, Title: n.Title, Description: n.Description,
		Bounty: moneyOf(n.Bounty), MaxClaimants: n.MaxClaimants, Status: n.Status,
		PlusOnes: len(n.PlusOnes), PlusOneAgents: nonNil(n.PlusOnes),
		Priorities: []api.Priority{}, Pledges: []api.Pledge{}, ActiveClaims: []api.ActiveClaim{},
		ClosedBy: n.ClosedBy, CloseReason: n.CloseReason,
		Created: n.Created, CreatedAt: api.Timestamp(n.CreatedAt), Updated: n.Updated,
	}
	sum := 0
	for _, p := range n.Priorities {
		out.Priorities = append(out.Priorities, api.Priority{Agent: p.Agent, Priority: p.Priority})
		sum += p.Priority
		out.PriorityMax = max(out.PriorityMax, p.Priority)
	}
	if len(n.Priorities) > 0 {
		out.Priority = math.Round(float64(sum)/float64(len(n.Priorities))*100) / 100
	}
	for _, p := range n.Pledges {
		out.Pledges = append(out.Pledges, api.Pledge{Agent: p.Agent, Amount: p.Amount, Currency: p.Currency})
	}
	if len(n.Pledges) > 0 {
		t := n.PledgeTotal()
		out.PledgeTotal = &api.Money{Amount: t.Amount, Currency: t.Currency}
	}
	ms := now.UnixMilli()
	if n.Status == commons.NeedOpen {
		for _, c := range n.ActiveClaims(ms) {
			out.ActiveClaims = append(out.ActiveClaims, api.ActiveClaim{
				Agent: c.Agent, Since: api.Timestamp(c.Since), Expires: api.Timestamp(c.Expires),
				TimeLeftSeconds: (c.Expires - ms + 999) / 1000,
			})
			if out.LeaseEnd == nil || api.Timestamp(c.Expires) > *out.LeaseEnd {
				end := api.Timestamp(c.Expires)
				out.LeaseEnd = &end
			}
		}
		out.FreeSlots = max(n.MaxClaimants-len(out.ActiveClaims), 0)
	}
	return out
}

// sortNeeds orders a board. Ties fall back to age, oldest first, then ID,
// so the order is total and stable across requests.
func sortNeeds(ns []api.Need, by string) {
	pledge := func(n api.Need) int64 {
		if n.PledgeTotal == nil {
			return 0
		}
		return n.PledgeTotal.Amount
	}
	slices.SortFunc(ns, func(a, b api.Need) int {
		var c int
		switch by {
		case api.SortSignals:
			c = cmp.Or(cmp.Compare(b.PlusOnes, a.PlusOnes), cmp.Compare(b.Priority, a.Priority), cmp.Compare(pledge(b), pledge(a)))
		case api.SortPriority:
			c = cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(b.PriorityMax, a.PriorityMax), cmp.Compare(b.PlusOnes, a.PlusOnes))
		case api.SortPledges:
			c = cmp.Or(cmp.Compare(pledge(b), pledge(a)), cmp.Compare(b.PlusOnes, a.PlusOnes))
		case api.SortNewest:
			return cmp.Or(cmp.Compare(b.Created, a.Created), cmp.Compare(a.ID, b.ID))
		}
		return cmp.Or(c, cmp.Compare(a.Created, b.Created), cmp.Compare(a.ID, b.ID))
	})
}

// boardQuery is what a needs board is asked for.
type boardQuery struct {
	Status  string // open, closed or all
	Sort    string
	Claimed string // "", "0" or "1"
	Limit   int
}

func parseBoardQuery(r *nethttp.Request) (boardQuery, error) {
	q := r.URL.Query()
	b := boardQuery{Status: cmp.Or(q.Get("status"), commons.NeedOpen), Sort: cmp.Or(q.Get("sort"), api.SortSignals), Claimed: q.Get("claimed")}
	if !slices.Contains([]string{commons.NeedOpen, commons.NeedClosed, "all"}, b.Status) {
		return b, meent.Errorf(meent.EINVALID, "status must be open, closed or all")
	}
	if !slices.Contains(needSorts, b.Sort) {
		return b, meent.Errorf(meent.EINVALID, "sort must be one of %v", needSorts)
	}
	if !slices.Contains([]string{"", "0", "1"}, b.Claimed) {
		return b, meent.Errorf(meent.EINVALID, "claimed must be 0 or 1")
	}
	var err error
	b.Limit, err = queryLimit(r)
	return b, err
}

// board returns the needs of a commons, filtered and sorted. It considers
// the scanLimit newest needs of the asked status.
func (s *Server) board(o *objects, commonsID string, b boardQuery) ([]api.Need, error) {
	f := meent.ObjectFilter{Kind: commons.KindNeed, Commons: commonsID, Status: b.Status, Limit: scanLimit, Desc: true}
	if b.Status == "all" {
		f.Status = ""
	}
	ns, err := list[commons.Need](o, f)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]api.Need, 0, len(ns))
	for _, n := range ns {
		v := needOf(n, now)
		if b.Claimed == "1" && len(v.ActiveClaims) == 0 || b.Claimed == "0" && len(v.ActiveClaims) > 0 {
			continue
		}
		out = append(out, v)
	}
	sortNeeds(out, b.Sort)
	if len(out) > b.Limit {
		out = out[:b.Limit]
	}
	return out, nil
}

// upstream is a commons in a fork's ancestry, and the log index before
// which its contributions count for the fork: the earliest fork point on
// the way from the fork to it.
type upstream struct {
	c      *commons.Commons
	before int64
}

// ancestry walks the fork chain above c, at most maxLineage deep; a
// missing upstream ends it.
func ancestry(o *objects, c *commons.Commons) ([]upstream, error) {
	var out []upstream
	limit := int64(-1)
	for cur, depth := c, 0; cur.ForkOf != "" && depth < maxLineage; depth++ {
		if limit < 0 || cur.ForkedAt < limit {
			limit = cur.ForkedAt
		}
		up, err := o.commons(cur.ForkOf)
		if meent.ErrorCode(err) == meent.ENOTFOUND {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, upstream{up, limit})
		cur = up
	}
	return out, nil
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) apiCommonsList(w nethttp.ResponseWriter, r *nethttp.Request) {
	kind := r.URL.Query().Get("kind")
	if kind != "" && !slices.Contains(commons.CommonsKinds, kind) {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "kind must be one of %v", commons.CommonsKinds))
		return
	}
	q, err := queryPage(r, "commons")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o := newObjects(r.Context(), s.node.Store())
	var keep func(*commons.Commons) bool
	if kind != "" {
		keep = func(c *commons.Commons) bool { return c.Kind == kind }
	}
	cs, next, err := pageObjects(o, meent.ObjectFilter{Kind: commons.KindCommons, Desc: true}, q, "commons", keep)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := api.CommonsList{Commons: make([]api.Commons, 0, len(cs)), Next: next}
	for _, c := range cs {
		out.Commons = append(out.Commons, o.commonsOf(c))
	}
	setNext(w, r, next)
	writeJSON(w, r, nethttp.StatusOK, out)
}

// commonsList is one page of commons, newest first, optionally of one
// kind (filtered while paging, as in the API), and the cursor of the next.
func (s *Server) commonsList(r *nethttp.Request) ([]api.Commons, string, error) {
	kind := r.URL.Query().Get("kind")
	if kind != "" && !slices.Contains(commons.CommonsKinds, kind) {
		return nil, "", meent.Errorf(meent.EINVALID, "kind must be one of %v", commons.CommonsKinds)
	}
	q, err := queryPage(r, "commons")
	if err != nil {
		return nil, "", err
	}
	o := newObjects(r.Context(), s.node.Store())
	var keep func(*commons.Commons) bool
	if kind != "" {
		keep = func(c *commons.Commons) bool { return c.Kind == kind }
	}
	cs, next, err := pageObjects(o, meent.ObjectFilter{Kind: commons.KindCommons, Desc: true}, q, "commons", keep)
	if err != nil {
		return nil, "", err
	}
	out := []api.Commons{}
	for _, c := range cs {
		out = append(out, o.commonsOf(c))
	}
	return out, next, nil
}

func (s *Server) apiCommons(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := parseID(id, "commons"); err != nil {
		s.writeError(w, r, err)
		return
	}
	o := newObjects(r.Context(), s.node.Store())
	c, err := o.commons(id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, o.commonsOf(c))
}

// contributionQuery reads ?status= and ?lineage=.
func contributionQuery(r *nethttp.Request) (status string, lineage bool, limit int, err error) {
	q := r.URL.Query()
	status = q.Get("status")
	if status != "" && !slices.Contains([]string{commons.Pending, commons.ChangesRequested, commons.Accepted, commons.Rejected, commons.Disputed}, status) {
		return "", false, 0, meent.Errorf(meent.EINVALID, "status must be pending, changes_requested, accepted, rejected or disputed")
	}
	switch q.Get("lineage") {
	case "", "0", "false":
	case "1", "true":
		lineage = true
	default:
		return "", false, 0, meent.Errorf(meent.EINVALID, "lineage must be 1 or 0")
	}
	limit, err = queryLimit(r)
	return status, lineage, limit, err
}

func (s *Server) apiCommonsContributions(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := parseID(id, "commons"); err != nil {
		s.writeError(w, r, err)
		return
	}
	status, withLineage, limit, err := contributionQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o := newObjects(r.Context(), s.node.Store())
	c, err := o.commons(id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q, err := queryPage(r, "contributions")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q.Limit = limit
	ks, next, err := s.lineagePage(o, c, status, withLineage, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	setNext(w, r, next)
	writeJSON(w, r, nethttp.StatusOK, api.ContributionList{Contributions: ks, Next: next})
}

// lineagePage is one page of lineage: the commons' own contributions and
// the upstream ones it recognises, newest first (by submission index, then
// ID), after q's cursor. Each source is read from the cursor on with the
// store's keyset cursor, so a page costs a few queries however long the
// history; the first q.Limit of their merge are the page.
func (s *Server) lineagePage(o *objects, c *commons.Commons, status string, withUpstream bool, q pageQuery) ([]api.Contribution, string, error) {
	type source struct {
		id   string
		keep func(*commons.Contribution) bool
	}
	sources := []source{{id: c.ID}}
	if withUpstream && (status == "" || status == commons.Accepted) {
		ups, err := ancestry(o, c)
		if err != nil {
			return nil, "", err
		}
		for _, up := range ups {
			before := up.before
			sources = append(sources, source{id: up.c.ID, keep: func(k *commons.Contribution) bool { return k.Decided < before }})
		}
	}
	type item struct {
		k    *commons.Contribution
		from string
	}
	var all []item
	more := false
	for i, src := range sources {
		st := status
		if i > 0 {
			st = commons.Accepted
		}
		ks, next, err := pageObjects(o, meent.ObjectFilter{Kind: commons.KindContribution, Commons: src.id, Status: st, Desc: true}, q, "contributions", src.keep)
		if err != nil {
			return nil, "", err
		}
		more = more || next != ""
		for _, k := range ks {
			from := ""
			if i > 0 {
				from = src.id
			}
			all = append(all, item{k, from})
		}
	}
	slices.SortFunc(all, func(a, b item) int {
		return cmp.Or(cmp.Compare(b.k.Submitted, a.k.Submitted), strings.Compare(b.k.ID, a.k.ID))
	})
	if len(all) > q.Limit {
		all, more = all[:q.Limit], true
	}
	out := make([]api.Contribution, 0, len(all))
	for _, it := range all {
		v := contributionOf(it.k)
		v.FromCommons = it.from
		out = append(out, v)
	}
	next := ""
	if more && len(all) > 0 {
		last := all[len(all)-1].k
		next = cursor("contributions", strconv.FormatInt(last.Submitted, 10), last.ID)
	}
	return out, next, nil
}

func (s *Server) apiAgentContributions(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := parseID(id, "agent"); err != nil {
		s.writeError(w, r, err)
		return
	}
	status, withLineage, limit, err := contributionQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if withLineage {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "lineage applies to a commons' contributions"))
		return
	}
	if _, err := s.node.Store().Agent(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	q, err := queryPage(r, "agent-contributions")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q.Limit = limit
	o := newObjects(r.Context(), s.node.Store())
	ks, next, err := pageObjects[commons.Contribution](o, meent.ObjectFilter{Kind: commons.KindContribution, Agent: id, Status: status, Desc: true}, q, "agent-contributions", nil)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := api.ContributionList{Contributions: make([]api.Contribution, 0, len(ks)), Next: next}
	for _, k := range ks {
		out.Contributions = append(out.Contributions, contributionOf(k))
	}
	setNext(w, r, next)
	writeJSON(w, r, nethttp.StatusOK, out)
}

// contributionDetail returns a contribution with its full history, each
// step with the hash of its event.
func (s *Server) contributionDetail(ctx context.Context, o *objects, id string) (api.Contribution, error) {
	if err := parseID(id, "contribution"); err != nil {
		return api.Contribution{}, err
	}
	k, err := o.contribution(id)
	if err != nil {
		return api.Contribution{}, err
	}
	out := contributionOf(k)
	out.History = make([]api.Step, 0, len(k.History))
	for _, st := range k.History {
		step := api.Step{Index: st.Index, Time: api.Timestamp(st.Time), Agent: st.Agent, Action: st.Action, Reason: st.Reason}
		if rec, err := s.node.Store().RecordByIndex(ctx, st.Index); err == nil {
			step.Event = ledger.Hash(rec.Hash).String()
		} else if meent.ErrorCode(err) != meent.ENOTFOUND {
			return api.Contribution{}, err
		}
		out.History = append(out.History, step)
	}
	return out, nil
}

func (s *Server) apiContribution(w nethttp.ResponseWriter, r *nethttp.Request) {
	out, err := s.contributionDetail(r.Context(), newObjects(r.Context(), s.node.Store()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, out)
}

// commonsOf reads the {id} of a request about one commons, checks that the
// commons exists, and returns the objects reader it was found with.
func (s *Server) commonsOf(r *nethttp.Request) (string, *objects, error) {
	id := r.PathValue("id")
	if err := parseID(id, "commons"); err != nil {
		return id, nil, err
	}
	o := newObjects(r.Context(), s.node.Store())
	_, err := o.commons(id)
	return id, o, err
}

func (s *Server) apiNeeds(w nethttp.ResponseWriter, r *nethttp.Request) {
	b, err := parseBoardQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id, o, err := s.commonsOf(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q, err := queryPage(r, "needs")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q.Limit = b.Limit
	ns, next, err := s.boardPage(o, id, b, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	setNext(w, r, next)
	writeJSON(w, r, nethttp.StatusOK, api.NeedList{Sort: b.Sort, Needs: ns, Next: next})
}

// boardPage is one page of a needs board. The board is sorted in memory
// over all the needs of the asked status; the cursor names the sort and
// the last need given, and the next page starts after that need. The
// orders by signals, priority and pledges change as members act, so a
// need that moved may show twice or not at all across pages; newest and
// age are fixed orders. A cursor whose need left the board is refused.
func (s *Server) boardPage(o *objects, commonsID string, b boardQuery, q pageQuery) ([]api.Need, string, error) {
	f := meent.ObjectFilter{Kind: commons.KindNeed, Commons: commonsID, Status: b.Status, Desc: true}
	if b.Status == "all" {
		f.Status = ""
	}
	now := s.now()
	var out []api.Need
	// Every need of the status: a page of the board can be anywhere in it.
	if _, _, err := pageObjects(o, f, pageQuery{Limit: math.MaxInt}, "", func(n *commons.Need) bool {
		v := needOf(n, now)
		if !(b.Claimed == "1" && len(v.ActiveClaims) == 0 || b.Claimed == "0" && len(v.ActiveClaims) > 0) {
			out = append(out, v)
		}
		return false
	}); err != nil {
		return nil, "", err
	}
	sortNeeds(out, b.Sort)
	start := 0
	if q.after != nil {
		if len(q.after) != 2 || q.after[0] != b.Sort {
			return nil, "", meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
		}
		i := slices.IndexFunc(out, func(n api.Need) bool { return n.ID == q.after[1] })
		if i < 0 {
			return nil, "", meent.Errorf(meent.ECONFLICT, "the need the cursor names left the board; start again without it")
		}
		start = i + 1
	}
	end := min(start+q.Limit, len(out))
	next := ""
	if end < len(out) {
		next = cursor("needs", b.Sort, out[end-1].ID)
	}
	return nonNil(out[start:end]), next, nil
}

func (s *Server) apiNeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := parseID(id, "need"); err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := newObjects(r.Context(), s.node.Store()).need(id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, needOf(n, s.now()))
}
