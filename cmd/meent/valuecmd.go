package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/api"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

// valueArea holds the value-cycle commands: policies, incomes,
// distributions. Like the peer-production commands they sign events
// locally and read the API.
var valueArea = area{
	name:     "value",
	summary:  "value policies, incomes and their distribution",
	commands: slices.Concat(policyCommands, incomeCommands, distributionCommands),
	demo:     demoValue,
}

// policyCommands show and set a commons' value policy. Setting one shows,
// per recipient, what their share is and what it would become, and saves
// only with --yes.
var policyCommands = []command{
	{name: "policy show", summary: "show a commons' value policy as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var commonsID string
		fs.StringVar(&commonsID, "commons", "", "commons ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, strings.TrimRight(r.url, "/")+"/api/v1/commons/"+commonsID+"/policy")
		}
	}},
	{name: "policy set", summary: "preview a new value policy, and with --yes save it", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var commonsID string
		fs.StringVar(&commonsID, "commons", "", "commons ID")
		file := fs.String("file", "", "the policy document (JSON; see docs/value.md)")
		preset := fs.String("preset", "", "start from a preset instead: default, fairshares or cooperative")
		minPayout := fs.String("min-payout", "", "with --preset: the minimum payout, e.g. 25.00")
		var exclude listFlag
		fs.Var(&exclude, "exclude", "with --preset: an author whose contributions earn nothing, e.g. 'git:*[bot]@users.noreply.github.com' (repeatable)")
		amount := fs.String("preview-amount", "1000.00", "the income the preview splits")
		currency := fs.String("currency", "EUR", "currency of the preview income and of --min-payout")
		yes := fs.Bool("yes", false, "save the new version (without it, only the preview is shown)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			doc, err := policyDocument(*file, *preset, *minPayout, *currency, exclude)
			if err != nil {
				return err
			}
			income, err := commons.ParseMoney(*amount, *currency)
			if err != nil {
				return err
			}
			c := client.New(s.url, nil)
			pv, err := c.PreviewPolicy(ctx, commonsID, doc, income)
			if err != nil {
				return err
			}
			names := agentNames(ctx, s.url)
			fmt.Fprintf(stdout, "Splitting %s under the current policy (version %d) and under this one:\n\n", income, pv.Current)
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "recipient\tnow\tshare now\tnew\tnew share\t")
			for _, ch := range pv.Changes {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", recipientName(ch.Kind, ch.Recipient, names),
					commons.Money{Amount: ch.Before.Amount, Currency: income.Currency}.Decimal(), ch.Before.Share,
					commons.Money{Amount: ch.After.Amount, Currency: income.Currency}.Decimal(), ch.After.Share)
			}
			tw.Flush()
			if !*yes {
				fmt.Fprintln(stdout, "\nNothing saved: run again with --yes to save this version.")
				return nil
			}
			return s.submit(ctx, stdout, value.TypePolicySet, value.PolicySetData{Commons: commonsID, Policy: jsontext.Value(doc)})
		}
	}},
}

// policyDocument reads a policy file or builds one from a preset.
func policyDocument(file, preset, minPayout, currency string, exclude []string) ([]byte, error) {
	if (file == "") == (preset == "") {
		return nil, errors.New("give exactly one of --file and --preset")
	}
	if file != "" {
		if len(exclude) > 0 || minPayout != "" {
			return nil, errors.New("--exclude and --min-payout go with --preset; with --file, write them in the document")
		}
		return os.ReadFile(file)
	}
	p := value.DefaultPolicy()
	switch preset {
	case "default", "cooperative":
	case "fairshares":
		p.Name = "fair shares"
		p.Split = value.FairShares()
	default:
		return nil, fmt.Errorf("unknown preset %q: default, fairshares or cooperative", preset)
	}
	if minPayout != "" {
		m, err := commons.ParseMoney(minPayout, currency)
		if err != nil {
			return nil, err
		}
		p.MinPayout = m.Amount
	}
	p.Exclude = exclude
	return p.Encode()
}

// agentNames maps agent IDs to names, for tables people read. It is
// best-effort: a recipient whose name cannot be read is shown by its ID.
func agentNames(ctx context.Context, baseURL string) map[string]string {
	names := map[string]string{}
	after := int64(0)
	for range 100 {
		var page api.AgentList
		if err := fetchJSON(ctx, fmt.Sprintf("%s/api/v1/agents?limit=1000&after=%d", strings.TrimRight(baseURL, "/"), after), &page); err != nil {
			break
		}
		for _, a := range page.Agents {
			names[a.ID] = a.Name
		}
		if page.NextAfter == nil {
			break
		}
		after = *page.NextAfter
	}
	return names
}

