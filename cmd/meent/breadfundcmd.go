package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	nethttp "net/http"
	"os"
	"text/tabwriter"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/payout"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
)

// breadfundArea holds the bread fund's commands: founding a fund,
// joining, deposits, illness and recovery, the month's gifts and their
// approval and export, leaving, and a fund's state (docs/solidarity.md).
var breadfundArea = area{
	name:     "breadfund",
	summary:  "bread funds: members carry each other through illness",
	commands: breadfundCommands,
	demo:     demoBreadfund,
}

// fundFlags are the flags of a command that acts in a fund: --commons,
// and --member, which defaults to the signer.
func fundFlags(fs *flag.FlagSet, withMember bool) (commonsID, member *string) {
	commonsID = fs.String("commons", "", "the fund's commons ID")
	if withMember {
		member = fs.String("member", "", "the member (default: the signer)")
	}
	return commonsID, member
}

// self is the agent the key file is of.
func (s *signer) self() (string, error) {
	if s.key == "" {
		return "", errors.New("--key is required")
	}
	id, _, err := readAgentKey(s.key)
	return id, err
}

// tokenFlag is the API token of commands that read what only a fund's
// members and board see.
func tokenFlag(fs *flag.FlagSet) *string {
	return fs.String("token", "", "API token of a member or board member (members see names; create one at /account or POST /api/v1/tokens)")
}

