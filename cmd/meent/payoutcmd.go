package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/payout"
	"github.com/meent/meent/private"
	"github.com/meent/meent/value"
)

// payoutArea holds what a treasurer runs: what a commons owes, paying it,
// and exports of its economic events.
var payoutArea = area{
	name:     "payout",
	summary:  "what a commons owes, paying it, and exports for bookkeeping",
	commands: slices.Concat(payoutCommands, exportCommands),
}

// payoutCommands list, export and settle what a commons owes. Export joins
// the open payouts the node computes (with the policy's minimum payout:
// smaller balances are carried forward) with the treasurer's payee file,
// which holds the IBANs and never leaves this machine.
var payoutCommands = []command{
	{name: "payout list", summary: "list what a commons owes: payouts due and amounts carried forward", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var commonsID string
		fs.StringVar(&commonsID, "commons", "", "commons ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			info, err := client.New(r.url, nil).Payouts(ctx, commonsID)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "to pay (minimum payout %d minor units):\n", info.MinPayout)
			for _, l := range info.Pay {
				fmt.Fprintf(tw, "  %s:%s\t%s\t%s\n", l.Kind, l.Recipient, l.Name, commons.Money{Amount: l.Amount, Currency: l.Currency})
			}
			fmt.Fprintln(tw, "carried forward (below the minimum):")
			for _, l := range info.Carried {
				fmt.Fprintf(tw, "  %s:%s\t%s\t%s\n", l.Kind, l.Recipient, l.Name, commons.Money{Amount: l.Amount, Currency: l.Currency})
			}
			return tw.Flush()
		}
	}},
	{name: "payout export", summary: "write the payouts due as a CSV or SEPA credit transfer file", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var commonsID string
		fs.StringVar(&commonsID, "commons", "", "commons ID")
		format := fs.String("format", "csv", "csv or sepa (pain.001.001.09)")
		payees := fs.String("payees", "", "payee file: CSV recipient,name,iban,bic (required for sepa)")
		out := fs.String("out", "", "output file (default: standard output)")
		debtorName := fs.String("debtor-name", "", "sepa: the paying account's holder")
		debtorIBAN := fs.String("debtor-iban", "", "sepa: the paying account")
		debtorBIC := fs.String("debtor-bic", "", "sepa: the paying bank's BIC (optional)")
		execDate := fs.String("execution-date", time.Now().Format("2006-01-02"), "sepa: requested execution date")
		msgID := fs.String("message-id", "MEENT-"+time.Now().UTC().Format("20060102-150405"), "sepa: the file's message ID (unique per file)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			info, err := client.New(r.url, nil).Payouts(ctx, commonsID)
			if err != nil {
				return err
			}
			lines := make([]payout.Line, 0, len(info.Pay))
			for _, l := range info.Pay {
				lines = append(lines, payout.Line{Kind: l.Kind, Recipient: l.Recipient, Name: l.Name, Currency: l.Currency, Amount: l.Amount})
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
			return createAtomic(*out, write) // a failed export leaves no file
		}
	}},
	{name: "payout settle", summary: "record a payout as paid", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d value.SettleData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		recipient := fs.String("recipient", "", "agent:ID, identity:IDENTITY or pool:NAME")
		amount := fs.String("amount", "", "the amount paid, e.g. 12.34")
		currency := fs.String("currency", "EUR", "its currency")
		fs.StringVar(&d.Reference, "reference", "", "public: the payment made (e.g. the SEPA end-to-end ID); never personal data")
		privRef := fs.String("private-reference", "", "private: the payment's personal details (account, name); stored on the node as a private record, only its commitment enters the log")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			kind, id, ok := strings.Cut(*recipient, ":")
			if !ok {
				return errors.New("--recipient is agent:ID, identity:IDENTITY or pool:NAME")
			}
			d.Kind, d.Recipient = kind, id
			m, err := commons.ParseMoney(*amount, *currency)
			if err != nil {
				return err
			}
			d.Amount = m
			if f, ok := private.Detect(d.Reference); ok {
				return fmt.Errorf("--reference holds what looks like an %s, and the log is public for ever: put it in --private-reference", f.Kind)
			}
			if *privRef == "" {
				return s.submit(ctx, stdout, value.TypePayoutSettle, d)
			}
			return s.settlePrivately(ctx, stdout, d, []byte(*privRef))
		}
	}},
}

// settlePrivately stores the private reference on the node first (signed
// with the agent key, no token needed), then signs the settlement that
// names its commitment: the node refuses the event until the record is
// stored, so the order is the guarantee. If the event is refused, the
// record it was for is erased again rather than left behind.
func (s *signer) settlePrivately(ctx context.Context, stdout io.Writer, d value.SettleData, ref []byte) error {
	if s.key == "" {
		return errors.New("--key is required")
	}
	id, key, err := readAgentKey(s.key)
	if err != nil {
		return err
	}
	c := client.New(s.url, nil)
	auth := client.PrivateAuth{Agent: id, Key: key}
	rec, err := c.PutPrivate(ctx, auth, ref, private.NewSalt(), d.Commons)
	if err != nil {
		return fmt.Errorf("store the private reference: %w", err)
	}
	d.RefCommitment = rec.Commitment
	if err := s.submit(ctx, stdout, value.TypePayoutSettle, d); err != nil {
		if meent.ErrorCode(err) != meent.EUNAVAILABLE { // refused for sure: nothing names the record
			if cm, perr := private.ParseCommitment(rec.Commitment); perr == nil {
				c.ErasePrivate(ctx, auth, cm)
			}
		}
		return err
	}
	fmt.Fprintf(stdout, "private reference stored as %s (erase it with meent erase or DELETE /api/v1/private/%s)\n", rec.Commitment, rec.Commitment)
	return nil
}

// exportCommands write a commons' economic events as ValueFlows JSON-LD.
var exportCommands = []command{
	{name: "export valueflows", summary: "write a commons' economic events as ValueFlows JSON-LD", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		id := fs.String("commons", "", "commons ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return client.New(r.url, nil).ValueFlows(ctx, *id, stdout)
		}
	}},
}
