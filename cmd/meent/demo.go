package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/node"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// demoPassword is the password of every demo account; the demo is for
// looking around on a laptop, never for a real community.
const demoPassword = "demo-password"

// fillDemo gives a newly initialised node a small community: people and
// organisations of every kind, members, a key rotation. It does nothing
// if the log holds more than the genesis events.
func fillDemo(ctx context.Context, n *node.Node, acc *node.Accounts, cfg *Config, stdout io.Writer) error {
	size, err := n.Store().Size(ctx)
	if err != nil {
		return err
	}
	if size > 2 {
		return nil
	}
	admin, adminKey, err := readAgentKey(cfg.Data + "/" + adminKeyFile)
	if err != nil {
		return fmt.Errorf("the demo needs the admin key of this data directory: %w", err)
	}
	ids := map[string]string{}
	people := []struct{ user, name, kind, role string }{
		{"maya", "Maya Janssen", agent.Person, agent.RoleAdmin},
		{"joost", "Joost de Vries", agent.Person, agent.RoleMember},
		{"amina", "Amina El Idrissi", agent.Person, agent.RoleMember},
		{"fablab", "Fablab Brest", agent.Association, agent.RoleMember},
		{"broodfonds", "Broodfonds Zuid", agent.Cooperative, agent.RoleMember},
		{"acme", "Acme Software BV", agent.Company, ""},
		{"gemeente", "Gemeente Utrecht", agent.PublicBody, ""},
	}
	now := func() int64 { return time.Now().UnixMilli() }
	for _, p := range people {
		a, err := acc.SignUp(ctx, node.SignUp{Username: p.user, Password: demoPassword, Kind: p.kind, Name: p.name})
		if err != nil {
			return fmt.Errorf("sign up %s: %w", p.user, err)
		}
		ids[p.user] = a.Agent
		if p.role == "" {
			continue
		}
		e, err := ledger.Sign(adminKey, ledger.Body{Type: agent.TypeMemberSet, Author: admin, Time: now(), Data: agent.MemberData{Agent: a.Agent, Role: p.role}})
		if err != nil {
			return err
		}
		if _, err := n.Submit(ctx, e); err != nil {
			return err
		}
	}
	// The admin adds a second device key and renames themselves: the
	// history shows both, as it would for a real rotation.
	_, laptop, _ := ed25519.GenerateKey(rand.Reader)
	pub := base64.StdEncoding.EncodeToString(laptop.Public().(ed25519.PublicKey))
	for _, b := range []ledger.Body{
		{Type: agent.TypeKeyAdd, Author: admin, Time: now(), Data: agent.KeyData{Key: pub}},
		{Type: agent.TypeUpdate, Author: admin, Time: now(), Data: agent.UpdateData{Name: "Node admin"}},
	} {
		e, err := ledger.Sign(adminKey, b)
		if err != nil {
			return err
		}
		if _, err := n.Submit(ctx, e); err != nil {
			return err
		}
	}
	if err := demoCommons(ctx, n, acc, ids); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo community added: log in as maya, joost, amina, ... with password %q\n", demoPassword)
	return nil
}

