package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/meent/meent/api"
	"github.com/meent/meent/credit"
)

// creditArea holds the mutual-credit commands: a community's currency,
// transfers, limits, demurrage, balances and statements. Amounts are
// integers in the currency's minor units, as in the events.
var creditArea = area{
	name:     "credit",
	summary:  "mutual credit: the community's own currency, limits and demurrage",
	commands: creditCommands,
	demo:     demoCredit,
}

var creditCommands = []command{
	{name: "credit currency", summary: "create a mutual-credit currency, or change its rules with --update (a node admin)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d credit.CurrencyData
		var dm credit.Demurrage
		fs.StringVar(&d.Code, "code", "", "the currency's code: 3 to 8 capitals and digits")
		fs.StringVar(&d.Name, "name", "", "the currency's name")
		fs.IntVar(&d.Exponent, "exponent", 2, "digits of the minor unit, 0 to 4")
		fs.Int64Var(&d.Limits.Default, "limit", 0, "a member's hard credit limit, in minor units")
		fs.Int64Var(&d.Limits.Soft, "soft", 0, "a member's soft limit (warn beyond it), in minor units; 0: none")
		fs.Int64Var(&d.Limits.Commons, "commons-limit", 0, "a commons' hard credit limit, in minor units")
		fs.Int64Var(&d.Limits.GrowthPerMille, "growth", 0, "the limit grows by this per mille of what the member sold")
		fs.Int64Var(&d.Limits.GrowthCap, "growth-cap", 0, "the grown limit's ceiling, in minor units")
		fs.Int64Var(&dm.RatePPM, "demurrage", 0, "demurrage per month, in parts per million of the balance above --grace (10000 = 1%); 0: none")
		fs.Int64Var(&dm.Grace, "grace", 0, "minor units of every balance demurrage never charges")
		fs.StringVar(&dm.From, "from", "", "the first month demurrage charges, YYYY-MM")
		fs.StringVar(&dm.To, "to", "", "the agent or commons that receives the demurrage; empty: shared among the agents' accounts")
		fs.StringVar(&dm.Dust, "dust", "", "the agent or commons that receives the rounding dust")
		update := fs.Bool("update", false, "change an existing currency's name, limits and demurrage (every flag states the new rule; the exponent stays)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if dm.RatePPM != 0 {
				d.Demurrage = &dm
			}
			if *update {
				return s.submit(ctx, stdout, credit.TypeCurrencyUpdate, d)
			}
			return s.submit(ctx, stdout, credit.TypeCurrencyCreate, d)
		}
	}},
	{name: "credit show", args: "CODE", summary: "show a currency, its totals and the next demurrage as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/credit/currencies/"+url.PathEscape(fs.Arg(0)))
		}
	}},
	{name: "credit transfer", summary: "pay an amount to an agent or a commons", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d credit.TransferData
		fs.StringVar(&d.Currency, "currency", "", "the currency's code")
		fs.StringVar(&d.From, "from", "", "the paying account: a commons you maintain; default: your own")
		fs.StringVar(&d.To, "to", "", "the payee: agent or commons ID")
		fs.Int64Var(&d.Amount, "amount", 0, "minor units")
		fs.StringVar(&d.Reference, "reference", "", "what was traded (public: no names, bank accounts or addresses)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			me := ""
			if s.key != "" {
				id, _, err := readAgentKey(s.key)
				if err != nil {
					return err
				}
				me = id
			}
			if d.From == "" {
				d.From = me
			}
			// Ask first: a refusal costs no signature, and a soft limit
			// is said before the money moves.
			var c api.CreditCheck
			q := url.Values{"from": {d.From}, "to": {d.To}, "amount": {fmt.Sprint(d.Amount)}, "reference": {d.Reference}, "signer": {me}}
			if err := fetchJSON(ctx, s.base()+"/api/v1/credit/currencies/"+url.PathEscape(d.Currency)+"/check?"+q.Encode(), &c); err == nil {
				if !c.OK {
					return fmt.Errorf("%s: %s", c.Code, c.Message)
				}
				if c.Warning != "" {
					fmt.Fprintf(stderr, "meent: warning: %s\n", c.Warning)
				}
			}
			return s.submit(ctx, stdout, credit.TypeTransfer, d)
		}
	}},
	{name: "credit limit", args: "HOLDER", summary: "set one account's credit limits (a node admin, or by a decision)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d credit.LimitData
		fs.StringVar(&d.Currency, "currency", "", "the currency's code")
		fs.Int64Var(&d.Limit, "limit", 0, "hard limit, in minor units")
		fs.Int64Var(&d.Soft, "soft", 0, "soft limit, in minor units; 0: none")
		fs.StringVar(&d.Decision, "decision", "", "the hash of the decision that set it, if any")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			d.Account = fs.Arg(0)
			return s.submit(ctx, stdout, credit.TypeLimitSet, d)
		}
	}},
	{name: "credit demurrage", summary: "apply the demurrage of the next month that has ended", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		code := fs.String("currency", "", "the currency's code")
		period := fs.String("period", "", "the month, YYYY-MM; default: the currency's next")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			var c api.CreditCurrency
			if err := fetchJSON(ctx, s.base()+"/api/v1/credit/currencies/"+url.PathEscape(*code), &c); err != nil {
				return err
			}
			if c.Demurrage == nil || c.Next == nil {
				return errors.New("the currency " + *code + " has no demurrage")
			}
			p := *period
			if p == "" {
				p = c.Next.Period
			}
			if _, end, err := credit.ParsePeriod(p); err == nil && time.Now().UnixMilli() < end {
				return fmt.Errorf("%s has not ended yet", p)
			}
			return s.submit(ctx, stdout, credit.TypeDemurrage, credit.DemurrageData{Currency: *code, Period: p, RatePPM: c.Demurrage.RatePPM, Grace: c.Demurrage.Grace})
		}
	}},
	{name: "credit balance", args: "HOLDER", summary: "show an account's balance after demurrage, its limits and what it may still pay, as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		code := fs.String("currency", "", "the currency's code")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/credit/currencies/"+url.PathEscape(*code)+"/accounts/"+url.PathEscape(fs.Arg(0)))
		}
	}},
	{name: "credit statement", args: "HOLDER", summary: "write an account's whole statement as CSV", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		code := fs.String("currency", "", "the currency's code")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			body, err := fetch(ctx, r.base()+"/api/v1/credit/currencies/"+url.PathEscape(*code)+"/accounts/"+url.PathEscape(fs.Arg(0))+"/statement")
			if err != nil {
				return err
			}
			_, err = stdout.Write(body)
			return err
		}
	}},
	{name: "credit valueflows", args: "CODE", summary: "write a currency's whole ledger as ValueFlows JSON-LD", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			body, err := fetch(ctx, r.base()+"/api/v1/credit/currencies/"+url.PathEscape(fs.Arg(0))+"/valueflows")
			if err != nil {
				return err
			}
			_, err = stdout.Write(body)
			return err
		}
	}},
}

