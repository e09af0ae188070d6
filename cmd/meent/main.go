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
	"path/filepath"
	"strings"
	"syscall"

	"github.com/meent/meent"
	"github.com/meent/meent/http"
)

var version = "dev"

// A command is one thing meent does, as "meent help" and "meent NAME -h"
// describe it. The table below is the one list of them: help is printed
// from it, every command's flag set takes its usage and positional
// arguments from it, and the CLI tests run "-h" on every entry, so a new
// command is described and tested by adding its line.
type command struct {
	name string // "serve", or "group sub" for a subcommand ("commons show")
	// args is the positional synopsis after the name ("ID", "[URL]"). A
	// command without args refuses positional arguments.
	args string
	// idFlag names the flag the positional ID replaced; it keeps working
	// as a deprecated alias, so scripts written for it do not break. With
	// idFlag set the framework checks the argument and puts it into the
	// flag; otherwise the command reads fs.Arg itself.
	idFlag  string
	summary string // one line, lower case, no full stop
}

// The rule for positional arguments: the one object a command acts on
// (a contribution, a need, a grant) is its argument; the commons a
// command works in is --commons, the same flag everywhere.
var commands = []command{
	{name: "serve", summary: "run a node (initialises the data directory on first start)"},
	{name: "init", summary: "create a node: keys, database, first admin"},
	{name: "verify", args: "[URL]", summary: "audit a node's log end to end, from its data directory or its URL"},
	{name: "agent create", summary: "create an agent whose key stays on this machine"},
	{name: "event submit", summary: "sign any event locally and submit it"},

	{name: "commons create", summary: "create a commons; you become its maintainer"},
	{name: "commons fork", args: "ID", idFlag: "commons", summary: "fork a commons, keeping the contributions it accepted so far"},
	{name: "commons maintainer", summary: "appoint (or with --remove, remove) a maintainer of a commons"},
	{name: "commons list", summary: "list the commons as JSON"},
	{name: "commons show", args: "ID", idFlag: "id", summary: "show a commons as JSON"},

	{name: "contribution submit", summary: "contribute to a commons; maintainers review it after the fact"},
	{name: "contribution revise", args: "ID", idFlag: "id", summary: "revise your contribution after changes were asked"},
	{name: "contribution review", args: "ID", idFlag: "id", summary: "accept, reject or ask changes to a contribution (maintainers)"},
	{name: "contribution dispute", args: "ID", idFlag: "id", summary: "dispute the rejection of your contribution"},
	{name: "contribution resolve", args: "ID", idFlag: "id", summary: "uphold or overturn a disputed rejection (other maintainers)"},
	{name: "contribution endorse", args: "ID", idFlag: "id", summary: "endorse someone else's contribution (members)"},
	{name: "contribution list", summary: "list a commons' contributions as JSON"},
	{name: "contribution show", args: "ID", idFlag: "id", summary: "show a contribution and its history as JSON"},

	{name: "need post", summary: "post a need on a commons' board"},
	{name: "need signal", args: "ID", idFlag: "id", summary: "give a need a +1, a priority or a pledge"},
	{name: "need claim", args: "ID", idFlag: "id", summary: "claim a need for a lease of some days"},
	{name: "need renew", args: "ID", idFlag: "id", summary: "renew your claim on a need"},
	{name: "need release", args: "ID", idFlag: "id", summary: "release your claim on a need"},
	{name: "need close", args: "ID", idFlag: "id", summary: "close a need (its poster or a maintainer)"},
	{name: "need list", summary: "list a commons' needs as JSON"},

	{name: "import git", args: "PATH", summary: "import a git history: its commits become accepted contributions"},

	{name: "identity claim", summary: "claim an imported identity as yours; it moves nothing until proven or confirmed"},
	{name: "identity confirm", summary: "confirm an agent's claim on an imported identity (maintainers)"},
	{name: "identity attest", summary: "attest that an imported identity is an agent (maintainers)"},
	{name: "identity contest", summary: "object to a claim on an imported identity (maintainers, rival claimants)"},
	{name: "identity reject", summary: "reject a claim on an imported identity (maintainers)"},
	{name: "identity finalize", summary: "make a proven claim effective once its contest window has passed"},
	{name: "identity list", summary: "list a commons' imported identities and the claims on them"},

	{name: "policy show", summary: "show a commons' value policy as JSON"},
	{name: "policy set", summary: "preview a new value policy, and with --yes save it"},

	{name: "income record", summary: "record an income of a commons"},
	{name: "income list", summary: "list a commons' incomes as JSON"},

	{name: "distribution run", args: "INCOME", idFlag: "income", summary: "distribute an income under the commons' value policy"},
	{name: "distribution show", args: "ID", summary: "show a distribution, or how one recipient's amount was derived"},
	{name: "distribution shares", args: "ID", summary: "print the shares of a distribution as CSV"},
	{name: "distribution list", summary: "list a commons' distributions as JSON"},

	{name: "payout list", summary: "list what a commons owes: payouts due and amounts carried forward"},
	{name: "payout export", summary: "write the payouts due as a CSV or SEPA credit transfer file"},
	{name: "payout settle", summary: "record a payout as paid"},

	{name: "erase", args: "[COMMITMENT]", summary: "erase a private record; the log still verifies"},
	{name: "rebuild", summary: "rewrite the objects projection from a replay of the whole log"},

	{name: "export valueflows", summary: "write a commons' economic events as ValueFlows JSON-LD"},

	{name: "license policy", summary: "show a commons' license policy, or set it with --file"},
	{name: "license attest", summary: "attest what kind of organisation an agent is"},
	{name: "license request", summary: "request a license: a free grant or a priced offer"},
	{name: "license pay", args: "OFFER", idFlag: "offer", summary: "record the payment of an offer, which grants the license (maintainers)"},
	{name: "license revoke", args: "GRANT", idFlag: "grant", summary: "revoke a grant"},
	{name: "license status", summary: "say whether an agent is licensed to use a commons"},
	{name: "license proof", args: "GRANT", summary: "write a grant's proof, for offline checks"},
	{name: "license check", summary: "check a go.mod's dependencies against their commons' license policies"},
	{name: "license publish", summary: "publish a commons' license in a project (the well-known file)"},
	{name: "license verify", args: "FILE", summary: "verify a grant proof offline, with the node's key only"},

	{name: "bench", summary: "drive a running node with signed events and report the rate"},
	{name: "version", summary: "print meent's version"},
	{name: "help", args: "[COMMAND [SUBCOMMAND]]", summary: "describe every command, or one"},
}

