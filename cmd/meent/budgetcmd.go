package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/api"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// budgetArea holds the co-budgeting commands: budget rounds, their
// buckets, allocations and approvals (docs/budget.md).
var budgetArea = area{
	name:     "budget",
	summary:  "co-budgeting: budget rounds, buckets, allocations and approvals",
	commands: budgetCommands,
	demo:     demoBudget,
}

// moneyFlags reads an amount in the currency's major unit ("12.50").
type moneyFlags struct{ amount, currency string }

func (m *moneyFlags) bind(fs *flag.FlagSet, name, usage string) {
	fs.StringVar(&m.amount, name, "", usage+", in the currency's major unit (e.g. 12.50)")
}

func (m *moneyFlags) money(currency string) (commons.Money, error) {
	if m.amount == "" {
		return commons.Money{}, errors.New("an amount is required")
	}
	return commons.ParseMoney(m.amount, currency)
}

// when reads a time: RFC 3339, or "+DURATION" from now ("+72h").
func when(s string) (int64, error) {
	if d, ok := strings.CutPrefix(s, "+"); ok {
		dur, err := time.ParseDuration(d)
		if err != nil {
			return 0, fmt.Errorf("time %q: %v", s, err)
		}
		return time.Now().Add(dur).UnixMilli(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("time %q is neither RFC 3339 (2027-03-01T09:00:00+01:00) nor +DURATION (+72h)", s)
	}
	return t.UnixMilli(), nil
}

// recipientsFlag is --recipient AGENT[:SHARE], repeated.
type recipientsFlag []budget.Recipient

func (r *recipientsFlag) String() string { return "" }

func (r *recipientsFlag) Set(s string) error {
	id, share, ok := strings.Cut(s, ":")
	n := int64(1)
	if ok {
		var err error
		if n, err = strconv.ParseInt(share, 10, 64); err != nil {
			return fmt.Errorf("share %q is not a whole number", share)
		}
	}
	*r = append(*r, budget.Recipient{Agent: id, Share: n})
	return nil
}

// bucketTerms are the flags of bucket propose and bucket edit.
type bucketTerms struct {
	title, description, currency string
	min, max                     moneyFlags
	recipients                   recipientsFlag
}

func (b *bucketTerms) bind(fs *flag.FlagSet) {
	fs.StringVar(&b.title, "title", "", "what the bucket is for")
	fs.StringVar(&b.description, "description", "", "the plan, in a few lines")
	b.min.bind(fs, "min", "what it needs to be funded")
	b.max.bind(fs, "max", "what it takes at most")
	fs.StringVar(&b.currency, "currency", "EUR", "the round's currency")
	fs.Var(&b.recipients, "recipient", "agent ID[:share] a funded bucket pays, repeatable (default: you)")
}

func (b *bucketTerms) amounts() (lo, hi commons.Money, err error) {
	if lo, err = b.min.money(b.currency); err != nil {
		return lo, hi, fmt.Errorf("--min: %w", err)
	}
	if hi, err = b.max.money(b.currency); err != nil {
		return lo, hi, fmt.Errorf("--max: %w", err)
	}
	return lo, hi, nil
}

// listOrPage prints one page with --limit or --cursor, else every page
// (read by the Go client) as one document.
func listOrPage(ctx context.Context, stdout io.Writer, p pageFlags, base, path string, all func(c *client.Client) (any, error)) error {
	if p.one() {
		return p.page(ctx, stdout, base, path, nil)
	}
	doc, err := all(client.New(base, nil))
	if err != nil {
		return err
	}
	return printJSON(stdout, doc)
}

var budgetCommands = []command{
	{name: "budget open", summary: "open a budget round in a commons (maintainers)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d budget.RoundData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Title, "title", "", "the round's name")
		fs.StringVar(&d.Currency, "currency", "EUR", "the pool's currency")
		opens := fs.String("opens", "+24h", "when allocation opens and funding closes: RFC 3339 or +DURATION")
		closes := fs.String("closes", "+336h", "when allocation closes: RFC 3339 or +DURATION")
		fs.StringVar(&d.Method, "method", budget.MethodAllowanceEqual, "allowance_equal, allowance_contribution or equal_shares")
		leftover := fs.String("leftover", string(allot.LeftoverRefund), "refund (to the funders), rollover (to the next round) or commons (to the co-budget pool)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			var err error
			if d.Opens, err = when(*opens); err != nil {
				return err
			}
			if d.Closes, err = when(*closes); err != nil {
				return err
			}
			d.Leftover = allot.LeftoverRule(*leftover)
			return s.submit(ctx, stdout, budget.TypeRoundOpen, d)
		}
	}},
	{name: "budget fund", args: "ROUND", summary: "put money into a round's pool before it opens", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var m moneyFlags
		m.bind(fs, "amount", "how much")
		currency := fs.String("currency", "EUR", "the round's currency")
		source := fs.String("source", budget.SourceMember, "member (your own money), grant, or commons (the co-budget pool; maintainers)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			amt, err := m.money(*currency)
			if err != nil {
				return err
			}
			return s.submit(ctx, stdout, budget.TypeFund, budget.FundData{Round: fs.Arg(0), Amount: amt, Source: *source})
		}
	}},
	{name: "budget close", args: "ROUND", summary: "close a round after its closing time: fund buckets, apply the leftover rule (maintainers)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, budget.TypeRoundClose, budget.CloseData{Round: fs.Arg(0)})
		}
	}},
	{name: "budget show", args: "ROUND", summary: "show a round with its budget against actual spending as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/budget/rounds/"+url.PathEscape(fs.Arg(0)))
		}
	}},
	{name: "budget list", summary: "list a commons' budget rounds as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		id := fs.String("commons", "", "commons ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return listOrPage(ctx, stdout, p, r.base(), "/api/v1/commons/"+url.PathEscape(*id)+"/budget/rounds", func(c *client.Client) (any, error) {
				rs, err := c.BudgetRounds(ctx, *id)
				return api.BudgetRoundList{Rounds: rs}, err
			})
		}
	}},
	{name: "budget buckets", args: "ROUND", summary: "list a round's buckets as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return listOrPage(ctx, stdout, p, r.base(), "/api/v1/budget/rounds/"+url.PathEscape(fs.Arg(0))+"/buckets", func(c *client.Client) (any, error) {
				bs, err := c.Buckets(ctx, fs.Arg(0))
				return api.BucketList{Buckets: bs}, err
			})
		}
	}},
	{name: "budget allowance", args: "ROUND", summary: "show an agent's allowance in a round and what is left of it", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		who := fs.String("agent", "", "agent ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/budget/rounds/"+url.PathEscape(fs.Arg(0))+"/allowance?"+url.Values{"agent": {*who}}.Encode())
		}
	}},
	{name: "bucket propose", args: "ROUND", summary: "propose a bucket in a round (members)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var t bucketTerms
		t.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			lo, hi, err := t.amounts()
			if err != nil {
				return err
			}
			return s.submit(ctx, stdout, budget.TypeBucketPropose, budget.BucketData{Round: fs.Arg(0), Title: t.title,
				Description: t.description, Min: lo, Max: hi, Recipients: t.recipients})
		}
	}},
	{name: "bucket edit", args: "BUCKET", summary: "change a bucket's terms, all of them (its proposer or a maintainer)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var t bucketTerms
		t.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			lo, hi, err := t.amounts()
			if err != nil {
				return err
			}
			return s.submit(ctx, stdout, budget.TypeBucketEdit, budget.EditData{Bucket: fs.Arg(0), Title: t.title,
				Description: t.description, Min: lo, Max: hi, Recipients: t.recipients})
		}
	}},
	{name: "bucket cancel", args: "BUCKET", summary: "cancel a bucket; every giver gets back what they gave", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		reason := fs.String("reason", "", "why")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, budget.TypeBucketCancel, budget.CancelData{Bucket: fs.Arg(0), Reason: *reason})
		}
	}},
	{name: "bucket approve", args: "BUCKET", summary: "approve a bucket in an Equal Shares round, or withdraw with --no", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		no := fs.Bool("no", false, "withdraw your approval")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, budget.TypeApprove, budget.ApproveData{Bucket: fs.Arg(0), Approve: !*no})
		}
	}},
	{name: "bucket spend", args: "BUCKET", summary: "record what a funded bucket spent (its recipients or a maintainer)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var m moneyFlags
		m.bind(fs, "amount", "how much was spent")
		currency := fs.String("currency", "EUR", "the bucket's currency")
		reference := fs.String("reference", "", "the invoice or receipt (public; never personal data)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			amt, err := m.money(*currency)
			if err != nil {
				return err
			}
			return s.submit(ctx, stdout, budget.TypeSpend, budget.SpendData{Bucket: fs.Arg(0), Amount: amt, Reference: *reference})
		}
	}},
	{name: "bucket show", args: "BUCKET", summary: "show a bucket as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/budget/buckets/"+url.PathEscape(fs.Arg(0)))
		}
	}},
	{name: "bucket allocations", args: "BUCKET", summary: "list a bucket's allocations as JSON, undone ones too", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return listOrPage(ctx, stdout, p, r.base(), "/api/v1/budget/buckets/"+url.PathEscape(fs.Arg(0))+"/allocations", func(c *client.Client) (any, error) {
				as, err := c.Allocations(ctx, fs.Arg(0))
				return api.AllocationList{Allocations: as}, err
			})
		}
	}},
	{name: "bucket approvals", args: "BUCKET", summary: "list a bucket's approvals as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return listOrPage(ctx, stdout, p, r.base(), "/api/v1/budget/buckets/"+url.PathEscape(fs.Arg(0))+"/approvals", func(c *client.Client) (any, error) {
				as, err := c.Approvals(ctx, fs.Arg(0))
				return api.ApprovalList{Approvals: as}, err
			})
		}
	}},
	{name: "bucket spendings", args: "BUCKET", summary: "list what a funded bucket recorded as spent, as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return listOrPage(ctx, stdout, p, r.base(), "/api/v1/budget/buckets/"+url.PathEscape(fs.Arg(0))+"/spendings", func(c *client.Client) (any, error) {
				ss, err := c.Spendings(ctx, fs.Arg(0))
				return api.SpendingList{Spendings: ss}, err
			})
		}
	}},
	{name: "allocate", args: "BUCKET", summary: "give part of your allowance to a bucket", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var m moneyFlags
		m.bind(fs, "amount", "how much")
		currency := fs.String("currency", "EUR", "the round's currency")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			amt, err := m.money(*currency)
			if err != nil {
				return err
			}
			return s.submit(ctx, stdout, budget.TypeAllocate, budget.AllocateData{Bucket: fs.Arg(0), Amount: amt})
		}
	}},
	{name: "withdraw", args: "ALLOCATION", summary: "take back one of your allocations before the round closes", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, budget.TypeWithdraw, budget.WithdrawData{Allocation: fs.Arg(0)})
		}
	}},
}

