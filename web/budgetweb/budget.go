package budgetweb

import (
	"fmt"
	"html/template"
	nethttp "net/http"
	"strconv"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web/chart"
	"github.com/meent/meent/web/i18n"
)

// roundPage is a round as its page shows it.
type roundPage struct {
	Round       api.BudgetRound
	CommonsName string
	Names       *http.Names
	OpenEvent   string
	CloseEvent  string
	Buckets     []bucketRow // one page of them (?buckets=)
	NextBuckets string
	// What the reader may do now, and their allowance.
	Allowance  *api.BudgetAllowance
	MayPropose bool
	Error      string
	Form       proposeForm
}

// bucketRow is a bucket in the round's table, with what it holds and the
// event that decided its status.
type bucketRow struct {
	budget.Bucket
	Held         int64
	DecidedEvent string
	DecidedIndex int64
}

// proposeForm is what the "propose a bucket" form held, to show it again
// after a refusal.
type proposeForm struct {
	Title, Description, Min, Max string
}

func (s pages) pageRound(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderRound(w, r, nethttp.StatusOK, r.PathValue("id"), "", proposeForm{})
}

func (s pages) renderRound(w nethttp.ResponseWriter, r *nethttp.Request, status int, id, problem string, f proposeForm) {
	x, err := s.budget.Round(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, x.Commons)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data := &roundPage{Round: x, CommonsName: c.Name, Names: http.NewNames(r.Context(), s.Node().Store()),
		OpenEvent: s.EventHash(o, x.Index), Error: problem, Form: f}
	if x.Closed != nil {
		data.CloseEvent = s.EventHash(o, x.Closed.Index)
	}
	q, err := http.CursorQuery(r.URL.Query().Get("buckets"), "buckets", 50)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	bs, next, err := http.PageSlice(s.budget.Buckets(id), q, "buckets", func(b budget.Bucket) string { return ascKey(b.Index) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	for _, b := range bs {
		row := bucketRow{Bucket: b, Held: Held(b)}
		switch {
		case b.Cancelled != nil:
			row.DecidedIndex = b.Cancelled.Index
		case x.Closed != nil:
			row.DecidedIndex = x.Closed.Index
		}
		if row.DecidedIndex > 0 {
			row.DecidedEvent = s.EventHash(o, row.DecidedIndex)
		}
		data.Buckets = append(data.Buckets, row)
	}
	data.NextBuckets = next
	if sess := s.Session(r); sess != nil {
		now := s.Now().UnixMilli()
		data.MayPropose = s.budget.MayPropose(sess.Agent, id, now)
		if a := s.budget.Allowance(id, sess.Agent); a.Member && a.Whole > 0 && x.Status == "open" {
			data.Allowance = &a
		}
	}
	s.Render(w, r, status, "budgetround", x.Title, data)
}

// ascKey orders a list the rules hold oldest first by its log index.
func ascKey(n int64) string { return fmt.Sprintf("%019d", n) }

// Held is what a bucket holds or was given: its funded amount once the
// round closed, its standing allocations before.
func Held(b budget.Bucket) int64 {
	if b.Status == budget.BucketFunded {
		return b.Funded
	}
	return b.Allocated
}

// bucketChart draws each bucket of the page as one bar as long as its
// maximum: what it holds, what it still needs to reach its minimum, and
// the room left up to its maximum. The table under it holds the numbers.
func bucketChart(loc *i18n.Locale, p *roundPage) template.HTML {
	if len(p.Buckets) == 0 {
		return ""
	}
	cur := p.Round.Currency
	c := chart.Chart{ID: "buckets", Kind: chart.Stacked, TableID: "buckets-table",
		Title:       loc.T("budget.chart.title"),
		Desc:        loc.T("budget.chart.desc"),
		Format:      func(v int64) string { return loc.PageMoney(v, cur) },
		LabelHeader: loc.T("budget.bucket"),
		Series: []chart.Series{{Name: loc.T("budget.chart.held")}, {Name: loc.T("budget.chart.to_min")},
			{Name: loc.T("budget.chart.to_max")}}}
	for _, b := range p.Buckets {
		held := b.Held
		c.Labels = append(c.Labels, b.Title)
		c.Series[0].Values = append(c.Series[0].Values, held)
		c.Series[1].Values = append(c.Series[1].Values, max(0, b.Min-held))
		c.Series[2].Values = append(c.Series[2].Values, max(0, b.Max-max(held, b.Min)))
	}
	h, err := chart.Render(c)
	if err != nil {
		return "" // the table still has every number
	}
	return h
}

// postPropose answers the "propose a bucket" form: a budget.bucket.propose
// paying the proposer, then the new bucket's page.
func (s pages) postPropose(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	x, err := s.budget.Round(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if _, err := s.FormSession(w, r); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	f := proposeForm{Title: strings.TrimSpace(r.PostFormValue("title")), Description: strings.TrimSpace(r.PostFormValue("description")),
		Min: strings.TrimSpace(r.PostFormValue("min")), Max: strings.TrimSpace(r.PostFormValue("max"))}
	loc := s.Locale(r)
	lo, err1 := loc.ParseMoney(f.Min, x.Currency)
	hi, err2 := loc.ParseMoney(f.Max, x.Currency)
	if err1 != nil || err2 != nil || lo < 0 || hi < 0 {
		s.renderRound(w, r, nethttp.StatusBadRequest, id, loc.T("budget.bad_amount"), f)
		return
	}
	rc, p, ok := s.Act(w, r, func() (string, any) {
		return budget.TypeBucketPropose, budget.BucketData{Round: id, Title: f.Title, Description: f.Description,
			Min: commons.Money{Amount: lo, Currency: x.Currency}, Max: commons.Money{Amount: hi, Currency: x.Currency}}
	})
	if !ok {
		return
	}
	if p != nil {
		s.renderRound(w, r, p.Status, id, p.Detail, f)
		return
	}
	nethttp.Redirect(w, r, "/budget/buckets/"+rc.Hash.String(), nethttp.StatusSeeOther)
}

// bucketPage is a bucket as its page shows it.
type bucketPage struct {
	Bucket       budget.Bucket
	Round        api.BudgetRound
	CommonsName  string
	Names        *http.Names
	ProposeEvent string
	// DecidedEvent is the event that decided the bucket's status: its
	// cancellation, or the round's close.
	DecidedEvent string
	DecidedIndex int64
	Allocations  []allocRow // one page (?allocations=)
	NextAllocs   string
	Approvals    int
	Spendings    []spendRow
	NextSpends   string
	Allowance    *api.BudgetAllowance // the reader's, when they may allocate here now
	Error        string
	Amount       string
}

// allocRow is an allocation with its events and what the reader may do.
type allocRow struct {
	budget.Allocation
	Event       string
	UndoneEvent string
	MayWithdraw bool
}

// spendRow is a spending with its event.
type spendRow struct {
	budget.Spending
	Event string
}

func (s pages) pageBucket(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderBucket(w, r, nethttp.StatusOK, r.PathValue("id"), "", "")
}

func (s pages) renderBucket(w nethttp.ResponseWriter, r *nethttp.Request, status int, id, problem, amount string) {
	b, err := s.budget.Bucket(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	x, err := s.budget.Round(b.Round)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, b.Commons)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data := &bucketPage{Bucket: b, Round: x, CommonsName: c.Name, Names: http.NewNames(r.Context(), s.Node().Store()),
		ProposeEvent: s.EventHash(o, b.Index), Error: problem, Amount: amount}
	switch {
	case b.Cancelled != nil:
		data.DecidedIndex = b.Cancelled.Index
	case x.Closed != nil:
		data.DecidedIndex = x.Closed.Index
	}
	if data.DecidedIndex > 0 {
		data.DecidedEvent = s.EventHash(o, data.DecidedIndex)
	}
	sess := s.Session(r)
	now := s.Now().UnixMilli()
	q, err := http.CursorQuery(r.URL.Query().Get("allocations"), "allocations", 50)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	allocs, next, err := http.PageSlice(s.budget.Allocations(id), q, "allocations", func(a budget.Allocation) string { return ascKey(a.Index) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	for _, a := range allocs {
		row := allocRow{Allocation: a, Event: s.EventHash(o, a.Index)}
		if a.Undone != nil {
			row.UndoneEvent = s.EventHash(o, a.Undone.Index)
		}
		row.MayWithdraw = sess != nil && s.budget.MayWithdraw(sess.Agent, a.ID, now)
		data.Allocations = append(data.Allocations, row)
	}
	data.NextAllocs = next
	for _, a := range s.budget.Approvals(id) {
		if a.Approved {
			data.Approvals++
		}
	}
	q, err = http.CursorQuery(r.URL.Query().Get("spendings"), "spendings", 50)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	spends, next, err := http.PageSlice(s.budget.Spendings(id), q, "spendings", func(p budget.Spending) string { return ascKey(p.Index) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	for _, p := range spends {
		data.Spendings = append(data.Spendings, spendRow{Spending: p, Event: s.EventHash(o, p.Index)})
	}
	data.NextSpends = next
	if sess != nil && b.Status == budget.BucketOpen && x.Status == "open" && now >= x.Opens && now < x.Closes {
		if a := s.budget.Allowance(x.ID, sess.Agent); a.Member && a.Whole > 0 {
			data.Allowance = &a
		}
	}
	s.Render(w, r, status, "budgetbucket", b.Title, data)
}

// Room is what a bucket may still take before its maximum.
func (p *bucketPage) Room() int64 { return max(0, p.Bucket.Max-p.Bucket.Allocated) }

// Shares is the sum of the recipients' shares.
func (p *bucketPage) Shares() int64 {
	var n int64
	for _, rc := range p.Bucket.Recipients {
		n += rc.Share
	}
	return n
}

// PayableTo is what the close made payable to a recipient, 0 if nothing.
func (p *bucketPage) PayableTo(agentID string) int64 {
	for _, pm := range p.Bucket.Payable {
		if pm.Agent == agentID {
			return pm.Amount
		}
	}
	return 0
}

// confirmPage is the confirmation step of a form where money moves: an
// allocation from the reader's allowance, or one taken back.
type confirmPage struct {
	Withdraw   bool
	Bucket     budget.Bucket
	Allocation string // withdraw: which
	Amount     int64
	Currency   string
	Left       int64 // the reader's allowance left now
	After      int64 // and after this
	Refusal    string
}

// readAmount reads the amount of the allocate form: typed in the page's
// language (amount), or in minor units from the confirmation step (minor).
func (s pages) readAmount(r *nethttp.Request, get func(string) string, cur string) (int64, error) {
	if m := get("minor"); m != "" {
		n, err := strconv.ParseInt(m, 10, 64)
		if err != nil || n <= 0 {
			return 0, meent.Errorf(meent.EINVALID, "%s", s.Locale(r).T("budget.bad_amount"))
		}
		return n, nil
	}
	n, err := s.Locale(r).ParseMoney(strings.TrimSpace(get("amount")), cur)
	if err != nil || n <= 0 {
		return 0, meent.Errorf(meent.EINVALID, "%s", s.Locale(r).T("budget.bad_amount"))
	}
	return n, nil
}

// pageAllocate is the allocation's confirmation step: what it would give,
// what the reader's allowance keeps, checked now, with the button that
// signs it.
func (s pages) pageAllocate(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	sess := s.Session(r)
	if sess == nil {
		s.Error(w, r, meent.Errorf(meent.EUNAUTHORIZED, "log in to allocate"), 0)
		return
	}
	b, err := s.budget.Bucket(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	n, err := s.readAmount(r, r.URL.Query().Get, b.Currency)
	if err != nil {
		s.renderBucket(w, r, nethttp.StatusBadRequest, id, http.ProblemOf(err).Detail, r.URL.Query().Get("amount"))
		return
	}
	a := s.budget.Allowance(b.Round, sess.Agent)
	data := confirmPage{Bucket: b, Amount: n, Currency: b.Currency, Left: a.Left, After: a.Left - n}
	loc := s.Locale(r)
	switch {
	case !a.Member || a.Whole == 0:
		data.Refusal = loc.T("budget.confirm.not_member")
	case n > a.Left:
		data.Refusal = loc.T("budget.confirm.too_much", "left", loc.PageMoney(a.Left, b.Currency))
	case b.Allocated+n > b.Max:
		data.Refusal = loc.T("budget.confirm.over_max", "room", loc.PageMoney(max(0, b.Max-b.Allocated), b.Currency))
	}
	s.Render(w, r, nethttp.StatusOK, "budgetconfirm", loc.T("budget.confirm.allocate_title"), data)
}

// postAllocate signs the allocation the reader confirmed, then goes back
// to the bucket.
func (s pages) postAllocate(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	b, err := s.budget.Bucket(id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if _, err := s.FormSession(w, r); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	n, err := s.readAmount(r, r.PostFormValue, b.Currency)
	if err != nil {
		s.renderBucket(w, r, nethttp.StatusBadRequest, id, http.ProblemOf(err).Detail, "")
		return
	}
	s.act(w, r, id, func() (string, any) {
		return budget.TypeAllocate, budget.AllocateData{Bucket: id, Amount: commons.Money{Amount: n, Currency: b.Currency}}
	})
}

// pageWithdraw is the withdrawal's confirmation step.
func (s pages) pageWithdraw(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess := s.Session(r)
	if sess == nil {
		s.Error(w, r, meent.Errorf(meent.EUNAUTHORIZED, "log in to withdraw"), 0)
		return
	}
	a, err := s.budget.Allocation(r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	b, err := s.budget.Bucket(a.Bucket)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	al := s.budget.Allowance(a.Round, sess.Agent)
	data := confirmPage{Withdraw: true, Bucket: b, Allocation: a.ID, Amount: a.Amount, Currency: a.Currency, Left: al.Left, After: al.Left + a.Amount}
	loc := s.Locale(r)
	if !s.budget.MayWithdraw(sess.Agent, a.ID, s.Now().UnixMilli()) {
		data.Refusal = loc.T("budget.confirm.no_withdraw")
	}
	s.Render(w, r, nethttp.StatusOK, "budgetconfirm", loc.T("budget.confirm.withdraw_title"), data)
}

// postWithdraw signs the withdrawal the reader confirmed, then goes back
// to the bucket.
func (s pages) postWithdraw(w nethttp.ResponseWriter, r *nethttp.Request) {
	a, err := s.budget.Allocation(r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	s.act(w, r, a.Bucket, func() (string, any) { return budget.TypeWithdraw, budget.WithdrawData{Allocation: a.ID} })
}

// act signs what read gives and goes back to the bucket, which shows a
// refusal in place.
func (s pages) act(w nethttp.ResponseWriter, r *nethttp.Request, bucket string, read func() (string, any)) {
	_, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		s.renderBucket(w, r, p.Status, bucket, p.Detail, "")
		return
	}
	nethttp.Redirect(w, r, "/budget/buckets/"+bucket+"#allocations", nethttp.StatusSeeOther)
}
