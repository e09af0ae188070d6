package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/state"
)

// licenseArea holds the copyfair licensing commands: a commons' license
// policy, requests, payments, revocations, and verifying a grant online or
// offline.
var licenseArea = area{
	name:     "license",
	summary:  "copyfair licenses: policies, requests, grants and their proofs",
	commands: licenseCommands,
	demo:     demoLicense,
}

var licenseCommands = []command{
	{name: "license policy", summary: "show a commons' license policy, or set it with --file", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID := fs.String("commons", "", "commons ID")
		file := fs.String("file", "", "set the policy from this JSON document (see docs/license.md); without it, show the current one")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if *file == "" {
				return getJSON(ctx, stdout, s.base()+"/api/v1/commons/"+*commonsID+"/license")
			}
			doc, err := os.ReadFile(*file)
			if err != nil {
				return err
			}
			if _, err := license.DecodePolicy(doc); err != nil {
				return err // the same check the node makes, before signing anything
			}
			return s.submit(ctx, stdout, license.TypePolicySet, license.PolicySetData{Commons: *commonsID, Policy: jsontext.Value(doc)})
		}
	}},
	{name: "license attest", args: "AGENT", idFlag: "agent", summary: "attest what kind of organisation an agent is", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d license.AttestData
		fs.StringVar(&d.Agent, "agent", "", "the organisation's agent ID")
		fs.StringVar(&d.Kind, "kind", "", "cooperative, worker_owned, nonprofit, association, company, public_body or individual")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, license.TypeAttest, d)
		}
	}},
	{name: "license request", summary: "request a license: a free grant or a priced offer", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d license.RequestData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.BoolVar(&d.Commercial, "commercial", false, "the use is commercial")
		fs.StringVar(&d.Scope, "scope", "", "what the use covers, in your words")
		employees := fs.Int64("employees", 0, "your organisation's employees (required when the policy decides on them; 0 must be given as 0)")
		revenue := fs.String("revenue", "", "your organisation's yearly revenue, in the price schedule's currency (e.g. 250000.00; required when the policy decides on it)")
		currency := fs.String("currency", "EUR", "currency of --revenue")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			// A fact given is stated in the signed request; one left
			// out is not stated, never 0: the node refuses to decide
			// on a fact the request does not state.
			given := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
			if given["employees"] {
				d.Organisation.Employees = license.Count(*employees)
			}
			if *revenue != "" {
				m, err := commons.ParseMoney(*revenue, *currency)
				if err != nil {
					return err
				}
				d.Organisation.Revenue = license.Count(m.Amount)
			}
			me, _, err := readAgentKey(s.key)
			if err != nil {
				return err
			}
			// Ask the node what the rules will decide at this time, then
			// sign the request with exactly those terms (a free grant
			// states its terms, so it can be verified offline).
			at := time.Now().UnixMilli()
			q := url.Values{"agent": {me}, "as_of": {strconv.FormatInt(at, 10)}, "commercial": {strconv.FormatBool(d.Commercial)}, "scope": {d.Scope}}
			if n := d.Organisation.Employees; n != nil {
				q.Set("employees", strconv.FormatInt(*n, 10))
			}
			if n := d.Organisation.Revenue; n != nil {
				q.Set("revenue", strconv.FormatInt(*n, 10))
			}
			dec, err := evaluateRequest(ctx, s.base()+"/api/v1/commons/"+d.Commons+"/license/evaluate?"+q.Encode())
			if err != nil {
				return err
			}
			d.Grant = dec.Grant
			rc, err := s.sign(ctx, license.TypeRequest, at, d)
			if err != nil {
				return err
			}
			printDecision(stdout, dec.Decision)
			if dec.Grant != nil {
				fmt.Fprintf(stdout, "granted: %s (index %d)\nproof for offline checks: meent license proof --url %s %s\n", rc.Hash, rc.Index, s.url, rc.Hash)
			} else {
				fmt.Fprintf(stdout, "offer: %s (index %d), open for %d days; a maintainer records your payment, or your payment provider reports it\n", rc.Hash, rc.Index, license.OfferDays)
			}
			return nil
		}
	}},
	{name: "license pay", args: "OFFER", idFlag: "offer", summary: "record the payment of an offer, which grants the license (maintainers)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		offer := fs.String("offer", "", "the offer paid")
		amount := fs.String("amount", "", "the amount received, e.g. 6000.00")
		currency := fs.String("currency", "EUR", "its currency")
		reference := fs.String("reference", "", "the payment's reference (bank transfer, invoice)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			m, err := commons.ParseMoney(*amount, *currency)
			if err != nil {
				return err
			}
			var o license.Offer
			if err := fetchJSON(ctx, s.base()+"/api/v1/offers/"+*offer, &o); err != nil {
				return err
			}
			at := time.Now().UnixMilli()
			rc, err := s.sign(ctx, license.TypePay, at, license.PayFor(&o, m, *reference, "", at))
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "granted: %s (index %d); the fee %s is an income of the commons\n", rc.Hash, rc.Index, m)
			return nil
		}
	}},
	{name: "license revoke", args: "GRANT", idFlag: "grant", summary: "revoke a grant", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d license.RevokeData
		fs.StringVar(&d.Grant, "grant", "", "the grant")
		fs.StringVar(&d.Reason, "reason", "", "why")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, license.TypeRevoke, d)
		}
	}},
	{name: "license status", args: "AGENT", idFlag: "agent", summary: "say whether an agent is licensed to use a commons", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		commonsID := fs.String("commons", "", "commons ID")
		agentID := fs.String("agent", "", "the organisation's agent ID")
		commercial := fs.Bool("commercial", true, "the use is commercial")
		scope := fs.String("scope", "", "the use's scope; without it, the question is a use not limited to any scope")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			q := url.Values{"commons": {*commonsID}, "agent": {*agentID}, "commercial": {strconv.FormatBool(*commercial)}, "scope": {*scope}}
			var c api.LicenseCheck
			if err := fetchJSON(ctx, r.base()+"/api/v1/licenses/check?"+q.Encode(), &c); err != nil {
				return err
			}
			printCheck(stdout, c, *scope)
			if !c.Licensed {
				return errReported
			}
			return nil
		}
	}},
	{name: "license proof", args: "GRANT", summary: "write a grant's proof, for offline checks", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		out := fs.String("out", "", "write the proof to this file (default: standard output)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			write := func(w io.Writer) error { return getJSON(ctx, w, r.base()+"/api/v1/grants/"+fs.Arg(0)+"/proof") }
			if *out == "" {
				return write(stdout)
			}
			return createAtomic(*out, write) // a failed fetch leaves no file
		}
	}},
	{name: "license check", summary: "check a go.mod's dependencies against their commons' license policies", flags: func(fs *flag.FlagSet) action {
		modFile := fs.String("modfile", "go.mod", "the go.mod to check")
		registry := fs.String("registry", "", "also ask this node which commons publish the dependencies (URL)")
		var f license.Facts
		var u license.Use
		fs.StringVar(&f.Name, "name", "", "your organisation's name, for the report")
		fs.StringVar(&f.Kind, "kind", "company", "what you are: company, cooperative, worker_owned, nonprofit, association, public_body, individual")
		fs.Int64Var(&f.Employees, "employees", 0, "your employees (a policy that decides on them is reported as needing them when not given)")
		fs.BoolVar(&u.Commercial, "commercial", true, "your use is commercial")
		fs.StringVar(&u.Scope, "scope", "", "what your use covers")
		revenue := fs.String("revenue", "", "your yearly revenue (e.g. 2500000.00), in --currency")
		currency := fs.String("currency", "EUR", "currency of --revenue")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			// Not given is not 0: a policy that decides on the
			// number of employees says it needs it, rather than
			// report the price of a company with none.
			given := false
			fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == "employees" })
			if !given {
				f.Unstated = []string{license.Employees}
			}
			var rev []commons.Money
			if *revenue != "" {
				m, err := commons.ParseMoney(*revenue, *currency)
				if err != nil {
					return err
				}
				rev = append(rev, m)
			}
			return licenseCheck(ctx, stdout, *modFile, *registry, f, u, rev)
		}
	}},
	{name: "license publish", summary: "publish a commons' license in a project (the well-known file)", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		commonsID := fs.String("commons", "", "commons ID")
		dir := fs.String("dir", ".", "the project's root directory")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return licensePublish(ctx, stdout, r.url, *commonsID, *dir)
		}
	}},
	{name: "license verify", args: "FILE", summary: "verify a grant proof offline, with the node's key only", flags: func(fs *flag.FlagSet) action {
		key := fs.String("key", "", "the node's verifier key (name+hash+base64, from GET /api/v1/node or meent init)")
		at := fs.String("at", "", "check the term at this time (RFC 3339; default now)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if fs.NArg() != 1 || *key == "" {
				return errors.New("usage: meent license verify FILE --key VERIFIERKEY [--at TIME]")
			}
			return verifyGrant(stdout, fs.Arg(0), *key, *at)
		}
	}},
}

