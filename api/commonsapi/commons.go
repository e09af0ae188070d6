package commonsapi

import (
	"cmp"
	"context"
	"math"
	nethttp "net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/http"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
)

// NeedSorts are the orders a needs board can be sorted in (?sort=).
var NeedSorts = []string{api.SortSignals, api.SortPriority, api.SortPledges, api.SortAge, api.SortNewest}

// MoneyOf is the API's view of an amount, nil for none.
func MoneyOf(m *commons.Money) *api.Money {
	if m == nil {
		return nil
	}
	return &api.Money{Amount: m.Amount, Currency: m.Currency}
}

// CommonsOf is the API's view of a commons, naming its upstream and its
// forks.
func CommonsOf(o *http.Objects, c *commons.Commons) api.Commons {
	out := api.Commons{
		ID: c.ID, Name: c.Name, Description: c.Description, Kind: c.Kind, Links: http.NonNil(c.Links),
		Approvals: c.Approvals, ValuePolicy: c.ValuePolicy, LicensePolicy: c.LicensePolicy,
		Maintainers: http.NonNil(c.Maintainers), Creator: c.Creator, Created: c.Created, Updated: c.Updated,
		Forks: []api.CommonsRef{},
	}
	if c.ForkOf != "" {
		ref := api.CommonsRef{ID: c.ForkOf}
		if up, err := o.Commons(c.ForkOf); err == nil {
			ref.Name = up.Name
		}
		at := c.ForkedAt
		out.ForkOf, out.ForkedAt = &ref, &at
	}
	for _, id := range c.Forks {
		ref := api.CommonsRef{ID: id}
		if f, err := o.Commons(id); err == nil {
			ref.Name = f.Name
		}
		out.Forks = append(out.Forks, ref)
	}
	return out
}

