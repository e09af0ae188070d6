package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	nethttp "net/http"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/client"
)

// TestCommandTable keeps the table that help and the CLI tests are built
// from complete and consistent: every command is in one area, has a
// one-line summary and a function, and a positional ID replaces at most
// one flag.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	areaNames := map[string]bool{}
	oneLine := func(s string) bool {
		return s != "" && !strings.ContainsAny(s, "\n") && !strings.HasSuffix(s, ".") && strings.ToLower(s[:1]) == s[:1]
	}
	for _, a := range areas {
		if areaNames[a.name] || a.name == "" {
			t.Errorf("area %q is in the list twice, or has no name", a.name)
		}
		areaNames[a.name] = true
		if !oneLine(a.summary) {
			t.Errorf("area %q: summary %q is not one line, lower case, without a full stop", a.name, a.summary)
		}
		if len(a.commands) == 0 {
			t.Errorf("area %q has no commands", a.name)
		}
	}
	for _, c := range allCommands() {
		if seen[c.name] {
			t.Errorf("%q is in the table twice", c.name)
		}
		seen[c.name] = true
		if !oneLine(c.summary) {
			t.Errorf("%q: summary %q is not one line, lower case, without a full stop", c.name, c.summary)
		}
		if c.flags == nil {
			t.Errorf("%q has no flags function, so nothing runs it", c.name)
		}
		if c.idFlag != "" && len(strings.Fields(c.args)) != 1 {
			t.Errorf("%q: a positional ID replacing --%s must be the only argument, not %q", c.name, c.idFlag, c.args)
		}
		if n := len(strings.Fields(c.name)); n > 2 {
			t.Errorf("%q: a command is a name or a group and a name", c.name)
		}
	}
	// A top-level command and a group of the same name could not both
	// be reached.
	for _, c := range allCommands() {
		if !strings.Contains(c.name, " ") && len(group(c.name)) > 0 {
			t.Errorf("%q is both a command and a group", c.name)
		}
	}
}

