package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	nethttp "net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
)

// The peer-production commands. Each signs one event with an agent key
// held in a file (meent agent create writes one) and submits it, or reads
// JSON from the API. They are thin: the rules live in package commons and
// the node says why an event is refused.

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// remote holds the flag of every command that talks to a node.
type remote struct {
	url string
}

func (r *remote) bind(fs *flag.FlagSet) {
	fs.StringVar(&r.url, "url", "http://127.0.0.1:8080", "node URL")
}

// base is the node's URL without a trailing slash, to append API paths to.
func (r *remote) base() string { return strings.TrimRight(r.url, "/") }

// signer holds the flags of every command that signs an event: the node
// and the agent key. A command that only reads binds a remote, so that
// its help lists no --key it would ignore.
type signer struct {
	remote
	key string
}

func (s *signer) bind(fs *flag.FlagSet) {
	s.remote.bind(fs)
	fs.StringVar(&s.key, "key", "", "agent key file (from meent agent create, or DATA/admin.key)")
}

func (s *signer) submit(ctx context.Context, stdout io.Writer, typ string, data any) error {
	rc, err := s.sign(ctx, typ, time.Now().UnixMilli(), data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s appended at index %d\n", typ, rc.Hash, rc.Index)
	return nil
}

func (s *signer) submitQuiet(ctx context.Context, typ string, data any) error {
	_, err := s.sign(ctx, typ, time.Now().UnixMilli(), data)
	return err
}

// sign signs one event with the given time and submits it.
func (s *signer) sign(ctx context.Context, typ string, at int64, data any) (node.Receipt, error) {
	if s.key == "" {
		return node.Receipt{}, errors.New("--key is required")
	}
	id, key, err := readAgentKey(s.key)
	if err != nil {
		return node.Receipt{}, err
	}
	entry, err := ledger.Sign(key, ledger.Body{Type: typ, Author: id, Time: at, Data: data})
	if err != nil {
		return node.Receipt{}, err
	}
	return client.New(s.url, nil).Submit(ctx, entry)
}

// getJSON prints the JSON at url, indented.
// printJSON writes v as indented JSON, as getJSON does with a response:
// the lists, which follow the API's cursors, print every page as one.
func printJSON(stdout io.Writer, v any) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func getJSON(ctx context.Context, stdout io.Writer, url string) error {
	body, err := fetch(ctx, url)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if json.Indent(&out, body, "", "  ") != nil {
		out.Reset()
		out.Write(body)
	}
	out.WriteByte('\n')
	_, err = out.WriteTo(stdout)
	return err
}

// fetchJSON decodes the JSON at url into out.
func fetchJSON(ctx context.Context, url string, out any) error {
	body, err := fetch(ctx, url)
	if err != nil {
		return err
	}
	return json.Unmarshal(body, out)
}

// fetch returns the body of a 200 answer, or the error the node's
// problem document describes (client.ResponseError), never the raw body.
func fetch(ctx context.Context, url string) ([]byte, error) {
	resp, body, err := httpGetResponse(ctx, url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != nethttp.StatusOK {
		return nil, client.ResponseError(resp, body)
	}
	return body, nil
}

// httpGetResponse fetches url and returns the response and at most 32
// MiB of its body. For a status the caller does not expect,
// client.ResponseError(resp, body) is the error to return.
func httpGetResponse(ctx context.Context, url string) (*nethttp.Response, []byte, error) {
	req, err := nethttp.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, nil, meent.Errorf(meent.EINVALID, "bad URL %q: %v", url, err)
	}
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &meent.Error{Code: meent.EUNAVAILABLE, Message: "cannot reach " + req.URL.Redacted(), Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, nil, &meent.Error{Code: meent.EUNAVAILABLE, Message: "the node's answer was cut off", Err: err}
	}
	return resp, body, nil
}

// commonsArea holds the peer-production commands: commons, their
// contributions and their needs boards.
var commonsArea = area{
	name:     "commons",
	summary:  "commons, their contributions and their needs",
	commands: slices.Concat(commonsCommands, contributionCommands, needCommands),
	demo:     demoCommons,
}

var commonsCommands = []command{
	{name: "commons create", summary: "create a commons; you become its maintainer", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.CreateData
		var links, maint listFlag
		fs.StringVar(&d.Name, "name", "", "name")
		fs.StringVar(&d.Description, "description", "", "description")
		fs.StringVar(&d.Kind, "kind", "software", "software, design, knowledge, hardware or other")
		fs.IntVar(&d.Approvals, "approvals", 1, "accepts a contribution needs")
		fs.Var(&links, "link", "a link (repeatable)")
		fs.Var(&maint, "maintainer", "a first maintainer's agent ID (repeatable; node admins only)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			d.Links, d.Maintainers = links, maint
			return s.submit(ctx, stdout, commons.TypeCreate, d)
		}
	}},
	{name: "commons fork", args: "ID", idFlag: "commons", summary: "fork a commons, keeping the contributions it accepted so far", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.ForkData
		fs.StringVar(&d.Commons, "commons", "", "commons to fork")
		fs.StringVar(&d.Name, "name", "", "the fork's name")
		fs.StringVar(&d.Description, "description", "", "description")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, commons.TypeFork, d)
		}
	}},
	{name: "commons maintainer", args: "AGENT", idFlag: "agent", summary: "appoint (or with --remove, remove) a maintainer of a commons", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.MaintainerData
		remove := fs.Bool("remove", false, "remove instead of add")
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Agent, "agent", "", "the maintainer's agent ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if *remove {
				return s.submit(ctx, stdout, commons.TypeMaintainerRemove, d)
			}
			return s.submit(ctx, stdout, commons.TypeMaintainerAdd, d)
		}
	}},
	{name: "commons list", summary: "list the commons as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if p.one() {
				return p.page(ctx, stdout, r.base(), "/api/v1/commons", nil)
			}
			cs, err := client.New(r.url, nil).CommonsList(ctx, "")
			if err != nil {
				return err
			}
			return printJSON(stdout, api.CommonsList{Commons: cs})
		}
	}},
	{name: "commons show", args: "ID", idFlag: "id", summary: "show a commons as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		id := fs.String("id", "", "commons ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.url+"/api/v1/commons/"+*id)
		}
	}},
}