// verifyGrant checks a grant proof offline: with the node's public key and
// nothing else.
func verifyGrant(stdout io.Writer, file, key, at string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	v, err := note.NewVerifier(strings.TrimSpace(key))
	if err != nil {
		return meent.Errorf(meent.EINVALID, "verifier key: %v", err)
	}
	now := time.Now()
	if at != "" {
		if now, err = time.Parse(time.RFC3339, at); err != nil {
			return meent.Errorf(meent.EINVALID, "--at: %v", err)
		}
	}
	p, err := ledger.DecodeEventProof(b)
	if err != nil {
		return err
	}
	ev, cp, err := p.Verify(v)
	if err != nil {
		return err
	}
	g, ok := license.GrantOf(ev)
	if !ok {
		return meent.Errorf(meent.EINVALID, "event %s (%s) is in the log but is not a license grant", ev.Hash, ev.Type)
	}
	use := "non-commercial use"
	if g.Commercial {
		use = "commercial use"
	}
	if g.Scope != "" {
		use += " (" + g.Scope + ")"
	}
	fmt.Fprintf(stdout, "grant %s\n  licensee  %s\n  commons   %s\n  use       %s\n  rule      %s (license policy version %d)\n  term      %s%s\n",
		g.ID, g.Licensee, g.Commons, use, g.Rule, g.PolicyVersion, time.UnixMilli(g.From).UTC().Format(time.RFC3339), until(g.Terms))
	if g.Fee != nil {
		fmt.Fprintf(stdout, "  fee       %s, reference %s\n", *g.Fee, g.Reference)
	}
	fmt.Fprintf(stdout, "  in log    %s at index %d, checkpoint of size %d signed by the node's key\n", cp.Origin, p.Index, cp.Size)
	switch st := g.Status(now.UnixMilli(), true); st {
	case "valid":
		note := ""
		if g.WhileMember {
			note = " while the licensee is a member (membership cannot be seen offline)"
		}
		fmt.Fprintf(stdout, "VALID at %s%s.\nOffline checks cannot see a revocation made after this checkpoint; check online when you can (meent license status).\n", now.UTC().Format(time.RFC3339), note)
		return nil
	default:
		fmt.Fprintf(stdout, "NOT VALID at %s: %s\n", now.UTC().Format(time.RFC3339), strings.ReplaceAll(st, "_", " "))
		return errReported
	}
}