// demoCommons gives the demo community a commons with contributions in
// every state, a fork, and a needs board, all signed by the demo accounts.
func demoCommons(ctx context.Context, n *node.Node, acc *node.Accounts, ids map[string]string) error {
	var err error
	act := func(user, typ string, data any) string {
		if err != nil {
			return ""
		}
		var rc node.Receipt
		rc, err = acc.Act(ctx, ids[user], typ, data)
		if err != nil {
			err = fmt.Errorf("demo %s by %s: %w", typ, user, err)
		}
		return rc.Hash.String()
	}
	lib := act("maya", commons.TypeCreate, commons.CreateData{
		Name: "libmeent", Kind: "software", Approvals: 2,
		Description: "A small library for exact money splits, used by companies and cooperatives alike.",
		Links:       []string{"https://example.org/libmeent"},
	})
	act("maya", commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: ids["joost"]})
	need := act("fablab", commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "Windows build", MaxClaimants: 2,
		Description: "Our laser cutter's software runs on Windows; we need a tested build.", Bounty: &commons.Money{Amount: 25000, Currency: "EUR"}})
	act("amina", commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPlusOne})
	act("broodfonds", commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 5000, Currency: "EUR"}})
	act("amina", commons.TypeNeedClaim, commons.ClaimData{Need: need})
	docs := act("amina", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "documentation", Title: "Explain the largest-remainder tie-break",
		Evidence: []commons.Evidence{{URL: "https://example.org/libmeent/pull/12"}}, Quantities: commons.Quantities{Minutes: 120, LinesAdded: 80}})
	act("maya", commons.TypeReview, commons.ReviewData{Contribution: docs, Verdict: commons.VerdictAccept})
	act("joost", commons.TypeReview, commons.ReviewData{Contribution: docs, Verdict: commons.VerdictAccept})
	act("joost", commons.TypeEndorse, commons.RefData{Contribution: docs})
	fix := act("joost", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Fix rounding on negative amounts",
		Evidence: []commons.Evidence{{Commit: "9fceb02d0ae598e95dc970b74767f19372d61af8"}}, Quantities: commons.Quantities{LinesAdded: 14, LinesRemoved: 3, Minutes: 45}})
	act("maya", commons.TypeReview, commons.ReviewData{Contribution: fix, Verdict: commons.VerdictChanges, Reason: "Please add a test for -1 cent."})
	act("amina", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "work_time", Title: "Triaged 30 issues", Quantities: commons.Quantities{Minutes: 180}})
	act("gemeente", commons.TypeFork, commons.ForkData{Commons: lib, Name: "libmeent for municipalities", Description: "With the city's invoicing formats."})
	if err != nil {
		return err
	}
	return demoValue(ctx, n, acc, ids, lib)
}

// demoValue gives the demo commons a value policy, a city grant
// distributed to its contributors, a copyfair license policy, a
// cooperative's free license and a company's open offer.
func demoValue(ctx context.Context, n *node.Node, acc *node.Accounts, ids map[string]string, lib string) error {
	var err error
	actAt := func(user, typ string, at int64, data any) string {
		if err != nil {
			return ""
		}
		var rc node.Receipt
		rc, err = acc.ActAt(ctx, ids[user], typ, at, data)
		if err != nil {
			err = fmt.Errorf("demo %s by %s: %w", typ, user, err)
		}
		return rc.Hash.String()
	}
	now := func() int64 { return time.Now().UnixMilli() }
	act := func(user, typ string, data any) string { return actAt(user, typ, now(), data) }

	p := value.DefaultPolicy()
	p.MinPayout = 1000
	raw, perr := p.Encode()
	if perr != nil {
		return perr
	}
	act("maya", value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	grant := act("maya", value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: 250000, Currency: "EUR"},
		Payer: ids["gemeente"], Reference: "Gemeente Utrecht, open-source grant 2026-17"})
	act("maya", value.TypeDistributionRun, value.RunData{Income: grant})

	lp := license.Policy{Format: 1, Name: "libmeent copyfair", License: "LicenseRef-Copyfair-1.0",
		Free: []license.Rule{{Kind: license.NonCommercial}, {Kind: license.Contributor, MinAccepted: 1, WindowDays: 365},
			{Kind: license.Cooperative}, {Kind: license.Nonprofit}, {Kind: license.Member}},
		Price: license.Schedule{Currency: "EUR", Basis: license.Employees, Bands: []license.Band{
			{From: 0, To: 10, PricePerYear: 50000}, {From: 10, To: 250, PricePerYear: 600000}, {From: 250, PricePerYear: 2400000}}},
		JoinAlternative: true}
	lraw, perr := lp.Encode()
	if perr != nil {
		return perr
	}
	act("maya", license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(lraw)})
	act("maya", license.TypeAttest, license.AttestData{Agent: ids["broodfonds"], Kind: license.OrgCooperative})
	// A request carries the terms the rules give at its own time.
	request := func(user string, d license.RequestData) {
		if err != nil {
			return
		}
		at := now()
		var terms *license.Terms
		n.State(func(st *state.State) { _, terms, err = st.License.Decide(st.Agents, st.Commons, ids[user], d, at) })
		d.Grant = terms
		actAt(user, license.TypeRequest, at, d)
	}
	request("broodfonds", license.RequestData{Commons: lib, Commercial: true, Scope: "member payroll tool"})
	request("acme", license.RequestData{Commons: lib, Commercial: true, Scope: "hosted invoicing", Organisation: license.Organisation{Employees: license.Count(40)}})
	return err
}
