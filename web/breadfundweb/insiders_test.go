package breadfundweb

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/breadfundapi"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/private"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/commonsweb"
)

const pw = "a long enough password"

// insiderFund is a fund five months old: board Ada (a signer) and bea;
// members Cy, Dee (signers), mia and ole; Dee ill since four months ago
// with two months of gifts proposed and approved; this month's not yet.
// vic has an account and nothing to do with the fund.
type insiderFund struct {
	e                  *apitest.Env
	c                  *apitest.Community
	fund               string
	bea, mia, ole, vic string // agent IDs
	cookie, csrf       map[string]string
	deeClaim           string
}

func newInsiderFund(t *testing.T) *insiderFund {
	e := apitest.New(t, apitest.Registers(breadfundapi.Register, web.Register, commonsweb.Register, Register))
	c := apitest.NewCommunity(t, e)
	f := &insiderFund{e: e, c: c, cookie: map[string]string{}, csrf: map[string]string{}}
	ids := map[string]*string{"bea": &f.bea, "mia": &f.mia, "ole": &f.ole, "vic": &f.vic}
	for _, u := range []string{"bea", "mia", "ole", "vic"} {
		*ids[u], f.cookie[u], f.csrf[u] = e.SignUpAndLogin(u, pw)
	}
	now := time.Now().UTC()
	month := func(back int) time.Time {
		return time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, time.UTC).AddDate(0, -back, 0)
	}
	signed := func(s *apitest.Signer, at time.Time, typ string, data any) string {
		t.Helper()
		return e.Post(s.SignAt(t, typ, data, at))
	}
	account := func(who string, at time.Time, typ string, data any) {
		t.Helper()
		if _, err := e.Accounts.ActAt(t.Context(), who, typ, at.UnixMilli(), data); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	f.fund = signed(c.Ada, month(5), commons.TypeCreate, commons.CreateData{Name: "Broodfonds Test", Kind: "other", Approvals: 1, Maintainers: []string{c.Ada.ID, f.bea}})
	p := breadfund.Example()
	p.MinMembers = 4
	signed(c.Ada, month(5), breadfund.TypePolicySet, breadfund.PolicySetData{Commons: f.fund, Policy: p.Marshal()})
	signed(c.Cy, month(5), breadfund.TypeJoin, breadfund.JoinData{Commons: f.fund, Level: 2})
	signed(c.Dee, month(5), breadfund.TypeJoin, breadfund.JoinData{Commons: f.fund, Level: 2})
	account(f.mia, month(5), breadfund.TypeJoin, breadfund.JoinData{Commons: f.fund, Level: 2})
	account(f.ole, month(5), breadfund.TypeJoin, breadfund.JoinData{Commons: f.fund, Level: 2})
	for _, m := range []string{c.Cy.ID, c.Dee.ID, f.mia, f.ole} {
		signed(c.Ada, month(5), breadfund.TypeAdmit, breadfund.CandidateData{Commons: f.fund, Candidate: m})
	}
	l, _ := p.Level(2)
	for back := 5; back >= 0; back-- {
		per := month(back).Format("2006-01")
		at := month(back).Add(time.Hour)
		signed(c.Cy, at, breadfund.TypeDeposit, breadfund.DepositData{Commons: f.fund, Member: c.Cy.ID, Period: per, Amount: l.Deposit})
		signed(c.Dee, at, breadfund.TypeDeposit, breadfund.DepositData{Commons: f.fund, Member: c.Dee.ID, Period: per, Amount: l.Deposit})
		account(f.mia, at, breadfund.TypeDeposit, breadfund.DepositData{Commons: f.fund, Member: f.mia, Period: per, Amount: l.Deposit})
		account(f.ole, at, breadfund.TypeDeposit, breadfund.DepositData{Commons: f.fund, Member: f.ole, Period: per, Amount: l.Deposit})
		if back == 4 {
			f.deeClaim = signed(c.Dee, month(4).AddDate(0, 0, 4), breadfund.TypeSick, breadfund.SickData{Commons: f.fund, Member: c.Dee.ID,
				Start: month(4).AddDate(0, 0, 3).Format(time.DateOnly), Percent: 100})
		}
		if back == 2 || back == 1 {
			at := month(back).Add(2 * time.Hour)
			g := breadfund.GiftsData{Commons: f.fund, Period: per, Gifts: []breadfund.Gift{{Claim: f.deeClaim, Member: c.Dee.ID, Amount: l.Gift}}}
			signed(c.Ada, at, breadfund.TypeGifts, g)
			id := breadfund.GiftsID(f.fund, per)
			signed(c.Ada, at, breadfund.TypeApprove, breadfund.PayoutRef{Commons: f.fund, Payout: id})
			account(f.bea, at, breadfund.TypeApprove, breadfund.PayoutRef{Commons: f.fund, Payout: id})
		}
	}
	return f
}

