package commonsweb

import (
	"html/template"
	nethttp "net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
)

// The peer-production pages: commons, contributions with their history,
// and the needs board, with agents named. A logged-in person gets a few
// forms (contribute, post a need, +1, claim, release); each signs one
// event with the key the node holds for them and ends in node.Submit.

type commonsListPage struct {
	Commons []api.Commons
	Kind    string
	Kinds   []string
	Names   *http.Names
	Next    string // the cursor of the next page; "" on the last
}

func (s pages) pageCommonsList(w nethttp.ResponseWriter, r *nethttp.Request) {
	cs, next, err := s.commons.CommonsList(r)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	s.Render(w, r, nethttp.StatusOK, "commonslist", "Commons", commonsListPage{
		Commons: cs, Kind: r.URL.Query().Get("kind"), Kinds: commons.CommonsKinds, Names: http.NewNames(r.Context(), s.Node().Store()), Next: next,
	})
}

// contributeForm holds what a person typed, to show it again with an error.
type contributeForm struct {
	Title, Kind, Description, URL, Need string
	Error                               string
}

type needForm struct {
	Title, Description string
	Error              string
}

type commonsPage struct {
	Commons       api.Commons
	Contributions []api.Contribution // with those recognised from upstream
	Needs         []api.Need
	// NextContributions and NextNeeds are the cursors of the next page of
	// each list; "" on the last.
	NextContributions, NextNeeds string
	OpenNeeds                    []api.Need // for the contribute form
	Board                        commonsapi.BoardQuery
	Sorts                        []string
	Statuses                     []string
	Activity                     []api.Activity
	MoreActivity                 *int64
	Names                        *http.Names
	Kinds                        []string
	Contribute                   contributeForm
	Post                         needForm
	Feed                         string
	Parts                        []template.HTML // what other areas add (web.AddPart): value, licensing
}

// FeedURL names the page's Atom feed for the layout.
func (p commonsPage) FeedURL() string { return p.Feed }

func (s pages) pageCommons(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderCommons(w, r, nethttp.StatusOK, contributeForm{Kind: "code"}, needForm{})
}

func (s pages) renderCommons(w nethttp.ResponseWriter, r *nethttp.Request, status int, cf contributeForm, nf needForm) {
	id := r.PathValue("id")
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	b, err := commonsapi.ParseBoardQuery(r)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	b.Limit = 100
	data := commonsPage{
		Commons: commonsapi.CommonsOf(o, c), Board: b, Sorts: commonsapi.NeedSorts, Statuses: []string{commons.NeedOpen, commons.NeedClosed, "all"}, Names: http.NewNames(r.Context(), s.Node().Store()),
		Kinds: commons.ContributionKinds, Contribute: cf, Post: nf, Feed: "/commons/" + id + "/feed.atom",
	}
	// The contributions and the board page each with a cursor of their
	// own (?contributions=, ?needs=), as in the API.
	kq, err := http.CursorQuery(r.URL.Query().Get("contributions"), "contributions", 100)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if data.Contributions, data.NextContributions, err = s.commons.LineagePage(o, c, "", true, kq); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	nq, err := http.CursorQuery(r.URL.Query().Get("needs"), "needs", b.Limit)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if data.Needs, data.NextNeeds, err = s.commons.BoardPage(o, id, b, nq); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if data.OpenNeeds, err = s.commons.Board(o, id, commonsapi.BoardQuery{Status: commons.NeedOpen, Sort: api.SortNewest, Limit: 100}); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	recs, next, err := s.commons.CommonsActivity(o, id, 0, 20)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data.Activity, data.MoreActivity = s.ActivityOf(o, data.Names, s.PageLocale(r), recs), next
	if data.Parts, err = s.Parts("commons", r, o, id); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	s.Render(w, r, status, "commons", c.Name, data)
}

