package wire

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/node"
	"github.com/meent/meent/payout"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// commit returns a full git object name made of one repeated byte.
func commit(b byte) string { return strings.Repeat(hex.EncodeToString([]byte{b}), 20) }

// TestValueCycle runs the value cycle end to end over HTTP, on a real node
// and store: a community with contributions and an import, a policy
// previewed and set, an income previewed and distributed with the
// previewed digest, explanations, balances, an identity claimed on the web
// form, payouts, share files, the ValueFlows export and the pages.
func TestValueCycle(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	ctx := t.Context()
	c := apitest.NewCommunity(t, e)
	const pw = "a long enough password"
	if _, err := e.Accounts.SignUp(ctx, node.SignUp{Username: "grace", Password: pw, Name: "Grace"}); err != nil {
		t.Fatal(err)
	}
	grace := apitest.MustAccount(t, e, "grace").Agent

	// Wind Atlas: Ada and Bob maintain it, one approval accepts.
	atlas := e.Act(c.Ada, commons.TypeCreate, commons.CreateData{
		Name: "Wind Atlas", Kind: "software", Approvals: 1, Maintainers: []string{c.Ada.ID, c.Bob.ID},
	})
	survey := e.Act(c.Cy, commons.TypeSubmit, commons.SubmitData{
		Commons: atlas, Kind: "work_time", Title: "Site survey", Quantities: commons.Quantities{Minutes: 600},
	})
	e.Act(c.Ada, commons.TypeReview, commons.ReviewData{Contribution: survey, Verdict: commons.VerdictAccept})
	manual := e.Act(c.Dee, commons.TypeSubmit, commons.SubmitData{
		Commons: atlas, Kind: "documentation", Title: "User manual", Quantities: commons.Quantities{Minutes: 120},
	})
	e.Act(c.Bob, commons.TypeReview, commons.ReviewData{Contribution: manual, Verdict: commons.VerdictAccept})
	e.Act(c.Ada, commons.TypeImport, commons.ImportData{Commons: atlas, Source: "https://git.example/atlas", Commits: []commons.ImportedCommit{
		{Commit: commit(0xb2), Identity: "git:dee@example.org", Name: "Dee", Time: 1_700_000_000_000, Subject: "Parser", LinesAdded: 100},
		{Commit: commit(0xa1), Identity: "git:dee@example.org", Name: "Dee D.", Time: 1_700_000_100_000, Subject: "Tests", LinesAdded: 50, LinesRemoved: 5},
		{Commit: commit(0xc3), Identity: "git:carol@example.org", Name: "Carol", Time: 1_700_000_200_000, Subject: "Typo", LinesAdded: 30},
	}})

	t.Run("imports", func(t *testing.T) {
		im, err := e.Client.Imports(ctx, atlas)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{commit(0xa1), commit(0xb2), commit(0xc3)}; !slices.Equal(im.Commits, want) {
			t.Errorf("commits %v, want %v", im.Commits, want)
		}
		want := []api.IdentityInfo{
			{Identity: "git:carol@example.org", Name: "Carol", Commits: 1, LinesAdded: 30},
			{Identity: "git:dee@example.org", Name: "Dee D.", Commits: 2, LinesAdded: 150, LinesRemoved: 5},
		}
		if !reflect.DeepEqual(im.Identities, want) {
			t.Errorf("identities %+v, want %+v", im.Identities, want)
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+strings.Repeat("0", 64)+"/imports"), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/commons/nope/imports"), 400, meent.EINVALID)
	})

	t.Run("default policy", func(t *testing.T) {
		p, err := e.Client.Policy(ctx, atlas)
		if err != nil {
			t.Fatal(err)
		}
		def, _ := value.DefaultPolicy().Encode()
		if p.Version != 0 || p.Commons != atlas || !bytes.Equal(p.Policy, def) || len(p.History) != 0 || p.Author != "" {
			t.Errorf("policy %+v", p)
		}
	})

	// Half to the contributors by minutes and added lines, half to the
	// infrastructure; balances under 2.00 wait for a later payout.
	policy := []byte(`{"format":1,"version":1,"name":"lines and minutes","default":"minutes + lines_added",
		"split":{"contributors":"1/2","infrastructure":"1/2"},"min_payout":200}`)

	t.Run("policy preview", func(t *testing.T) {
		bad := []byte(`{"format":1,"default":"minutes +","split":{"contributors":"1/1"}}`)
		p := apitest.WantProblem(t, e.Do("POST", "/api/v1/commons/"+atlas+"/policy/preview", bad, "Content-Type", "application/json"), 400, meent.EINVALID)
		if !strings.Contains(p.Detail, "default:1:10:") {
			t.Errorf("no position in %q", p.Detail)
		}
		_, err := e.Client.PreviewPolicy(ctx, atlas, []byte(`{"format":1,"default":"hours","split":{"contributors":"1/1"}}`), commons.Money{})
		if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(meent.ErrorMessage(err), "default:1:1: undeclared reference to 'hours'") {
			t.Errorf("undeclared variable: %v", err)
		}
		apitest.WantProblem(t, e.Do("POST", "/api/v1/commons/"+atlas+"/policy/preview", policy), 400, meent.EINVALID) // no Content-Type
		apitest.WantProblem(t, e.Do("POST", "/api/v1/commons/"+atlas+"/policy/preview?currency=eur", policy, "Content-Type", "application/json"), 400, meent.EINVALID)

		pv, err := e.Client.PreviewPolicy(ctx, atlas, policy, commons.Money{})
		if err != nil {
			t.Fatal(err)
		}
		if pv.Current != 0 || pv.Income != (commons.Money{Amount: 100000, Currency: "EUR"}) {
			t.Errorf("preview %+v", pv)
		}
		got := map[string]value.Change{}
		for _, ch := range pv.Changes {
			got[ch.Kind+":"+ch.Recipient] = ch
		}
		if ch := got["pool:infrastructure"]; ch.Before.Share != "20.000000%" || ch.After.Share != "50.000000%" || ch.After.Amount != 50000 {
			t.Errorf("infrastructure %+v", ch)
		}
		// Cy: 600 of the 900 points, so a third of the income.
		if ch := got["agent:"+c.Cy.ID]; ch.After.Share != "33.333333%" || ch.After.Amount != 33333 {
			t.Errorf("Cy %+v", ch)
		}
		if _, ok := got["identity:git:carol@example.org"]; !ok {
			t.Errorf("the unclaimed identity is missing: %+v", pv.Changes)
		}
		pv, err = e.Client.PreviewPolicy(ctx, atlas, policy, commons.Money{Amount: 1001, Currency: "CHF"})
		if err != nil || pv.Income.Currency != "CHF" || pv.Income.Amount != 1001 || len(pv.Changes) != len(got) {
			t.Errorf("preview in CHF %+v, %v", pv, err)
		}
	})

	t.Run("set the policy", func(t *testing.T) {
		e.Act(c.Ada, value.TypePolicySet, value.PolicySetData{Commons: atlas, Policy: jsontext.Value(policy)})
		p, err := e.Client.Policy(ctx, atlas)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 1 || p.Author != c.Ada.ID || len(p.History) != 1 || p.History[0].Version != 1 || !strings.Contains(string(p.Policy), "lines and minutes") {
			t.Errorf("policy %+v", p)
		}
	})

	var income string
	t.Run("income", func(t *testing.T) {
		income = e.Act(c.Ada, value.TypeIncomeRecord, value.IncomeData{
			Commons: atlas, Kind: "donation", Amount: commons.Money{Amount: 1001, Currency: "EUR"}, Payer: c.Eve.ID, Reference: "Gift 7",
		})
		is, err := e.Client.Incomes(ctx, atlas)
		if err != nil || len(is) != 1 || is[0].ID != income {
			t.Fatalf("incomes %+v, %v", is, err)
		}
		i, err := e.Client.Income(ctx, income)
		if err != nil || i.Amount.Amount != 1001 || i.Payer != c.Eve.ID || i.Recorder != c.Ada.ID || i.Distributed != "" {
			t.Errorf("income %+v, %v", i, err)
		}
		apitest.WantProblem(t, e.Get("/api/v1/incomes/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
	})

	var dist string
	var preview value.Result
	t.Run("preview and run a distribution", func(t *testing.T) {
		asOf := time.Now().Add(-time.Second).UnixMilli()
		var err error
		preview, err = e.Client.PreviewDistribution(ctx, income, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if preview.AsOf != asOf || len(preview.Digest) != 64 {
			t.Fatalf("preview %+v", preview)
		}
		// The preview is deterministic.
		if again, _ := e.Client.PreviewDistribution(ctx, income, asOf); again.Digest != preview.Digest {
			t.Errorf("two previews differ: %s, %s", again.Digest, preview.Digest)
		}
		// A run expecting other inputs is refused.
		e.Refused(t, c.Ada.SignAt(t, value.TypeDistributionRun, value.RunData{Income: income, Digest: strings.Repeat("0", 64)}, time.UnixMilli(asOf)), 422, meent.ERULE)
		dist = e.Post(c.Ada.SignAt(t, value.TypeDistributionRun, value.RunData{Income: income, Digest: preview.Digest}, time.UnixMilli(asOf)))
		d, err := e.Client.Distribution(ctx, dist)
		if err != nil {
			t.Fatal(err)
		}
		if d.Result.Digest != preview.Digest || d.PolicyVersion != 1 || d.Income != income || !slices.Equal(d.Result.Allocations, preview.Allocations) {
			t.Errorf("the run recorded %+v, the preview said %+v", d.Result, preview)
		}
		var sum int64
		for _, a := range d.Result.Allocations {
			sum += a.Amount
		}
		if sum != 1001 {
			t.Errorf("allocations add up to %d", sum)
		}
		_, err = e.Client.PreviewDistribution(ctx, income, 0)
		if meent.ErrorCode(err) != meent.ECONFLICT {
			t.Errorf("preview of a distributed income: %v", err)
		}
		if i, _ := e.Client.Income(ctx, income); i.Distributed != dist {
			t.Errorf("income not marked distributed: %+v", i)
		}
	})

	t.Run("nothing to distribute", func(t *testing.T) {
		empty := e.Act(c.Bob, commons.TypeCreate, commons.CreateData{Name: "Empty", Kind: "other"})
		inc := e.Act(c.Bob, value.TypeIncomeRecord, value.IncomeData{Commons: empty, Kind: "sale", Amount: commons.Money{Amount: 500, Currency: "EUR"}})
		_, err := e.Client.PreviewDistribution(ctx, inc, 0)
		if meent.ErrorCode(err) != meent.ERULE || !strings.HasPrefix(meent.ErrorMessage(err), "distribution: ") {
			t.Errorf("preview without contributions: %v", err)
		}
		apitest.WantContains(t, e.Get("/incomes/"+inc), "It cannot be distributed now")
	})

	t.Run("explanations", func(t *testing.T) {
		ds, err := e.Client.Distributions(ctx, atlas)
		if err != nil || len(ds) != 1 || ds[0].ID != dist || len(ds[0].Result.Explanations) != 0 || len(ds[0].Result.Allocations) == 0 {
			t.Fatalf("distributions %+v, %v", ds, err)
		}
		var d value.Distribution
		r := e.Get("/api/v1/distributions/" + dist + "?recipient=" + c.Cy.ID)
		apitest.WantStatus(t, r, 200)
		r.JSON(t, &d)
		if len(d.Result.Explanations) != 1 {
			t.Fatalf("explanations for Cy: %+v", d.Result.Explanations)
		}
		x := d.Result.Explanations[0]
		if x.Recipient != c.Cy.ID || len(x.Contributions) != 1 || x.Contributions[0].ID != survey || x.Contributions[0].Points != 600 ||
			x.Share != "66.666666%" || x.Amount != preview.Amount(value.RecipientAgent, c.Cy.ID) {
			t.Errorf("Cy's explanation %+v", x)
		}
		full, _ := e.Client.Distribution(ctx, dist)
		if len(full.Result.Explanations) != 4 {
			t.Errorf("%d explanations, want Cy, Dee and the two unclaimed identities", len(full.Result.Explanations))
		}
	})

	t.Run("balances", func(t *testing.T) {
		bs, err := e.Client.Balances(ctx, atlas, "open")
		if err != nil {
			t.Fatal(err)
		}
		var open int64
		for _, b := range bs {
			open += b.Open()
		}
		if len(bs) != 5 || open != 1001 {
			t.Errorf("open balances %+v", bs)
		}
		if bs, _ := e.Client.Balances(ctx, atlas, "settled"); len(bs) != 0 {
			t.Errorf("settled %+v", bs)
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+atlas+"/balances?status=nope"), 400, meent.EINVALID)
		mine, err := e.Client.AgentBalances(ctx, c.Cy.ID)
		if err != nil || len(mine) != 1 || mine[0].Owed != preview.Amount(value.RecipientAgent, c.Cy.ID) || mine[0].Commons != atlas {
			t.Errorf("Cy's balances %+v, %v", mine, err)
		}
	})

	carol := preview.Amount(value.RecipientIdentity, "git:carol@example.org")
	t.Run("claim an identity on the web", func(t *testing.T) {
		r := e.Get("/commons/" + atlas + "/identities")
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "git:carol@example.org", "Dee D.", "not claimed yet", "Log in</a> to claim")
		cookie, csrf := e.Login("grace", pw)
		r = e.Get("/commons/"+atlas+"/identities", "Cookie", cookie)
		apitest.WantContains(t, r, `action="/commons/`+atlas+`/identities/claim"`, `value="git:carol@example.org"`, "This is me")
		path := "/commons/" + atlas + "/identities/claim"
		before := e.Size()
		apitest.WantStatus(t, e.Do("POST", path, apitest.Form("identity", "git:carol@example.org"), "Content-Type", apitest.FormType, "Cookie", cookie), 403)
		apitest.WantStatus(t, e.Do("POST", path, apitest.Form("identity", "git:carol@example.org", "csrf", csrf), "Content-Type", apitest.FormType), 401)
		if e.Size() != before {
			t.Fatal("a refused form wrote to the log")
		}
		r = e.Do("POST", path, apitest.Form("identity", "git:carol@example.org", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 303)
		if r.Header.Get("Location") != "/commons/"+atlas+"/identities" {
			t.Errorf("Location %q", r.Header.Get("Location"))
		}
		// The claim is pending: nothing is mapped, nothing moved.
		im, _ := e.Client.Imports(ctx, atlas)
		if id := im.Identities[0]; id.Agent != "" || len(id.Claims) != 1 || id.Claims[0].Agent != grace || id.Claims[0].Status != commons.ClaimPending {
			t.Errorf("after the claim %+v", id)
		}
		if mine, _ := e.Client.AgentBalances(ctx, grace); len(mine) != 0 {
			t.Errorf("a bare claim moved value: Grace's balances %+v", mine)
		}
		r = e.Get("/commons/"+atlas+"/identities", "Cookie", cookie)
		apitest.WantContains(t, r, "<strong>pending</strong>", "meent-claim: "+grace, "not mapped yet")
		if strings.Contains(string(r.Body), `value="confirm"`) {
			t.Error("a claimant who maintains nothing sees the confirm button")
		}
		// The claimant cannot confirm her own claim, nor finalize an unproven one.
		decide := "/commons/" + atlas + "/identities/decide"
		apitest.WantStatus(t, e.Do("POST", decide, apitest.Form("identity", "git:carol@example.org", "agent", grace, "action", "confirm", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie), 403)
		apitest.WantStatus(t, e.Do("POST", decide, apitest.Form("identity", "git:carol@example.org", "agent", grace, "action", "finalize", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie), 422)
		apitest.WantStatus(t, e.Do("POST", decide, apitest.Form("identity", "git:carol@example.org", "agent", grace, "action", "steal", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie), 400)

		// A maintainer confirms it from the page: now it moves.
		if _, err := e.Accounts.SignUp(ctx, node.SignUp{Username: "hana", Password: pw, Name: "Hana"}); err != nil {
			t.Fatal(err)
		}
		e.Act(c.Ada, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: atlas, Agent: apitest.MustAccount(t, e, "hana").Agent})
		hcookie, hcsrf := e.Login("hana", pw)
		r = e.Get("/commons/"+atlas+"/identities", "Cookie", hcookie)
		apitest.WantContains(t, r, `action="/commons/`+atlas+`/identities/decide"`, `value="confirm"`, `value="reject"`, `value="`+grace+`"`)
		r = e.Do("POST", decide, apitest.Form("identity", "git:carol@example.org", "agent", grace, "action", "confirm", "csrf", hcsrf), "Content-Type", apitest.FormType, "Cookie", hcookie)
		apitest.WantStatus(t, r, 303)
		im, _ = e.Client.Imports(ctx, atlas)
		if id := im.Identities[0]; id.Agent != grace || !id.Attested || id.Claims[0].Status != commons.ClaimConfirmed {
			t.Errorf("after the confirmation %+v", id)
		}
		// What was kept for the identity is now owed to Grace.
		mine, _ := e.Client.AgentBalances(ctx, grace)
		if len(mine) != 1 || mine[0].Open() != carol || len(mine[0].Moves) != 1 || mine[0].Moves[0].From != "git:carol@example.org" {
			t.Errorf("Grace's balances %+v", mine)
		}
		time.Sleep(2 * time.Millisecond) // a new event time, so not a replay of the first claim
		r = e.Do("POST", path, apitest.Form("identity", "git:carol@example.org", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 409)
		apitest.WantContains(t, r, "already yours", `role="alert"`)
		apitest.WantContains(t, e.Get("/commons/"+atlas+"/identities"), `<a href="/agents/`+grace+`">Grace</a>`, "attested", "<strong>confirmed</strong>")

		// Dee proves her claim with a commit naming her: proven at once,
		// open to objection for 14 days; a maintainer rejects it from the page.
		e.Act(c.Ada, commons.TypeImport, commons.ImportData{Commons: atlas, Commits: []commons.ImportedCommit{
			{Commit: commit(0xd4), Identity: "git:dee@example.org", Name: "Dee", Time: 1_700_000_300_000, Subject: "Claim", Claims: []string{c.Dee.ID}},
		}})
		e.Act(c.Dee, commons.TypeIdentityClaim, commons.IdentityData{Commons: atlas, Identity: "git:dee@example.org"})
		r = e.Get("/commons/"+atlas+"/identities", "Cookie", hcookie)
		apitest.WantContains(t, r, "<strong>proven</strong>", "proof: commit", "open to objection for 14 days", `value="contest"`)
		if strings.Contains(string(r.Body), `value="finalize"`) {
			t.Error("a finalize button inside the contest window")
		}
		apitest.WantStatus(t, e.Do("POST", decide, apitest.Form("identity", "git:dee@example.org", "agent", c.Dee.ID, "action", "reject", "csrf", hcsrf), "Content-Type", apitest.FormType, "Cookie", hcookie), 422)
		r = e.Do("POST", decide, apitest.Form("identity", "git:dee@example.org", "agent", c.Dee.ID, "action", "reject", "reason", "test", "csrf", hcsrf), "Content-Type", apitest.FormType, "Cookie", hcookie)
		apitest.WantStatus(t, r, 303)
		im, _ = e.Client.Imports(ctx, atlas)
		if id := im.Identities[1]; id.Agent != "" || len(id.Claims) != 1 || id.Claims[0].Status != commons.ClaimRejected || id.Claims[0].Objections[0].Reason != "test" {
			t.Errorf("after the rejection %+v", id)
		}
	})

	t.Run("payouts", func(t *testing.T) {
		po, err := e.Client.Payouts(ctx, atlas)
		if err != nil {
			t.Fatal(err)
		}
		if po.MinPayout != 200 || len(po.Pay) == 0 || len(po.Carried) == 0 {
			t.Fatalf("payouts %+v", po)
		}
		var total int64
		for _, l := range po.Pay {
			if l.Amount < 200 {
				t.Errorf("paying %+v under the minimum", l)
			}
			total += l.Amount
		}
		for _, l := range po.Carried {
			if l.Amount >= 200 {
				t.Errorf("carrying %+v over the minimum", l)
			}
			total += l.Amount
		}
		if total != 1001 {
			t.Errorf("payouts add up to %d", total)
		}
		i := slices.IndexFunc(po.Pay, func(l api.PayoutLine) bool { return l.Recipient == c.Cy.ID })
		if i < 0 || po.Pay[i].Name != "Cy" {
			t.Errorf("Cy is not paid by name: %+v", po.Pay)
		}

		r := e.Get("/api/v1/commons/" + atlas + "/payouts?format=csv")
		apitest.WantStatus(t, r, 200)
		if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(po.Pay)+1 || !slices.Equal(rows[0], payout.CSVHeader) {
			t.Fatalf("CSV %q", rows)
		}
		for _, row := range rows[1:] {
			if row[6] != "" || row[7] != "" {
				t.Errorf("account details in %q", row)
			}
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+atlas+"/payouts?format=xml"), 400, meent.EINVALID)

		// Paying the infrastructure settles its balance.
		e.Act(c.Ada, value.TypePayoutSettle, value.SettleData{Commons: atlas, Kind: value.RecipientPool, Recipient: value.PoolInfrastructure,
			Amount: commons.Money{Amount: preview.Amount(value.RecipientPool, value.PoolInfrastructure), Currency: "EUR"}, Reference: "SEPA 2025-01"})
		po, _ = e.Client.Payouts(ctx, atlas)
		if slices.ContainsFunc(po.Pay, func(l api.PayoutLine) bool { return l.Recipient == value.PoolInfrastructure }) {
			t.Errorf("a settled balance is still paid: %+v", po.Pay)
		}
		bs, _ := e.Client.Balances(ctx, atlas, "settled")
		if i := slices.IndexFunc(bs, func(b value.Balance) bool { return b.Recipient == value.PoolInfrastructure }); i < 0 || bs[i].Settlements[0].Reference != "SEPA 2025-01" {
			t.Errorf("settled %+v", bs)
		}
	})

	t.Run("share file", func(t *testing.T) {
		var buf bytes.Buffer
		if err := e.Client.Shares(ctx, dist, &buf); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&buf)
		var sum int64
		header, rows := false, 0
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") {
				continue
			}
			cells := strings.Split(line, "\t")
			if !header {
				header = true
				if cells[0] != "kind" {
					t.Fatalf("header %q", line)
				}
				continue
			}
			rows++
			n, err := strconv.ParseInt(cells[3], 10, 64)
			if err != nil {
				t.Fatalf("row %q: %v", line, err)
			}
			sum += n
			if cells[1] == c.Cy.ID && cells[2] != "Cy" {
				t.Errorf("Cy's row is not named: %q", line)
			}
		}
		if sum != 1001 || rows != 5 {
			t.Errorf("%d rows add up to %d, want 5 rows and 1001", rows, sum)
		}
		if r := e.Get("/api/v1/distributions/" + dist + "/shares"); r.Header.Get("Content-Type") != "text/tab-separated-values; charset=utf-8" {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
	})

	t.Run("valueflows", func(t *testing.T) {
		var buf bytes.Buffer
		if err := e.Client.ValueFlows(ctx, atlas, &buf); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Context map[string]any   `json:"@context"`
			Graph   []map[string]any `json:"@graph"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, buf.Bytes())
		}
		if doc.Context["vf"] == nil || len(doc.Graph) == 0 || !strings.Contains(buf.String(), e.HTTP.URL+"/commons/"+atlas) ||
			!strings.Contains(buf.String(), `"Cy"`) || strings.Contains(buf.String(), `/agents/"`) {
			t.Errorf("export %s", buf.Bytes())
		}
	})

	t.Run("pages", func(t *testing.T) {
		r := e.Get("/commons/" + atlas)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, `<h2 id="value">Value</h2>`, "version 1", "lines and minutes", "1/2", "minutes &#43; lines_added",
			"10.01 EUR", "/distributions/"+dist, "/incomes/"+income, "/commons/"+atlas+"/identities", "Open balances",
			`<a href="/agents/`+c.Cy.ID+`">Cy</a>`, "/commons/"+atlas+"/policy",
			"Ada imported 3 commits into Wind Atlas", "Ada distributed the income of 10.01 EUR in Wind Atlas",
			"Grace claimed the identity git:carol@example.org in Wind Atlas", "Ada recorded a donation of 10.01 EUR for Wind Atlas",
			"Ada recorded a payment of 5.00 EUR from Wind Atlas to the infrastructure pool")
		r = e.Get("/commons/" + atlas + "/policy")
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Value policy of", "version 1", "History", "&#34;min_payout&#34;: 200", `<a href="/agents/`+c.Ada.ID+`">Ada</a>`)
		apitest.WantContains(t, e.Get("/commons/"+c.Turbine+"/policy"), "default policy", "No version was ever set")

		r = e.Get("/distributions/" + dist)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Distribution of 10.01 EUR", `id="r-`+c.Cy.ID+`"`, `href="#r-`+c.Cy.ID+`"`, `id="r-git:carol@example.org"`,
			`href="#r-git%3acarol%40example.org"`, "Site survey", "User manual", "Parser", "100.0000%", "66.666666%", "600.00 points", preview.Digest, "version 1",
			`<a href="/agents/`+c.Cy.ID+`">Cy</a>`, "infrastructure")
		if !strings.Contains(string(r.Body), "+1 extra unit") {
			t.Error("no contributor got the unit left over")
		}
		r = e.Get("/incomes/" + income)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Income of 10.01 EUR", "donation", "Gift 7", `<a href="/agents/`+c.Eve.ID+`">Eve</a>`, "/distributions/"+dist, "Who got what")

		// An open income shows what distributing it now would give.
		open := e.Act(c.Ada, value.TypeIncomeRecord, value.IncomeData{Commons: atlas, Kind: "grant", Amount: commons.Money{Amount: 5000, Currency: "EUR"}})
		apitest.WantContains(t, e.Get("/incomes/"+open), "If it were distributed now", "50.00 EUR", `<a href="/agents/`+c.Cy.ID+`">Cy</a>`)

		r = e.Get("/agents/" + c.Cy.ID)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Owed by commons", "Wind Atlas", `/distributions/`+dist+`?recipient=`+c.Cy.ID+`#r-`+c.Cy.ID)
		apitest.WantContains(t, e.Get("/agents/"+grace), "was kept for <code>git:carol@example.org</code>", `/distributions/`+dist+`?recipient=git%3acarol%40example.org#r-git`)

		// One recipient's explanation on its own.
		r = e.Get("/distributions/" + dist + "?recipient=" + c.Cy.ID)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Only the explanation for", `id="r-`+c.Cy.ID+`"`, "Site survey")
		if strings.Contains(string(r.Body), `id="r-git:carol@example.org"`) {
			t.Error("another recipient's explanation is shown")
		}
		apitest.WantStatus(t, e.Get("/distributions/"+dist+"?recipient=nobody"), 404)

		for _, p := range []string{"/distributions/nope", "/distributions/" + strings.Repeat("0", 64), "/incomes/nope", "/commons/nope/policy", "/commons/nope/identities"} {
			apitest.WantStatus(t, e.Get(p), 404)
		}
		// No value the templates refused to put in a URL or attribute.
		for _, p := range []string{"/commons/" + atlas, "/commons/" + atlas + "/policy", "/commons/" + atlas + "/identities",
			"/distributions/" + dist, "/incomes/" + income, "/incomes/" + open, "/agents/" + c.Cy.ID, "/agents/" + grace} {
			if r := e.Get(p); strings.Contains(string(r.Body), "ZgotmplZ") {
				t.Errorf("%s has an unsafe value the template refused", p)
			}
		}
	})

	t.Run("projection matches a replay", func(t *testing.T) {
		var want [32]byte
		e.Node.State(func(st *state.State) { want = st.Digest() })
		sd := apitest.GetJSONAs[api.StateDigest](t, e, "/api/v1/state/digest")
		if sd.Digest != hex.EncodeToString(want[:]) {
			t.Errorf("store digest %s, rules digest %x", sd.Digest, want)
		}
	})

	t.Run("browser", func(t *testing.T) {
		dom := chromiumDOM(t, e.HTTP.URL+"/distributions/"+dist)
		for _, want := range []string{"Distribution of 10.01 EUR", `id="r-` + c.Cy.ID + `"`, "Site survey", "66.666666%"} {
			if !strings.Contains(dom, want) {
				t.Errorf("the browser's page lacks %q", want)
			}
		}
	})
}

// chromiumDOM renders a page in headless Chromium and returns its DOM, as
// cmd/meent's TestBrowser does. It skips where Chromium is not installed,
// unless MEENT_REQUIRE_BROWSER is set.
func chromiumDOM(t *testing.T, url string) string {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("MEENT_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium not installed, and MEENT_REQUIRE_BROWSER is set")
		}
		t.Skip("chromium not installed")
	}
	cmd := exec.CommandContext(t.Context(), chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %s: %v", url, err)
	}
	return string(out)
}
