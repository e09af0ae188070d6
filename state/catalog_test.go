package state_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/meent/meent/breadfund"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

const eventsDoc = "../docs/events.md"

// TestEventTypesComplete checks state.EventTypes against the source of the
// rules packages: every exported string constant named Type… is an event
// type of its package (its Owns accepts it) and is listed, with the data
// type its comment names, and nothing else is listed. A type added to a
// rules package without a line in the catalogue (and so in
// docs/events.md) fails here.
func TestEventTypesComplete(t *testing.T) {
	owns := map[string]func(string) bool{
		"agent":      agent.Owns,
		"commons":    commons.Owns,
		"value":      value.Owns,
		"license":    license.Owns,
		"governance": governance.Owns,
		"budget":     budget.Owns,
		"credit":     credit.Owns,
		"breadfund":  breadfund.Owns,
		"sharing":    sharing.Owns,
	}
	type decl struct{ area, data string }
	found := map[string]decl{}
	for area := range owns {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, "../"+area, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				for _, d := range f.Decls {
					gd, ok := d.(*ast.GenDecl)
					if !ok || gd.Tok != token.CONST {
						continue
					}
					for _, spec := range gd.Specs {
						vs := spec.(*ast.ValueSpec)
						for i, name := range vs.Names {
							if !strings.HasPrefix(name.Name, "Type") || i >= len(vs.Values) {
								continue
							}
							lit, ok := vs.Values[i].(*ast.BasicLit)
							if !ok || lit.Kind != token.STRING {
								continue
							}
							typ, _ := strconv.Unquote(lit.Value)
							if !owns[area](typ) {
								t.Errorf("%s.%s = %q is not owned by package %s", area, name.Name, typ, area)
							}
							data := ""
							if vs.Comment != nil {
								data = strings.Fields(strings.TrimLeft(vs.Comment.Text(), "/ "))[0]
								data = strings.TrimRight(data, ";:,")
							}
							found[typ] = decl{area, data}
						}
					}
				}
			}
		}
	}
	listed := map[string]bool{}
	for _, et := range state.EventTypes {
		listed[et.Type] = true
		d, ok := found[et.Type]
		if !ok {
			t.Errorf("state.EventTypes lists %s, which no rules package declares", et.Type)
			continue
		}
		if d.area != et.Area {
			t.Errorf("%s: area %s, declared in %s", et.Type, et.Area, d.area)
		}
		if got := reflect.TypeOf(et.Data).Name(); got != d.data {
			t.Errorf("%s: data %s, but its declaration's comment names %q", et.Type, got, d.data)
		}
		if !owns[et.Area](et.Type) {
			t.Errorf("%s is not owned by %s", et.Type, et.Area)
		}
	}
	for typ, d := range found {
		if !listed[typ] {
			t.Errorf("%s (package %s, data %s) is missing from state.EventTypes and docs/events.md", typ, d.area, d.data)
		}
	}
	if len(listed) != len(state.EventTypes) {
		t.Error("state.EventTypes lists a type twice")
	}
}

// member is one row of a type's table in docs/events.md.
type member struct {
	Path     string // "amount.currency", "commits[].identity"
	JSON     string // JSON type
	Required string // yes, no, depends or absent (see docs/events.md)
	Meaning  string // written by hand, kept by -update
}

var rawValue = reflect.TypeFor[jsontext.Value]()

// jsonType names the JSON type a Go type decodes from.
func jsonType(t reflect.Type) string {
	if t == rawValue {
		return "object"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonType(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array of " + jsonType(t.Elem())
	}
	panic("no JSON type for " + t.String())
}

// members lists the data members of a Go type as the strict decoder reads
// them (json tag name, else the field name), depth first.
func members(t reflect.Type, prefix string) []member {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []member
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" && strings.Contains(","+opts+",", ",inline,") {
			// An inline struct's members are the object's own.
			out = append(out, members(f.Type, prefix)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		path := prefix + name
		out = append(out, member{Path: path, JSON: jsonType(f.Type)})
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == rawValue:
		case ft.Kind() == reflect.Struct:
			out = append(out, members(ft, path+".")...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			out = append(out, members(ft.Elem(), path+"[].")...)
		}
	}
	return out
}

// paths lists the member paths present in a decoded data object.
func paths(v any, prefix string, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			out[prefix+k] = true
			paths(x, prefix+k+".", out)
		}
	case []any:
		for _, x := range v {
			paths(x, strings.TrimSuffix(prefix, ".")+"[].", out)
		}
	}
}

// lacks reports whether an object on path's way lacks its last member:
// the member's parent is present (for arrays: some element) without it.
func lacks(v any, path string) bool {
	o, ok := v.(map[string]any)
	if !ok {
		return false
	}
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		_, has := o[head]
		return !has
	}
	if name, ok := strings.CutSuffix(head, "[]"); ok {
		arr, _ := o[name].([]any)
		for _, x := range arr {
			if lacks(x, rest) {
				return true
			}
		}
		return false
	}
	x, has := o[head]
	return has && lacks(x, rest)
}