var contributionCommands = []command{
	{name: "contribution submit", summary: "contribute to a commons; maintainers review it after the fact", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.SubmitData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Kind, "kind", "code", strings.Join(commons.ContributionKinds, ", "))
		fs.StringVar(&d.Need, "need", "", "the need it answers")
		prep := workFlags(fs, &s, &d.Title, &d.Description, &d.Evidence, &d.Quantities)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if err := prep(ctx); err != nil {
				return err
			}
			return s.submit(ctx, stdout, commons.TypeSubmit, d)
		}
	}},
	{name: "contribution revise", args: "ID", idFlag: "id", summary: "revise your contribution after changes were asked", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.ReviseData
		fs.StringVar(&d.Contribution, "id", "", "contribution ID")
		prep := workFlags(fs, &s, &d.Title, &d.Description, &d.Evidence, &d.Quantities)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if err := prep(ctx); err != nil {
				return err
			}
			return s.submit(ctx, stdout, commons.TypeRevise, d)
		}
	}},
	{name: "contribution review", args: "ID", idFlag: "id", summary: "accept, reject or ask changes to a contribution (maintainers)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.ReviewData
		fs.StringVar(&d.Contribution, "id", "", "contribution ID")
		fs.StringVar(&d.Verdict, "verdict", "", "accept, reject or changes")
		fs.StringVar(&d.Reason, "reason", "", "why (required to reject or ask for changes)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, commons.TypeReview, d)
		}
	}},
	{name: "contribution dispute", args: "ID", idFlag: "id", summary: "dispute the rejection of your contribution", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.DisputeData
		fs.StringVar(&d.Contribution, "id", "", "contribution ID")
		fs.StringVar(&d.Reason, "reason", "", "why the rejection is wrong")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, commons.TypeDispute, d)
		}
	}},
	{name: "contribution resolve", args: "ID", idFlag: "id", summary: "uphold or overturn a disputed rejection (other maintainers)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.ResolveData
		fs.StringVar(&d.Contribution, "id", "", "contribution ID")
		fs.StringVar(&d.Outcome, "outcome", "", "uphold or overturn")
		fs.StringVar(&d.Reason, "reason", "", "why")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, commons.TypeResolve, d)
		}
	}},
	{name: "contribution endorse", args: "ID", idFlag: "id", summary: "endorse someone else's contribution (members)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.RefData
		fs.StringVar(&d.Contribution, "id", "", "contribution ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, commons.TypeEndorse, d)
		}
	}},
	{name: "contribution show", args: "ID", idFlag: "id", summary: "show a contribution and its history as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		id := fs.String("id", "", "contribution ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.url+"/api/v1/contributions/"+*id)
		}
	}},
	{name: "contribution list", summary: "list a commons' contributions as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		id := fs.String("commons", "", "commons ID")
		lineage := fs.Bool("lineage", false, "include upstream contributions a fork recognises")
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if p.one() {
				q := url.Values{}
				if *lineage {
					q.Set("lineage", "1")
				}
				return p.page(ctx, stdout, r.base(), "/api/v1/commons/"+url.PathEscape(*id)+"/contributions", q)
			}
			ks, err := client.New(r.url, nil).Contributions(ctx, *id, "", *lineage)
			if err != nil {
				return err
			}
			return printJSON(stdout, api.ContributionList{Contributions: ks})
		}
	}},
}

