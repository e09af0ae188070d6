package credit_test

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/private"
)

// mee is the currency most tests use: limits of 100.00, soft at 50.00,
// growing by 10% of sales up to 300.00, 2% demurrage a month above 10.00,
// shared among the members, dust to the commons.
func mee(w *world) credit.CurrencyData {
	return credit.CurrencyData{Code: "MEE", Name: "Meent credit", Exponent: 2,
		Limits:    credit.Limits{Default: 10_000, Soft: 5_000, Commons: 1_000, GrowthPerMille: 100, GrowthCap: 30_000},
		Demurrage: &credit.Demurrage{RatePPM: 20_000, Grace: 1_000, From: "2025-12", Dust: w.ids["fablab"]}}
}

func market(t testing.TB) *world {
	w := newWorld(t, "ada", "ben", "cy")
	w.commons("fablab", "ben")
	w.must("admin", credit.TypeCurrencyCreate, mee(w))
	return w
}

func pay(w *world, from, to string, amount int64, ref string) credit.TransferData {
	return credit.TransferData{Currency: "MEE", From: w.ids[from], To: w.ids[to], Amount: amount, Reference: ref}
}

// TestRefused: bad input is refused with a clear error and nothing
// changes (the state digest is the same).
func TestRefused(t *testing.T) {
	w := market(t)
	w.must("ada", credit.TypeTransfer, pay(w, "ada", "ben", 9_000, "bread"))
	cases := []struct {
		name, who, typ string
		data           any
		code, msg      string
	}{
		{"beyond the hard limit", "ada", credit.TypeTransfer, pay(w, "ada", "ben", 1_001, "more bread"), meent.ERULE, "beyond its hard limit of -10000"},
		{"another currency", "ada", credit.TypeTransfer, credit.TransferData{Currency: "EUR", From: w.ids["ada"], To: w.ids["ben"], Amount: 1, Reference: "x"}, meent.ERULE, "no credit currency \"EUR\""},
		{"signed by someone other than the payer", "cy", credit.TypeTransfer, pay(w, "ada", "cy", 1, "x"), meent.EFORBIDDEN, "only the payer signs"},
		{"from a commons by a non-maintainer", "ada", credit.TypeTransfer, pay(w, "fablab", "ada", 1, "x"), meent.EFORBIDDEN, "only a maintainer of fablab"},
		{"a commons beyond its limit", "ben", credit.TypeTransfer, pay(w, "fablab", "ada", 1_001, "x"), meent.ERULE, "hard limit of -1000"},
		{"zero", "ben", credit.TypeTransfer, pay(w, "ben", "ada", 0, "x"), meent.ERULE, "an amount is 1"},
		{"negative", "ben", credit.TypeTransfer, pay(w, "ben", "ada", -5, "x"), meent.ERULE, "an amount is 1"},
		{"to oneself", "ben", credit.TypeTransfer, pay(w, "ben", "ben", 5, "x"), meent.ERULE, "not from one to itself"},
		{"to nobody", "ben", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: w.ids["ben"], To: strings.Repeat("a", 64), Amount: 5, Reference: "x"}, meent.ERULE, "no agent or commons"},
		{"no reference", "ben", credit.TypeTransfer, pay(w, "ben", "ada", 5, " "), meent.ERULE, "reference is required"},
		{"a reference on two lines", "ben", credit.TypeTransfer, pay(w, "ben", "ada", 5, "a\nb"), meent.ERULE, "control character"},
		{"a currency twice", "admin", credit.TypeCurrencyCreate, mee(w), meent.ECONFLICT, "exists already"},
		{"a currency by a member", "ada", credit.TypeCurrencyCreate, credit.CurrencyData{Code: "ADA", Name: "x", Limits: credit.Limits{}}, meent.EFORBIDDEN, "only a node admin"},
		{"a bad code", "admin", credit.TypeCurrencyCreate, credit.CurrencyData{Code: "mee", Name: "x"}, meent.ERULE, "currency code"},
		{"soft beyond hard", "admin", credit.TypeCurrencyCreate, credit.CurrencyData{Code: "SFT", Name: "x", Limits: credit.Limits{Default: 5, Soft: 6}}, meent.ERULE, "soft limit"},
		{"growth without a cap", "admin", credit.TypeCurrencyCreate, credit.CurrencyData{Code: "GRW", Name: "x", Limits: credit.Limits{Default: 5, GrowthPerMille: 10}}, meent.ERULE, "growth_cap"},
		{"a limit by a member", "ada", credit.TypeLimitSet, credit.LimitData{Currency: "MEE", Account: w.ids["ada"], Limit: 1 << 40}, meent.EFORBIDDEN, "only a node admin, or whom a decision names"},
		{"a decision that is no hash", "admin", credit.TypeLimitSet, credit.LimitData{Currency: "MEE", Account: w.ids["ada"], Limit: 5, Decision: "the meeting"}, meent.ERULE, "decision is named by its event's hash"},
		{"demurrage before the month ended", "ada", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2026-01", RatePPM: 20_000, Grace: 1_000}, meent.ERULE, "next period"},
		{"demurrage out of order", "ada", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-11", RatePPM: 20_000, Grace: 1_000}, meent.ERULE, "is 2025-12, not 2025-11"},
		{"demurrage at another rate", "ada", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 10_000, Grace: 1_000}, meent.ERULE, "is 20000 ppm"},
		{"demurrage by a stranger", "admin", credit.TypeDemurrage, credit.DemurrageData{Currency: "XXX", Period: "2025-12"}, meent.ERULE, "no credit currency"},
		{"a period that is no month", "ada", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-13", RatePPM: 20_000, Grace: 1_000}, meent.ERULE, "YYYY-MM"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, size := w.st.Digest(), w.st.Size
			_, err := w.do(c.who, c.typ, c.data)
			if meent.ErrorCode(err) != c.code || !strings.Contains(meent.ErrorMessage(err), c.msg) {
				t.Fatalf("got %v (%s), want %s with %q", err, meent.ErrorCode(err), c.code, c.msg)
			}
			if w.st.Digest() != before || w.st.Size != size {
				t.Fatal("refused, but the state changed")
			}
		})
	}
	t.Run("demurrage twice", func(t *testing.T) {
		w.after("2025-12")
		d := credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000}
		w.must("ada", credit.TypeDemurrage, d)
		before := w.st.Digest()
		if _, err := w.do("cy", credit.TypeDemurrage, d); meent.ErrorCode(err) != meent.ECONFLICT || !strings.Contains(err.Error(), "applied already") {
			t.Fatalf("demurrage twice: %v", err)
		}
		if w.st.Digest() != before {
			t.Fatal("refused, but the state changed")
		}
	})
}