func (f *insiderFund) get(who, path string) apitest.Response {
	if who == "" {
		return f.e.Get(path)
	}
	return f.e.Get(path, "Cookie", f.cookie[who])
}

func (f *insiderFund) post(who, path string, kv ...string) apitest.Response {
	return f.e.Do("POST", path, apitest.Form(append([]string{"csrf", f.csrf[who]}, kv...)...), "Cookie", f.cookie[who], "Content-Type", apitest.FormType)
}

// TestPots: a member's pot, its statement and chart, for the member and
// the board only.
func TestPots(t *testing.T) {
	f := newInsiderFund(t)
	base := "/breadfunds/" + f.fund
	for _, lang := range []string{"en", "nl"} {
		own := f.get("mia", base+"/pots/"+f.mia+"?lang="+lang)
		apitest.WantStatus(t, own, 200)
		want := map[string][]string{"en": {"board see this page.", "Your deposit", "gifts</td>", "Report that you are ill", `name="reason"`},
			"nl": {"Alleen jij en het bestuur", "Je inleg", "Jouw deel van de schenkingen", "Meld je ziek"}}[lang]
		apitest.WantContains(t, own, want...)
		if own.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("a pot page may be cached: %q", own.Header.Get("Cache-Control"))
		}
		// The board sees Dee's pot, with its chart and a statement that
		// adds up to the pot; Dee is ill, so no form.
		dee := f.get("bea", base+"/pots/"+f.c.Dee.ID+"?lang="+lang)
		apitest.WantStatus(t, dee, 200)
		apitest.WantContains(t, dee, `<svg`, map[string]string{"en": "because you are on the fund", "nl": "omdat je in het bestuur"}[lang])
		if strings.Contains(string(dee.Body), `name="reason"`) {
			t.Errorf("%s: the board sees a form to report Dee ill", lang)
		}
	}
	// Anyone else: no pot.
	apitest.WantStatus(t, f.get("ole", base+"/pots/"+f.mia), 403)
	apitest.WantStatus(t, f.get("vic", base+"/pots/"+f.mia), 403)
	apitest.WantStatus(t, f.get("", base+"/pots/"+f.mia), 401)
	// The public page links a member to their pot, and no one else.
	apitest.WantContains(t, f.get("mia", base), base+"/pots/"+f.mia, base+"/claims")
	pub := f.get("", base)
	if strings.Contains(string(pub.Body), "/pots/") || strings.Contains(string(pub.Body), base+"/claims") {
		t.Error("the public page links to a pot or the claims")
	}
}

// TestStatementAddsUp: the statement's last balance is the pot, and the
// gift shares are the payouts' debits.
func TestStatementAddsUp(t *testing.T) {
	f := newInsiderFund(t)
	m := breadfundapi.Model{Server: f.e.Server}
	for _, who := range []string{f.mia, f.ole, f.c.Cy.ID, f.c.Dee.ID} {
		mb, lines, err := m.Statement(t.Context(), f.fund, who)
		if err != nil {
			t.Fatal(err)
		}
		var dep, gave int64
		for _, l := range lines {
			switch l.Kind {
			case breadfundapi.LineDeposit:
				dep += l.Amount
			case breadfundapi.LineGift:
				gave -= l.Amount
			}
		}
		if len(lines) == 0 || lines[len(lines)-1].Balance != mb.Pot || dep != mb.Deposited || gave != mb.GaveGifts {
			t.Errorf("%s: statement ends at %v, deposits %d, gifts %d; pot %d, deposited %d, gave %d", who, lines, dep, gave, mb.Pot, mb.Deposited, mb.GaveGifts)
		}
	}
	if _, _, err := m.Statement(t.Context(), f.fund, f.vic); meent.ErrorCode(err) != meent.ENOTFOUND {
		t.Errorf("a statement for someone outside the fund: %v", err)
	}
}

