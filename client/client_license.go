package client

import (
	"context"
	"io"
	nethttp "net/http"
	"net/url"
	"strconv"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
)

// Client calls for licensing: a commons' license policy, what the rules
// would decide for a request, the public check, offers, grants with their
// offline proofs, the policy's exports and the module registry. Writes
// (license.policy.set, license.attest, license.request, license.pay,
// license.revoke) go through Submit or Act like any event.

// LicensePolicy returns a commons' current license policy and the history
// of its versions. A commons without one is ENOTFOUND.
func (c *Client) LicensePolicy(ctx context.Context, commonsID string) (api.LicensePolicyInfo, error) {
	var out api.LicensePolicyInfo
	history := out.History
	_, err := listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/license", nil, func(p *api.LicensePolicyInfo) ([]struct{}, string) {
		history = append(history, p.History...)
		out = *p
		return nil, p.Next
	})
	out.History, out.Next = history, ""
	return out, err
}

// EvaluateLicense returns what the rules would decide for a license.request
// by agentID with req's use and organisation (req.Commons is ignored: the
// commons is commonsID) signed with time asOf (ms; 0 for the server's now).
// When the use is free the answer carries the terms the request must state
// exactly; sign the request with time asOf and Grant set to them.
func (c *Client) EvaluateLicense(ctx context.Context, commonsID, agentID string, req license.RequestData, asOf int64) (api.LicenseDecision, error) {
	q := url.Values{"agent": {agentID}, "commercial": {strconv.FormatBool(req.Commercial)}}
	if req.Scope != "" {
		q.Set("scope", req.Scope)
	}
	// A fact left out is not stated (not 0): a policy that decides on it
	// refuses the request rather than price it on a number nobody gave.
	if n := req.Organisation.Employees; n != nil {
		q.Set("employees", strconv.FormatInt(*n, 10))
	}
	if n := req.Organisation.Revenue; n != nil {
		q.Set("revenue", strconv.FormatInt(*n, 10))
	}
	if asOf > 0 {
		q.Set("as_of", strconv.FormatInt(asOf, 10))
	}
	var out api.LicenseDecision
	err := c.getJSON(ctx, "/api/v1/commons/"+url.PathEscape(commonsID)+"/license/evaluate?"+q.Encode(), &out)
	return out, err
}

// CheckLicense asks whether agentID is licensed for a use of a commons at
// time at (ms; 0 for the server's now): the grant in force that covers it,
// or the reason why not.
func (c *Client) CheckLicense(ctx context.Context, commonsID, agentID string, commercial bool, scope string, at int64) (api.LicenseCheck, error) {
	q := url.Values{"commons": {commonsID}, "agent": {agentID}, "commercial": {strconv.FormatBool(commercial)}}
	if scope != "" {
		q.Set("scope", scope)
	}
	if at > 0 {
		q.Set("at", strconv.FormatInt(at, 10))
	}
	var out api.LicenseCheck
	err := c.getJSON(ctx, "/api/v1/licenses/check?"+q.Encode(), &out)
	return out, err
}

// Offer returns an offer: a priced answer to a license request, open for
// payment until it expires.
func (c *Client) Offer(ctx context.Context, id string) (license.Offer, error) {
	var out license.Offer
	err := c.getJSON(ctx, "/api/v1/offers/"+url.PathEscape(id), &out)
	return out, err
}

// Grant returns a grant and its status now.
func (c *Client) Grant(ctx context.Context, id string) (api.GrantInfo, error) {
	var out api.GrantInfo
	err := c.getJSON(ctx, "/api/v1/grants/"+url.PathEscape(id), &out)
	return out, err
}

// GrantProof returns a grant as an offline proof: its event, the inclusion
// proof and the signed checkpoint. It is decoded but not verified: Verify
// it with the node's verifier key, then read it with license.GrantOf.
func (c *Client) GrantProof(ctx context.Context, id string) (ledger.EventProof, error) {
	data, err := c.do(ctx, request{method: nethttp.MethodGet, path: "/api/v1/grants/" + url.PathEscape(id) + "/proof", wantCT: "application/json"})
	if err != nil {
		return ledger.EventProof{}, err
	}
	return ledger.DecodeEventProof(data)
}

// exportTypes are the media types of a license policy's exports.
var exportTypes = map[string]string{
	"well-known": "application/json",
	"odrl":       "application/ld+json",
	"reuse":      "application/toml",
	"text":       "text/plain",
}

// LicenseExport writes a commons' license policy in one of the forms
// others' tools read to w: "well-known" (the file a project commits at
// .well-known/meent-license.json), "odrl" (an ODRL 2.2 offer in JSON-LD),
// "reuse" (a REUSE.toml) or "text" (the license text of a LicenseRef-; a
// license on the SPDX list is ENOTFOUND, its official text applies).
func (c *Client) LicenseExport(ctx context.Context, commonsID, form string, w io.Writer) error {
	ct, ok := exportTypes[form]
	if !ok {
		return meent.Errorf(meent.EINVALID, "no export %q: well-known, odrl, reuse or text", form)
	}
	return c.download(ctx, "/api/v1/commons/"+url.PathEscape(commonsID)+"/license/"+form, ct, w)
}

// LicenseRegistry returns the well-known file of the commons on this node
// that publishes a license policy for a Go module (by its repository), read
// strictly and checked; nil and no error when the node knows none.
func (c *Client) LicenseRegistry(ctx context.Context, modulePath string) (*license.WellKnownFile, error) {
	data, err := c.do(ctx, request{method: nethttp.MethodGet, path: "/api/v1/licenses/registry?" + url.Values{"module": {modulePath}}.Encode(), wantCT: "application/json"})
	if meent.ErrorCode(err) == meent.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := license.DecodeWellKnown(data)
	if err != nil {
		return nil, err
	}
	return &f, nil
}
