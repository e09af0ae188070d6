package valueflows

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

func export(t *testing.T, in Input) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := JSONLD(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestJSONLDGolden(t *testing.T) {
	golden(t, "seed.jsonld", export(t, fixture()))
}

type document struct {
	Context map[string]any   `json:"@context"`
	Graph   []map[string]any `json:"@graph"`
}

func parse(t *testing.T, b []byte) (document, map[string]map[string]any) {
	t.Helper()
	var doc document
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("the output is not the expected JSON: %v", err)
	}
	byID := map[string]map[string]any{}
	for _, n := range doc.Graph {
		id, _ := n["@id"].(string)
		if id == "" {
			t.Fatalf("node without @id: %v", n)
		}
		if byID[id] != nil {
			t.Fatalf("two nodes with @id %s", id)
		}
		if _, ok := n["@type"].(string); !ok {
			t.Errorf("%s has no @type", id)
		}
		byID[id] = n
	}
	return doc, byID
}

var decimalRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func TestJSONLDWellFormed(t *testing.T) {
	doc, byID := parse(t, export(t, fixture()))
	if doc.Context["vf"] != NS || doc.Context["om2"] != NSOM2 {
		t.Errorf("context prefixes: %v", doc.Context)
	}
	agentTypes := []string{"vf:Person", "vf:Organization", "vf:Agent"}
	refs := []string{"vf:inputOf", "vf:outputOf", "vf:resourceInventoriedAs", "vf:resourceConformsTo", "vf:primaryAccountable", "vf:triggeredBy"}
	events := 0
	for id, n := range byID {
		typ := n["@type"].(string)
		if typ == "vf:EconomicEvent" || typ == "vf:Claim" {
			events++
			if a, _ := n["vf:action"].(string); !slices.Contains(Actions, a) {
				t.Errorf("%s: action %q is not one of %v", id, a, Actions)
			}
			if n["vf:receiver"] == nil {
				t.Errorf("%s has no receiver", id)
			}
			for _, p := range []string{"vf:provider", "vf:receiver"} {
				if v, ok := n[p]; ok {
					if ag := byID[v.(string)]; ag == nil || !slices.Contains(agentTypes, ag["@type"].(string)) {
						t.Errorf("%s: %s %v is not an agent of the graph", id, p, v)
					}
				}
			}
		}
		for _, p := range refs {
			if v, ok := n[p]; ok && byID[v.(string)] == nil {
				t.Errorf("%s: %s %v is not in the graph", id, p, v)
			}
		}
		if s, ok := n["vf:settles"]; ok {
			for _, v := range s.([]any) {
				if c := byID[v.(string)]; c == nil || c["@type"] != "vf:Claim" {
					t.Errorf("%s settles %v, not a claim of the graph", id, v)
				}
			}
		}
		for _, q := range []string{"vf:resourceQuantity", "vf:effortQuantity"} {
			if m, ok := n[q].(map[string]any); ok {
				if v, _ := m["vf:hasNumericalValue"].(string); !decimalRE.MatchString(v) {
					t.Errorf("%s: %s %v is not a decimal string", id, q, m["vf:hasNumericalValue"])
				}
			}
		}
		if strings.Contains(id, "/k8") || strings.Contains(id, "/k9") || strings.Contains(id, "/other") {
			t.Errorf("%s is written but is not accepted or not referred to", id)
		}
		if strings.Contains(id, "pool:solidarity") && strings.Contains(id, "dist1") {
			t.Errorf("%s: a zero allocation is written", id)
		}
	}
	if events == 0 {
		t.Fatal("no events")
	}

	quantity := func(id, prop string) (string, string) {
		n := byID[id]
		if n == nil {
			t.Fatalf("no node %s", id)
		}
		m, _ := n[prop].(map[string]any)
		v, _ := m["vf:hasNumericalValue"].(string)
		u, _ := m["vf:hasUnit"].(string)
		return v, u
	}
	const B = "https://meent.example"
	for _, tt := range []struct{ id, prop, value, unit, action, spec string }{
		{B + "/events/inc1", "vf:resourceQuantity", "10.01", "om2:one", "vf:transfer", B + "/currencies/EUR"},
		{B + "/events/inc2", "vf:resourceQuantity", "150000", "om2:one", "vf:transfer", B + "/currencies/JPY"},
		{B + "/events/dist1#agent:alice", "vf:resourceQuantity", "3.01", "om2:one", "vf:transfer", B + "/currencies/EUR"},
		{B + "/events/dist1#identity:git:carol@example.org", "vf:resourceQuantity", "0.50", "om2:one", "vf:transfer", B + "/currencies/EUR"},
		{B + "/events/dist2#agent:coop", "vf:resourceQuantity", "30001", "om2:one", "vf:transfer", B + "/currencies/JPY"},
		{B + "/api/v1/events/index/90", "vf:resourceQuantity", "2.00", "om2:one", "vf:transfer", B + "/currencies/EUR"},
		{B + "/contributions/k5#transfer", "vf:resourceQuantity", "50.00", "om2:one", "vf:transfer", B + "/currencies/EUR"},
		{B + "/contributions/k1#work", "vf:effortQuantity", "90", "om2:minute-Time", "vf:work", ""},
		{B + "/contributions/k6#use", "vf:effortQuantity", "120", "om2:minute-Time", "vf:use", ""},
	} {
		v, u := quantity(tt.id, tt.prop)
		if v != tt.value || u != tt.unit {
			t.Errorf("%s %s = %q %q, want %q %q", tt.id, tt.prop, v, u, tt.value, tt.unit)
		}
		n := byID[tt.id]
		if n["vf:action"] != tt.action {
			t.Errorf("%s action %v, want %s", tt.id, n["vf:action"], tt.action)
		}
		if tt.spec != "" && n["vf:resourceConformsTo"] != tt.spec {
			t.Errorf("%s conforms to %v, want %s", tt.id, n["vf:resourceConformsTo"], tt.spec)
		}
	}

	// Each contribution mapped as the package documentation says.
	for _, tt := range []struct{ id, action string }{
		{"k1#work", "vf:work"}, {"k1#produce", "vf:produce"}, {"k2#work", "vf:work"}, {"k3#produce", "vf:produce"},
		{"k4#work", "vf:work"}, {"k5#transfer", "vf:transfer"}, {"k6#use", "vf:use"}, {"k7#cited-by-seed", "vf:cite"},
	} {
		n := byID[B+"/contributions/"+tt.id]
		if n == nil || n["vf:action"] != tt.action {
			t.Errorf("contribution event %s: %v, want action %s", tt.id, n, tt.action)
		}
	}
	for _, id := range []string{"k3#work", "k5#work", "k6#work"} {
		if byID[B+"/contributions/"+id] != nil {
			t.Errorf("unexpected event %s", id)
		}
	}
	if v := byID[B+"/contributions/k4#work"]["vf:effortQuantity"]; v != nil {
		t.Errorf("work without minutes has an effort quantity %v", v)
	}
	if n := byID[B+"/contributions/k3#produce"]; n["vf:outputOf"] != B+"/contributions/k3" || n["vf:resourceInventoriedAs"] != B+"/commons/seed" {
		t.Errorf("produce: %v", n)
	}
	if n := byID[B+"/contributions/k7#cited-by-seed"]; n["vf:resourceInventoriedAs"] != B+"/commons/upstream" || n["vf:inputOf"] != B+"/commons/seed#fork" || n["vf:provider"] != B+"/agents/zed" {
		t.Errorf("upstream cite: %v", n)
	}
	if n := byID[B+"/commons/seed#fork-cite"]; n == nil || n["vf:action"] != "vf:cite" || n["vf:provider"] != B+"/commons/upstream#agent" {
		t.Errorf("fork cite: %v", n)
	}

	// Agents: classes and names.
	for _, tt := range []struct{ id, typ, name string }{
		{"/agents/alice", "vf:Person", "Alice Ng"},
		{"/agents/bob", "vf:Person", "Bob <Ruiz> & co"},
		{"/agents/coop", "vf:Organization", "Tools Coop"},
		{"/agents/fund", "vf:Organization", "Seed Fund"},
		{"/agents/zed", "vf:Agent", ""},
		{"/identities/git:carol@example.org", "vf:Agent", "git:carol@example.org"},
		{"/commons/seed#agent", "vf:Organization", "Seed Library"},
		{"/commons/seed#pool:infrastructure", "vf:Organization", "Seed Library: infrastructure pool"},
		{"/commons/upstream#agent", "vf:Organization", ""},
	} {
		n := byID[B+tt.id]
		if n == nil {
			t.Errorf("no agent %s", tt.id)
			continue
		}
		name, _ := n["vf:name"].(string)
		if n["@type"] != tt.typ || name != tt.name {
			t.Errorf("%s: %v %q, want %s %q", tt.id, n["@type"], name, tt.typ, tt.name)
		}
	}

	// Claims, and the settlements that settle them.
	if n := byID[B+"/events/dist1#agent:alice"]; n["@type"] != "vf:Claim" || n["vf:triggeredBy"] != B+"/events/inc1" ||
		!strings.Contains(n["vf:note"].(string), "07bde3cf874fd88f7a8d7c255f2af2b366b737dc9e4e72d36603f05cd0564f5c") {
		t.Errorf("claim: %v", n)
	}
	if n := byID[B+"/api/v1/events/index/95"]; n == nil || !slices.Equal(toStrings(n["vf:settles"]), []string{B + "/events/dist2#agent:alice"}) {
		t.Errorf("settlement 95: %v", n)
	}
	if n := byID[B+"/events/dist1#pool:upstream:upstream"]; n == nil || n["vf:receiver"] != B+"/commons/upstream#agent" {
		t.Errorf("upstream pool claim: %v", n)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestJSONLDDeterministic(t *testing.T) {
	want := export(t, fixture())
	if got := export(t, fixture()); !bytes.Equal(got, want) {
		t.Fatal("two runs differ")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 10 {
		in := fixture()
		r.Shuffle(len(in.Contributions), func(i, j int) { in.Contributions[i], in.Contributions[j] = in.Contributions[j], in.Contributions[i] })
		r.Shuffle(len(in.Incomes), func(i, j int) { in.Incomes[i], in.Incomes[j] = in.Incomes[j], in.Incomes[i] })
		r.Shuffle(len(in.Distributions), func(i, j int) { in.Distributions[i], in.Distributions[j] = in.Distributions[j], in.Distributions[i] })
		r.Shuffle(len(in.Balances), func(i, j int) { in.Balances[i], in.Balances[j] = in.Balances[j], in.Balances[i] })
		if got := export(t, in); !bytes.Equal(got, want) {
			t.Fatalf("shuffle %d: the output depends on the input order", i)
		}
	}
}

func TestJSONLDRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(*Input)
	}{
		{"no base", func(in *Input) { in.BaseURL = "" }},
		{"relative base", func(in *Input) { in.BaseURL = "meent.example" }},
		{"base with a query", func(in *Input) { in.BaseURL = "https://meent.example/?x=1" }},
		{"no commons", func(in *Input) { in.Commons = nil }},
		{"duplicate contribution", func(in *Input) { in.Contributions = append(in.Contributions, in.Contributions[0]) }},
		{"duplicate income", func(in *Input) { in.Incomes = append(in.Incomes, in.Incomes[0]) }},
		{"duplicate distribution", func(in *Input) { in.Distributions = append(in.Distributions, in.Distributions[0]) }},
		{"duplicate balance", func(in *Input) { in.Balances = append(in.Balances, in.Balances[0]) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := fixture()
			tt.edit(&in)
			var b bytes.Buffer
			err := JSONLD(&b, in)
			if meent.ErrorCode(err) != meent.EINVALID {
				t.Fatalf("err = %v, want code %s", err, meent.EINVALID)
			}
			if b.Len() > 0 {
				t.Error("wrote output despite the error")
			}
		})
	}
}

func TestJSONLDMinimal(t *testing.T) {
	// A commons with no records is a resource and its community.
	_, byID := parse(t, export(t, Input{BaseURL: "http://localhost:8080", Commons: &commons.Commons{ID: "c 1/x", Name: "C"}}))
	if len(byID) != 2 || byID["http://localhost:8080/commons/c%201%2Fx"] == nil || byID["http://localhost:8080/commons/c%201%2Fx#agent"] == nil {
		t.Errorf("graph: %v", byID)
	}
}

// TestJSONLDExpands checks what a JSON-LD processor needs to expand the
// document to the intended IRIs, without one: every property and type is
// a compact IRI whose prefix the context defines, and every value of a
// property the context types as @id is absolute (a compact IRI with a
// defined prefix, or an http(s) IRI), so nothing resolves against the
// document's own location.
func TestJSONLDExpands(t *testing.T) {
	doc, _ := parse(t, export(t, fixture()))
	prefixes := map[string]bool{}
	idProps := map[string]bool{}
	for k, v := range doc.Context {
		switch v := v.(type) {
		case string:
			if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				t.Errorf("prefix %s maps to %q", k, v)
			}
			prefixes[k] = true
		case map[string]any:
			if v["@type"] == "@id" {
				idProps[k] = true
			}
		}
	}
	compact := func(s string) bool {
		p, _, ok := strings.Cut(s, ":")
		return ok && prefixes[p]
	}
	absolute := func(s string) bool {
		p, rest, ok := strings.Cut(s, ":")
		return ok && prefixes[p] || (p == "http" || p == "https") && strings.HasPrefix(rest, "//")
	}
	for k, v := range doc.Context {
		if _, ok := v.(map[string]any); ok && !compact(k) {
			t.Errorf("context term %s is not a compact IRI with a defined prefix", k)
		}
	}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		for k, v := range n {
			switch k {
			case "@id":
				if !absolute(v.(string)) || compact(v.(string)) {
					t.Errorf("@id %v is not an absolute IRI", v)
				}
				continue
			case "@type":
				if !compact(v.(string)) {
					t.Errorf("@type %v has no defined prefix", v)
				}
				continue
			}
			if !compact(k) {
				t.Errorf("property %s has no defined prefix", k)
			}
			vals := []any{v}
			if a, ok := v.([]any); ok {
				vals = a
			}
			for _, x := range vals {
				switch x := x.(type) {
				case string:
					if idProps[k] && !absolute(x) {
						t.Errorf("%s: %q does not expand to an absolute IRI", k, x)
					}
				case map[string]any:
					walk(x)
				}
			}
		}
	}
	for _, n := range doc.Graph {
		walk(n)
	}
}

// TestJSONLDImportedCommit: an imported commit whose author has not claimed
// their identity is credited to the identity, not to an empty agent.
func TestJSONLDImportedCommit(t *testing.T) {
	in := fixture()
	in.Contributions = append(in.Contributions, &commons.Contribution{ID: "imported1", Commons: in.Commons.ID, Identity: "git:dee@example.org",
		Kind: "code", Title: "fix", Status: commons.Accepted, SubmittedAt: ms("2026-03-01T00:00:00Z"), Quantities: commons.Quantities{LinesAdded: 3}})
	_, nodes := parse(t, export(t, in))
	ev := nodes["https://meent.example/contributions/imported1#produce"]
	if ev == nil || ev["vf:provider"] != "https://meent.example/identities/git:dee@example.org" {
		t.Fatalf("imported commit's event: %v", ev)
	}
	if nodes["https://meent.example/agents/"] != nil {
		t.Fatal("an agent with an empty ID was exported")
	}
}