var needCommands = []command{
	{name: "need post", summary: "post a need on a commons' board", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.NeedData
		var bounty int64
		var currency string
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Title, "title", "", "title")
		fs.StringVar(&d.Description, "description", "", "description")
		fs.IntVar(&d.MaxClaimants, "max-claimants", commons.DefaultClaimants, "how many may work on it at once")
		fs.Int64Var(&bounty, "bounty", 0, "bounty in minor units")
		fs.StringVar(&currency, "currency", "EUR", "bounty currency")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if bounty > 0 {
				d.Bounty = &commons.Money{Amount: bounty, Currency: currency}
			}
			return s.submit(ctx, stdout, commons.TypeNeedPost, d)
		}
	}},
	{name: "need signal", args: "ID", idFlag: "id", summary: "give a need a +1, a priority or a pledge", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.SignalData
		var pledge int64
		var currency string
		plus := fs.Bool("plus-one", false, "give a +1")
		fs.StringVar(&d.Need, "id", "", "need ID")
		fs.IntVar(&d.Priority, "priority", 0, "priority 1 (low) to 5 (urgent)")
		fs.Int64Var(&pledge, "pledge", 0, "pledge in minor units")
		fs.StringVar(&currency, "currency", "EUR", "pledge currency")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			switch {
			case *plus:
				d.Kind = commons.SignalPlusOne
			case d.Priority != 0:
				d.Kind = commons.SignalPriority
			case pledge != 0:
				d.Kind, d.Pledge = commons.SignalPledge, &commons.Money{Amount: pledge, Currency: currency}
			default:
				return errors.New("give --plus-one, --priority N or --pledge N")
			}
			return s.submit(ctx, stdout, commons.TypeNeedSignal, d)
		}
	}},
	{name: "need claim", args: "ID", idFlag: "id", summary: "claim a need for a lease of some days", flags: needClaimFlags(commons.TypeNeedClaim)},
	{name: "need renew", args: "ID", idFlag: "id", summary: "renew your claim on a need", flags: needClaimFlags(commons.TypeNeedRenew)},
	{name: "need release", args: "ID", idFlag: "id", summary: "release your claim on a need", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.RefData
		fs.StringVar(&d.Need, "id", "", "need ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, commons.TypeNeedRelease, d)
		}
	}},
	{name: "need close", args: "ID", idFlag: "id", summary: "close a need (its poster or a maintainer)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.CloseData
		fs.StringVar(&d.Need, "id", "", "need ID")
		fs.StringVar(&d.Reason, "reason", "", "why")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, commons.TypeNeedClose, d)
		}
	}},
	{name: "need list", summary: "list a commons' needs as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		id := fs.String("commons", "", "commons ID")
		sort := fs.String("sort", "signals", "signals, pledges, priority or age")
		status := fs.String("status", "open", "open or closed")
		var p pageFlags
		p.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if p.one() {
				return p.page(ctx, stdout, r.base(), "/api/v1/commons/"+url.PathEscape(*id)+"/needs", url.Values{"sort": {*sort}, "status": {*status}})
			}
			ns, err := client.New(r.url, nil).Needs(ctx, *id, client.NeedQuery{Sort: *sort, Status: *status})
			if err != nil {
				return err
			}
			return printJSON(stdout, api.NeedList{Sort: *sort, Needs: ns})
		}
	}},
}