// TestPersonalData: a transfer's reference and a currency's name are
// public free text; the node's screen refuses an IBAN or an e-mail address
// in them before the event reaches the rules, and says where it belongs.
func TestPersonalData(t *testing.T) {
	for _, c := range []struct{ typ, data string }{
		{credit.TypeTransfer, `{"currency":"MEE","from":"a","to":"b","amount":5,"reference":"rent NL91ABNA0417164300"}`},
		{credit.TypeTransfer, `{"currency":"MEE","from":"a","to":"b","amount":5,"reference":"mail ada@example.org"}`},
		{credit.TypeCurrencyCreate, `{"code":"MEE","name":"ask maya@example.org","limits":{"default":0}}`},
		{credit.TypeTransfer, `{"currency":"MEE","from":"a","to":"b","amount":5,"reference":"bel 06-12345678"}`},
		{credit.TypeTransfer, `{"currency":"MEE","from":"a","to":"b","amount":5,"reference":"call +31 6 1234 5678"}`},
	} {
		err := private.Screen(c.typ, []byte(c.data))
		if meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "personal data never goes into it") {
			t.Errorf("%s %s: %v", c.typ, c.data, err)
		}
	}
	if err := private.Screen(credit.TypeTransfer, []byte(`{"reference":"three loaves, week 49"}`)); err != nil {
		t.Errorf("a plain reference: %v", err)
	}
}

// decided is a stand-in for governance: it grants cy the setting of limits.
type decided struct{ who string }

func (g decided) Grants(agent string, a authority.Action, _ authority.Place) bool {
	return agent == g.who && a == authority.SetCreditLimit
}