// TestCommandFlags checks that every command defines exactly the flags it
// uses: the list below was written by reading each command, so a shared
// helper that adds a flag (as --key was once added to commands that only
// read) fails here for every command it would reach. The ID a positional
// argument replaced is the one hidden flag, and -h lists all the others.
// Commands that sign take --url and --key; commands that only read, --url.
func TestCommandFlags(t *testing.T) {
	const (
		sign = "url key "
		read = "url "
		page = "limit cursor " // one page instead of every page (pagecmd.go)
		node = "data db "
		all  = node + "origin admin-password log-level log-format max-blob-size "
	)
	want := map[string]string{
		"serve":                all + "listen demo secure-cookies payment-provider payment-secret payment-key time-zone",
		"init":                 all,
		"verify":               node + "key",
		"rebuild":              node,
		"erase":                node + "by show orphans older-than",
		"bench":                "url n concurrency",
		"version":              "",
		"help":                 "",
		"agent create":         "url name kind out",
		"event submit":         "url key type data",
		"event list":           read + page + "commons touches author type all",
		"commons create":       sign + "name description kind approvals link maintainer",
		"commons fork":         sign + "commons name description",
		"commons maintainer":   sign + "remove commons agent",
		"commons list":         read + page,
		"commons show":         read + "id",
		"contribution submit":  sign + "commons kind need " + work,
		"contribution revise":  sign + "id " + work,
		"contribution review":  sign + "id verdict reason",
		"contribution dispute": sign + "id reason",
		"contribution resolve": sign + "id outcome reason",
		"contribution endorse": sign + "id",
		"contribution show":    read + "id",
		"contribution list":    read + page + "commons lineage",
		"need post":            sign + "commons title description max-claimants bounty currency",
		"need signal":          sign + "plus-one id priority pledge currency",
		"need claim":           sign + "id days",
		"need renew":           sign + "id days",
		"need release":         sign + "id",
		"need close":           sign + "id reason",
		"need list":            read + page + "commons sort status",
		"import git":           sign + "commons ref source dry-run mailmap",
		"peer follow":          "data key",
		"peer evidence":        "key",
		"identity claim":       sign + "commons identity",
		"identity confirm":     sign + "commons identity agent",
		"identity attest":      sign + "commons identity agent",
		"identity contest":     sign + "commons identity agent reason",
		"identity reject":      sign + "commons identity agent reason",
		"identity finalize":    sign + "commons identity agent",
		"identity list":        read + "commons json",
		"policy show":          read + "commons",
		"policy set":           sign + "commons file preset min-payout exclude preview-amount currency yes",
		"income record":        sign + "commons kind amount currency payer reference",
		"income list":          read + page + "commons",
		"distribution run":     sign + "income",
		"distribution show":    read + "recipient",
		"distribution shares":  read,
		"distribution list":    read + page + "commons",
		"payout list":          read + "commons",
		"payout export":        read + "commons format payees out debtor-name debtor-iban debtor-bic execution-date message-id",
		"payout settle":        sign + "commons recipient amount currency reference private-reference",
		"export valueflows":    read + "commons",
		"poll open":            sign + "commons question description method option seats majority threshold at-least quorum max-score dots electorate min-accepted opens closes for effect",
		"poll vote":            sign + "choice rank mark",
		"poll delegate":        sign + "to poll commons undo",
		"poll close":           sign,
		"poll cancel":          sign + "reason",
		"poll show":            read,
		"poll list":            read + page + "commons status",
		"poll votes":           read + page,
		"poll ballots":         read + page,
		"poll electorate":      read + page,
		"poll delegations":     read + page,
		"poll rules":           sign + "commons decide end",
		"credit currency":      sign + "code name exponent limit soft commons-limit growth growth-cap demurrage grace from to dust update",
		"credit show":          read,
		"credit transfer":      sign + "currency from to amount reference",
		"credit limit":         sign + "currency limit soft decision",
		"credit demurrage":     sign + "currency period",
		"credit balance":       read + "currency",
		"credit statement":     read + "currency",
		"credit valueflows":    read,
		"license policy":       sign + "commons file",
		"license attest":       sign + "agent kind",
		"license request":      sign + "commons commercial scope employees revenue currency",
		"license pay":          sign + "offer amount currency reference",
		"license revoke":       sign + "grant reason",
		"license status":       read + "commons agent commercial scope",
		"license proof":        read + "out",
		"license check":        "modfile registry name kind employees commercial scope revenue currency",
		"license publish":      read + "commons dir",
		"catalogue set":        sign + "commons time-zone stewards",
		"resource add":         sign + "commons name kind items location description rules",
		"resource list":        read + page + "commons",
		"resource show":        read,
		"resource status":      sign + "status reason",
		"training record":      sign + "commons agent training",
		"booking request":      sign + "resource item start end note",
		"booking approve":      sign,
		"booking end":          sign,
		"booking cancel":       sign + "reason",
		"booking checkout":     sign + "condition",
		"booking checkin":      sign + "condition damage",
		"booking pay":          sign + "amount currency reference",
		"booking show":         read,
		"booking list":         read + page + "resource agent from to",
		"item damage":          sign + "resource item description",
		"item repair":          sign + "resource item description",
		"license verify":       "key at",
		"budget open":          sign + "commons title currency opens closes method leftover",
		"budget fund":          sign + "amount currency source",
		"budget close":         sign,
		"budget show":          read,
		"budget list":          read + page + "commons",
		"budget buckets":       read + page,
		"budget allowance":     read + "agent",
		"bucket propose":       sign + "title description min max currency recipient",
		"bucket edit":          sign + "title description min max currency recipient",
		"bucket cancel":        sign + "reason",
		"bucket approve":       sign + "no",
		"bucket spend":         sign + "amount currency reference",
		"bucket show":          read,
		"bucket allocations":   read + page,
		"bucket approvals":     read + page,
		"bucket spendings":     read + page,
		"allocate":             sign + "amount currency",
		"withdraw":             sign,

		"breadfund create":  sign + "commons file",
		"breadfund join":    sign + "commons level introducer",
		"breadfund admit":   sign + "commons",
		"breadfund deposit": sign + "commons member period amount",
		"breadfund sick":    sign + "commons member start percent reason",
		"breadfund change":  sign + "percent from buddy checkin-days",
		"breadfund checkin": sign,
		"breadfund recover": sign + "end",
		"breadfund gifts":   sign + "commons period token dry-run",
		"breadfund approve": sign + "commons",
		"breadfund settle":  sign + "commons reference",
		"breadfund cost":    sign + "commons amount description",
		"breadfund exit":    sign + "commons member refund",
		"breadfund show":    read + "token",
		"breadfund export":  read + "commons token format payees out debtor-name debtor-iban debtor-bic execution-date message-id",
	}
	for _, c := range allCommands() {
		w, ok := want[c.name]
		if !ok {
			t.Errorf("%q: add its flags to the list in TestCommandFlags", c.name)
			continue
		}
		delete(want, c.name)
		fs := newFlagSet(c, io.Discard)
		c.flags(fs)
		var got []string
		fs.VisitAll(func(f *flag.Flag) { got = append(got, f.Name) })
		wantNames := strings.Fields(w)
		slices.Sort(wantNames)
		if !slices.Equal(got, wantNames) {
			t.Errorf("%q defines flags %q, want %q", c.name, got, wantNames)
		}
		if c.idFlag != "" && fs.Lookup(c.idFlag) == nil {
			t.Errorf("%q: the deprecated --%s it keeps working is not defined", c.name, c.idFlag)
		}
		// The help lists every flag but the deprecated one.
		var help bytes.Buffer
		fs.SetOutput(&help)
		fs.Usage()
		for _, name := range got {
			listed := strings.Contains(help.String(), "  -"+name+" ") || strings.Contains(help.String(), "  -"+name+"\n")
			if listed == (name == c.idFlag) {
				t.Errorf("%q: -h lists --%s: %v, want %v", c.name, name, listed, name != c.idFlag)
			}
		}
		// The convention: the object is the argument, never a visible
		// --id; the commons a command works in is --commons.
		if f := fs.Lookup("id"); f != nil && c.idFlag != "id" {
			t.Errorf("%q takes its object as --id, not as its argument", c.name)
		}
	}
	for name := range want {
		t.Errorf("TestCommandFlags lists %q, which is not a command", name)
	}
}