// fetchAs decodes the JSON at url, read with an API token, into out.
func fetchAs(ctx context.Context, url, token string, out any) error {
	if token == "" {
		return errors.New("--token is required: only the fund's members and board see this")
	}
	req, err := nethttp.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return meent.Errorf(meent.EINVALID, "bad URL %q: %v", url, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		return &meent.Error{Code: meent.EUNAVAILABLE, Message: "cannot reach " + req.URL.Redacted(), Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != nethttp.StatusOK {
		return client.ResponseError(resp, body)
	}
	return json.Unmarshal(body, out)
}

// fundInfo reads a fund's public summary (for its currency).
func fundInfo(ctx context.Context, base, id string) (api.BreadfundInfo, error) {
	var info api.BreadfundInfo
	if id == "" {
		return info, errors.New("--commons is required: the fund's commons ID")
	}
	return info, fetchJSON(ctx, base+"/api/v1/breadfunds/"+id, &info)
}

var breadfundCommands = []command{
	{name: "breadfund create", summary: "found a bread fund in a commons, or set its rules anew", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		file := fs.String("file", "", "the policy as JSON (docs/events.md, breadfund.policy.set); default: the broodfonds' published rules")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			p := breadfund.Example().Marshal()
			if *file != "" {
				b, err := os.ReadFile(*file)
				if err != nil {
					return err
				}
				if _, err := breadfund.DecodePolicy(b); err != nil {
					return err
				}
				p = jsontext.Value(b)
			}
			return s.submit(ctx, stdout, breadfund.TypePolicySet, breadfund.PolicySetData{Commons: *commonsID, Policy: p})
		}
	}},
	{name: "breadfund join", summary: "ask to join a bread fund at a level, introduced by a member", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		level := fs.Int("level", 1, "the gift level (1 is the lowest)")
		introducer := fs.String("introducer", "", "the member who introduces you (agent ID); not needed while the fund is being founded")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, breadfund.TypeJoin, breadfund.JoinData{Commons: *commonsID, Level: *level, Introducer: *introducer})
		}
	}},
	{name: "breadfund admit", args: "CANDIDATE", summary: "admit a candidate once the objection window has passed (the board)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, breadfund.TypeAdmit, breadfund.CandidateData{Commons: *commonsID, Candidate: fs.Arg(0)})
		}
	}},
	{name: "breadfund deposit", summary: "record a month's deposit into a member's pot", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, member := fundFlags(fs, true)
		period := fs.String("period", time.Now().UTC().Format("2006-01"), "the month")
		amount := fs.String("amount", "", "the deposit, e.g. 56.25: exactly the member's level's")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			info, err := fundInfo(ctx, s.base(), *commonsID)
			if err != nil {
				return err
			}
			m, err := commons.ParseMoney(*amount, info.Currency)
			if err != nil {
				return err
			}
			if *member == "" {
				if *member, err = s.self(); err != nil {
					return err
				}
			}
			return s.submit(ctx, stdout, breadfund.TypeDeposit, breadfund.DepositData{Commons: *commonsID, Member: *member, Period: *period, Amount: m.Amount})
		}
	}},
	{name: "breadfund sick", summary: "report illness from a day; the reason stays private", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, member := fundFlags(fs, true)
		start := fs.String("start", time.Now().UTC().Format(time.DateOnly), "the first day of illness")
		percent := fs.Int("percent", 100, "how far the member cannot work, one of the fund's percentages")
		reason := fs.String("reason", "", "private: the reason, stored on the node as a private record for the board and the buddy; only its commitment enters the log")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			var err error
			if *member == "" {
				if *member, err = s.self(); err != nil {
					return err
				}
			}
			d := breadfund.SickData{Commons: *commonsID, Member: *member, Start: *start, Percent: *percent}
			if *reason == "" {
				return s.submit(ctx, stdout, breadfund.TypeSick, d)
			}
			return s.submitWithPrivate(ctx, stdout, breadfund.TypeSick, *commonsID, []byte(*reason), func(c string) any { d.ReasonCommitment = c; return d })
		}
	}},
	{name: "breadfund change", args: "CLAIM", summary: "change a claim's percentage from a day, its buddy (the board) or its rhythm of check-ins", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d breadfund.ChangeData
		fs.IntVar(&d.Percent, "percent", 0, "the new percentage, with --from")
		fs.StringVar(&d.From, "from", "", "the day the new percentage applies from")
		fs.StringVar(&d.Buddy, "buddy", "", "the buddy's agent ID")
		fs.IntVar(&d.CheckinDays, "checkin-days", 0, "the rhythm of check-ins the member and the buddy chose, in days")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			d.Claim = fs.Arg(0)
			return s.submit(ctx, stdout, breadfund.TypeChange, d)
		}
	}},
	{name: "breadfund checkin", args: "CLAIM", summary: "record a check-in on a claim (the buddy, the member or the board)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, breadfund.TypeCheckin, breadfund.CheckinData{Claim: fs.Arg(0)})
		}
	}},
	{name: "breadfund recover", args: "CLAIM", summary: "end a claim: the member works fully again", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		end := fs.String("end", time.Now().UTC().Format(time.DateOnly), "the first day of full work")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, breadfund.TypeRecover, breadfund.RecoverData{Claim: fs.Arg(0), End: *end})
		}
	}},
	{name: "breadfund gifts", summary: "compute a month's gifts as the rules give them, and sign them (the board)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		period := fs.String("period", time.Now().UTC().Format("2006-01"), "the month")
		token := tokenFlag(fs)
		dry := fs.Bool("dry-run", false, "show the gifts due and why others are due none, and sign nothing")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			var g api.BreadfundGifts
			if err := fetchAs(ctx, s.base()+"/api/v1/breadfunds/"+*commonsID+"/gifts/"+*period, *token, &g); err != nil {
				return err
			}
			if g.Payout != "" {
				return fmt.Errorf("the gifts for %s were computed already (payout %s)", *period, g.Payout)
			}
			info, err := fundInfo(ctx, s.base(), *commonsID)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			for _, d := range g.Due {
				fmt.Fprintf(tw, "claim %s\t%s\tlevel %d at %d%%\t%s\n", short(d.Claim), short(d.Member), d.Level, d.Percent, commons.Money{Amount: d.Amount, Currency: info.Currency})
			}
			for _, d := range g.None {
				fmt.Fprintf(tw, "claim %s\t%s\tnothing: %s\n", short(d.Claim), short(d.Member), d.Why)
			}
			if err := tw.Flush(); err != nil || *dry {
				return err
			}
			return s.submit(ctx, stdout, breadfund.TypeGifts, g.Data)
		}
	}},
	{name: "breadfund approve", args: "PAYOUT", summary: "approve a payout of a bread fund (the board)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, breadfund.TypeApprove, breadfund.PayoutRef{Commons: *commonsID, Payout: fs.Arg(0)})
		}
	}},
	{name: "breadfund settle", args: "PAYOUT", summary: "record an approved payout as paid (the board)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		reference := fs.String("reference", "", "public: the bank's reference (never personal data)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if f, ok := private.Detect(*reference); ok {
				return fmt.Errorf("--reference holds what looks like an %s, and the log is public for ever", f.Kind)
			}
			return s.submit(ctx, stdout, breadfund.TypeSettle, breadfund.SettleData{Commons: *commonsID, Payout: fs.Arg(0), Reference: *reference})
		}
	}},
	{name: "breadfund cost", summary: "charge the fund's costs to the pots (the board)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		amount := fs.String("amount", "", "the costs, e.g. 25.00")
		description := fs.String("description", "", "public: what they paid for")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			info, err := fundInfo(ctx, s.base(), *commonsID)
			if err != nil {
				return err
			}
			m, err := commons.ParseMoney(*amount, info.Currency)
			if err != nil {
				return err
			}
			return s.submit(ctx, stdout, breadfund.TypeCost, breadfund.CostData{Commons: *commonsID, Amount: m.Amount, Description: *description})
		}
	}},
	{name: "breadfund exit", summary: "leave a bread fund in an exit window, with the pot's balance", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID, member := fundFlags(fs, true)
		refund := fs.String("refund", "0", "the pot's balance as meent breadfund show lists it (0 when empty or below 0)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			info, err := fundInfo(ctx, s.base(), *commonsID)
			if err != nil {
				return err
			}
			m, err := commons.ParseMoney(*refund, info.Currency)
			if err != nil {
				return err
			}
			if *member == "" {
				if *member, err = s.self(); err != nil {
					return err
				}
			}
			return s.submit(ctx, stdout, breadfund.TypeExit, breadfund.ExitData{Commons: *commonsID, Member: *member, Refund: m.Amount})
		}
	}},
	{name: "breadfund show", args: "FUND", summary: "show a bread fund: its health for anyone, its members, claims and payouts with --token", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		token := tokenFlag(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			base := r.base() + "/api/v1/breadfunds/" + fs.Arg(0)
			if *token == "" {
				return getJSON(ctx, stdout, base)
			}
			var out struct {
				Fund    api.BreadfundInfo     `json:"fund"`
				Members []api.BreadfundMember `json:"members"`
				Claims  []*breadfund.Claim    `json:"claims"`
				Payouts []*breadfund.Payout   `json:"payouts"`
			}
			if err := fetchJSON(ctx, base, &out.Fund); err != nil {
				return err
			}
			for _, list := range []struct {
				path string
				add  func([]byte) (string, error)
			}{
				{"members", func(b []byte) (string, error) {
					var p api.BreadfundMembers
					err := json.Unmarshal(b, &p)
					out.Members = append(out.Members, p.Members...)
					return p.Next, err
				}},
				{"claims", func(b []byte) (string, error) {
					var p api.BreadfundClaims
					err := json.Unmarshal(b, &p)
					out.Claims = append(out.Claims, p.Claims...)
					return p.Next, err
				}},
				{"payouts", func(b []byte) (string, error) {
					var p api.BreadfundPayouts
					err := json.Unmarshal(b, &p)
					out.Payouts = append(out.Payouts, p.Payouts...)
					return p.Next, err
				}},
			} {
				cursor := ""
				for {
					var raw json.RawMessage
					if err := fetchAs(ctx, base+"/"+list.path+"?limit=1000&cursor="+cursor, *token, &raw); err != nil {
						return err
					}
					next, err := list.add(raw)
					if err != nil || next == "" {
						break
					}
					cursor = next
				}
			}
			return printJSON(stdout, out)
		}
	}},
	{name: "breadfund export", summary: "write a fund's approved payouts as a CSV or SEPA credit transfer file", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		commonsID, _ := fundFlags(fs, false)
		token := tokenFlag(fs)
		format := fs.String("format", "csv", "csv or sepa (pain.001.001.09)")
		payees := fs.String("payees", "", "payee file: CSV recipient,name,iban,bic (recipient agent:ID; required for sepa)")
		out := fs.String("out", "", "output file (default: standard output)")
		debtorName := fs.String("debtor-name", "", "sepa: the fund's account holder")
		debtorIBAN := fs.String("debtor-iban", "", "sepa: the fund's account")
		debtorBIC := fs.String("debtor-bic", "", "sepa: the fund's bank's BIC (optional)")
		execDate := fs.String("execution-date", time.Now().Format("2006-01-02"), "sepa: requested execution date")
		msgID := fs.String("message-id", "MEENT-BF-"+time.Now().UTC().Format("20060102-150405"), "sepa: the file's message ID (unique per file)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			var lines []payout.Line
			names := map[string]string{}
			cursor := ""
			for {
				var ms api.BreadfundMembers
				if err := fetchAs(ctx, r.base()+"/api/v1/breadfunds/"+*commonsID+"/members?limit=1000&cursor="+cursor, *token, &ms); err != nil {
					return err
				}
				for _, m := range ms.Members {
					names[m.Agent] = m.Name
				}
				if cursor = ms.Next; cursor == "" {
					break
				}
			}
			for {
				var ps api.BreadfundPayouts
				if err := fetchAs(ctx, r.base()+"/api/v1/breadfunds/"+*commonsID+"/payouts?status=approved&limit=1000&cursor="+cursor, *token, &ps); err != nil {
					return err
				}
				for _, p := range ps.Payouts {
					lines = append(lines, payoutLines(p, names)...)
				}
				if cursor = ps.Next; cursor == "" {
					break
				}
			}
			var book map[string]payout.Payee
			if *payees != "" {
				f, err := os.Open(*payees)
				if err != nil {
					return err
				}
				book, err = payout.ReadPayees(f)
				f.Close()
				if err != nil {
					return err
				}
			}
			write := func(w io.Writer) error {
				switch *format {
				case "csv":
					return payout.WriteCSV(w, lines, book)
				case "sepa":
					if book == nil {
						return errors.New("--payees is required for a SEPA file")
					}
					return payout.WriteSEPA(w, payout.Batch{MessageID: *msgID, Created: time.Now(), ExecutionDate: *execDate,
						Debtor: payout.Party{Name: *debtorName, IBAN: *debtorIBAN, BIC: *debtorBIC}, Lines: lines, Payees: book})
				}
				return fmt.Errorf("unknown format %q: csv or sepa", *format)
			}
			if *out == "" {
				return write(stdout)
			}
			return createAtomic(*out, write)
		}
	}},
}