// TestLimitByDecision: the hook governance uses. A Granter lets a
// non-admin set a limit, and such a limit names its decision.
func TestLimitByDecision(t *testing.T) {
	w := market(t)
	set := credit.LimitData{Currency: "MEE", Account: w.ids["ada"], Limit: 50_000}
	if _, err := w.do("cy", credit.TypeLimitSet, set); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Fatalf("before the decision: %v", err)
	}
	w.st.Authority().Grant(decided{w.ids["cy"]})
	if _, err := w.do("cy", credit.TypeLimitSet, set); meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "names the decision") {
		t.Fatalf("by a decision, without naming it: %v", err)
	}
	set.Decision = strings.Repeat("d", 64)
	w.must("cy", credit.TypeLimitSet, set)
	if a := w.st.Credit.Account("MEE", w.ids["ada"]); *a.Limit != 50_000 || a.Decision != set.Decision {
		t.Fatalf("account %+v", a)
	}
}

// TestLimits: the soft limit warns, sales grow the limit up to its cap,
// an admin's limit replaces the default, a non-member has none, and a
// limit of a member who leaves falls to 0.
func TestLimits(t *testing.T) {
	w := market(t)
	acc := func(n string) *credit.Account { return w.st.Credit.Account("MEE", w.ids[n]) }
	w.must("ada", credit.TypeTransfer, pay(w, "ada", "ben", 6_000, "beyond soft"))
	if acc("ada").Warnings != 1 || w.st.Credit.Currency("MEE").Warnings != 1 {
		t.Fatalf("no warning beyond the soft limit: %+v", acc("ada"))
	}
	// Ben sold 60.00: his limit is 100.00 + 6.00.
	a := credit.Area{State: w.st.Credit, Agents: w.st.Agents, Commons: w.st.Commons}
	if hard, soft := a.Limits(w.st.Authority(), acc("ben")); hard != 10_600 || soft != 5_000 {
		t.Fatalf("ben's limits %d, %d; want 10600, 5000", hard, soft)
	}
	w.must("ben", credit.TypeTransfer, pay(w, "ben", "cy", 16_600, "exactly to the grown limit"))
	if _, err := w.do("ben", credit.TypeTransfer, pay(w, "ben", "cy", 1, "one more")); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("beyond the grown limit: %v", err)
	}
	// The cap: cy sells 2,500.00; 10% is 250.00, but the cap is 300.00.
	w.must("admin", credit.TypeLimitSet, credit.LimitData{Currency: "MEE", Account: w.ids["ada"], Limit: 1_000_000})
	w.must("ada", credit.TypeTransfer, pay(w, "ada", "cy", 250_000, "a van"))
	if hard, _ := a.Limits(w.st.Authority(), acc("cy")); hard != 30_000 {
		t.Fatalf("cy's grown limit %d, want the cap 30000", hard)
	}
	// A non-member agent has no credit, but may spend what it earned.
	w.agent("visitor")
	if _, err := w.do("visitor", credit.TypeTransfer, pay(w, "visitor", "ada", 1, "x")); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("a non-member on credit: %v", err)
	}
	w.must("cy", credit.TypeTransfer, pay(w, "cy", "visitor", 500, "a tour"))
	w.must("visitor", credit.TypeTransfer, pay(w, "visitor", "ada", 500, "a coffee"))
	if sum(w.balances("MEE")) != 0 {
		t.Fatal("not zero-sum")
	}
}

// TestDemurrage: a worked example, the one in docs/solidarity.md.
func TestDemurrage(t *testing.T) {
	w := market(t)
	w.must("ada", credit.TypeTransfer, pay(w, "ada", "ben", 10_000, "a table"))
	w.must("cy", credit.TypeTransfer, pay(w, "cy", "ben", 2_345, "soup"))
	w.after("2025-12")
	w.must("ada", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000})
	p := w.st.Credit.Period("MEE", "2025-12")
	// Ben holds 123.45: (12345 - 1000) × 2% = 226.9 → 226 charged.
	// Shared among ada, ben, cy: 75 each, 1 of dust to the fablab.
	want := credit.Period{Charged: 1, Debits: 226, Share: 75, Shares: 3, Credits: 225, Dust: 1}
	if p.Charged != want.Charged || p.Debits != want.Debits || p.Share != want.Share || p.Shares != want.Shares || p.Credits != want.Credits || p.Dust != want.Dust {
		b, _ := json.Marshal(p)
		t.Fatalf("period %s", b)
	}
	got := w.balances("MEE")
	for n, v := range map[string]int64{"ada": -10_000 + 75, "ben": 12_345 - 226 + 75, "cy": -2_345 + 75, "fablab": 1} {
		if got["MEE/"+w.ids[n]] != v {
			t.Errorf("%s: %d, want %d", n, got["MEE/"+w.ids[n]], v)
		}
	}
	if sum(got) != 0 {
		t.Fatal("not zero-sum")
	}
	if due := w.st.Credit.Due(w.st.Credit.Account("MEE", w.ids["ben"])); due != credit.Charge(12_345-226+75, 1_000, 20_000) {
		t.Fatalf("due %d", due)
	}
}