// without returns v with the member at path removed (from every element of
// the arrays on the way).
func without(v any, path string) any {
	switch v := v.(type) {
	case map[string]any:
		head, rest, nested := strings.Cut(path, ".")
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = x
		}
		if name, ok := strings.CutSuffix(head, "[]"); ok {
			arr, _ := v[name].([]any)
			na := make([]any, len(arr))
			for i, x := range arr {
				na[i] = without(x, rest)
			}
			out[name] = na
		} else if nested {
			out[head] = without(v[head], rest)
		} else {
			delete(out, head)
		}
		return out
	}
	return v
}

// probeRequired finds, for every member of every type, whether the rules
// refuse a valid vector without it: each valid event of testdata/events.json
// is re-signed, by the same key at the same time, with one member left
// out, and applied to the state its original was applied to; a valid event
// that lacks a member counts as accepted without it. A member is required
// ("yes") when leaving it out was refused every time, optional ("no") when
// it was accepted every time, and "depends" otherwise.
func probeRequired(t *testing.T) (required map[string]map[string]string, seen map[string]bool) {
	seen = map[string]bool{} // type + " " + path of members some valid event has
	f := readVectors(t)
	seeds := map[string]ed25519.PrivateKey{}
	for _, k := range f.Keys {
		s, _ := hex.DecodeString(k.Seed)
		seeds[k.Name] = ed25519.NewKeyFromSeed(s)
	}
	var prefix []*ledger.Event
	replay := func() *state.State {
		st := state.New()
		for _, e := range prefix {
			if err := st.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	// cur is the state after prefix. A refused probe leaves it unchanged;
	// an accepted one changes it, and then it is rebuilt.
	cur := state.New()
	refused := map[string]map[string]map[bool]bool{}
	for _, v := range f.Events {
		if !v.Valid {
			continue
		}
		ev, err := ledger.Decode([]byte(v.Entry))
		if err != nil {
			t.Fatal(err)
		}
		var data any
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			t.Fatal(err)
		}
		present := map[string]bool{}
		paths(data, "", present)
		if refused[ev.Type] == nil {
			refused[ev.Type] = map[string]map[bool]bool{}
		}
		// A valid event that lacks a member (where its parent is present)
		// shows the rules accept it without that member.
		for _, et := range state.EventTypes {
			if et.Type != ev.Type {
				continue
			}
			for _, m := range members(reflect.TypeOf(et.Data), "") {
				if lacks(data, m.Path) {
					if refused[ev.Type][m.Path] == nil {
						refused[ev.Type][m.Path] = map[bool]bool{}
					}
					refused[ev.Type][m.Path][false] = true
				}
			}
		}
		for p := range present {
			seen[ev.Type+" "+p] = true
			entry, err := ledger.Sign(seeds[v.Signer], ledger.Body{Type: ev.Type, Author: ev.Author, Time: ev.Time, Data: without(data, p)})
			if err != nil {
				t.Fatal(err)
			}
			probe, err := ledger.Decode(entry)
			if err != nil {
				t.Fatal(err)
			}
			if refused[ev.Type][p] == nil {
				refused[ev.Type][p] = map[bool]bool{}
			}
			err = cur.Apply(probe)
			refused[ev.Type][p][err != nil] = true
			if err == nil {
				cur = replay()
			}
		}
		if err := cur.Apply(ev); err != nil {
			t.Fatal(err)
		}
		prefix = append(prefix, ev)
	}
	required = map[string]map[string]string{}
	out := required
	for typ, ms := range refused {
		out[typ] = map[string]string{}
		for p, seen := range ms {
			switch {
			case seen[true] && seen[false]:
				out[typ][p] = "depends"
			case seen[true]:
				out[typ][p] = "yes"
			default:
				out[typ][p] = "no"
			}
		}
	}
	return out, seen
}

// docSection is one event type's section of docs/events.md.
type docSection struct {
	typ     string
	start   int // line index of the heading
	table   [2]int
	members []member
}

func parseDoc(lines []string) []docSection {
	var out []docSection
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "### `"); ok {
			typ, _, _ := strings.Cut(rest, "`")
			out = append(out, docSection{typ: typ, start: i, table: [2]int{-1, -1}})
			continue
		}
		if len(out) == 0 {
			continue
		}
		s := &out[len(out)-1]
		if strings.HasPrefix(l, "| member |") && s.table[0] < 0 {
			s.table = [2]int{i, i + 2}
			continue
		}
		if s.table[0] >= 0 && s.table[1] == i && strings.HasPrefix(l, "| `") {
			cells := strings.SplitN(l, "|", 5)
			if len(cells) < 5 {
				continue
			}
			m := member{Path: strings.Trim(strings.TrimSpace(cells[1]), "`"), JSON: strings.TrimSpace(cells[2]),
				Required: strings.TrimSpace(cells[3]), Meaning: strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cells[4]), "|"))}
			s.members = append(s.members, m)
			s.table[1] = i + 1
		}
	}
	return out
}