// work is the flags of a contribution's work (submit and revise).
const work = "title description evidence-url commit file token minutes lines-added lines-removed amount currency"

// TestDeprecatedIDFlag: the flag a positional ID replaced still works,
// with a one-line notice on stderr; the argument and the flag must agree.
func TestDeprecatedIDFlag(t *testing.T) {
	id := strings.Repeat("ab", 32)
	var out, errOut bytes.Buffer
	// The node is unreachable: the notice comes before the request fails.
	err := run(context.Background(), []string{"contribution", "show", "--url", "http://127.0.0.1:1", "--id", id}, &out, &errOut)
	if meent.ErrorCode(err) != meent.EUNAVAILABLE {
		t.Fatalf("err = %v, want unavailable (the ID was accepted)", err)
	}
	want := "meent: --id is deprecated: give the ID as the argument (meent contribution show ID)\n"
	if errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
	errOut.Reset()
	err = run(context.Background(), []string{"contribution", "show", "--url", "http://127.0.0.1:1", id}, &out, &errOut)
	if meent.ErrorCode(err) != meent.EUNAVAILABLE || errOut.Len() > 0 {
		t.Errorf("positional: err %v, stderr %q", err, errOut.String())
	}
	err = run(context.Background(), []string{"contribution", "show", "--id", id, strings.Repeat("cd", 32)}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("both, differently: err %v", err)
	}
	err = run(context.Background(), []string{"distribution", "shares", "--url", "http://127.0.0.1:1"}, &out, &errOut)
	if err == nil || err.Error() != "missing the ID; usage: meent distribution shares ID [flags]" {
		t.Errorf("missing argument: err %v", err)
	}
}

// TestHelpExitsZero runs help in process for every command; the
// integration tests do the same with the real binary.
func TestHelpExitsZero(t *testing.T) {
	for _, c := range allCommands() {
		var out, errOut bytes.Buffer
		args := append(strings.Fields(c.name), "-h")
		if err := run(context.Background(), args, &out, &errOut); err != nil {
			t.Errorf("meent %s: %v; stderr %s", strings.Join(args, " "), err, errOut.String())
			continue
		}
		if !strings.HasPrefix(out.String(), "usage: "+synopsis(c)+" ") || errOut.Len() > 0 {
			t.Errorf("meent %s: stdout %q, stderr %q", strings.Join(args, " "), out.String(), errOut.String())
		}
	}
}

// TestDescribe pins the line a user reads for an error: a node's problem
// as title and detail, never its JSON, with the context a command added.
func TestDescribe(t *testing.T) {
	problem := func(status int, body string) error {
		return client.ResponseError(&nethttp.Response{StatusCode: status, Status: nethttp.StatusText(status),
			Header: nethttp.Header{"Content-Type": {"application/problem+json"}}}, []byte(body))
	}
	refused := problem(422, `{"type":"urn:meent:problem:rule_violation","title":"Rule violation","status":422,"detail":"only a maintainer reviews","code":"rule_violation"}`)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{refused, "Rule violation: only a maintainer reviews (rule_violation)"},
		{fmt.Errorf("upload a.png: %w", refused), "upload a.png: Rule violation: only a maintainer reviews (rule_violation)"},
		{meent.Errorf(meent.EINVALID, "--at: bad time"), "--at: bad time (invalid)"},
		{fmt.Errorf("registry http://x: %w", &meent.Error{Code: meent.EUNAVAILABLE, Message: "cannot reach http://x", Err: errors.New("dial tcp: refused")}),
			"registry http://x: cannot reach http://x (unavailable)"},
		{errors.New("--key is required"), "--key is required"},
	} {
		if got := describe(tc.err); got != tc.want {
			t.Errorf("describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
