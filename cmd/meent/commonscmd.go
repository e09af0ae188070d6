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

// signer holds the flags every signing command shares.
type signer struct {
	url, key string
}

func (s *signer) bind(fs *flag.FlagSet) {
	fs.StringVar(&s.url, "url", "http://127.0.0.1:8080", "node URL")
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

// subcommand runs one of several named sub-subcommands. run (in main.go)
// has already answered "meent NAME" and "meent NAME -h" from the command
// table; every subcommand here must have its line there.
func subcommand(ctx context.Context, name string, args []string, stdout, stderr io.Writer,
	cmds map[string]func(fs *flag.FlagSet) func() error) error {
	for sub := range cmds {
		if _, ok := lookup(name + " " + sub); !ok {
			return fmt.Errorf("internal: meent %s %s is missing from the command table in main.go", name, sub)
		}
	}
	if len(args) == 0 || cmds[args[0]] == nil {
		var names []string
		for n := range cmds {
			names = append(names, n)
		}
		return fmt.Errorf("usage: meent %s {%s} [flags]; -h for the flags of each", name, strings.Join(slices.Sorted(slices.Values(names)), "|"))
	}
	fs := newFlagSet(name+" "+args[0], stderr)
	run := cmds[args[0]](fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	return run()
}

func cmdCommons(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s signer
	return subcommand(ctx, "commons", args, stdout, stderr, map[string]func(*flag.FlagSet) func() error{
		"create": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.CreateData
			var links, maint listFlag
			fs.StringVar(&d.Name, "name", "", "name")
			fs.StringVar(&d.Description, "description", "", "description")
			fs.StringVar(&d.Kind, "kind", "software", "software, design, knowledge, hardware or other")
			fs.IntVar(&d.Approvals, "approvals", 1, "accepts a contribution needs")
			fs.Var(&links, "link", "a link (repeatable)")
			fs.Var(&maint, "maintainer", "a first maintainer's agent ID (repeatable; node admins only)")
			return func() error {
				d.Links, d.Maintainers = links, maint
				return s.submit(ctx, stdout, commons.TypeCreate, d)
			}
		},
		"fork": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.ForkData
			fs.StringVar(&d.Commons, "commons", "", "commons to fork")
			fs.StringVar(&d.Name, "name", "", "the fork's name")
			fs.StringVar(&d.Description, "description", "", "description")
			return func() error { return s.submit(ctx, stdout, commons.TypeFork, d) }
		},
		"maintainer": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.MaintainerData
			remove := fs.Bool("remove", false, "remove instead of add")
			fs.StringVar(&d.Commons, "commons", "", "commons ID")
			fs.StringVar(&d.Agent, "agent", "", "agent ID")
			return func() error {
				if *remove {
					return s.submit(ctx, stdout, commons.TypeMaintainerRemove, d)
				}
				return s.submit(ctx, stdout, commons.TypeMaintainerAdd, d)
			}
		},
		"list": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			return func() error {
				cs, err := client.New(s.url, nil).CommonsList(ctx, "")
				if err != nil {
					return err
				}
				return printJSON(stdout, api.CommonsList{Commons: cs})
			}
		},
		"show": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			id := fs.String("id", "", "commons ID")
			return func() error { return getJSON(ctx, stdout, s.url+"/api/v1/commons/"+*id) }
		},
	})
}

