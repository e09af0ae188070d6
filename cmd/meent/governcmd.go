package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/value"
)

// governArea holds the governance commands: polls, votes, delegations,
// closing (which counts and enacts), and a commons' decision rules.
var governArea = area{
	name:     "governance",
	summary:  "polls, votes, delegations and the decisions they enact",
	commands: governCommands,
	demo:     demoGovern,
}

// share reads "2/3" as a threshold; atLeast makes it inclusive.
func share(s string, atLeast bool) (*tally.Threshold, error) {
	if s == "" {
		return nil, nil
	}
	n, d, ok := strings.Cut(s, "/")
	num, err1 := strconv.ParseInt(n, 10, 64)
	den, err2 := strconv.ParseInt(d, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, fmt.Errorf("%q is not a share like 2/3", s)
	}
	return &tally.Threshold{Num: num, Den: den, Inclusive: atLeast}, nil
}

// followAll prints every page of a governance list as one: the items of
// member from each page, following "next".
func followAll(ctx context.Context, stdout io.Writer, base, path string, q url.Values, member string) error {
	var all []json.RawMessage
	for {
		var page map[string]json.RawMessage
		if err := fetchJSON(ctx, base+path+"?"+q.Encode(), &page); err != nil {
			return err
		}
		var items []json.RawMessage
		if err := json.Unmarshal(page[member], &items); err != nil {
			return err
		}
		all = append(all, items...)
		var next string
		json.Unmarshal(page["next"], &next)
		if next == "" {
			break
		}
		q.Set("cursor", next)
	}
	if all == nil {
		all = []json.RawMessage{}
	}
	return printJSON(stdout, map[string]any{member: all})
}

// listCommand is a read command over one paged governance list.
func listCommand(name, args, summary, member string, path func(arg string) string, extra func(fs *flag.FlagSet) func() url.Values) command {
	return command{name: name, args: args, summary: summary, flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		query := func() url.Values { return url.Values{} }
		if extra != nil {
			query = extra(fs)
		}
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			at := path(fs.Arg(0))
			if p.one() {
				return p.page(ctx, stdout, r.base(), at, query())
			}
			return followAll(ctx, stdout, r.base(), at, query(), member)
		}
	}}
}

