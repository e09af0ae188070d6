package licenseapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	nethttp "net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/state"
)

// WebhookPayment is the body a payment provider posts.
type WebhookPayment struct {
	ID     string        `json:"id"`    // the provider's payment ID: the reference, used once
	Offer  string        `json:"offer"` // the offer paid
	Amount commons.Money `json:"amount"`
}

func (s server) apiLicensePolicy(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	q, err := http.QueryPage(r, "license-history")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var out api.LicensePolicyInfo
	s.Node().State(func(st *state.State) {
		if st.Commons.Commons(id) == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no commons %s", id)
			return
		}
		vs := st.License.Policies(id)
		if len(vs) == 0 {
			err = meent.Errorf(meent.ENOTFOUND, "commons %s has no license policy", id)
			return
		}
		v := vs[len(vs)-1]
		out = api.LicensePolicyInfo{Commons: id, Version: v.Version, Policy: json.RawMessage(v.Policy), Author: v.Author, Index: v.Index}
		// The history is paged by version (zero-padded, so that the keys
		// sort as the numbers do).
		var page []*license.PolicyVersion
		page, out.Next, err = http.PageSlice(vs, q, "license-history", func(v *license.PolicyVersion) string { return fmt.Sprintf("%012d", v.Version) })
		for _, h := range page {
			out.History = append(out.History, struct {
				Version int    `json:"version"`
				Author  string `json:"author"`
				Index   int64  `json:"index"`
			}{h.Version, h.Author, h.Index})
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// requestOf reads a license request from query parameters.
func requestOf(r *nethttp.Request, commonsID string) (license.RequestData, error) {
	q := r.URL.Query()
	d := license.RequestData{Commons: commonsID, Scope: q.Get("scope")}
	switch q.Get("commercial") {
	case "", "0", "false":
	case "1", "true":
		d.Commercial = true
	default:
		return d, meent.Errorf(meent.EINVALID, "commercial must be true or false")
	}
	// A fact not in the query is not stated, which is not 0: the rules
	// refuse to decide on a fact the request leaves out.
	for _, f := range []struct {
		name string
		to   **int64
	}{{license.Employees, &d.Organisation.Employees}, {license.Revenue, &d.Organisation.Revenue}} {
		if q.Get(f.name) == "" {
			continue
		}
		n, err := http.QueryInt(r, f.name, 0)
		if err != nil {
			return d, err
		}
		*f.to = &n
	}
	return d, nil
}

func (s server) apiLicenseEvaluate(w nethttp.ResponseWriter, r *nethttp.Request) {
	d, err := requestOf(r, r.PathValue("id"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	at, err := http.QueryInt(r, "as_of", s.Now().UnixMilli())
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	who := r.URL.Query().Get("agent")
	if who == "" {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "agent is required: the licensee's agent ID"))
		return
	}
	var out api.LicenseDecision
	s.Node().State(func(st *state.State) {
		// An unknown commons or one without a policy is not found here,
		// as on GET .../license; Decide would call it a rule violation,
		// which is what a license.request for it is.
		switch {
		case st.Commons.Commons(d.Commons) == nil:
			err = meent.Errorf(meent.ENOTFOUND, "no commons %s", d.Commons)
		case st.License.Policy(d.Commons) == nil:
			err = meent.Errorf(meent.ENOTFOUND, "commons %s has no license policy", d.Commons)
		default:
			out.Decision, out.Grant, err = st.License.Decide(st.Agents, st.Commons, who, d, at)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.AsOf = at
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiLicenseCheck(w nethttp.ResponseWriter, r *nethttp.Request) {
	q := r.URL.Query()
	d, err := requestOf(r, q.Get("commons"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	at, err := http.QueryInt(r, "at", s.Now().UnixMilli())
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if q.Get("agent") == "" {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "agent is required: the agent ID to check"))
		return
	}
	out := api.LicenseCheck{At: at}
	s.Node().State(func(st *state.State) {
		if st.Commons.Commons(d.Commons) == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no commons %q", d.Commons)
			return
		}
		var g *license.Grant
		g, out.Reason = st.License.Check(st.Agents, d.Commons, q.Get("agent"), d.Commercial, d.Scope, at)
		if g != nil {
			c := *g
			out.Grant, out.Licensed = &c, true
		} else if strings.HasPrefix(out.Reason, license.OnlyFor) {
			out.Scopes = st.License.Scopes(st.Agents, d.Commons, q.Get("agent"), d.Commercial, at)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) grantInfo(id string) (api.GrantInfo, error) {
	var out api.GrantInfo
	var err error
	s.Node().State(func(st *state.State) {
		g := st.License.Grant(id)
		if g == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no grant %s", id)
			return
		}
		c := *g
		a := st.Agents.Agent(g.Licensee)
		out = api.GrantInfo{Grant: &c, Status: c.Status(s.Now().UnixMilli(), a != nil && a.Role != "")}
	})
	return out, err
}

func (s server) apiGrant(w nethttp.ResponseWriter, r *nethttp.Request) {
	g, err := s.grantInfo(r.PathValue("id"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, g)
}

// apiGrantProof answers the grant as an offline proof: its event, the
// inclusion proof and the signed checkpoint (meent license verify).
func (s server) apiGrantProof(w nethttp.ResponseWriter, r *nethttp.Request) {
	g, err := s.grantInfo(r.PathValue("id"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	p, err := s.Node().EventProof(r.Context(), g.Index)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	b, err := p.Encode()
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="grant-`+g.ID[:16]+`.json"`)
	w.Write(b)
}

func (s server) apiOffer(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var out *license.Offer
	s.Node().State(func(st *state.State) {
		if o := st.License.Offer(id); o != nil {
			c := *o
			out = &c
		}
	})
	if out == nil {
		s.WriteError(w, r, meent.Errorf(meent.ENOTFOUND, "no offer %s", id))
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// apiAgentGrants lists an agent's grants in the order they were made. The
// response is a bare array (kept for compatibility), so the cursor of the
// next page is only in the Link header.
func (s server) apiAgentGrants(w nethttp.ResponseWriter, r *nethttp.Request) {
	q, err := http.QueryPage(r, "grants")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	id := r.PathValue("id")
	out := []api.GrantInfo{}
	s.Node().State(func(st *state.State) {
		a := st.Agents.Agent(id)
		for _, g := range st.License.Grants(id) {
			c := *g
			out = append(out, api.GrantInfo{Grant: &c, Status: c.Status(s.Now().UnixMilli(), a != nil && a.Role != "")})
		}
	})
	page, next, err := http.PageSlice(out, q, "grants", func(g api.GrantInfo) string { return strconv.FormatInt(1e15+g.Grant.Index, 10) })
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, http.NonNil(page))
}

// verifyWebhook checks a provider's signature header
// "Meent-Signature: t=UNIX,v1=HEX" where HEX is HMAC-SHA256 over
// "t.body" with the shared secret, and that t is within http.WebhookTolerance
// of now. A captured call replayed later fails the time check; a replay
// within the window names a payment already recorded and changes nothing.
func verifyWebhook(secret []byte, header string, body []byte, now time.Time) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return meent.Errorf(meent.EUNAUTHORIZED, "the Meent-Signature header must be t=UNIX,v1=HEX")
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return meent.Errorf(meent.EUNAUTHORIZED, "the webhook signature is not hex")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return meent.Errorf(meent.EUNAUTHORIZED, "the webhook signature does not match")
	}
	if d := now.Sub(time.Unix(t, 0)); d > http.WebhookTolerance || d < -http.WebhookTolerance {
		return meent.Errorf(meent.EUNAUTHORIZED, "the webhook timestamp is %s away from now; replays are refused", d.Round(time.Second))
	}
	return nil
}

// SignWebhook returns the Meent-Signature header value for body at time t:
// what a payment provider (or a test) sends.
func SignWebhook(secret, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

func (s server) apiPaymentWebhook(w nethttp.ResponseWriter, r *nethttp.Request) {
	p := s.Options().Payments
	if p == nil || r.PathValue("provider") != p.Provider {
		s.WriteError(w, r, meent.Errorf(meent.ENOTFOUND, "no payment provider %q is configured", r.PathValue("provider")))
		return
	}
	body, err := io.ReadAll(nethttp.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		s.WriteError(w, r, meent.Errorf(meent.ETOOLARGE, "webhook body larger than 64 KiB"))
		return
	}
	now := s.Now()
	if err := verifyWebhook(p.Secret, r.Header.Get("Meent-Signature"), body, now); err != nil {
		s.WriteError(w, r, err)
		return
	}
	var pay WebhookPayment
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pay); err != nil {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "webhook body: %v", err))
		return
	}
	at := now.UnixMilli()
	var data license.PayData
	s.Node().State(func(st *state.State) {
		o := st.License.Offer(pay.Offer)
		if o == nil {
			err = meent.Errorf(meent.ERULE, "unknown offer %s", pay.Offer)
			return
		}
		data = license.PayFor(o, pay.Amount, pay.ID, p.Provider, at)
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	entry, err := ledger.Sign(p.Key, ledger.Body{Type: license.TypePay, Author: p.AgentID, Time: at, Data: data})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	rc, err := s.Node().Submit(r.Context(), entry)
	if meent.ErrorCode(err) == meent.ECONFLICT && s.paidBy(pay.Offer, pay.ID) {
		// Providers retry until they get a 2xx: this payment of this
		// offer is already recorded, so it is acknowledged and nothing
		// is written again. A payment ID already used for another offer
		// stays a conflict: acknowledging it would leave the offer
		// unpaid without anyone noticing.
		http.WriteJSON(w, r, nethttp.StatusOK, map[string]string{"status": "already recorded", "detail": meent.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusCreated, map[string]any{"status": "recorded", "grant": rc.Hash.String(), "index": rc.Index})
}

// paidBy reports whether an offer is paid, by the payment with this
// reference.
func (s server) paidBy(offerID, reference string) bool {
	var ok bool
	s.Node().State(func(st *state.State) {
		if o := st.License.Offer(offerID); o != nil && o.Paid != "" {
			g := st.License.Grant(o.Paid)
			ok = g != nil && g.Reference == reference
		}
	})
	return ok
}

// currentLicense returns a commons' current license policy with what the
// exports need.
func (s server) currentLicense(id string) (p license.Policy, name string, version int, err error) {
	s.Node().State(func(st *state.State) {
		c := st.Commons.Commons(id)
		if c == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no commons %s", id)
			return
		}
		v := st.License.Policy(id)
		if v == nil {
			err = meent.Errorf(meent.ENOTFOUND, "commons %s has no license policy", c.Name)
			return
		}
		p, name, version = *v.Decoded(), c.Name, v.Version
	})
	return
}

// apiLicenseExport serves the policy in the forms others' tools read:
// well-known (the file a project commits at .well-known/meent-license.json),
// odrl (an ODRL 2.2 offer, JSON-LD), reuse (REUSE.toml) and text (the
// LicenseRef- license text to commit under LICENSES/).
func (s server) apiLicenseExport(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	p, name, version, err := s.currentLicense(id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	base := s.BaseURL(r)
	var buf strings.Builder
	switch r.PathValue("form") {
	case "well-known":
		b, err := license.EncodeWellKnown(p.WellKnown(base, id, name, version))
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
		return
	case "odrl":
		if err := license.ODRL(&buf, p, base, id, name, version); err != nil {
			s.WriteError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json")
	case "reuse":
		if err := license.REUSE(&buf, p, base, id, name); err != nil {
			s.WriteError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/toml")
	case "text":
		file, text := license.LicenseRefText(p, base, id, name, version)
		if file == "" {
			s.WriteError(w, r, meent.Errorf(meent.ENOTFOUND, "%s is on the SPDX list: use its official text", p.License))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="`+strings.TrimPrefix(file, "LICENSES/")+`"`)
		buf.Write(text)
	default:
		s.WriteError(w, r, meent.Errorf(meent.ENOTFOUND, "no export %q: well-known, odrl, reuse or text", r.PathValue("form")))
		return
	}
	io.WriteString(w, buf.String())
}

// apiLicenseRegistry answers which commons publishes a license policy for
// a Go module: a commons whose links name the module's repository (the
// module path, or a prefix of it for a nested module or a /vN suffix).
func (s server) apiLicenseRegistry(w nethttp.ResponseWriter, r *nethttp.Request) {
	mod := r.URL.Query().Get("module")
	if mod == "" {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "module is required"))
		return
	}
	var found, best string
	s.Node().State(func(st *state.State) {
		for _, c := range st.Commons.All() {
			if st.License.Policy(c.ID) == nil {
				continue
			}
			for _, l := range c.Links {
				repo := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(l, "https://"), "http://"), "/")
				repo = strings.TrimSuffix(repo, ".git")
				if (mod == repo || strings.HasPrefix(mod, repo+"/")) && len(repo) > len(best) {
					found, best = c.ID, repo
				}
			}
		}
	})
	if found == "" {
		s.WriteError(w, r, meent.Errorf(meent.ENOTFOUND, "no commons on this node publishes a license policy for %s", mod))
		return
	}
	r.SetPathValue("id", found)
	r.SetPathValue("form", "well-known")
	s.apiLicenseExport(w, r)
}