// payoutLines turns an approved payout into the payout package's lines:
// one per member paid, as an agent recipient, so the treasurer's payee
// file (agent:ID) supplies the account.
func payoutLines(p *breadfund.Payout, names map[string]string) []payout.Line {
	out := make([]payout.Line, 0, len(p.Lines))
	for _, l := range p.Lines {
		out = append(out, payout.Line{Kind: payout.KindAgent, Recipient: l.Member, Name: names[l.Member], Currency: p.Currency, Amount: l.Amount})
	}
	return out
}

// submitWithPrivate stores data as a private record of commonsID first
// (signed with the agent key), then signs the event that names its
// commitment, which build makes from it: the node refuses the event until
// the record is stored. If the event is refused, the record is erased
// again.
func (s *signer) submitWithPrivate(ctx context.Context, stdout io.Writer, typ, commonsID string, data []byte, build func(commitment string) any) error {
	if s.key == "" {
		return errors.New("--key is required")
	}
	id, key, err := readAgentKey(s.key)
	if err != nil {
		return err
	}
	c := client.New(s.url, nil)
	auth := client.PrivateAuth{Agent: id, Key: key}
	rec, err := c.PutPrivate(ctx, auth, data, private.NewSalt(), commonsID)
	if err != nil {
		return fmt.Errorf("store the private record: %w", err)
	}
	if err := s.submit(ctx, stdout, typ, build(rec.Commitment)); err != nil {
		if meent.ErrorCode(err) != meent.EUNAVAILABLE {
			if cm, perr := private.ParseCommitment(rec.Commitment); perr == nil {
				c.ErasePrivate(ctx, auth, cm)
			}
		}
		return err
	}
	fmt.Fprintf(stdout, "the reason is stored as the private record %s, for the board and the buddy (erase it with DELETE /api/v1/private/%s)\n", rec.Commitment, rec.Commitment)
	return nil
}