// workFlags defines the flags that describe a contribution's work, for
// submit and revise. The function it returns fills in the evidence and
// quantities once the flags are parsed, uploading files through s's node.
func workFlags(fs *flag.FlagSet, s *signer, title, desc *string, ev *[]commons.Evidence, q *commons.Quantities) func(ctx context.Context) error {
	var urls, commits, blobs listFlag
	var amount int64
	var currency, token string
	fs.StringVar(title, "title", "", "title")
	fs.StringVar(desc, "description", "", "description")
	fs.Var(&urls, "evidence-url", "evidence: a URL (repeatable)")
	fs.Var(&commits, "commit", "evidence: a git commit hash (repeatable)")
	fs.Var(&blobs, "file", "evidence: a file to upload as a blob (repeatable; needs --token)")
	fs.StringVar(&token, "token", "", "API token, to upload files")
	fs.Int64Var(&q.Minutes, "minutes", 0, "work time in minutes")
	fs.Int64Var(&q.LinesAdded, "lines-added", 0, "lines added")
	fs.Int64Var(&q.LinesRemoved, "lines-removed", 0, "lines removed")
	fs.Int64Var(&amount, "amount", 0, "amount given, in minor units")
	fs.StringVar(&currency, "currency", "", "currency of --amount (ISO 4217)")
	return func(ctx context.Context) error {
		for _, u := range urls {
			*ev = append(*ev, commons.Evidence{URL: u})
		}
		for _, c := range commits {
			*ev = append(*ev, commons.Evidence{Commit: c})
		}
		for _, f := range blobs {
			h, err := uploadBlob(ctx, s.url, token, f)
			if err != nil {
				return fmt.Errorf("upload %s: %w", f, err)
			}
			*ev = append(*ev, commons.Evidence{Blob: h, Note: truncate(filepath.Base(f), commons.MaxTitle)})
		}
		if amount != 0 || currency != "" {
			q.Amount = &commons.Money{Amount: amount, Currency: currency}
		}
		return nil
	}
}

// needClaimFlags defines the flags of need claim and need renew, which
// sign the same data under two event types.
func needClaimFlags(typ string) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d commons.ClaimData
		fs.StringVar(&d.Need, "id", "", "need ID")
		fs.IntVar(&d.LeaseDays, "days", commons.DefaultLease, "lease in days")
		return func(ctx context.Context, stdout, stderr io.Writer) error { return s.submit(ctx, stdout, typ, d) }
	}
}

func truncate(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// uploadBlob PUTs a file to the node's blob store under its SHA-256.
func uploadBlob(ctx context.Context, url, token, path string) (string, error) {
	if token == "" {
		return "", errors.New("uploading files needs --token (create one at /account or POST /api/v1/tokens)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	req, err := nethttp.NewRequestWithContext(ctx, "PUT", url+"/api/v1/blobs/"+h, bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 201 && resp.StatusCode != 200 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return "", client.ResponseError(resp, b)
	}
	return h, nil
}

// demoCommons gives the demo community a commons (d.ids["libmeent"]) with
// contributions in every state, a fork, and a needs board, all signed by
// the demo accounts.
func demoCommons(d *demo) error {
	act, ids := d.act, d.ids
	lib := act("maya", commons.TypeCreate, commons.CreateData{
		Name: "libmeent", Kind: "software", Approvals: 2,
		Description: "A small library for exact money splits, used by companies and cooperatives alike.",
		Links:       []string{"https://example.org/libmeent"},
	})
	ids["libmeent"] = lib
	act("maya", commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: ids["joost"]})
	need := act("fablab", commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "Windows build", MaxClaimants: 2,
		Description: "Our laser cutter's software runs on Windows; we need a tested build.", Bounty: &commons.Money{Amount: 25000, Currency: "EUR"}})
	act("amina", commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPlusOne})
	act("broodfonds", commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 5000, Currency: "EUR"}})
	act("amina", commons.TypeNeedClaim, commons.ClaimData{Need: need})
	docs := act("amina", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "documentation", Title: "Explain the largest-remainder tie-break",
		Evidence: []commons.Evidence{{URL: "https://example.org/libmeent/pull/12"}}, Quantities: commons.Quantities{Minutes: 120, LinesAdded: 80}})
	act("maya", commons.TypeReview, commons.ReviewData{Contribution: docs, Verdict: commons.VerdictAccept})
	act("joost", commons.TypeReview, commons.ReviewData{Contribution: docs, Verdict: commons.VerdictAccept})
	act("joost", commons.TypeEndorse, commons.RefData{Contribution: docs})
	fix := act("joost", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Fix rounding on negative amounts",
		Evidence: []commons.Evidence{{Commit: "9fceb02d0ae598e95dc970b74767f19372d61af8"}}, Quantities: commons.Quantities{LinesAdded: 14, LinesRemoved: 3, Minutes: 45}})
	act("maya", commons.TypeReview, commons.ReviewData{Contribution: fix, Verdict: commons.VerdictChanges, Reason: "Please add a test for -1 cent."})
	act("amina", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "work_time", Title: "Triaged 30 issues", Quantities: commons.Quantities{Minutes: 180}})
	act("gemeente", commons.TypeFork, commons.ForkData{Commons: lib, Name: "libmeent for municipalities", Description: "With the city's invoicing formats."})
	return d.err
}