func renderTable(ms []member) []string {
	out := []string{"| member | JSON type | required | meaning, default |", "|---|---|---|---|"}
	for _, m := range ms {
		out = append(out, fmt.Sprintf("| `%s` | %s | %s | %s |", m.Path, m.JSON, m.Required, m.Meaning))
	}
	return out
}

// TestEventsDoc checks that docs/events.md lists, for every event type,
// exactly the data members the Go types decode, with their JSON types and
// whether the rules require them (probed with the vectors), and a meaning
// for each. With -update it rewrites the tables, keeping the meanings.
func TestEventsDoc(t *testing.T) {
	if *update {
		// The tables are measured with the vectors: write them first, so
		// one go test ./state -update regenerates both.
		if err := os.WriteFile(eventsFile, encodeVectors(t, generate(t)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	required, seen := probeRequired(t)
	// Members a type's Go struct shares with another type but which that
	// type refuses (the required column says "absent"): a refused vector
	// must show each.
	absent := map[string]bool{
		"member.remove role":             true,
		"contribution.endorse need":      true,
		"need.release contribution":      true,
		"license.pay grant.while_member": true,
		"resource.add resource":          true,
		"resource.update commons":        true,
		"booking.checkout damage":        true,
	}
	refusedWith := map[string]bool{}
	for _, v := range readVectors(t).Events {
		if v.Valid {
			continue
		}
		ev, err := ledger.Decode([]byte(v.Entry))
		if err != nil {
			t.Fatal(err)
		}
		var data any
		if json.Unmarshal(ev.Data, &data) == nil {
			present := map[string]bool{}
			paths(data, "", present)
			for p := range present {
				refusedWith[ev.Type+" "+p] = true
			}
		}
	}
	raw, err := os.ReadFile(eventsDoc)
	if err != nil && !*update {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	sections := parseDoc(lines)
	byType := map[string]docSection{}
	for _, s := range sections {
		byType[s.typ] = s
	}
	want := map[string][]member{}
	for _, et := range state.EventTypes {
		ms := members(reflect.TypeOf(et.Data), "")
		old := map[string]string{}
		for _, m := range byType[et.Type].members {
			old[m.Path] = m.Meaning
		}
		for i := range ms {
			key := et.Type + " " + ms[i].Path
			r, ok := required[et.Type][ms[i].Path], seen[key]
			if absent[key] {
				r, ok = "absent", !ok && refusedWith[key]
				if !ok {
					t.Errorf("%s: member %s is listed as never allowed, but a valid vector has it or no refused vector does", et.Type, ms[i].Path)
				}
			} else if !ok {
				t.Errorf("%s: no valid vector has member %s, so whether it is required is unknown: add one to the scenario", et.Type, ms[i].Path)
				r = "?"
			}
			ms[i].Required = r
			ms[i].Meaning = old[ms[i].Path]
			if ms[i].Meaning == "" {
				ms[i].Meaning = "TODO"
			}
		}
		want[et.Type] = ms
	}
	if *update {
		// Rewrite tables from the bottom up so line numbers stay valid,
		// then append sections for types the document lacks.
		for i := len(sections) - 1; i >= 0; i-- {
			s := sections[i]
			ms, ok := want[s.typ]
			if !ok {
				continue
			}
			table := renderTable(ms)
			if s.table[0] < 0 {
				// After the paragraph that follows the heading.
				at := s.start + 2
				for at < len(lines) && strings.TrimSpace(lines[at]) != "" {
					at++
				}
				at = min(at+1, len(lines))
				lines = append(lines[:at], append(append(table, ""), lines[at:]...)...)
				continue
			}
			lines = append(lines[:s.table[0]], append(table, lines[s.table[1]:]...)...)
		}
		for _, et := range state.EventTypes {
			if _, ok := byType[et.Type]; !ok {
				lines = append(lines, fmt.Sprintf("### `%s`", et.Type), "", "TODO: who signs it, when it is accepted.", "")
				lines = append(lines, renderTable(want[et.Type])...)
				lines = append(lines, "")
			}
		}
		if err := os.WriteFile(eventsDoc, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, s := range sections {
		if _, ok := want[s.typ]; !ok {
			t.Errorf("docs/events.md describes %s, which is not an event type", s.typ)
		}
	}
	for _, et := range state.EventTypes {
		s, ok := byType[et.Type]
		if !ok {
			t.Errorf("docs/events.md has no section for %s (go test ./state -update adds one)", et.Type)
			continue
		}
		got, ms := s.members, want[et.Type]
		var gb, wb bytes.Buffer
		for _, m := range got {
			fmt.Fprintf(&gb, "%s %s %s\n", m.Path, m.JSON, m.Required)
		}
		for _, m := range ms {
			fmt.Fprintf(&wb, "%s %s %s\n", m.Path, m.JSON, m.Required)
			if m.Meaning == "TODO" {
				t.Errorf("docs/events.md: %s.%s has no meaning", et.Type, m.Path)
			}
		}
		if gb.String() != wb.String() {
			t.Errorf("docs/events.md, %s: the table says\n%swant (go test ./state -update)\n%s", et.Type, gb.String(), wb.String())
		}
	}
}
