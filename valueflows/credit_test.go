package valueflows_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
	"github.com/meent/meent/valueflows"
)

// TestCreditJSONLD exports a small market with a demurrage period and
// checks that the document is the ledger: for every agent, what it
// received minus what it provided is its balance, every transfer is
// there with its reference, and the bytes do not depend on the input's
// order.
func TestCreditJSONLD(t *testing.T) {
	st := state.New()
	ids := map[string]string{}
	var tm int64 = 1_767_225_600_000
	var log []*ledger.Event
	do := func(who, author, typ string, data any) string {
		t.Helper()
		seed := sha256.Sum256([]byte(who))
		tm += 1000
		entry, err := ledger.Sign(ed25519.NewKeyFromSeed(seed[:]), ledger.Body{Type: typ, Author: author, Time: tm, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := ledger.Decode(entry)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Apply(ev); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		log = append(log, ev)
		return ev.Hash.String()
	}
	for _, n := range []string{"ada", "ben", "cy"} {
		ids[n] = do(n, "", agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: strings.ToUpper(n[:1]) + n[1:]})
	}
	do("ada", ids["ada"], agent.TypeMemberSet, agent.MemberData{Agent: ids["ada"], Role: agent.RoleAdmin})
	for _, n := range []string{"ben", "cy"} {
		do("ada", ids["ada"], agent.TypeMemberSet, agent.MemberData{Agent: ids[n], Role: agent.RoleMember})
	}
	lab := do("ada", ids["ada"], commons.TypeCreate, commons.CreateData{Name: "Fablab", Kind: "hardware", Approvals: 1, Maintainers: []string{ids["ben"]}})
	do("ada", ids["ada"], credit.TypeCurrencyCreate, credit.CurrencyData{Code: "MEE", Name: "Meent credit", Exponent: 2, Limits: credit.Limits{Default: 10_000, Commons: 1_000},
		Demurrage: &credit.Demurrage{RatePPM: 20_000, Grace: 1_000, From: "2025-12", Dust: lab}})
	pay := func(who, from, to string, amount int64, ref string) {
		do(who, ids[who], credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: from, To: to, Amount: amount, Reference: ref})
	}
	pay("ada", ids["ada"], ids["ben"], 10_000, "a table")
	pay("cy", ids["cy"], ids["ben"], 2_345, "soup")
	pay("ben", lab, ids["cy"], 700, "sanding")
	do("cy", ids["cy"], credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000})

	in := valueflows.CreditInput{BaseURL: "https://meent.example", Currency: st.Credit.Currency("MEE"),
		Agents: map[string]*agent.Agent{}, CommonsNames: map[string]string{lab: "Fablab"}, Times: map[int64]int64{}}
	for _, a := range st.Agents.All() {
		in.Agents[a.ID] = a
	}
	for _, id := range st.Credit.Accounts("MEE") {
		in.Accounts = append(in.Accounts, st.Credit.AccountByID(id))
	}
	for i, ev := range log {
		if ev.Type == credit.TypeTransfer {
			var d credit.TransferData
			ev.DecodeData(&d)
			in.Transfers = append(in.Transfers, credit.Posted{Index: int64(i), Time: ev.Time, Data: d})
		}
		if ev.Type == credit.TypeDemurrage {
			in.Times[int64(i)] = ev.Time
		}
	}
	in.Periods = st.Credit.Periods("MEE")
	var out bytes.Buffer
	if err := valueflows.CreditJSONLD(&out, in); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Graph []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	net := map[string]*big.Rat{}
	add := func(who string, v *big.Rat) {
		if net[who] == nil {
			net[who] = new(big.Rat)
		}
		net[who].Add(net[who], v)
	}
	events := 0
	for _, n := range doc.Graph {
		if n["@type"] != "vf:EconomicEvent" {
			continue
		}
		events++
		q := n["vf:resourceQuantity"].(map[string]any)["vf:hasNumericalValue"].(string)
		v, ok := new(big.Rat).SetString(q)
		if !ok {
			t.Fatalf("quantity %q", q)
		}
		add(n["vf:receiver"].(string), v)
		add(n["vf:provider"].(string), new(big.Rat).Neg(v))
	}
	// 3 transfers; ben is charged (12345-1000)·2% = 226, shared by ada,
	// ben and cy (75 each), 1 of dust to the fablab.
	if events != 3+1+3+1 {
		t.Fatalf("%d events\n%s", events, out.String())
	}
	for _, id := range st.Credit.Accounts("MEE") {
		a := st.Credit.AccountByID(id)
		iri := "https://meent.example/agents/" + a.Holder
		if a.Kind == credit.HolderCommons {
			iri = "https://meent.example/commons/" + a.Holder + "#agent"
		}
		want := new(big.Rat).SetFrac64(a.Balance, 100)
		if got := net[iri]; got == nil || got.Cmp(want) != 0 {
			t.Errorf("%s: received minus provided %v, balance %v", iri, got, want)
		}
	}
	if pool := net["https://meent.example/credit/currencies/MEE#demurrage"]; pool == nil || pool.Sign() != 0 {
		t.Errorf("the demurrage pool keeps %v", pool)
	}
	if !strings.Contains(out.String(), `"vf:note": "a table"`) {
		t.Error("a transfer's reference is not its note")
	}
	// The input's order does not matter.
	in.Transfers[0], in.Transfers[2] = in.Transfers[2], in.Transfers[0]
	in.Accounts[0], in.Accounts[1] = in.Accounts[1], in.Accounts[0]
	var again bytes.Buffer
	if err := valueflows.CreditJSONLD(&again, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Error("the output depends on the input's order")
	}
}
