package creditapi

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/credit"
)

// market is the community with a currency: Ada (admin) created MEE with
// limits of 100.00 (soft 50.00) and 2% demurrage above 10.00 a month,
// shared among members, dust to the turbine commons.
func market(t *testing.T) (*apitest.Env, *apitest.Community) {
	e := apitest.New(t, Register)
	c := apitest.NewCommunity(t, e)
	e.Act(c.Ada, credit.TypeCurrencyCreate, credit.CurrencyData{Code: "MEE", Name: "Meent credit", Exponent: 2,
		Limits:    credit.Limits{Default: 10_000, Soft: 5_000, Commons: 1_000},
		Demurrage: &credit.Demurrage{RatePPM: 20_000, Grace: 1_000, From: "2025-12", Dust: c.Turbine}})
	return e, c
}

func TestCreditAPI(t *testing.T) {
	e, c := market(t)
	pay := func(from, to string, amount int64, ref string) credit.TransferData {
		return credit.TransferData{Currency: "MEE", From: from, To: to, Amount: amount, Reference: ref}
	}
	e.Act(c.Cy, credit.TypeTransfer, pay(c.Cy.ID, c.Dee.ID, 6_000, "a bicycle"))
	e.Act(c.Dee, credit.TypeTransfer, pay(c.Dee.ID, c.Bob.ID, 1_000, "bread"))
	e.Act(c.Bob, credit.TypeTransfer, pay(c.Turbine, c.Dee.ID, 500, "=SUM(A1) sanding the blades"))

	t.Run("refused and nothing written", func(t *testing.T) {
		e.Refused(t, c.Cy.Sign(t, credit.TypeTransfer, pay(c.Cy.ID, c.Dee.ID, 4_001, "more")), 422, meent.ERULE)
		e.Refused(t, c.Cy.Sign(t, credit.TypeTransfer, pay(c.Dee.ID, c.Cy.ID, 1, "taken")), 403, meent.EFORBIDDEN)
		p := e.Refused(t, c.Cy.Sign(t, credit.TypeTransfer, pay(c.Cy.ID, c.Dee.ID, 1, "to NL91ABNA0417164300")), 422, meent.ERULE)
		if !strings.Contains(p.Detail, "IBAN") {
			t.Errorf("personal data: %s", p.Detail)
		}
	})

	t.Run("check", func(t *testing.T) {
		q := func(from, to, signer string, amount int64) api.CreditCheck {
			return apitest.GetJSONAs[api.CreditCheck](t, e, fmt.Sprintf("/api/v1/credit/currencies/MEE/check?from=%s&to=%s&signer=%s&amount=%d", from, to, signer, amount))
		}
		if r := q(c.Cy.ID, c.Dee.ID, "", 4_001); r.OK || r.Code != meent.ERULE || !strings.Contains(r.Message, "hard limit") {
			t.Errorf("beyond the hard limit: %+v", r)
		}
		if r := q(c.Dee.ID, c.Cy.ID, c.Cy.ID, 1); r.OK || r.Code != meent.EFORBIDDEN {
			t.Errorf("another signer: %+v", r)
		}
		if r := q(c.Ada.ID, c.Cy.ID, "", 5_001); !r.OK || r.Warning == "" {
			t.Errorf("beyond the soft limit: %+v", r)
		}
		if r := q(c.Ada.ID, c.Cy.ID, "", 5_000); !r.OK || r.Warning != "" {
			t.Errorf("within: %+v", r)
		}
	})

	// December's demurrage, signed after the month ended.
	// The second is signed a second later, so that it is a new event (not
	// the same bytes again, which the log refuses as a duplicate) for the
	// same period.
	signed := time.Now()
	e.Post(c.Dee.SignAt(t, credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000}, signed))
	e.Refused(t, c.Dee.SignAt(t, credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000}, signed.Add(time.Second)), 409, meent.ECONFLICT)

	cur := apitest.GetJSONAs[api.CreditCurrency](t, e, "/api/v1/credit/currencies/MEE")
	if cur.Sum != 0 || cur.Accounts != 4 || cur.Transfers != 3 || cur.Last != "2025-12" || cur.Next == nil || cur.Next.Period != "2026-01" {
		t.Fatalf("currency %+v", cur)
	}
	// Dee holds 55.00: (5500-1000)·2% = 90 charged, shared by 3 members
	// with accounts (cy, dee, bob): 30 each, no dust.
	per := apitest.GetJSONAs[api.CreditPeriods](t, e, "/api/v1/credit/currencies/MEE/periods")
	if len(per.Periods) != 1 || per.Periods[0].Debits != 90 || per.Periods[0].Share != 30 || per.Periods[0].Dust != 0 {
		t.Fatalf("periods %+v", per)
	}
	dee := apitest.GetJSONAs[api.CreditAccount](t, e, "/api/v1/credit/currencies/MEE/accounts/"+c.Dee.ID)
	if dee.Balance != 5_500-90+30 || dee.Due != credit.Charge(dee.Balance, 1_000, 20_000) || dee.AfterDue != dee.Balance-dee.Due || dee.HardLimit != 10_000 {
		t.Fatalf("dee %+v", dee)
	}

	t.Run("accounts page", func(t *testing.T) {
		var got []string
		next := ""
		for range 10 {
			p := apitest.GetJSONAs[api.CreditAccounts](t, e, "/api/v1/credit/currencies/MEE/accounts?limit=2&cursor="+next)
			for _, a := range p.Accounts {
				got = append(got, a.Holder)
			}
			if next = p.Next; next == "" {
				break
			}
		}
		if len(got) != 4 || got[0] != c.Turbine {
			t.Fatalf("accounts %v", got)
		}
	})

	// Walking the accounts a page at a time while new accounts open: each
	// is listed exactly once, the new ones at the end.
	t.Run("accounts page while opening", func(t *testing.T) {
		seen := map[string]int{}
		next, opened := "", 0
		for range 20 {
			p := apitest.GetJSONAs[api.CreditAccounts](t, e, "/api/v1/credit/currencies/MEE/accounts?limit=1&cursor="+next)
			for _, a := range p.Accounts {
				seen[a.Holder]++
			}
			if opened < 2 {
				s := e.CreateAgent(fmt.Sprintf("Newcomer %d", opened))
				e.Act(c.Ada, credit.TypeLimitSet, credit.LimitData{Currency: "MEE", Account: s.ID, Limit: 100})
				opened++
			}
			if next = p.Next; next == "" {
				break
			}
		}
		if len(seen) != 6 {
			t.Fatalf("%d accounts seen: %v", len(seen), seen)
		}
		for h, n := range seen {
			if n != 1 {
				t.Errorf("%s listed %d times", h, n)
			}
		}
	})

	t.Run("statement", func(t *testing.T) {
		r := e.Get("/api/v1/credit/currencies/MEE/accounts/" + c.Dee.ID + "/statement")
		apitest.WantStatus(t, r, 200)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("Content-Type %q", ct)
		}
		rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		kinds := []string{}
		for _, row := range rows[1:] {
			kinds = append(kinds, row[2])
		}
		if strings.Join(kinds, " ") != "transfer transfer transfer demurrage dividend" {
			t.Fatalf("kinds %v\n%s", kinds, r.Body)
		}
		last := rows[len(rows)-1]
		if b, _ := strconv.ParseInt(last[9], 10, 64); b != dee.Balance || last[6] != "54.40" {
			t.Fatalf("last line %v, balance %d", last, dee.Balance)
		}
		// The commons' statement: a reference that starts like a formula
		// is quoted for spreadsheets.
		r = e.Get("/api/v1/credit/currencies/MEE/accounts/" + c.Turbine + "/statement")
		apitest.WantStatus(t, r, 200)
		if !strings.Contains(string(r.Body), "'=SUM(A1) sanding the blades") || !strings.Contains(string(r.Body), "-5.00") {
			t.Fatalf("commons statement:\n%s", r.Body)
		}
	})

	t.Run("valueflows", func(t *testing.T) {
		r := e.Get("/api/v1/credit/currencies/MEE/valueflows")
		apitest.WantStatus(t, r, 200)
		for _, want := range []string{`"vf:note": "bread"`, "#charge:" + c.Dee.ID, "#share:" + c.Cy.ID, `"vf:hasNumericalValue": "0.90"`} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("no %s in\n%s", want, r.Body)
			}
		}
	})

	t.Run("not found", func(t *testing.T) {
		apitest.WantProblem(t, e.Get("/api/v1/credit/currencies/XXX"), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/credit/currencies/MEE/accounts/nobody"), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/credit/currencies/MEE/accounts/nobody/statement"), 404, meent.ENOTFOUND)
	})
	list := apitest.GetJSONAs[api.CreditCurrencies](t, e, "/api/v1/credit/currencies")
	if len(list.Currencies) != 1 || list.Currencies[0].Code != "MEE" {
		t.Fatalf("currencies %+v", list)
	}
}