func TestCharge(t *testing.T) {
	for _, c := range []struct{ bal, grace, ppm, want int64 }{
		{0, 0, 20_000, 0},
		{-500, 0, 20_000, 0},
		{1_000, 1_000, 20_000, 0},
		{1_049, 0, 20_000, 20}, // 20.98 → 20
		{100, 0, 10_000, 1},    // exactly 1
		{99, 0, 10_000, 0},     // 0.99 → 0
		{credit.MaxBalance, 0, 999_999, credit.MaxBalance / 1_000_000 * 999_999}, // no overflow
	} {
		if got := credit.Charge(c.bal, c.grace, c.ppm); got != c.want {
			t.Errorf("Charge(%d, %d, %d) = %d, want %d", c.bal, c.grace, c.ppm, got, c.want)
		}
	}
}

// TestFee: a fee another area charges goes through the same checks as a
// transfer, and moves the money exactly.
func TestFee(t *testing.T) {
	w := market(t)
	a := credit.Area{State: w.st.Credit, Agents: w.st.Agents, Commons: w.st.Commons}
	fee := credit.Payment{Currency: "MEE", From: w.ids["ada"], To: w.ids["fablab"], Amount: 10_001, Reference: "drill, one day"}
	if _, err := a.CanPay(w.st.Authority(), w.ids["ada"], fee); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("beyond the hard limit: %v", err)
	}
	if _, err := a.CanPay(w.st.Authority(), w.ids["cy"], fee); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Fatalf("signed by another: %v", err)
	}
	fee.Amount = 1_200
	if _, err := a.CanPay(w.st.Authority(), w.ids["ada"], fee); err != nil {
		t.Fatal(err)
	}
	a.Handle(w.st.Size, fee)
	if got := w.balances("MEE"); got["MEE/"+w.ids["ada"]] != -1_200 || got["MEE/"+w.ids["fablab"]] != 1_200 || sum(got) != 0 {
		t.Fatalf("balances %v", got)
	}
	if (credit.Payment{}).EffectName() != credit.EffectPayment {
		t.Fatal("effect name")
	}
}

// TestCurrencyUpdate: new rules apply from the update on; what was
// applied stays as it was, and each period keeps the rate it charged.
func TestCurrencyUpdate(t *testing.T) {
	w := market(t)
	w.must("ada", credit.TypeTransfer, pay(w, "ada", "ben", 10_000, "a table"))
	w.after("2025-12")
	w.must("cy", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000})
	d := mee(w)
	d.Limits.Default, d.Limits.Soft = 20_000, 1_000
	d.Demurrage.RatePPM, d.Demurrage.From = 10_000, "2025-12"
	if _, err := w.do("admin", credit.TypeCurrencyUpdate, d); meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "later month") {
		t.Fatalf("restarting at an applied month: %v", err)
	}
	d.Demurrage.From = "2026-01"
	w.must("admin", credit.TypeCurrencyUpdate, d)
	// Ada may now go to -200.00; beyond -10.00 it warns.
	w.must("ada", credit.TypeTransfer, pay(w, "ada", "ben", 9_000, "chairs"))
	if w.st.Credit.Account("MEE", w.ids["ada"]).Warnings != 2 { // one before, at the old soft limit
		t.Fatal("no warning beyond the new soft limit")
	}
	if _, err := w.do("ada", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2026-01", RatePPM: 20_000, Grace: 1_000}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("the old rate: %v", err)
	}
	w.after("2026-01")
	w.must("ada", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2026-01", RatePPM: 10_000, Grace: 1_000})
	ps := w.st.Credit.Periods("MEE")
	if len(ps) != 2 || ps[0].RatePPM != 20_000 || ps[1].RatePPM != 10_000 {
		t.Fatalf("periods %+v", ps)
	}
	e := d
	e.Exponent = 0
	if _, err := w.do("admin", credit.TypeCurrencyUpdate, e); meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "never changes") {
		t.Fatalf("a new exponent: %v", err)
	}
	if sum(w.balances("MEE")) != 0 {
		t.Fatal("not zero-sum")
	}
}