func recipientName(kind, id string, names map[string]string) string {
	switch kind {
	case value.RecipientAgent:
		if n := names[id]; n != "" {
			return n + " (" + short(id) + ")"
		}
		return short(id)
	case value.RecipientPool:
		return "pool " + id
	}
	return id
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// incomeCommands record and list incomes.
var incomeCommands = []command{
	{name: "income record", summary: "record an income of a commons", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d value.IncomeData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Kind, "kind", "donation", strings.Join(value.IncomeKinds, ", "))
		amount := fs.String("amount", "", "amount in the currency's major unit, e.g. 1250.00")
		currency := fs.String("currency", "EUR", "ISO 4217 code")
		fs.StringVar(&d.Payer, "payer", "", "the payer's agent ID, if it is an agent")
		fs.StringVar(&d.Reference, "reference", "", "bank transfer, grant or invoice reference")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			m, err := commons.ParseMoney(*amount, *currency)
			if err != nil {
				return err
			}
			d.Amount = m
			return s.submit(ctx, stdout, value.TypeIncomeRecord, d)
		}
	}},
	{name: "income list", summary: "list a commons' incomes as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		id := fs.String("commons", "", "commons ID")
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if p.one() {
				return p.page(ctx, stdout, r.base(), "/api/v1/commons/"+url.PathEscape(*id)+"/incomes", nil)
			}
			is, err := client.New(r.url, nil).Incomes(ctx, *id)
			if err != nil {
				return err
			}
			return printJSON(stdout, api.IncomeList{Incomes: is})
		}
	}},
}

// distributionCommands run and explain distributions.
var distributionCommands = []command{
	{name: "distribution run", args: "INCOME", idFlag: "income", summary: "distribute an income under the commons' value policy", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		income := fs.String("income", "", "the income to distribute")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			// Compute the result first, then sign the run with the same
			// time and the digest of its inputs: if the log changes in
			// between, the node refuses instead of distributing over
			// inputs the signer never saw.
			c := client.New(s.url, nil)
			at := time.Now().UnixMilli()
			res, err := c.PreviewDistribution(ctx, *income, at)
			if err != nil {
				return err
			}
			rc, err := s.sign(ctx, value.TypeDistributionRun, at, value.RunData{Income: *income, Digest: res.Digest})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "distribution %s appended at index %d (inputs digest %s)\n\n", rc.Hash, rc.Index, res.Digest)
			printAllocations(stdout, res, agentNames(ctx, s.url))
			return nil
		}
	}},
	{name: "distribution show", args: "ID", summary: "show a distribution, or how one recipient's amount was derived", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		recipient := fs.String("recipient", "", "show only how this recipient's amount was derived")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			u := strings.TrimRight(r.url, "/") + "/api/v1/distributions/" + fs.Arg(0)
			if *recipient != "" {
				u += "?recipient=" + *recipient
			}
			return getJSON(ctx, stdout, u)
		}
	}},
	{name: "distribution shares", args: "ID", summary: "print the shares of a distribution as CSV", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return client.New(r.url, nil).Shares(ctx, fs.Arg(0), stdout)
		}
	}},
	{name: "distribution list", summary: "list a commons' distributions as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		id := fs.String("commons", "", "commons ID")
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if p.one() {
				return p.page(ctx, stdout, r.base(), "/api/v1/commons/"+url.PathEscape(*id)+"/distributions", nil)
			}
			ds, err := client.New(r.url, nil).Distributions(ctx, *id)
			if err != nil {
				return err
			}
			return printJSON(stdout, api.DistributionList{Distributions: ds})
		}
	}},
}

func printAllocations(w io.Writer, res value.Result, names map[string]string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "recipient\tamount\t")
	for _, a := range res.Allocations {
		fmt.Fprintf(tw, "%s\t%s\t\n", recipientName(a.Kind, a.Recipient, names), commons.Money{Amount: a.Amount, Currency: res.Income.Currency}.Decimal())
	}
	fmt.Fprintf(tw, "total\t%s\t\n", res.Income.Decimal())
	tw.Flush()
}

// demoValue gives the demo commons (d.ids["libmeent"]) a value policy and
// a city grant distributed to its contributors.
func demoValue(d *demo) error {
	act, ids, lib := d.act, d.ids, d.ids["libmeent"]
	p := value.DefaultPolicy()
	p.MinPayout = 1000
	raw, err := p.Encode()
	if err != nil {
		return err
	}
	act("maya", value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	grant := act("maya", value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: 250000, Currency: "EUR"},
		Payer: ids["gemeente"], Reference: "Gemeente Utrecht, open-source grant 2026-17"})
	act("maya", value.TypeDistributionRun, value.RunData{Income: grant})
	// A donation not yet distributed: its page links to the preview of
	// each share, which a maintainer runs from there.
	act("maya", value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "donation", Amount: commons.Money{Amount: 18500, Currency: "EUR"},
		Reference: "Donations, November 2026"})
	return d.err
}
