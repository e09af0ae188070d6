// Command meent runs a meent node and the tools around it: init, serve,
// verify, bench, and signing events from the command line. Run
// "meent help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/meent/meent"
)

const usage = `meent: a commons' signed, provable ledger.

Usage:
  meent serve   [--data DIR] [--listen ADDR] [--db DSN] [--demo]   run a node (initialises DIR on first start)
  meent init    [--data DIR] [--origin NAME] [--db DSN]            create a node: keys, database, first admin
  meent verify  [--data DIR | URL] [--key VERIFIERKEY]             audit a node's log end to end
  meent agent   create --url URL --name NAME [--kind KIND] --out FILE   create an agent whose key you hold
  meent event   submit --url URL --key FILE --type TYPE --data JSON     sign an event locally and submit it
  meent commons      {create|fork|maintainer|list|show}            commons (signs with --key FILE)
  meent contribution {submit|revise|review|dispute|resolve|endorse|list|show}
  meent need         {post|signal|claim|renew|release|close|list}  the needs board
  meent import git PATH --commons ID --key FILE [--mailmap]        commits become accepted contributions
  meent identity     {claim|confirm|attest|contest|reject|finalize|list}  claims on imported identities
  meent policy       {show|set}                                    value policies (set previews; --yes saves)
  meent income       {record|list}                                 incomes of a commons
  meent distribution {run|show|shares|list}                        distribute an income, explain it
  meent payout       {list|export|settle}                          open payouts, CSV/SEPA files, settlements
  meent export       valueflows --commons ID                       economic events as ValueFlows JSON-LD
  meent erase   --data DIR [--by WHO] COMMITMENT                   erase a private record (the log still verifies)
  meent license      {policy|attest|request|pay|revoke|status|proof|verify|check|publish}
  meent bench   --url URL [--n N] [--concurrency C]                drive a running node with signed events
  meent version

Configuration comes from flags, then MEENT_* environment variables (MEENT_DATA,
MEENT_LISTEN, MEENT_DB, ...), then DIR/meent.conf ("name = value" lines), then
defaults. See README.md.
`

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "meent:", describe(err))
		}
		os.Exit(1)
	}
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("reported")

func describe(err error) string {
	var e *meent.Error
	if errors.As(err, &e) {
		return fmt.Sprintf("%s (%s)", e.Message, e.Code)
	}
	return err.Error()
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errReported
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, stdout, stderr)
	case "init":
		return cmdInit(ctx, args, stdout, stderr)
	case "verify":
		return cmdVerify(ctx, args, stdout, stderr)
	case "agent":
		return cmdAgent(ctx, args, stdout, stderr)
	case "event":
		return cmdEvent(ctx, args, stdout, stderr)
	case "commons":
		return cmdCommons(ctx, args, stdout, stderr)
	case "contribution":
		return cmdContribution(ctx, args, stdout, stderr)
	case "need":
		return cmdNeed(ctx, args, stdout, stderr)
	case "import":
		return cmdImport(ctx, args, stdout, stderr)
	case "identity":
		return cmdIdentity(ctx, args, stdout, stderr)
	case "policy":
		return cmdPolicy(ctx, args, stdout, stderr)
	case "income":
		return cmdIncome(ctx, args, stdout, stderr)
	case "distribution":
		return cmdDistribution(ctx, args, stdout, stderr)
	case "license":
		return cmdLicense(ctx, args, stdout, stderr)
	case "payout":
		return cmdPayout(ctx, args, stdout, stderr)
	case "export":
		return cmdExport(ctx, args, stdout, stderr)
	case "erase":
		return cmdErase(ctx, args, stdout, stderr)
	case "bench":
		return cmdBench(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "meent", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "meent: unknown command %q\n\n%s", cmd, usage)
	return errReported
}

// newFlagSet returns a flag set that reports errors itself and prints usage
// to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("meent "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags, which may come before or after the positional
// arguments ("meent distribution show ID --recipient X"); "--" ends them.
func parse(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return errReported // the flag package told the user (-h included)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}