func (s pages) postContribute(w nethttp.ResponseWriter, r *nethttp.Request) {
	// The form is read by act (formSession); these reads come after.
	var f contributeForm
	read := func() (string, any) {
		f = contributeForm{
			Title: strings.TrimSpace(r.PostFormValue("title")), Kind: r.PostFormValue("kind"),
			Description: strings.TrimSpace(r.PostFormValue("description")), URL: strings.TrimSpace(r.PostFormValue("url")),
			Need: r.PostFormValue("need"),
		}
		d := commons.SubmitData{Commons: r.PathValue("id"), Kind: f.Kind, Title: f.Title, Description: f.Description, Need: f.Need}
		if f.URL != "" {
			d.Evidence = []commons.Evidence{{URL: f.URL}}
		}
		return commons.TypeSubmit, d
	}
	rc, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		f.Error = p.Detail
		s.renderCommons(w, r, p.Status, f, needForm{})
		return
	}
	nethttp.Redirect(w, r, "/contributions/"+rc.Hash.String(), nethttp.StatusSeeOther)
}

func (s pages) postNeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	var f needForm
	read := func() (string, any) {
		f = needForm{Title: strings.TrimSpace(r.PostFormValue("title")), Description: strings.TrimSpace(r.PostFormValue("description"))}
		return commons.TypeNeedPost, commons.NeedData{Commons: r.PathValue("id"), Title: f.Title, Description: f.Description}
	}
	rc, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		f.Error = p.Detail
		s.renderCommons(w, r, p.Status, contributeForm{Kind: "code"}, f)
		return
	}
	nethttp.Redirect(w, r, "/needs/"+rc.Hash.String(), nethttp.StatusSeeOther)
}

type contributionPage struct {
	Contribution api.Contribution
	Commons      *commons.Commons
	Need         *commons.Need
	Names        *http.Names
	// Review is the review form, for a maintainer of the commons who is
	// not the contributor, while the contribution is pending; nil for
	// everyone else.
	Review *reviewForm
	// Reviewed is the verdict the reader just gave (?reviewed=), shown
	// once after the redirect.
	Reviewed string
	// Refused is the rules' refusal of a review just posted, shown
	// whether or not the form is.
	Refused string
}

// reviewForm is the review form: the verdicts contribution.review takes,
// and what a person typed, to show again with the rules' refusal.
type reviewForm struct {
	Verdicts []string
	Verdict  string
	Reason   string
}

// verdicts are the verdicts of contribution.review, in the form's order.
var verdicts = []string{commons.VerdictAccept, commons.VerdictChanges, commons.VerdictReject}

func (s pages) pageContribution(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderContribution(w, r, nethttp.StatusOK, reviewForm{Verdict: commons.VerdictAccept}, "")
}

func (s pages) renderContribution(w nethttp.ResponseWriter, r *nethttp.Request, status int, rf reviewForm, refused string) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	k, err := s.commons.ContributionDetail(r.Context(), o, r.PathValue("id"))
	if meent.ErrorCode(err) == meent.EINVALID {
		err = meent.Errorf(meent.ENOTFOUND, "no contribution has that ID")
	}
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data := contributionPage{Contribution: k, Names: http.NewNames(r.Context(), s.Node().Store()), Refused: refused}
	if data.Commons, err = o.Commons(k.Commons); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if k.Need != "" {
		data.Need, _ = o.Need(k.Need)
	}
	sess := s.Session(r)
	if sess != nil && k.Status == commons.Pending && k.Contributor != sess.Agent && s.mayReview(data.Commons, sess.Agent) {
		// A verdict already given on this revision is not offered again.
		for _, v := range verdicts {
			if v != commons.VerdictAccept || !slices.Contains(k.Approvals, sess.Agent) {
				rf.Verdicts = append(rf.Verdicts, v)
			}
		}
		if !slices.Contains(rf.Verdicts, rf.Verdict) {
			rf.Verdict = rf.Verdicts[0]
		}
		data.Review = &rf
	}
	// ?reviewed= is said only when the reader's last step on the
	// contribution is that verdict: a link cannot make it up.
	if v := r.URL.Query().Get("reviewed"); sess != nil && slices.Contains(verdicts, v) {
		for i := len(k.History) - 1; i >= 0; i-- {
			if h := k.History[i]; h.Agent == sess.Agent {
				if h.Action == v {
					data.Reviewed = v
				}
				break
			}
		}
	}
	s.Render(w, r, status, "contribution", k.Title, data)
}

