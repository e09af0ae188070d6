package valueflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/credit"
)

// CreditInput is what CreditJSONLD exports: one mutual-credit currency's
// whole ledger, as the log holds it.
type CreditInput struct {
	BaseURL  string
	Currency *credit.Currency
	// Accounts are the currency's accounts (for each holder's kind and
	// when it was opened: a period shares among the accounts open then).
	Accounts []*credit.Account
	// Agents names the agents; CommonsNames the commons, by ID.
	Agents       map[string]*agent.Agent
	CommonsNames map[string]string
	Transfers    []credit.Posted  // credit.transfer events; others' currencies are skipped
	Periods      []*credit.Period // the currency's demurrage periods
	Times        map[int64]int64  // a period event's time by log index; may be nil
}

// CreditJSONLD writes a currency's ledger in the ValueFlows vocabulary:
//
//	meent record                     ValueFlows                               @id
//	credit currency                  vf:ResourceSpecification,                B/credit/currencies/<code>
//	                                 mediumOfExchange
//	  its demurrage                  vf:Organization ("demurrage")            B/credit/currencies/<code>#demurrage
//	credit.transfer                  vf:EconomicEvent transfer, payer to      B/api/v1/events/index/<n>
//	                                 payee, the reference as note
//	a period's charge on an account  vf:EconomicEvent transfer, the holder    B/api/v1/events/index/<n>#charge:<holder>
//	                                 to the demurrage
//	a period's share, and its dust   vf:EconomicEvent transfer, the           B/api/v1/events/index/<n>#share:<holder>,
//	                                 demurrage to the holder                  ...#dust:<holder>
//
// A holder that is a commons is the commons' community
// (B/commons/<id>#agent), as in JSONLD. Every charge and share is written
// (folded from the log exactly as Statement does), so the document is
// zero-sum: for every agent, what it received minus what it provided is
// its balance. Amounts are exact decimals in the currency's exponent.
func CreditJSONLD(w io.Writer, in CreditInput) error {
	base, err := checkBase(in.BaseURL)
	if err != nil {
		return err
	}
	c := in.Currency
	if c == nil {
		return meent.Errorf(meent.EINVALID, "valueflows: no currency to export")
	}
	g := &graph{base: base, nodes: map[string]node{}, in: &Input{BaseURL: in.BaseURL, Agents: in.Agents}}
	spec := base + "/credit/currencies/" + c.Code
	g.put(node{"@id": spec, "@type": "vf:ResourceSpecification", "vf:name": c.Name + " (" + c.Code + ")", "vf:mediumOfExchange": true,
		"vf:note": "A mutual-credit currency: every balance is created by a trade, and all balances sum to zero."})
	pool := spec + "#demurrage"
	kinds := map[string]*credit.Account{}
	for _, a := range in.Accounts {
		if a.Currency == c.Code {
			kinds[a.Holder] = a
		}
	}
	holder := func(id string) string {
		if a := kinds[id]; a != nil && a.Kind == credit.HolderCommons {
			n := g.commonsAgent(id)
			if name := in.CommonsNames[id]; name != "" {
				n["vf:name"] = name
			}
			return n["@id"].(string)
		}
		return g.agentID(id)
	}
	amount := func(v int64) node { return measure(minorDecimal(v, c.Exponent), "om2:one") }
	event := func(id, from, to string, v int64, at int64, note string) {
		n := node{"@id": id, "@type": "vf:EconomicEvent", "vf:action": "vf:transfer", "vf:provider": from, "vf:receiver": to,
			"vf:resourceConformsTo": spec, "vf:resourceQuantity": amount(v)}
		if at != 0 {
			n["vf:hasPointInTime"] = stamp(at)
		}
		if note != "" {
			n["vf:note"] = note
		}
		g.put(n)
	}
	// Fold the log in index order: each period charges the balances of
	// that moment.
	type item struct {
		idx int64
		t   *credit.Posted
		p   *credit.Period
	}
	var items []item
	for i := range in.Transfers {
		if in.Transfers[i].Data.Currency == c.Code {
			items = append(items, item{idx: in.Transfers[i].Index, t: &in.Transfers[i]})
		}
	}
	for _, p := range in.Periods {
		if p.Currency == c.Code {
			items = append(items, item{idx: p.Index, p: p})
		}
	}
	slices.SortFunc(items, func(x, y item) int { return int(x.idx - y.idx) })
	bal := map[string]int64{}
	order := make([]*credit.Account, 0, len(kinds))
	for _, a := range in.Accounts {
		if a.Currency == c.Code {
			order = append(order, a)
		}
	}
	slices.SortFunc(order, func(x, y *credit.Account) int { return int(x.Opened - y.Opened) })
	if len(in.Periods) > 0 {
		g.put(node{"@id": pool, "@type": "vf:Organization", "vf:classifiedAs": "demurrage", "vf:name": c.Code + " demurrage"})
	}
	for _, it := range items {
		if t := it.t; t != nil {
			d := t.Data
			bal[d.From] -= d.Amount
			bal[d.To] += d.Amount
			event(base+"/api/v1/events/index/"+strconv.FormatInt(t.Index, 10), holder(d.From), holder(d.To), d.Amount, t.Time, d.Reference)
			continue
		}
		p := it.p
		at := in.Times[p.Index]
		ev := base + "/api/v1/events/index/" + strconv.FormatInt(p.Index, 10)
		var debits int64
		for _, a := range order {
			if a.Opened >= p.Index {
				continue
			}
			if ch := credit.Charge(bal[a.Holder], p.Grace, p.RatePPM); ch > 0 {
				bal[a.Holder] -= ch
				debits += ch
				event(ev+"#charge:"+a.Holder, holder(a.Holder), pool, ch, at, "demurrage "+p.Period)
			}
		}
		if debits != p.Debits {
			return meent.Errorf(meent.EINTERNAL, "valueflows: the log's period %s of %s charges %d, the state says %d", p.Period, c.Code, debits, p.Debits)
		}
		for _, a := range order {
			share := int64(0)
			switch {
			case a.Opened >= p.Index:
			case p.To != "" && p.To == a.Holder, p.To == "" && a.Kind == credit.HolderAgent:
				share = p.Share
			}
			if share > 0 {
				bal[a.Holder] += share
				event(ev+"#share:"+a.Holder, pool, holder(a.Holder), share, at, "demurrage "+p.Period)
			}
		}
		if p.Dust > 0 {
			bal[p.DustTo] += p.Dust
			event(ev+"#dust:"+p.DustTo, pool, holder(p.DustTo), p.Dust, at, "demurrage dust "+p.Period)
		}
	}
	ids := make([]string, 0, len(g.nodes))
	for id := range g.nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	nodes := make([]node, len(ids))
	for i, id := range ids {
		nodes[i] = g.nodes[id]
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"@context": context(), "@graph": nodes}); err != nil {
		return fmt.Errorf("valueflows: encode: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// minorDecimal writes minor units as an exact decimal with exp digits.
func minorDecimal(v int64, exp int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if exp > 0 {
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