// runs maps a top-level name to its implementation. A group's function
// dispatches its subcommands (see subcommand).
var runs = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"serve":        cmdServe,
	"init":         cmdInit,
	"verify":       cmdVerify,
	"agent":        cmdAgent,
	"event":        cmdEvent,
	"commons":      cmdCommons,
	"contribution": cmdContribution,
	"need":         cmdNeed,
	"import":       cmdImport,
	"identity":     cmdIdentity,
	"policy":       cmdPolicy,
	"income":       cmdIncome,
	"distribution": cmdDistribution,
	"payout":       cmdPayout,
	"export":       cmdExport,
	"license":      cmdLicense,
	"erase":        cmdErase,
	"rebuild":      cmdRebuild,
	"bench":        cmdBench,
	"version": func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		fs := newFlagSet("version", stderr)
		if err := parse(fs, args); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "meent", version)
		return nil
	},
}

// lookup returns the command called name ("commons show").
func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// group returns the subcommands of a group ("commons"), in table order.
func group(name string) []command {
	var out []command
	for _, c := range commands {
		if g, _, ok := strings.Cut(c.name, " "); ok && g == name {
			out = append(out, c)
		}
	}
	return out
}

const configHelp = `Configuration comes from flags, then MEENT_* environment variables (MEENT_DATA,
MEENT_LISTEN, MEENT_DB, ...), then DIR/meent.conf ("name = value" lines), then
defaults. "meent COMMAND -h" shows a command's flags. See README.md.
`

// printHelp prints every command with its summary.
func printHelp(w io.Writer) {
	fmt.Fprint(w, "meent: a commons' signed, provable ledger.\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-38s %s\n", synopsis(c), c.summary)
	}
	fmt.Fprint(w, "\n"+configHelp)
}

func synopsis(c command) string {
	s := "meent " + c.name
	if c.args != "" {
		s += " " + c.args
	}
	return s
}

// printGroup prints a group's subcommands.
func printGroup(w io.Writer, name string) {
	fmt.Fprintf(w, "usage: meent %s COMMAND [flags]; meent %s COMMAND -h for its flags\n\n", name, name)
	for _, c := range group(name) {
		fmt.Fprintf(w, "  %-38s %s\n", synopsis(c), c.summary)
	}
}

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

// errHelp means the user asked for help and got it: not a failure.
var errHelp = errors.New("help printed")