// mayReview reports whether the rules let an agent review a commons'
// contributions (its maintainers, by the node's authority).
func (s pages) mayReview(c *commons.Commons, agentID string) bool {
	ok := false
	s.Node().State(func(st *state.State) {
		ok = st.Authority().Allowed(agentID, authority.ReviewContribution, authority.In(c.ID, c.Name))
	})
	return ok
}

// postReview answers the review form: it signs a contribution.review with
// the verdict (and the reason, which rejecting and asking for changes
// need) and goes back to the contribution, which shows the verdict.
func (s pages) postReview(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var f reviewForm
	read := func() (string, any) {
		f = reviewForm{Verdict: r.PostFormValue("verdict"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
		return commons.TypeReview, commons.ReviewData{Contribution: id, Verdict: f.Verdict, Reason: f.Reason}
	}
	_, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		s.renderContribution(w, r, p.Status, f, p.Detail)
		return
	}
	nethttp.Redirect(w, r, "/contributions/"+id+"?reviewed="+f.Verdict+"#review", nethttp.StatusSeeOther)
}

type needPage struct {
	Need     api.Need
	Commons  *commons.Commons
	ClosedBy *commons.Contribution
	Names    *http.Names
	Mine     *api.ActiveClaim // the logged-in person's running claim
	PlusOned bool             // the logged-in person gave a +1
	Error    string
}

func (s pages) pageNeed(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderNeed(w, r, nethttp.StatusOK, "")
}

func (s pages) renderNeed(w nethttp.ResponseWriter, r *nethttp.Request, status int, errMsg string) {
	id := r.PathValue("id")
	o := http.NewObjects(r.Context(), s.Node().Store())
	if http.ParseID(id, "need") != nil {
		s.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no need has that ID"), 0)
		return
	}
	n, err := o.Need(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data := needPage{Need: commonsapi.NeedOf(n, s.Now()), Names: http.NewNames(r.Context(), s.Node().Store()), Error: errMsg}
	if data.Commons, err = o.Commons(n.Commons); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if n.ClosedBy != "" {
		data.ClosedBy, _ = o.Contribution(n.ClosedBy)
	}
	if sess := s.Session(r); sess != nil {
		for i, c := range data.Need.ActiveClaims {
			if c.Agent == sess.Agent {
				data.Mine = &data.Need.ActiveClaims[i]
			}
		}
		data.PlusOned = slices.Contains(n.PlusOnes, sess.Agent)
	}
	s.Render(w, r, status, "need", n.Title, data)
}

// postNeedAction answers the +1, claim and release forms of a need.
func (s pages) postNeedAction(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	action := path.Base(r.URL.Path)
	read := func() (string, any) {
		switch action {
		case "signal":
			d := commons.SignalData{Need: id, Kind: r.PostFormValue("kind")}
			if d.Kind == commons.SignalPriority {
				d.Priority, _ = strconv.Atoi(r.PostFormValue("priority"))
			}
			return commons.TypeNeedSignal, d
		case "claim":
			d := commons.ClaimData{Need: id}
			d.LeaseDays, _ = strconv.Atoi(r.PostFormValue("lease_days"))
			if r.PostFormValue("renew") == "1" {
				return commons.TypeNeedRenew, d
			}
			return commons.TypeNeedClaim, d
		}
		return commons.TypeNeedRelease, commons.RefData{Need: id}
	}
	_, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		s.renderNeed(w, r, p.Status, p.Detail)
		return
	}
	nethttp.Redirect(w, r, "/needs/"+id, nethttp.StatusSeeOther)
}