// ContributionOf is the API's view of a contribution.
func ContributionOf(k *commons.Contribution) api.Contribution {
	out := api.Contribution{
		ID: k.ID, Commons: k.Commons, Contributor: k.Contributor, Kind: k.Kind, Title: k.Title,
		Description: k.Description, Evidence: []api.Evidence{}, Need: k.Need, Status: k.Status, Revision: k.Revision,
		Approvals: http.NonNil(k.Approvals), Rejecters: http.NonNil(k.Rejecters), Disputes: k.Disputes,
		Endorsements: http.NonNil(k.Endorsements), Submitted: k.Submitted, SubmittedAt: api.Timestamp(k.SubmittedAt), Updated: k.Updated,
		Quantities: api.Quantities{
			Minutes: k.Quantities.Minutes, LinesAdded: k.Quantities.LinesAdded, LinesRemoved: k.Quantities.LinesRemoved,
			Amount: MoneyOf(k.Quantities.Amount),
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

// NeedOf converts a need and computes its signals and claims as of now.
func NeedOf(n *commons.Need, now time.Time) api.Need {
	out := api.Need{
		ID: n.ID, Commons: n.Commons, Poster: n.Poster, Title: n.Title, Description: n.Description,
		Bounty: MoneyOf(n.Bounty), MaxClaimants: n.MaxClaimants, Status: n.Status,
		PlusOnes: len(n.PlusOnes), PlusOneAgents: http.NonNil(n.PlusOnes),
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

// BoardQuery is what a needs board is asked for.
type BoardQuery struct {
	Status  string // open, closed or all
	Sort    string
	Claimed string // "", "0" or "1"
	Limit   int
}

// ParseBoardQuery reads a needs board's ?status=, ?sort= and ?claimed=.
func ParseBoardQuery(r *nethttp.Request) (BoardQuery, error) {
	q := r.URL.Query()
	b := BoardQuery{Status: cmp.Or(q.Get("status"), commons.NeedOpen), Sort: cmp.Or(q.Get("sort"), api.SortSignals), Claimed: q.Get("claimed")}
	if !slices.Contains([]string{commons.NeedOpen, commons.NeedClosed, "all"}, b.Status) {
		return b, meent.Errorf(meent.EINVALID, "status must be open, closed or all")
	}
	if !slices.Contains(NeedSorts, b.Sort) {
		return b, meent.Errorf(meent.EINVALID, "sort must be one of %v", NeedSorts)
	}
	if !slices.Contains([]string{"", "0", "1"}, b.Claimed) {
		return b, meent.Errorf(meent.EINVALID, "claimed must be 0 or 1")
	}
	var err error
	b.Limit, err = http.QueryLimit(r)
	return b, err
}

// Board returns the needs of a commons, filtered and sorted. It considers
// the http.ScanLimit newest needs of the asked status.
func (s Model) Board(o *http.Objects, commonsID string, b BoardQuery) ([]api.Need, error) {
	f := meent.ObjectFilter{Kind: commons.KindNeed, Commons: commonsID, Status: b.Status, Limit: http.ScanLimit, Desc: true}
	if b.Status == "all" {
		f.Status = ""
	}
	ns, err := http.List[commons.Need](o, f)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]api.Need, 0, len(ns))
	for _, n := range ns {
		v := NeedOf(n, now)
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

func (s server) apiCommonsList(w nethttp.ResponseWriter, r *nethttp.Request) {
	kind := r.URL.Query().Get("kind")
	if kind != "" && !slices.Contains(commons.CommonsKinds, kind) {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "kind must be one of %v", commons.CommonsKinds))
		return
	}
	q, err := http.QueryPage(r, "commons")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	var keep func(*commons.Commons) bool
	if kind != "" {
		keep = func(c *commons.Commons) bool { return c.Kind == kind }
	}
	cs, next, err := http.PageObjects(o, meent.ObjectFilter{Kind: commons.KindCommons, Desc: true}, q, "commons", keep)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := api.CommonsList{Commons: make([]api.Commons, 0, len(cs)), Next: next}
	for _, c := range cs {
		out.Commons = append(out.Commons, CommonsOf(o, c))
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// CommonsList is one page of commons, newest first, optionally of one
// kind (filtered while paging, as in the API), and the cursor of the next.
func (s Model) CommonsList(r *nethttp.Request) ([]api.Commons, string, error) {
	kind := r.URL.Query().Get("kind")
	if kind != "" && !slices.Contains(commons.CommonsKinds, kind) {
		return nil, "", meent.Errorf(meent.EINVALID, "kind must be one of %v", commons.CommonsKinds)
	}
	q, err := http.QueryPage(r, "commons")
	if err != nil {
		return nil, "", err
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	var keep func(*commons.Commons) bool
	if kind != "" {
		keep = func(c *commons.Commons) bool { return c.Kind == kind }
	}
	cs, next, err := http.PageObjects(o, meent.ObjectFilter{Kind: commons.KindCommons, Desc: true}, q, "commons", keep)
	if err != nil {
		return nil, "", err
	}
	out := []api.Commons{}
	for _, c := range cs {
		out = append(out, CommonsOf(o, c))
	}
	return out, next, nil
}

func (s server) apiCommons(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "commons"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := o.Commons(id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, CommonsOf(o, c))
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
	limit, err = http.QueryLimit(r)
	return status, lineage, limit, err
}

func (s server) apiCommonsContributions(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "commons"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	status, withLineage, limit, err := contributionQuery(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := o.Commons(id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	q, err := http.QueryPage(r, "contributions")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	q.Limit = limit
	ks, next, err := s.LineagePage(o, c, status, withLineage, q)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, api.ContributionList{Contributions: ks, Next: next})
}

// LineagePage is one page of lineage: the commons' own contributions and
// the upstream ones it recognises, newest first (by submission index, then
// ID), after q's cursor. Each source is read from the cursor on with the
// store's keyset cursor, so a page costs a few queries however long the
// history; the first q.Limit of their merge are the page.
func (s Model) LineagePage(o *http.Objects, c *commons.Commons, status string, withUpstream bool, q http.PageQuery) ([]api.Contribution, string, error) {
	type source struct {
		id   string
		keep func(*commons.Contribution) bool
	}
	sources := []source{{id: c.ID}}
	if withUpstream && (status == "" || status == commons.Accepted) {
		ups, err := http.Ancestry(o, c)
		if err != nil {
			return nil, "", err
		}
		for _, up := range ups {
			before := up.Before
			sources = append(sources, source{id: up.Commons.ID, keep: func(k *commons.Contribution) bool { return k.Decided < before }})
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
		ks, next, err := http.PageObjects(o, meent.ObjectFilter{Kind: commons.KindContribution, Commons: src.id, Status: st, Desc: true}, q, "contributions", src.keep)
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
		v := ContributionOf(it.k)
		v.FromCommons = it.from
		out = append(out, v)
	}
	next := ""
	if more && len(all) > 0 {
		last := all[len(all)-1].k
		next = http.Cursor("contributions", strconv.FormatInt(last.Submitted, 10), last.ID)
	}
	return out, next, nil
}

func (s server) apiAgentContributions(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "agent"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	status, withLineage, limit, err := contributionQuery(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if withLineage {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "lineage applies to a commons' contributions"))
		return
	}
	if _, err := s.Node().Store().Agent(r.Context(), id); err != nil {
		s.WriteError(w, r, err)
		return
	}
	q, err := http.QueryPage(r, "agent-contributions")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	q.Limit = limit
	o := http.NewObjects(r.Context(), s.Node().Store())
	ks, next, err := http.PageObjects[commons.Contribution](o, meent.ObjectFilter{Kind: commons.KindContribution, Agent: id, Status: status, Desc: true}, q, "agent-contributions", nil)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := api.ContributionList{Contributions: make([]api.Contribution, 0, len(ks)), Next: next}
	for _, k := range ks {
		out.Contributions = append(out.Contributions, ContributionOf(k))
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// ContributionDetail returns a contribution with its full history, each
// step with the hash of its event.
func (s Model) ContributionDetail(ctx context.Context, o *http.Objects, id string) (api.Contribution, error) {
	if err := http.ParseID(id, "contribution"); err != nil {
		return api.Contribution{}, err
	}
	k, err := o.Contribution(id)
	if err != nil {
		return api.Contribution{}, err
	}
	out := ContributionOf(k)
	out.History = make([]api.Step, 0, len(k.History))
	for _, st := range k.History {
		step := api.Step{Index: st.Index, Time: api.Timestamp(st.Time), Agent: st.Agent, Action: st.Action, Reason: st.Reason}
		if rec, err := s.Node().Store().RecordByIndex(ctx, st.Index); err == nil {
			step.Event = ledger.Hash(rec.Hash).String()
		} else if meent.ErrorCode(err) != meent.ENOTFOUND {
			return api.Contribution{}, err
		}
		out.History = append(out.History, step)
	}
	return out, nil
}

func (s server) apiContribution(w nethttp.ResponseWriter, r *nethttp.Request) {
	out, err := s.ContributionDetail(r.Context(), http.NewObjects(r.Context(), s.Node().Store()), r.PathValue("id"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiNeeds(w nethttp.ResponseWriter, r *nethttp.Request) {
	b, err := ParseBoardQuery(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	id, o, err := s.CommonsOf(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	q, err := http.QueryPage(r, "needs")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	q.Limit = b.Limit
	ns, next, err := s.BoardPage(o, id, b, q)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, api.NeedList{Sort: b.Sort, Needs: ns, Next: next})
}

// BoardPage is one page of a needs board. The board is sorted in memory
// over all the needs of the asked status; the cursor names the sort and
// the last need given, and the next page starts after that need. The
// orders by signals, priority and pledges change as members act, so a
// need that moved may show twice or not at all across pages; newest and
// age are fixed orders. A cursor whose need left the board is refused.
func (s Model) BoardPage(o *http.Objects, commonsID string, b BoardQuery, q http.PageQuery) ([]api.Need, string, error) {
	f := meent.ObjectFilter{Kind: commons.KindNeed, Commons: commonsID, Status: b.Status, Desc: true}
	if b.Status == "all" {
		f.Status = ""
	}
	now := s.Now()
	var out []api.Need
	// Every need of the status: a page of the board can be anywhere in it.
	if _, _, err := http.PageObjects(o, f, http.PageQuery{Limit: math.MaxInt}, "", func(n *commons.Need) bool {
		v := NeedOf(n, now)
		if !(b.Claimed == "1" && len(v.ActiveClaims) == 0 || b.Claimed == "0" && len(v.ActiveClaims) > 0) {
			out = append(out, v)
		}
		return false
	}); err != nil {
		return nil, "", err
	}
	sortNeeds(out, b.Sort)
	start := 0
	if q.After() != nil {
		if len(q.After()) != 2 || q.After()[0] != b.Sort {
			return nil, "", meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
		}
		i := slices.IndexFunc(out, func(n api.Need) bool { return n.ID == q.After()[1] })
		if i < 0 {
			return nil, "", meent.Errorf(meent.ECONFLICT, "the need the cursor names left the board; start again without it")
		}
		start = i + 1
	}
	end := min(start+q.Limit, len(out))
	next := ""
	if end < len(out) {
		next = http.Cursor("needs", b.Sort, out[end-1].ID)
	}
	return http.NonNil(out[start:end]), next, nil
}

func (s server) apiNeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "need"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	n, err := http.NewObjects(r.Context(), s.Node().Store()).Need(id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, NeedOf(n, s.Now()))
}

func (s server) apiCommonsActivity(w nethttp.ResponseWriter, r *nethttp.Request) {
	before, limit, err := http.ActivityQuery(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	id, o, err := s.CommonsOf(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	recs, next, err := s.CommonsActivity(o, id, before, limit)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, http.ActivityList(w, r, s.ActivityOf(o, http.NewNames(r.Context(), s.Node().Store()), s.LineLocale(w, r), recs), next))
}

// CommonsActivity returns the events of a commons, newest first, below
// before (0: from the end of the log): the events the store's event index
// records for it (state.State.Refs: its creation, updates, maintainer
// changes and forks, every event on its contributions and needs, its
// imports, identity claims, value and licensing events). A fork's creation
// is in both the fork's and the upstream's stream; events on upstream
// contributions stay in the upstream's stream, even those the fork
// recognises. A page is one range of the index: exact and as cheap at
// millions of events as at a hundred.
func (s Model) CommonsActivity(o *http.Objects, id string, before int64, limit int) ([]meent.Record, *int64, error) {
	return s.ActivityPage(o.Context(), meent.EventFilter{Commons: id, Before: before, Limit: limit, Desc: true})
}
