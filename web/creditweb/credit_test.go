package creditweb

import (
	"net/url"
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/creditapi"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/web"
)

const pw = "a long enough password"

func TestCreditPages(t *testing.T) {
	e := apitest.New(t, apitest.Registers(creditapi.Register, web.Register, Register))
	c := apitest.NewCommunity(t, e)
	kim, cookie, csrf := e.SignUpAndLogin("kim", pw)
	e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: kim, Role: agent.RoleMember})
	e.Act(c.Ada, credit.TypeCurrencyCreate, credit.CurrencyData{Code: "MEE", Name: "Meent credit", Exponent: 2,
		Limits:    credit.Limits{Default: 10_000, Soft: 5_000},
		Demurrage: &credit.Demurrage{RatePPM: 20_000, Grace: 1_000, From: "2025-12", Dust: c.Turbine}})
	e.Act(c.Bob, credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: c.Bob.ID, To: kim, Amount: 1_250, Reference: "bread"})

	cur := e.Get("/credit/MEE")
	apitest.WantStatus(t, cur, 200)
	apitest.WantContains(t, cur, "Meent credit", "3 accounts.", "The sum of all balances is <strong>0.00 MEE</strong>", "loses 2.00%", "Open Turbine", "kim", "Bob")
	apitest.WantContains(t, e.Get("/credit/MEE?lang=nl"), "Alle saldi samen zijn", "Omloopheffing", "Rekeningen")

	own := e.Get("/credit/MEE/accounts/"+kim, "Cookie", cookie)
	apitest.WantContains(t, own, "Balance after demurrage", "12.50 MEE", "bread", `action="/credit/MEE/pay"`, "Pay someone")
	for _, path := range []string{"/credit/MEE/accounts/" + kim, "/credit/MEE/accounts/" + c.Bob.ID} {
		var who []string
		if path != "/credit/MEE/accounts/"+kim {
			who = []string{"Cookie", cookie}
		}
		if r := e.Get(path, who...); strings.Contains(string(r.Body), `action="/credit/MEE/pay"`) {
			t.Errorf("%s shows the transfer form to someone who may not pay from it", path)
		}
	}
	apitest.WantContains(t, e.Get("/credit/MEE/accounts/"+kim+"?lang=nl", "Cookie", cookie), "Saldo na omloopheffing", "Iemand betalen", "Afschrift")

	// The confirmation step signs nothing; a Dutch amount is read as Dutch.
	size := e.Size()
	q := url.Values{"to": {c.Bob.ID}, "amount": {"3,75"}, "reference": {"soup"}, "lang": {"nl"}}
	conf := e.Get("/credit/MEE/pay?"+q.Encode(), "Cookie", cookie)
	apitest.WantStatus(t, conf, 200)
	apitest.WantContains(t, conf, "Overboeking bevestigen", "Bob", "soup", `name="amount" value="3,75"`)
	if e.Size() != size {
		t.Fatal("the confirmation step wrote to the log")
	}
	q.Set("amount", "3.75") // Dutch grouping, wrongly placed: refused, not read as 375
	apitest.WantContains(t, e.Get("/credit/MEE/pay?"+q.Encode(), "Cookie", cookie), "Schrijf het bedrag")
	q.Set("amount", "500,00")
	apitest.WantContains(t, e.Get("/credit/MEE/pay?"+q.Encode(), "Cookie", cookie), "De regels zouden deze overboeking weigeren")

	r := e.Do("POST", "/credit/MEE/pay?lang=nl", apitest.Form("csrf", csrf, "to", c.Bob.ID, "amount", "3,75", "reference", "soup"),
		"Cookie", cookie, "Content-Type", apitest.FormType)
	apitest.WantStatus(t, r, 303)
	acc := apitest.GetJSONAs[struct{ Balance int64 }](t, e, "/api/v1/credit/currencies/MEE/accounts/"+kim)
	if acc.Balance != 1_250-375 {
		t.Fatalf("kim's balance %d after paying 3,75", acc.Balance)
	}
	bad := e.Do("POST", "/credit/MEE/pay", apitest.Form("csrf", "wrong", "to", c.Bob.ID, "amount", "1.00", "reference", "x"),
		"Cookie", cookie, "Content-Type", apitest.FormType)
	if bad.Status == 303 {
		t.Fatal("a form without its CSRF token paid")
	}
	apitest.WantContains(t, e.Get("/credit/MEE/accounts/"+kim, "Cookie", cookie), "soup")
}