func until(t license.Terms) string {
	switch {
	case t.WhileMember:
		return ", while a member"
	case t.Until == 0:
		return ", no end"
	}
	return " until " + time.UnixMilli(t.Until).UTC().Format(time.RFC3339)
}

func printDecision(w io.Writer, d license.Decision) {
	fmt.Fprintln(w, d.Reason)
	if !d.Free {
		fmt.Fprintf(w, "price: %s a year (rule %s)\n", d.Price, d.Rule)
	}
	for _, a := range d.Alternatives {
		fmt.Fprintf(w, "  or: %s\n", a)
	}
}

// evaluateRequest asks the node what the rules decide for a request. A
// refusal because the request leaves out a fact the policy decides on
// names the flag that states it.
func evaluateRequest(ctx context.Context, url string) (api.LicenseDecision, error) {
	var dec api.LicenseDecision
	resp, body, err := httpGetResponse(ctx, url)
	if err != nil {
		return dec, err
	}
	status := resp.StatusCode
	if status == 200 {
		return dec, json.Unmarshal(body, &dec)
	}
	var p api.Problem
	if json.Unmarshal(body, &p) != nil || p.Detail == "" {
		return dec, client.ResponseError(resp, body)
	}
	for _, fact := range []string{license.Employees, license.Revenue} {
		if p.Code == meent.EINVALID && strings.HasPrefix(p.Detail, strings.SplitN(license.MissingFact(fact, ""), "(", 2)[0]) {
			why := strings.Replace(strings.TrimPrefix(p.Detail, "license request: "), "state it ("+fact+")", "give it with --"+fact, 1)
			return dec, meent.Errorf(meent.EINVALID, "--%s is required: %s", fact, why)
		}
	}
	return dec, meent.Errorf(p.Code, "%s", p.Detail)
}

