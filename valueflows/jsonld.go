package valueflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

// Namespaces of the JSON-LD document.
const (
	NS    = "https://w3id.org/valueflows/ont/vf#"
	NSOM2 = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
	NSXSD = "http://www.w3.org/2001/XMLSchema#"
)

// Actions are the ValueFlows actions JSONLD uses, as the compact IRIs it
// writes ("vf:work" expands to https://w3id.org/valueflows/ont/vf#work).
var Actions = []string{"vf:cite", "vf:produce", "vf:transfer", "vf:use", "vf:work"}

// Input is what JSONLD exports: one commons and the records of its
// economy. The slices may be in any order and may hold records of other
// commons (an upstream commons' contributions a fork recognises, say);
// each record is written under its own commons.
type Input struct {
	// BaseURL is the node's public URL, e.g. "https://meent.example";
	// every @id is under it.
	BaseURL string
	Commons *commons.Commons
	// Agents are the agents by ID. Only those the records refer to are
	// written; one the map lacks is written as a vf:Agent without a name.
	Agents        map[string]*agent.Agent
	Contributions []*commons.Contribution // only the accepted ones are written
	Incomes       []*value.Income
	Distributions []*value.Distribution
	Balances      []*value.Balance // their settlements are written
}

// produces are the contribution kinds that add to the commons itself.
var produces = []string{"code", "design", "documentation", "translation"}

// node is one JSON-LD node object. encoding/json writes map keys sorted,
// which keeps the output stable.
type node map[string]any

type graph struct {
	base   string
	nodes  map[string]node
	in     *Input
	claims map[claimKey][]claim // for the settlements
}

type claimKey struct{ commons, kind, recipient, currency string }

type claim struct {
	id    string
	index int64
}