// demoCredit gives the demo community its own money: MEE, with limits of
// 200.00 that grow with sales, 1% demurrage a month (Wörgl's rate) above
// 20.00 shared among the members, and three months of trades between the
// members and the libmeent commons, each month's demurrage applied once
// the month ended.
func demoCredit(d *demo) error {
	lib := d.ids["libmeent"]
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -3, 0)
	at := func(month, day, hour int) int64 {
		return first.AddDate(0, month, day-1).Add(time.Duration(hour) * time.Hour).UnixMilli()
	}
	d.actAt("maya", credit.TypeCurrencyCreate, at(0, 1, 9), credit.CurrencyData{Code: "MEE", Name: "Meent-krediet", Exponent: 2,
		Limits:    credit.Limits{Default: 20_000, Soft: 10_000, Commons: 5_000, GrowthPerMille: 100, GrowthCap: 50_000},
		Demurrage: &credit.Demurrage{RatePPM: 10_000, Grace: 2_000, From: first.Format("2006-01"), Dust: lib}})
	pay := func(month, day int, from, to string, amount int64, ref string) {
		who := from
		if from == "libmeent" {
			who = "maya"
		}
		d.actAt(who, credit.TypeTransfer, at(month, day, 14), credit.TransferData{Currency: "MEE", From: d.ids[from], To: d.ids[to], Amount: amount, Reference: ref})
	}
	trades := [][]struct {
		day      int
		from, to string
		amount   int64
		ref      string
	}{
		{{3, "joost", "fablab", 4_500, "laser cutter, two hours"}, {8, "amina", "joost", 3_000, "bicycle repair"},
			{15, "maya", "amina", 6_000, "Dutch lessons, three evenings"}, {22, "fablab", "maya", 2_500, "workshop on soldering"}},
		{{2, "joost", "amina", 12_000, "catering for the open day"}, {10, "libmeent", "joost", 4_000, "documentation sprint"},
			{18, "amina", "fablab", 3_500, "3D prints for the market stall"}, {25, "fablab", "joost", 1_500, "sourdough"}},
		{{4, "maya", "fablab", 8_000, "CNC milling"}, {12, "joost", "maya", 2_200, "translation of the manual"},
			{20, "amina", "libmeent", 1_000, "thanks for the library"}, {27, "fablab", "amina", 5_000, "cleaning the workshop"}},
	}
	for m, month := range trades {
		for _, t := range month {
			pay(m, t.day, t.from, t.to, t.amount, t.ref)
		}
		// The month has ended: apply its demurrage on the first of the next.
		d.actAt("amina", credit.TypeDemurrage, at(m+1, 1, 8), credit.DemurrageData{Currency: "MEE", Period: first.AddDate(0, m, 0).Format("2006-01"), RatePPM: 10_000, Grace: 2_000})
	}
	d.actAt("maya", credit.TypeLimitSet, at(3, 1, 10), credit.LimitData{Currency: "MEE", Account: d.ids["fablab"], Limit: 40_000, Soft: 30_000})
	return d.err
}