var governCommands = []command{
	{name: "poll open", summary: "open a poll on the node or in a commons", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d governance.OpenData
		var options, effects listFlag
		fs.StringVar(&d.Commons, "commons", "", "commons ID; none: a poll of the node")
		fs.StringVar(&d.Question, "question", "", "what the members decide")
		fs.StringVar(&d.Description, "description", "", "more about it")
		fs.StringVar(&d.Method, "method", "majority", strings.Join(tally.Methods, ", "))
		fs.Var(&options, "option", "an option (repeat; not for consent and majority)")
		fs.IntVar(&d.Seats, "seats", 0, "how many options win (approval, score, dots, ranked: STV above 1)")
		fs.StringVar(&d.Majority, "majority", "", "simple, absolute or super")
		threshold := fs.String("threshold", "", "majority: the share of yes needed, e.g. 2/3; consent: the share of consents that overrides a block, e.g. 3/4")
		atLeast := fs.Bool("at-least", false, "the threshold is met at the share itself (default: only above it)")
		quorum := fs.String("quorum", "", "the share of the electorate that must be counted, at least, e.g. 1/2")
		fs.IntVar(&d.MaxScore, "max-score", 0, "score: the highest score")
		fs.IntVar(&d.Dots, "dots", 0, "dots: how many dots each voter has")
		fs.StringVar(&d.Electorate.Kind, "electorate", governance.Members, "members, maintainers or contributors")
		fs.IntVar(&d.Electorate.MinAccepted, "min-accepted", 0, "contributors: at least this many accepted contributions")
		opens := fs.String("opens", "", "when votes start counting (RFC 3339); default now")
		closes := fs.String("closes", "", "when it closes (RFC 3339)")
		duration := fs.Duration("for", 0, "instead of --closes: how long it stays open, e.g. 168h")
		fs.Var(&effects, "effect", `a file with a change it enacts when it passes, {"type": ..., "data": ...} (repeat)`)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			var err error
			d.Options = options
			if d.Threshold, err = share(*threshold, *atLeast); err != nil {
				return err
			}
			if d.Quorum, err = share(*quorum, true); err != nil {
				return err
			}
			now := time.Now()
			if *opens != "" {
				t, err := time.Parse(time.RFC3339, *opens)
				if err != nil {
					return fmt.Errorf("--opens: %w", err)
				}
				d.OpensAt, now = t.UnixMilli(), t
			}
			switch {
			case *closes != "" && *duration != 0:
				return errors.New("give --closes or --for, not both")
			case *closes != "":
				t, err := time.Parse(time.RFC3339, *closes)
				if err != nil {
					return fmt.Errorf("--closes: %w", err)
				}
				d.ClosesAt = t.UnixMilli()
			case *duration > 0:
				d.ClosesAt = now.Add(*duration).UnixMilli()
			default:
				return errors.New("--closes or --for is required")
			}
			for _, f := range effects {
				b, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				var e struct {
					Type string          `json:"type"`
					Data json.RawMessage `json:"data"`
				}
				if err := json.Unmarshal(b, &e); err != nil {
					return fmt.Errorf("%s: %w", f, err)
				}
				d.Effects = append(d.Effects, governance.Effect{Type: e.Type, Data: jsontext.Value(e.Data)})
			}
			if err := d.Rule.Check(); err != nil {
				return err // the node's own check, before signing
			}
			return s.submit(ctx, stdout, governance.TypeOpen, d)
		}
	}},
	{name: "poll vote", args: "POLL", summary: "vote in a poll, or change your vote until it closes", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		choice := fs.String("choice", "", "consent: consent, objection, block, abstain; majority: yes, no, abstain; sense check: an option")
		rank := fs.String("rank", "", "ranked: options most preferred first, comma-separated")
		var marks listFlag
		fs.Var(&marks, "mark", "approval, score, dots: OPTION=N (repeat; approval: N is 1)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			d := governance.VoteData{Poll: fs.Arg(0), Ballot: tally.Ballot{Choice: *choice}}
			if *rank != "" {
				d.Ranking = strings.Split(*rank, ",")
			}
			for _, m := range marks {
				o, n, ok := strings.Cut(m, "=")
				k, err := strconv.Atoi(n)
				if !ok || err != nil {
					return fmt.Errorf("--mark %q is not OPTION=N", m)
				}
				d.Marks = append(d.Marks, tally.Mark{Option: o, N: k})
			}
			return s.submit(ctx, stdout, governance.TypeVote, d)
		}
	}},
	{name: "poll delegate", summary: "let another agent's vote count for you: in one poll, a commons' polls or the node's", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d governance.DelegateData
		fs.StringVar(&d.To, "to", "", "the delegate's agent ID")
		fs.StringVar(&d.Poll, "poll", "", "only this poll")
		fs.StringVar(&d.Commons, "commons", "", "this commons' polls; neither --poll nor --commons: the node's polls")
		undo := fs.Bool("undo", false, "end your delegation in this scope instead (no --to)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if *undo {
				if d.To != "" {
					return errors.New("--undo ends a delegation: give no --to")
				}
				return s.submit(ctx, stdout, governance.TypeUndelegate, governance.UndelegateData{Poll: d.Poll, Commons: d.Commons})
			}
			return s.submit(ctx, stdout, governance.TypeDelegate, d)
		}
	}},
	{name: "poll close", args: "POLL", summary: "close a poll after its closing time: count it and enact what passed", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, governance.TypeClose, governance.PollRef{Poll: fs.Arg(0)})
		}
	}},
	{name: "poll cancel", args: "POLL", summary: "cancel a poll you opened before it closes", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		reason := fs.String("reason", "", "why")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, governance.TypeCancel, governance.CancelData{Poll: fs.Arg(0), Reason: *reason})
		}
	}},
	{name: "poll show", args: "POLL", summary: "show a poll, its count and what it enacted, as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/polls/"+url.PathEscape(fs.Arg(0)))
		}
	}},
	listCommand("poll list", "", "list polls as JSON", "polls", func(string) string { return "/api/v1/polls" }, func(fs *flag.FlagSet) func() url.Values {
		commonsID := fs.String("commons", "", "only this commons' polls; node: the node's own")
		status := fs.String("status", "", "open, passed, rejected, closed or cancelled")
		return func() url.Values {
			q := url.Values{}
			if *commonsID != "" {
				q.Set("commons", *commonsID)
			}
			if *status != "" {
				q.Set("status", *status)
			}
			return q
		}
	}),
	listCommand("poll votes", "POLL", "list a poll's current votes as JSON", "votes", func(id string) string { return "/api/v1/polls/" + url.PathEscape(id) + "/votes" }, nil),
	listCommand("poll ballots", "POLL", "list a closed poll's counted ballots, with delegates, as JSON", "ballots", func(id string) string { return "/api/v1/polls/" + url.PathEscape(id) + "/ballots" }, nil),
	listCommand("poll electorate", "POLL", "list who may vote in a poll, frozen when it opened", "agents", func(id string) string { return "/api/v1/polls/" + url.PathEscape(id) + "/electorate" }, nil),
	listCommand("poll delegations", "AGENT", "list an agent's delegations as JSON", "delegations", func(id string) string { return "/api/v1/agents/" + url.PathEscape(id) + "/delegations" }, nil),
	{name: "poll rules", summary: "show which changes of a commons need a decision, or set them with --decide", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		commonsID := fs.String("commons", "", "commons ID")
		var decide listFlag
		fs.Var(&decide, "decide", "an event type only a decision may apply here, e.g. value.policy.set (repeat)")
		end := fs.Bool("end", false, "end the rules (once a commons has rules, only a decision changes them)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if len(decide) == 0 && !*end {
				return getJSON(ctx, stdout, s.base()+"/api/v1/commons/"+url.PathEscape(*commonsID)+"/decision-rules")
			}
			return s.submit(ctx, stdout, governance.TypeRulesSet, governance.RulesData{Commons: *commonsID, Decide: append([]string{}, decide...)})
		}
	}},
}