// demoBreadfund gives the demo community a bread fund, "Broodfonds De
// Meent" (d.ids["breadfund"]), whose board is maya and joost: maya,
// joost and amina joined five months ago and deposit each month; amina
// fell ill four months ago (her reason a private record, for the board,
// her buddy joost and herself), and her claim has had three months of
// gifts: the two before this month approved by both board members and
// paid, this month's approved by joost and waiting for maya.
func demoBreadfund(d *demo) error {
	now := time.Now().UTC()
	month := func(back int) time.Time {
		return time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, time.UTC).AddDate(0, -back, 0)
	}
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	fund := d.actAt("maya", commons.TypeCreate, ms(month(5)), commons.CreateData{Name: "Broodfonds De Meent", Kind: "other",
		Description: "Our bread fund: we carry each other through illness."})
	d.ids["breadfund"] = fund
	d.actAt("maya", commons.TypeMaintainerAdd, ms(month(5)), commons.MaintainerData{Commons: fund, Agent: d.ids["joost"]})
	p := breadfund.Example()
	p.MinMembers = 3
	d.actAt("maya", breadfund.TypePolicySet, ms(month(5)), breadfund.PolicySetData{Commons: fund, Policy: p.Marshal()})
	levels := map[string]int{"maya": 3, "joost": 5, "amina": 2}
	for _, u := range []string{"maya", "joost", "amina"} {
		d.actAt(u, breadfund.TypeJoin, ms(month(5)), breadfund.JoinData{Commons: fund, Level: levels[u]})
		d.actAt("maya", breadfund.TypeAdmit, ms(month(5)), breadfund.CandidateData{Commons: fund, Candidate: d.ids[u]})
	}
	for back := 5; back >= 0; back-- {
		for _, u := range []string{"maya", "joost", "amina"} {
			l, _ := p.Level(levels[u])
			d.actAt(u, breadfund.TypeDeposit, ms(month(back).Add(time.Hour)), breadfund.DepositData{Commons: fund, Member: d.ids[u],
				Period: month(back).Format("2006-01"), Amount: l.Deposit})
		}
		if back == 4 {
			sick := breadfund.SickData{Commons: fund, Member: d.ids["amina"], Start: month(4).AddDate(0, 0, 3).Format(time.DateOnly), Percent: 100}
			// The reason is a private record of amina's, stored first; the
			// log holds only its commitment.
			if ps := privateStore(d.n.Store()); ps != nil && d.err == nil {
				rec, err := private.Seal([]byte("Broke her wrist cycling; cannot type for a while."), d.ids["amina"], fund, ms(month(4).AddDate(0, 0, 4)))
				if err == nil {
					err = ps.PutPrivate(d.ctx, rec)
				}
				if d.err = err; err == nil {
					sick.ReasonCommitment = rec.Commitment.String()
				}
			}
			claim := d.actAt("amina", breadfund.TypeSick, ms(month(4).AddDate(0, 0, 4)), sick)
			d.actAt("maya", breadfund.TypeChange, ms(month(4).AddDate(0, 0, 5)), breadfund.ChangeData{Claim: claim, Buddy: d.ids["joost"]})
		}
		if back <= 2 && d.err == nil {
			period := month(back).Format("2006-01")
			var due []breadfund.Due
			d.n.State(func(st *state.State) { due, _, d.err = st.Breadfund.DueGifts(fund, period) })
			g := breadfund.GiftsData{Commons: fund, Period: period}
			for _, x := range due {
				g.Gifts = append(g.Gifts, x.Gift)
			}
			at := ms(month(back).Add(2 * time.Hour))
			d.actAt("maya", breadfund.TypeGifts, at, g)
			id := breadfund.GiftsID(fund, period)
			if back > 0 { // this month's gifts wait for maya's approval
				d.actAt("maya", breadfund.TypeApprove, at, breadfund.PayoutRef{Commons: fund, Payout: id})
			}
			d.actAt("joost", breadfund.TypeApprove, at, breadfund.PayoutRef{Commons: fund, Payout: id})
			if back > 0 {
				d.actAt("joost", breadfund.TypeSettle, at+3600_000, breadfund.SettleData{Commons: fund, Payout: id, Reference: "SEPA BF-" + period})
			}
		}
	}
	return d.err
}