// TestClaimsAndBoard: the claims page names the ill for members and
// board only; the board proposes and approves through a confirmation,
// and the approve link is gone once a member approved.
func TestClaimsAndBoard(t *testing.T) {
	f := newInsiderFund(t)
	base := "/breadfunds/" + f.fund
	for _, lang := range []string{"en", "nl"} {
		for _, who := range []string{"bea", "ole"} {
			r := f.get(who, base+"/claims?lang="+lang)
			apitest.WantStatus(t, r, 200)
			apitest.WantContains(t, r, ">Dee<", map[string]string{"en": "Running claims", "nl": "Lopende ziekmeldingen"}[lang])
			propose := strings.Contains(string(r.Body), base+"/board?action=gifts")
			if propose != (who == "bea") {
				t.Errorf("%s %s: the propose link shown %v", lang, who, propose)
			}
		}
	}
	// Neither a visitor, nor someone outside the fund, nor the public
	// page sees who is ill.
	for _, r := range []apitest.Response{f.get("vic", base+"/claims"), f.get("", base+"/claims"), f.get("", base), f.get("vic", base), f.get("", "/commons/"+f.fund)} {
		if strings.Contains(string(r.Body), ">Dee<") || strings.Contains(string(r.Body), f.c.Dee.ID) {
			t.Errorf("%s names Dee:\n%s", r.Header.Get("Content-Language"), r.Body)
		}
	}
	apitest.WantStatus(t, f.get("vic", base+"/claims"), 403)
	apitest.WantStatus(t, f.get("", base+"/claims"), 401)

	// A member is not the board: no confirmation, no signing.
	per := time.Now().UTC().Format("2006-01")
	apitest.WantStatus(t, f.get("ole", base+"/board?action=gifts&period="+per), 403)
	apitest.WantStatus(t, f.post("ole", base+"/board", "action", "gifts", "period", per), 403)

	conf := f.get("bea", base+"/board?action=gifts&period="+per+"&lang=nl")
	apitest.WantStatus(t, conf, 200)
	apitest.WantContains(t, conf, "dit verplaatst geld", "Dee", "Teken het voorstel", `name="csrf"`)
	apitest.WantStatus(t, f.post("bea", base+"/board", "action", "gifts", "period", "2000-01"), 422)
	bad := f.e.Do("POST", base+"/board", apitest.Form("csrf", "wrong", "action", "gifts", "period", per), "Cookie", f.cookie["bea"], "Content-Type", apitest.FormType)
	if bad.Status < 400 {
		t.Fatalf("a wrong CSRF token: %d", bad.Status)
	}
	r := f.post("bea", base+"/board", "action", "gifts", "period", per)
	apitest.WantStatus(t, r, 303)
	if !strings.HasPrefix(r.Header.Get("Location"), base+"/claims?done=") {
		t.Fatalf("after proposing: %q", r.Header.Get("Location"))
	}
	payout := breadfund.GiftsID(f.fund, per)
	approve := base + "/board?action=approve&amp;payout=" + strings.ToLower(url.QueryEscape(payout))
	apitest.WantContains(t, f.get("bea", base+"/claims"), approve, "No one has approved it yet.")
	if strings.Contains(string(f.get("ole", base+"/claims").Body), "action=approve") {
		t.Error("a member who is not on the board sees the approve link")
	}
	apitest.WantContains(t, f.get("bea", base+"/board?action=approve&payout="+url.QueryEscape(payout)), "Sign the approval")
	apitest.WantStatus(t, f.post("bea", base+"/board", "action", "approve", "payout", payout), 303)
	after := f.get("bea", base+"/claims")
	apitest.WantContains(t, after, "Approved by bea.")
	if strings.Contains(string(after.Body), "action=approve") {
		t.Error("bea approved and still sees the approve link")
	}
	apitest.WantStatus(t, f.get("bea", base+"/board?action=approve&payout="+url.QueryEscape(payout)), 409)
}