// demoBudget adds a closed budget round to libmeent: a city grant, a
// member's own money and a draw on the co-budget pool; three buckets, one
// cancelled with its gift refunded, one funded, one returned; the
// leftover back to the funders; and what the funded bucket spent. Then a
// round open now, with a bucket and an allocation.
func demoBudget(d *demo) error {
	ids, lib := d.ids, d.ids["libmeent"]
	eur := func(n int64) commons.Money { return commons.Money{Amount: n, Currency: "EUR"} }
	base := time.Now().Add(-3 * time.Hour)
	at := func(m int) int64 { return base.Add(time.Duration(m) * time.Minute).UnixMilli() }
	round := d.actAt("maya", budget.TypeRoundOpen, at(0), budget.RoundData{Commons: lib, Title: "Spring 2026", Currency: "EUR",
		Opens: at(10), Closes: at(120), Method: budget.MethodAllowanceEqual, Leftover: allot.LeftoverRefund})
	ids["spring2026"] = round
	d.actAt("gemeente", budget.TypeFund, at(1), budget.FundData{Round: round, Amount: eur(300_000), Source: budget.SourceGrant})
	d.actAt("joost", budget.TypeFund, at(2), budget.FundData{Round: round, Amount: eur(30_000), Source: budget.SourceMember})
	var pool int64
	d.n.State(func(st *state.State) { pool = st.Value.Open(lib, value.RecipientPool, value.PoolCoBudget, "EUR") })
	if pool >= 10_000 {
		d.actAt("maya", budget.TypeFund, at(3), budget.FundData{Round: round, Amount: eur(10_000), Source: budget.SourceCommons})
	}
	docs := d.actAt("amina", budget.TypeBucketPropose, at(15), budget.BucketData{Round: round, Title: "Documentation sprint",
		Description: "Two days of writing the user guide, in Dutch and English.", Min: eur(80_000), Max: eur(150_000)})
	party := d.actAt("joost", budget.TypeBucketPropose, at(16), budget.BucketData{Round: round, Title: "Release party",
		Description: "A hall and food for the 1.0 release.", Min: eur(100_000), Max: eur(200_000)})
	logo := d.actAt("fablab", budget.TypeBucketPropose, at(17), budget.BucketData{Round: round, Title: "A new logo",
		Min: eur(30_000), Max: eur(60_000)})
	ids["docs-sprint"] = docs
	d.actAt("maya", budget.TypeAllocate, at(20), budget.AllocateData{Bucket: docs, Amount: eur(40_000)})
	d.actAt("amina", budget.TypeAllocate, at(21), budget.AllocateData{Bucket: docs, Amount: eur(30_000)})
	d.actAt("broodfonds", budget.TypeAllocate, at(22), budget.AllocateData{Bucket: docs, Amount: eur(20_000)})
	d.actAt("joost", budget.TypeAllocate, at(23), budget.AllocateData{Bucket: party, Amount: eur(50_000)})
	d.actAt("fablab", budget.TypeAllocate, at(24), budget.AllocateData{Bucket: logo, Amount: eur(25_000)})
	d.actAt("fablab", budget.TypeBucketCancel, at(30), budget.CancelData{Bucket: logo, Reason: "a member designed one for free"})
	d.act("maya", budget.TypeRoundClose, budget.CloseData{Round: round})
	d.act("amina", budget.TypeSpend, budget.SpendData{Bucket: docs, Amount: eur(62_500), Reference: "invoice 2026-031 (venue and catering)"})

	// A round open now, so members find the forms: a grant, one bucket
	// and one allocation maya may take back.
	now := time.Now()
	soon := func(m int) int64 { return now.Add(time.Duration(m) * time.Minute).UnixMilli() }
	autumn := d.actAt("maya", budget.TypeRoundOpen, soon(-10), budget.RoundData{Commons: lib, Title: "Autumn 2026", Currency: "EUR",
		Opens: soon(-5), Closes: soon(30 * 24 * 60), Method: budget.MethodAllowanceEqual, Leftover: allot.LeftoverRollover})
	ids["autumn2026"] = autumn
	d.actAt("gemeente", budget.TypeFund, soon(-8), budget.FundData{Round: autumn, Amount: eur(200_000), Source: budget.SourceGrant})
	repair := d.actAt("joost", budget.TypeBucketPropose, soon(-4), budget.BucketData{Round: autumn, Title: "Test machines",
		Description: "Two second-hand machines to run the tests on.", Min: eur(40_000), Max: eur(90_000)})
	d.actAt("maya", budget.TypeAllocate, soon(-3), budget.AllocateData{Bucket: repair, Amount: eur(15_000)})
	return d.err
}