// describe is the one place an error becomes the line a user reads. A
// node's refusal reads as its problem document's title and detail, never
// as the document's JSON.
// The context a command wrapped around the error ("upload a.png: ") is
// kept in front.
func describe(err error) string {
	var inner error
	var line string
	var p *http.ProblemError
	var e *meent.Error
	switch {
	case errors.As(err, &p):
		inner, line = p, p.Describe()
	case errors.As(err, &e):
		inner, line = e, fmt.Sprintf("%s (%s)", e.Message, e.Code)
	default:
		return err.Error()
	}
	if msg, in := err.Error(), inner.Error(); strings.HasSuffix(msg, in) {
		return msg[:len(msg)-len(in)] + line
	}
	return line
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdout, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printHelp(stderr)
		return errReported
	}
	name, args := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		printHelp(stdout)
		return nil
	case "help":
		fs := newFlagSet("help", stderr)
		if helpAsked(args) {
			fs.SetOutput(stdout)
		}
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			printHelp(stdout)
			return nil
		}
		// "meent help commons show" is "meent commons show -h".
		return dispatch(ctx, append(fs.Args(), "-h"), stdout, stderr)
	}
	cmd := runs[name]
	if cmd == nil {
		fmt.Fprintf(stderr, "meent: unknown command %q; meent help lists them\n", name)
		return errReported
	}
	if sub := group(name); len(sub) > 0 {
		if len(args) == 0 {
			printGroup(stderr, name)
			return errReported
		}
		if isHelp(args[0]) {
			printGroup(stdout, name)
			return nil
		}
		if _, ok := lookup(name + " " + args[0]); !ok {
			fmt.Fprintf(stderr, "meent %s: unknown command %q\n\n", name, args[0])
			printGroup(stderr, name)
			return errReported
		}
	}
	if helpAsked(args) {
		// Asked for, help is the output: it goes to stdout, which the
		// flag package knows only as the flag set's output.
		stderr = stdout
	}
	return cmd(ctx, args, stdout, stderr)
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// helpAsked reports whether args ask for help before a "--".
func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelp(a) {
			return true
		}
	}
	return false
}

// newFlagSet returns a flag set for the command called name ("commons
// show") that reports errors itself, to stderr, and prints the command's
// synopsis and summary above its flags.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("meent "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c, ok := lookup(name)
	if !ok {
		c = command{name: name}
	}
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: %s [flags]\n", synopsis(c))
		if c.summary != "" {
			fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
		}
		if c.idFlag != "" {
			if f := fs.Lookup(c.idFlag); f != nil {
				f.Usage = fmt.Sprintf("deprecated: give the %s as the argument", c.args)
			}
		}
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses flags, which may come before or after the positional
// arguments ("meent distribution show ID --recipient X"); "--" ends them.
// Then it checks the positional arguments against the command table: a
// command takes at most the arguments its synopsis names, and a
// positional ID is put into the flag it replaced.
func parse(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return errHelp // the flag package printed the usage
			}
			return errReported // the flag package told the user
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
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return err
	}
	return positional(fs)
}

// positional checks fs's positional arguments against its command.
func positional(fs *flag.FlagSet) error {
	name := strings.TrimPrefix(fs.Name(), "meent ")
	c, ok := lookup(name)
	if !ok {
		return nil // not in the table: the command checks its own arguments
	}
	max := len(strings.Fields(c.args))
	if fs.NArg() > max {
		extra := fs.Args()[max:]
		return fmt.Errorf("unexpected argument %q; usage: %s [flags]", extra[0], synopsis(c))
	}
	if c.idFlag == "" {
		return nil
	}
	f := fs.Lookup(c.idFlag)
	set := false
	fs.Visit(func(v *flag.Flag) { set = set || v.Name == c.idFlag })
	switch {
	case fs.NArg() == 1 && set && f.Value.String() != fs.Arg(0):
		return fmt.Errorf("the %s is given twice, as the argument and as --%s, differently", c.args, c.idFlag)
	case fs.NArg() == 1:
		return fs.Set(c.idFlag, fs.Arg(0))
	case !set || f.Value.String() == "":
		return fmt.Errorf("missing the %s; usage: %s [flags]", c.args, synopsis(c))
	}
	return nil
}

// createAtomic writes a file through write, all or nothing: into a
// temporary file beside path, renamed over path only when write and the
// close succeed. A failed export leaves no file, rather than an empty or
// half-written one a treasurer might upload. The file is 0600 (what
// CreateTemp makes): exports carry payees' IBANs.
func createAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err = write(f); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