func cmdContribution(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s signer
	work := func(fs *flag.FlagSet, title, desc *string, ev *[]commons.Evidence, q *commons.Quantities) func() error {
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
		return func() error {
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
	return subcommand(ctx, "contribution", args, stdout, stderr, map[string]func(*flag.FlagSet) func() error{
		"submit": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.SubmitData
			fs.StringVar(&d.Commons, "commons", "", "commons ID")
			fs.StringVar(&d.Kind, "kind", "code", strings.Join(commons.ContributionKinds, ", "))
			fs.StringVar(&d.Need, "need", "", "the need it answers")
			prep := work(fs, &d.Title, &d.Description, &d.Evidence, &d.Quantities)
			return func() error {
				if err := prep(); err != nil {
					return err
				}
				return s.submit(ctx, stdout, commons.TypeSubmit, d)
			}
		},
		"revise": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.ReviseData
			fs.StringVar(&d.Contribution, "id", "", "contribution ID")
			prep := work(fs, &d.Title, &d.Description, &d.Evidence, &d.Quantities)
			return func() error {
				if err := prep(); err != nil {
					return err
				}
				return s.submit(ctx, stdout, commons.TypeRevise, d)
			}
		},
		"review": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.ReviewData
			fs.StringVar(&d.Contribution, "id", "", "contribution ID")
			fs.StringVar(&d.Verdict, "verdict", "", "accept, reject or changes")
			fs.StringVar(&d.Reason, "reason", "", "why (required to reject or ask for changes)")
			return func() error { return s.submit(ctx, stdout, commons.TypeReview, d) }
		},
		"dispute": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.DisputeData
			fs.StringVar(&d.Contribution, "id", "", "contribution ID")
			fs.StringVar(&d.Reason, "reason", "", "why the rejection is wrong")
			return func() error { return s.submit(ctx, stdout, commons.TypeDispute, d) }
		},
		"resolve": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.ResolveData
			fs.StringVar(&d.Contribution, "id", "", "contribution ID")
			fs.StringVar(&d.Outcome, "outcome", "", "uphold or overturn")
			fs.StringVar(&d.Reason, "reason", "", "why")
			return func() error { return s.submit(ctx, stdout, commons.TypeResolve, d) }
		},
		"endorse": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.RefData
			fs.StringVar(&d.Contribution, "id", "", "contribution ID")
			return func() error { return s.submit(ctx, stdout, commons.TypeEndorse, d) }
		},
		"show": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			id := fs.String("id", "", "contribution ID")
			return func() error { return getJSON(ctx, stdout, s.url+"/api/v1/contributions/"+*id) }
		},
		"list": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			id := fs.String("commons", "", "commons ID")
			lineage := fs.Bool("lineage", false, "include upstream contributions a fork recognises")
			return func() error {
				ks, err := client.New(s.url, nil).Contributions(ctx, *id, "", *lineage)
				if err != nil {
					return err
				}
				return printJSON(stdout, api.ContributionList{Contributions: ks})
			}
		},
	})
}

func cmdNeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s signer
	claim := func(typ string) func(fs *flag.FlagSet) func() error {
		return func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.ClaimData
			fs.StringVar(&d.Need, "id", "", "need ID")
			fs.IntVar(&d.LeaseDays, "days", commons.DefaultLease, "lease in days")
			return func() error { return s.submit(ctx, stdout, typ, d) }
		}
	}
	return subcommand(ctx, "need", args, stdout, stderr, map[string]func(*flag.FlagSet) func() error{
		"post": func(fs *flag.FlagSet) func() error {
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
			return func() error {
				if bounty > 0 {
					d.Bounty = &commons.Money{Amount: bounty, Currency: currency}
				}
				return s.submit(ctx, stdout, commons.TypeNeedPost, d)
			}
		},
		"signal": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.SignalData
			var pledge int64
			var currency string
			plus := fs.Bool("plus-one", false, "give a +1")
			fs.StringVar(&d.Need, "id", "", "need ID")
			fs.IntVar(&d.Priority, "priority", 0, "priority 1 (low) to 5 (urgent)")
			fs.Int64Var(&pledge, "pledge", 0, "pledge in minor units")
			fs.StringVar(&currency, "currency", "EUR", "pledge currency")
			return func() error {
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
		},
		"claim": claim(commons.TypeNeedClaim),
		"renew": claim(commons.TypeNeedRenew),
		"release": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.RefData
			fs.StringVar(&d.Need, "id", "", "need ID")
			return func() error { return s.submit(ctx, stdout, commons.TypeNeedRelease, d) }
		},
		"close": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			var d commons.CloseData
			fs.StringVar(&d.Need, "id", "", "need ID")
			fs.StringVar(&d.Reason, "reason", "", "why")
			return func() error { return s.submit(ctx, stdout, commons.TypeNeedClose, d) }
		},
		"list": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			id := fs.String("commons", "", "commons ID")
			sort := fs.String("sort", "signals", "signals, pledges, priority or age")
			status := fs.String("status", "open", "open or closed")
			return func() error {
				ns, err := client.New(s.url, nil).Needs(ctx, *id, client.NeedQuery{Sort: *sort, Status: *status})
				if err != nil {
					return err
				}
				return printJSON(stdout, api.NeedList{Sort: *sort, Needs: ns})
			}
		},
	})
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
