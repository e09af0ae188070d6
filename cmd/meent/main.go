// Command meent runs a meent node and the tools around it: init, serve,
// verify, bench, and signing events from the command line. Run
// "meent help" for the list.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/meent/meent"
	"github.com/meent/meent/client"
)

var version = "dev"

// areas is meent's command line: every command, and the demo community
// of serve --demo, come from these areas, in this order (see cli.go). A
// new area is its file with an area value, and one line here. It is set
// in init because commands refer to it (serve runs every area's demo),
// which a variable's initializer may not.
var areas []area

func init() {
	areas = []area{
		nodeArea,     // nodecmd.go: serve, init, verify, erase, bench
		agentArea,    // agentcmd.go: agents and raw events
		commonsArea,  // commonscmd.go: commons, contributions, needs
		importArea,   // importcmd.go: git histories
		identityArea, // identitycmd.go: imported identities and claims on them
		valueArea,    // valuecmd.go: value policies, incomes, distributions
		payoutArea,   // payoutcmd.go: payouts and exports
		licenseArea,  // licensecmd.go: copyfair licensing
		governArea,   // governcmd.go: polls, votes, delegations, decisions
		budgetArea,   // budgetcmd.go: budget rounds, buckets, allocations
		creditArea,   // creditcmd.go: mutual credit
		// breadfundcmd.go: bread funds
		breadfundArea,
		sharingArea, // sharingcmd.go: shared tools and their bookings
		peerArea,    // peercmd.go: federation: following peers, evidence
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
	var p *client.ProblemError
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
