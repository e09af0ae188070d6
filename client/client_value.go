package client

import (
	"context"
	"io"
	nethttp "net/http"
	"net/url"
	"strconv"

	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

// Client calls for the value cycle: imports and identities, policies and
// previews, incomes, distributions, balances, payouts and exports. Writes
// (value.policy.set, income.record, distribution.run, payout.settle,
// identity.claim) go through Submit or Act like any event.

// Imports returns the commits a commons recognises as imported and the
// author identities behind them, with the agents they map to.
func (c *Client) Imports(ctx context.Context, commonsID string) (api.ImportsInfo, error) {
	out := api.ImportsInfo{Commits: []string{}, NoStats: []string{}, Identities: []api.IdentityInfo{}}
	_, err := listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/imports", nil, func(p *api.ImportsInfo) ([]struct{}, string) {
		out.Commits = append(out.Commits, p.Commits...)
		out.NoStats = append(out.NoStats, p.NoStats...)
		out.Identities = append(out.Identities, p.Identities...)
		return nil, p.Next
	})
	return out, err
}

// Policy returns a commons' current value policy (version 0: the default)
// and the history of its versions.
func (c *Client) Policy(ctx context.Context, commonsID string) (api.PolicyInfo, error) {
	var out api.PolicyInfo
	var history []api.PolicyVersionInfo
	_, err := listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/policy", nil, func(p *api.PolicyInfo) ([]struct{}, string) {
		history = append(history, p.History...)
		out = *p
		return nil, p.Next
	})
	out.History, out.Next = history, ""
	if out.History == nil {
		out.History = []api.PolicyVersionInfo{}
	}
	return out, err
}

// PreviewPolicy shows what every recipient would get of income under the
// commons' current policy and under the proposed policy document, as of
// now. A zero income asks for the server's default (1000.00 EUR). A policy
// that does not compile is EINVALID, with the position of the problem
// ("default:1:10: ...").
func (c *Client) PreviewPolicy(ctx context.Context, commonsID string, policy []byte, income commons.Money) (api.PolicyPreview, error) {
	q := url.Values{}
	if income.Amount != 0 {
		q.Set("amount", strconv.FormatInt(income.Amount, 10))
	}
	if income.Currency != "" {
		q.Set("currency", income.Currency)
	}
	var out api.PolicyPreview
	err := c.sendJSON(ctx, request{
		method: nethttp.MethodPost, path: "/api/v1/commons/" + url.PathEscape(commonsID) + "/policy/preview?" + q.Encode(),
		body: policy, ctype: "application/json",
	}, &out)
	return out, err
}

// Incomes lists a commons' incomes, newest first.
func (c *Client) Incomes(ctx context.Context, commonsID string) ([]value.Income, error) {
	return listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/incomes", nil,
		func(l *api.IncomeList) ([]value.Income, string) { return l.Incomes, l.Next })
}

// Income returns one income.
func (c *Client) Income(ctx context.Context, id string) (value.Income, error) {
	var out value.Income
	err := c.getJSON(ctx, "/api/v1/incomes/"+url.PathEscape(id), &out)
	return out, err
}

// PreviewDistribution returns the distribution of an income the rules
// would compute for a distribution.run signed with time asOf (ms; 0 for
// the server's now), over the log as it is. Sign the run with that time
// and the result's Digest: if the log changes in between, the node
// refuses the run instead of distributing other amounts than previewed.
func (c *Client) PreviewDistribution(ctx context.Context, incomeID string, asOf int64) (value.Result, error) {
	q := url.Values{}
	if asOf > 0 {
		q.Set("as_of", strconv.FormatInt(asOf, 10))
	}
	var out value.Result
	err := c.getJSON(ctx, "/api/v1/incomes/"+url.PathEscape(incomeID)+"/preview?"+q.Encode(), &out)
	return out, err
}

// Distributions lists a commons' distributions, newest first, without
// their explanations.
func (c *Client) Distributions(ctx context.Context, commonsID string) ([]value.Distribution, error) {
	return listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/distributions", nil,
		func(l *api.DistributionList) ([]value.Distribution, string) { return l.Distributions, l.Next })
}

// Distribution returns one distribution with every explanation.
func (c *Client) Distribution(ctx context.Context, id string) (value.Distribution, error) {
	var out value.Distribution
	err := c.getJSON(ctx, "/api/v1/distributions/"+url.PathEscape(id), &out)
	return out, err
}

// Shares writes a distribution's share file (tab-separated, with a
// comment header; see valueflows.ShareFile) to w.
func (c *Client) Shares(ctx context.Context, id string, w io.Writer) error {
	return c.download(ctx, "/api/v1/distributions/"+url.PathEscape(id)+"/shares", "text/tab-separated-values", w)
}

// Balances lists what a commons owes its recipients; status is "open",
// "settled" or "" for all.
func (c *Client) Balances(ctx context.Context, commonsID, status string) ([]value.Balance, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	return listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/balances", q,
		func(l *api.BalanceList) ([]value.Balance, string) { return l.Balances, l.Next })
}

// AgentBalances lists what every commons owes an agent.
func (c *Client) AgentBalances(ctx context.Context, agentID string) ([]value.Balance, error) {
	return listAll(ctx, c, "/api/v1/agents/"+url.PathEscape(agentID)+"/balances", nil,
		func(l *api.BalanceList) ([]value.Balance, string) { return l.Balances, l.Next })
}

// Payouts returns a commons' open balances split by the policy's minimum
// payout into those to pay now and those carried forward.
func (c *Client) Payouts(ctx context.Context, commonsID string) (api.PayoutsInfo, error) {
	out := api.PayoutsInfo{Pay: []api.PayoutLine{}, Carried: []api.PayoutLine{}}
	_, err := listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/payouts", nil, func(p *api.PayoutsInfo) ([]struct{}, string) {
		out.MinPayout = p.MinPayout
		out.Pay = append(out.Pay, p.Pay...)
		out.Carried = append(out.Carried, p.Carried...)
		return nil, p.Next
	})
	return out, err
}

// ValueFlows writes a commons' economic records as a ValueFlows JSON-LD
// document (see package valueflows) to w.
func (c *Client) ValueFlows(ctx context.Context, commonsID string, w io.Writer) error {
	return c.download(ctx, "/api/v1/commons/"+url.PathEscape(commonsID)+"/valueflows", "application/ld+json", w)
}

// download GETs path, checks the answer's media type and writes its body
// to w.
func (c *Client) download(ctx context.Context, path, mediaType string, w io.Writer) error {
	data, err := c.do(ctx, request{method: nethttp.MethodGet, path: path, wantCT: mediaType})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