// JSONLD writes one JSON-LD document describing the commons' economic
// events in the ValueFlows vocabulary: agents, the commons as an economic
// resource, contributions as processes with work, produce, use, transfer
// and cite events, incomes as transfers, allocations as claims, and
// settlements as transfers that settle them. The package documentation
// has the mapping. The output depends only on the input, not on its order.
// It returns *meent.Error with code EINVALID for a missing or relative
// base URL, a missing commons, or two records with one ID.
func JSONLD(w io.Writer, in Input) error {
	base, err := checkBase(in.BaseURL)
	if err != nil {
		return err
	}
	if in.Commons == nil || in.Commons.ID == "" {
		return meent.Errorf(meent.EINVALID, "valueflows: no commons to export")
	}
	g := &graph{base: base, nodes: map[string]node{}, in: &in, claims: map[claimKey][]claim{}}
	if err := g.build(); err != nil {
		return err
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
	doc := map[string]any{"@context": context(), "@graph": nodes}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("valueflows: encode: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// context maps the prefixes and says which properties hold IRIs, decimals
// and time stamps, so values can be written as plain strings.
func context() map[string]any {
	c := map[string]any{"vf": NS, "om2": NSOM2, "xsd": NSXSD}
	for _, p := range []string{"action", "provider", "receiver", "inputOf", "outputOf",
		"resourceInventoriedAs", "resourceConformsTo", "primaryAccountable", "triggeredBy", "settles", "hasUnit"} {
		c["vf:"+p] = map[string]string{"@type": "@id"}
	}
	c["vf:hasNumericalValue"] = map[string]string{"@type": "xsd:decimal"}
	c["vf:hasPointInTime"] = map[string]string{"@type": "xsd:dateTimeStamp"}
	c["vf:created"] = map[string]string{"@type": "xsd:dateTimeStamp"}
	c["vf:currentVirtualLocation"] = map[string]string{"@type": "xsd:anyURI"}
	return c
}

func checkBase(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", meent.Errorf(meent.EINVALID, "valueflows: the base URL %q must be absolute, like https://meent.example", s)
	}
	return strings.TrimRight(s, "/"), nil
}

func (g *graph) build() error {
	in := g.in
	c := in.Commons

	// The commons: a resource, and the community that holds it.
	res := g.resource(c.ID)
	res["vf:name"] = c.Name
	if c.Description != "" {
		res["vf:note"] = c.Description
	}
	if c.Kind != "" {
		res["vf:classifiedAs"] = c.Kind
	}
	if len(c.Links) > 0 {
		res["vf:currentVirtualLocation"] = c.Links[0]
	}
	g.commonsAgent(c.ID)["vf:name"] = c.Name

	if c.ForkOf != "" {
		fork := g.iri("commons", c.ID) + "#fork"
		g.put(node{"@id": fork, "@type": "vf:Process", "vf:name": "Fork of " + c.Name,
			"vf:note": fmt.Sprintf("Forked at log position %d: the upstream commons' contributions accepted before then stay credited here.", c.ForkedAt)})
		g.put(node{"@id": fork + "-cite", "@type": "vf:EconomicEvent", "vf:action": "vf:cite",
			"vf:provider": g.commonsAgentID(c.ForkOf), "vf:receiver": g.commonsAgentID(c.ID),
			"vf:resourceInventoriedAs": g.resourceID(c.ForkOf), "vf:inputOf": fork})
		ev := node{"@id": fork + "-produce", "@type": "vf:EconomicEvent", "vf:action": "vf:produce",
			"vf:receiver": g.commonsAgentID(c.ID), "vf:resourceInventoriedAs": g.resourceID(c.ID), "vf:outputOf": fork}
		if c.Creator != "" {
			ev["vf:provider"] = g.agentID(c.Creator)
		}
		g.put(ev)
	}

	ks := slices.Clone(in.Contributions)
	slices.SortFunc(ks, func(a, b *commons.Contribution) int { return strings.Compare(a.ID, b.ID) })
	for i, k := range ks {
		if i > 0 && ks[i-1].ID == k.ID {
			return duplicate("contribution", k.ID)
		}
		if k.Status == commons.Accepted {
			g.contribution(k)
		}
	}

	incs := slices.Clone(in.Incomes)
	slices.SortFunc(incs, func(a, b *value.Income) int { return strings.Compare(a.ID, b.ID) })
	for i, inc := range incs {
		if i > 0 && incs[i-1].ID == inc.ID {
			return duplicate("income", inc.ID)
		}
		g.income(inc)
	}

	ds := slices.Clone(in.Distributions)
	slices.SortFunc(ds, func(a, b *value.Distribution) int { return strings.Compare(a.ID, b.ID) })
	for i, d := range ds {
		if i > 0 && ds[i-1].ID == d.ID {
			return duplicate("distribution", d.ID)
		}
		g.distribution(d)
	}

	bs := slices.Clone(in.Balances)
	key := func(b *value.Balance) claimKey { return claimKey{b.Commons, b.Kind, b.Recipient, b.Currency} }
	cmpKey := func(a, b claimKey) int {
		return strings.Compare(a.commons+"\x00"+a.kind+"\x00"+a.recipient+"\x00"+a.currency,
			b.commons+"\x00"+b.kind+"\x00"+b.recipient+"\x00"+b.currency)
	}
	slices.SortFunc(bs, func(a, b *value.Balance) int { return cmpKey(key(a), key(b)) })
	for i, b := range bs {
		if i > 0 && key(bs[i-1]) == key(b) {
			return duplicate("balance", b.Kind+" "+b.Recipient+" "+b.Currency)
		}
		g.settlements(b)
	}
	return nil
}

func duplicate(what, id string) error {
	return meent.Errorf(meent.EINVALID, "valueflows: the %s %s is given twice", what, id)
}

// contribution writes an accepted contribution as a process with its events.
func (g *graph) contribution(k *commons.Contribution) {
	c := g.in.Commons
	proc := g.iri("contributions", k.ID)
	at := stamp(k.SubmittedAt)
	linked := false
	var provider string
	if k.Contributor == "" && k.Identity != "" {
		provider = g.recipient(k.Commons, value.RecipientIdentity, k.Identity) // an imported commit not yet claimed
	} else {
		provider = g.agentID(k.Contributor)
	}
	event := func(suffix, action string) node {
		ev := node{"@id": proc + "#" + suffix, "@type": "vf:EconomicEvent", "vf:action": action,
			"vf:provider": provider, "vf:receiver": g.commonsAgentID(k.Commons), "vf:hasPointInTime": at}
		g.put(ev)
		return ev
	}
	input := func(ev node) { ev["vf:inputOf"] = proc; linked = true }
	minutes := func(ev node) {
		if m := k.Quantities.Minutes; m > 0 {
			ev["vf:effortQuantity"] = measure(strconv.FormatInt(m, 10), "om2:minute-Time")
		}
	}

	if k.Commons != c.ID {
		// Work accepted upstream before a fork: the fork cites it. The
		// upstream commons' own export has the work itself.
		ev := node{"@id": proc + "#cited-by-" + url.PathEscape(c.ID), "@type": "vf:EconomicEvent", "vf:action": "vf:cite",
			"vf:provider": provider, "vf:receiver": g.commonsAgentID(c.ID),
			"vf:resourceInventoriedAs": g.resourceID(k.Commons), "vf:hasPointInTime": at,
			"vf:note": "Accepted upstream before the fork; still credited in " + c.Name + "."}
		if c.ForkOf != "" {
			ev["vf:inputOf"] = g.iri("commons", c.ID) + "#fork"
		}
		g.put(ev)
		return
	}

	n := 0
	switch {
	case k.Kind == "equipment_use":
		ev := event("use", "vf:use")
		input(ev)
		minutes(ev)
		if a := k.Quantities.Amount; a != nil && a.Amount > 0 {
			ev["vf:note"] = fmt.Sprintf("Equipment use valued at %s %s.", decimal(a.Amount, a.Currency), a.Currency)
		}
		n++
	case k.Kind == "funds" && k.Quantities.Amount != nil && k.Quantities.Amount.Amount > 0:
		ev := event("transfer", "vf:transfer")
		g.money(ev, *k.Quantities.Amount)
		ev["vf:note"] = k.Title
		n++
	case slices.Contains(produces, k.Kind):
		ev := event("produce", "vf:produce")
		ev["vf:outputOf"] = proc
		ev["vf:resourceInventoriedAs"] = g.resourceID(k.Commons)
		linked = true
		n++
	}
	if k.Kind != "equipment_use" && (k.Quantities.Minutes > 0 || n == 0) {
		ev := event("work", "vf:work")
		input(ev)
		minutes(ev)
	}
	if linked {
		p := node{"@id": proc, "@type": "vf:Process", "vf:name": k.Title, "vf:finished": true}
		if k.Kind != "" {
			p["vf:classifiedAs"] = k.Kind
		}
		g.put(p)
	}
}

// income writes an income as a transfer from its payer to the commons.
func (g *graph) income(inc *value.Income) {
	ev := node{"@id": g.iri("events", inc.ID), "@type": "vf:EconomicEvent", "vf:action": "vf:transfer",
		"vf:receiver": g.commonsAgentID(inc.Commons)}
	if inc.Payer != "" {
		ev["vf:provider"] = g.agentID(inc.Payer)
	}
	g.money(ev, inc.Amount)
	note := "Income (" + inc.Kind + ")"
	if inc.Reference != "" {
		note += ", reference " + inc.Reference
	}
	ev["vf:note"] = note + "."
	g.put(ev)
}

// distribution writes each allocation of a distribution as a claim on the
// commons: what the recipient is owed, not yet a payment.
func (g *graph) distribution(d *value.Distribution) {
	r := &d.Result
	shares := map[[2]string]string{}
	for _, e := range r.Explanations {
		shares[[2]string{e.Kind, e.Recipient}] = e.Share
	}
	policy := fmt.Sprintf("policy version %d", d.PolicyVersion)
	if d.PolicyVersion == 0 {
		policy = "the default policy"
	}
	for _, a := range r.Allocations {
		if a.Amount == 0 {
			continue // owes nothing, like the balances
		}
		id := g.iri("events", d.ID) + "#" + a.Kind + ":" + url.PathEscape(a.Recipient)
		note := fmt.Sprintf("Allocated by distribution %s under %s; digest %s.", d.ID, policy, r.Digest)
		if s, ok := shares[[2]string{a.Kind, a.Recipient}]; ok {
			note += " Share of the contributors' pool: " + s + "."
		}
		cl := node{"@id": id, "@type": "vf:Claim", "vf:action": "vf:transfer",
			"vf:provider": g.commonsAgentID(d.Commons), "vf:receiver": g.recipient(d.Commons, a.Kind, a.Recipient),
			"vf:triggeredBy": g.iri("events", d.Income), "vf:created": stamp(r.AsOf), "vf:note": note}
		g.money(cl, commons.Money{Amount: a.Amount, Currency: r.Income.Currency})
		g.put(cl)
		k := claimKey{d.Commons, a.Kind, a.Recipient, r.Income.Currency}
		g.claims[k] = append(g.claims[k], claim{id: id, index: d.Index})
	}
}

// settlements writes each settlement of a balance as a transfer from the
// commons to the recipient that settles the claims made before it.
func (g *graph) settlements(b *value.Balance) {
	claims := g.claims[claimKey{b.Commons, b.Kind, b.Recipient, b.Currency}]
	for _, s := range b.Settlements {
		ev := node{"@id": g.base + "/api/v1/events/index/" + strconv.FormatInt(s.Index, 10), "@type": "vf:EconomicEvent",
			"vf:action": "vf:transfer", "vf:provider": g.commonsAgentID(b.Commons), "vf:receiver": g.recipient(b.Commons, b.Kind, b.Recipient)}
		g.money(ev, commons.Money{Amount: s.Amount, Currency: b.Currency})
		if s.Reference != "" {
			ev["vf:note"] = "Payment reference " + s.Reference + "."
		}
		var settles []string
		for _, c := range claims {
			if c.index < s.Index {
				settles = append(settles, c.id)
			}
		}
		if len(settles) > 0 {
			slices.Sort(settles)
			ev["vf:settles"] = settles
		}
		g.put(ev)
	}
}

// money sets an event's or claim's quantity: the currency as a resource
// specification (as ValueFlows recommends for currencies) and the amount
// as an exact decimal of unit "one".
func (g *graph) money(n node, m commons.Money) {
	spec := g.iri("currencies", m.Currency)
	if _, ok := g.nodes[spec]; !ok {
		g.put(node{"@id": spec, "@type": "vf:ResourceSpecification", "vf:name": m.Currency, "vf:mediumOfExchange": true})
	}
	n["vf:resourceConformsTo"] = spec
	n["vf:resourceQuantity"] = measure(decimal(m.Amount, m.Currency), "om2:one")
}

func measure(v, unit string) node {
	return node{"@type": "vf:Measure", "vf:hasNumericalValue": v, "vf:hasUnit": unit}
}

// recipient returns the agent an allocation or a balance is for.
func (g *graph) recipient(commonsID, kind, name string) string {
	switch kind {
	case value.RecipientAgent:
		return g.agentID(name)
	case value.RecipientIdentity:
		id := g.iri("identities", name)
		if _, ok := g.nodes[id]; !ok {
			g.put(node{"@id": id, "@type": "vf:Agent", "vf:name": name,
				"vf:note": "An identity (such as a git author) not yet claimed by an agent; what it is owed waits for the claim."})
		}
		return id
	}
	if up, ok := strings.CutPrefix(name, value.PoolUpstreamPrefix); ok {
		return g.commonsAgentID(up)
	}
	id := g.iri("commons", commonsID) + "#pool:" + url.PathEscape(name)
	if _, ok := g.nodes[id]; !ok {
		n := node{"@id": id, "@type": "vf:Organization", "vf:classifiedAs": "pool"}
		label := name + " pool"
		if commonsID == g.in.Commons.ID {
			label = g.in.Commons.Name + ": " + label
		}
		n["vf:name"] = label
		g.put(n)
	}
	return id
}

// agentID returns the IRI of an agent, writing its node the first time.
func (g *graph) agentID(id string) string {
	iri := g.iri("agents", id)
	if _, ok := g.nodes[iri]; ok {
		return iri
	}
	n := node{"@id": iri, "@type": "vf:Agent"}
	if a := g.in.Agents[id]; a != nil {
		if a.Name != "" {
			n["vf:name"] = a.Name
		}
		switch {
		case a.Kind == agent.Person:
			n["@type"] = "vf:Person"
		case slices.Contains(agent.Kinds, a.Kind):
			n["@type"] = "vf:Organization"
			n["vf:classifiedAs"] = a.Kind
		}
	}
	g.put(n)
	return iri
}

// commonsAgent returns the node of the community that holds a commons:
// it receives the commons' income and owes what distributions allocate.
func (g *graph) commonsAgent(id string) node {
	iri := g.iri("commons", id) + "#agent"
	n, ok := g.nodes[iri]
	if !ok {
		n = node{"@id": iri, "@type": "vf:Organization", "vf:classifiedAs": "commons"}
		g.put(n)
	}
	return n
}

func (g *graph) commonsAgentID(id string) string { return g.commonsAgent(id)["@id"].(string) }

// resource returns the node of a commons as an economic resource.
func (g *graph) resource(id string) node {
	iri := g.iri("commons", id)
	n, ok := g.nodes[iri]
	if !ok {
		n = node{"@id": iri, "@type": "vf:EconomicResource", "vf:trackingIdentifier": id,
			"vf:primaryAccountable": g.commonsAgentID(id)}
		g.put(n)
	}
	return n
}

func (g *graph) resourceID(id string) string { return g.resource(id)["@id"].(string) }

func (g *graph) put(n node) { g.nodes[n["@id"].(string)] = n }

func (g *graph) iri(kind, id string) string { return g.base + "/" + kind + "/" + url.PathEscape(id) }

// stamp writes ms since the Unix epoch as an xsd:dateTimeStamp in UTC.
func stamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}