// demoGovern makes libmeent's value policy a matter for its members, and
// has them decide a new one: a majority poll that carries the policy, with
// a delegated vote, closed after its time, which enacted the policy; and a
// ranked poll (instant runoff) on the node, decided too.
func demoGovern(d *demo) error {
	lib := d.ids["libmeent"]
	now := time.Now()
	at := func(ago time.Duration) int64 { return now.Add(-ago).UnixMilli() }
	d.actAt("maya", governance.TypeRulesSet, at(3*time.Hour), governance.RulesData{Commons: lib, Decide: []string{value.TypePolicySet}})
	p := value.DefaultPolicy()
	p.MinPayout = 500
	raw, err := p.Encode()
	if err != nil {
		return err
	}
	data, err := json.Marshal(value.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	if err != nil {
		return err
	}
	poll := d.actAt("joost", governance.TypeOpen, at(2*time.Hour), governance.OpenData{Commons: lib,
		Question:    "Pay out from 5 euros instead of 10?",
		Description: "Smaller contributors wait months for their first payout. This lowers the minimum payout of libmeent's value policy to 5.00.",
		Rule:        tally.Rule{Method: tally.Majority, Quorum: &tally.Threshold{Num: 1, Den: 2, Inclusive: true}},
		Electorate:  governance.Electorate{Kind: governance.Members}, ClosesAt: at(time.Hour),
		Effects: []governance.Effect{{Type: value.TypePolicySet, Data: jsontext.Value(data)}}})
	d.actAt("maya", governance.TypeVote, at(110*time.Minute), governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceYes}})
	d.actAt("joost", governance.TypeVote, at(105*time.Minute), governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceYes}})
	d.actAt("amina", governance.TypeVote, at(100*time.Minute), governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceNo}})
	d.actAt("fablab", governance.TypeDelegate, at(95*time.Minute), governance.DelegateData{To: d.ids["joost"], Poll: poll})
	d.actAt("amina", governance.TypeClose, at(time.Minute), governance.PollRef{Poll: poll})
	d.ids["poll"] = poll

	colour := d.actAt("amina", governance.TypeOpen, at(2*time.Hour), governance.OpenData{Question: "Which colour for the new website?",
		Rule:       tally.Rule{Method: tally.Ranked, Options: []string{"green", "blue", "orange", "purple"}},
		Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: at(time.Hour)})
	for user, ranking := range map[string][]string{
		"maya": {"blue", "green"}, "joost": {"purple", "green", "blue"}, "amina": {"green"},
		"fablab": {"orange", "purple", "blue"}, "broodfonds": {"green", "orange"},
	} {
		d.actAt(user, governance.TypeVote, at(90*time.Minute), governance.VoteData{Poll: colour, Ballot: tally.Ballot{Ranking: ranking}})
	}
	d.actAt("maya", governance.TypeClose, at(30*time.Second), governance.PollRef{Poll: colour})
	return d.err
}