// printCheck writes the answer of a license check without ever claiming
// more than a grant covers: a grant for a scope is reported as a license
// for that scope only.
func printCheck(w io.Writer, c api.LicenseCheck, scope string) {
	switch {
	case c.Licensed && c.Grant.Scope != "":
		fmt.Fprintf(w, "LICENSED by grant %s (%s) for “%s” only%s\n", c.Grant.ID, c.Grant.Rule, c.Grant.Scope, until(c.Grant.Terms))
	case c.Licensed:
		fmt.Fprintf(w, "LICENSED by grant %s (%s)%s\n", c.Grant.ID, c.Grant.Rule, until(c.Grant.Terms))
	case len(c.Scopes) > 0 && scope == "":
		fmt.Fprintf(w, "LICENSED for %s only: no grant covers a use beyond that; check a use with --scope\n", quoteScopes(c.Scopes))
	case len(c.Scopes) > 0:
		fmt.Fprintf(w, "NOT LICENSED for “%s”: licensed for %s only\n", scope, quoteScopes(c.Scopes))
	default:
		fmt.Fprintf(w, "NOT LICENSED: %s\n", c.Reason)
	}
}

func quoteScopes(scopes []string) string {
	q := make([]string, len(scopes))
	for i, s := range scopes {
		q[i] = "“" + s + "”"
	}
	return strings.Join(q, ", ")
}

// demoLicense gives the demo commons (d.ids["libmeent"]) a copyfair
// license policy, a cooperative's free license and a company's open offer.
func demoLicense(d *demo) error {
	act, actAt, ids, lib := d.act, d.actAt, d.ids, d.ids["libmeent"]
	lp := license.Policy{Format: 1, Name: "libmeent copyfair", License: "LicenseRef-Copyfair-1.0",
		Free: []license.Rule{{Kind: license.NonCommercial}, {Kind: license.Contributor, MinAccepted: 1, WindowDays: 365},
			{Kind: license.Cooperative}, {Kind: license.Nonprofit}, {Kind: license.Member}},
		Price: license.Schedule{Currency: "EUR", Basis: license.Employees, Bands: []license.Band{
			{From: 0, To: 10, PricePerYear: 50000}, {From: 10, To: 250, PricePerYear: 600000}, {From: 250, PricePerYear: 2400000}}},
		JoinAlternative: true}
	lraw, err := lp.Encode()
	if err != nil {
		return err
	}
	act("maya", license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(lraw)})
	act("maya", license.TypeAttest, license.AttestData{Agent: ids["broodfonds"], Kind: license.OrgCooperative})
	// A request carries the terms the rules give at its own time.
	request := func(user string, r license.RequestData) {
		if d.err != nil {
			return
		}
		at := time.Now().UnixMilli()
		var terms *license.Terms
		d.n.State(func(st *state.State) { _, terms, d.err = st.License.Decide(st.Agents, st.Commons, ids[user], r, at) })
		r.Grant = terms
		actAt(user, license.TypeRequest, at, r)
	}
	request("broodfonds", license.RequestData{Commons: lib, Commercial: true, Scope: "member payroll tool"})
	request("acme", license.RequestData{Commons: lib, Commercial: true, Scope: "hosted invoicing", Organisation: license.Organisation{Employees: license.Count(40)}})
	return d.err
}