// TestReportSick: the reason goes to the private store behind a
// commitment, never onto the log; the board, the buddy and the member
// read it, no one else.
func TestReportSick(t *testing.T) {
	f := newInsiderFund(t)
	base := "/breadfunds/" + f.fund
	today := time.Now().UTC().Format(time.DateOnly)
	const reason = "migraine, since the accident"

	apitest.WantStatus(t, f.post("mia", base+"/sick", "start", "not a day", "percent", "100", "reason", reason), 400)
	refused := f.post("mia", base+"/sick", "start", today, "percent", "33", "reason", reason)
	apitest.WantStatus(t, refused, 422)
	apitest.WantContains(t, refused, `role="alert"`)

	r := f.post("mia", base+"/sick", "start", today, "percent", "100", "reason", reason)
	apitest.WantStatus(t, r, 303)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, base+"/pots/"+f.mia+"?reported=") {
		t.Fatalf("after reporting: %q", loc)
	}
	// The log holds the commitment, never the reason.
	recs, err := f.e.Store.Records(t.Context(), meent.EventFilter{Type: breadfund.TypeSick, Touches: f.mia})
	if err != nil || len(recs) != 1 {
		t.Fatalf("sick events of mia: %d, %v", len(recs), err)
	}
	if strings.Contains(string(recs[0].Data), "migraine") || !strings.Contains(string(recs[0].Data), "reason_commitment") {
		t.Fatalf("the event: %s", recs[0].Data)
	}
	claimID := ""
	for _, c := range (breadfundapi.Model{Server: f.e.Server}).Claims(f.fund, true) {
		if c.Member == f.mia {
			claimID = c.ID
		}
	}
	if claimID == "" {
		t.Fatal("no open claim for mia")
	}
	// The refused report's record was erased again: one live record, the
	// claim's.
	all, err := f.e.Store.(private.Store).PrivateRecords(t.Context(), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, rec := range all {
		if !rec.IsErased() {
			live++
		}
	}
	if len(all) != 2 || live != 1 {
		t.Errorf("private records: %d, %d live; want the refused report's erased and the claim's", len(all), live)
	}
	reasonPath := base + "/claims/" + claimID + "/reason"
	for _, lang := range []string{"en", "nl"} {
		for _, who := range []string{"bea", "mia"} {
			rr := f.get(who, reasonPath+"?lang="+lang)
			apitest.WantStatus(t, rr, 200)
			apitest.WantContains(t, rr, reason, map[string]string{"en": "Why mia is ill", "nl": "Waarom mia ziek is"}[lang])
			if rr.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("the reason may be cached: %q", rr.Header.Get("Cache-Control"))
			}
		}
	}
	for who, status := range map[string]int{"ole": 403, "vic": 403, "": 401} {
		rr := f.get(who, reasonPath)
		apitest.WantStatus(t, rr, status)
		if strings.Contains(string(rr.Body), "migraine") {
			t.Errorf("%q reads the reason", who)
		}
	}
	// The claims page links the reason for the board and mia, not ole.
	apitest.WantContains(t, f.get("bea", base+"/claims"), reasonPath)
	apitest.WantContains(t, f.get("mia", base+"/claims"), reasonPath)
	for _, who := range []string{"ole", "vic", ""} {
		for _, p := range []string{base, base + "/claims", "/commons/" + f.fund, "/log"} {
			if body := string(f.get(who, p).Body); strings.Contains(body, "migraine") || strings.Contains(body, reasonPath) {
				t.Errorf("%q sees the reason or its link on %s", who, p)
			}
		}
	}
	// mia is ill now: the form is gone from her pot, which says so.
	own := f.get("mia", base+"/pots/"+f.mia)
	apitest.WantContains(t, own, "Off sick since "+today)
	if strings.Contains(string(own.Body), `name="reason"`) {
		t.Error("the form to report ill is still there")
	}
}
