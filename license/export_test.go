package license_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(go test -update rewrites it)", path, i+1, gl, wl)
		}
	}
}

const (
	node      = "https://meent.example"
	commonsID = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

// copyfairRef is base() under a license that is not on the SPDX list.
func copyfairRef() license.Policy {
	p := base()
	p.License = "LicenseRef-Copyfair"
	return p
}

// revenueJPY prices by revenue in a currency without minor units, and
// has no non-commercial rule and no trial.
func revenueJPY() license.Policy {
	return license.Policy{
		Format: 1, License: "AGPL-3.0-or-later",
		Free: []license.Rule{{Kind: license.Cooperative}, {Kind: license.Nonprofit}},
		Price: license.Schedule{Currency: "JPY", Basis: license.Revenue, Bands: []license.Band{
			{From: 0, To: 100_000_000, PricePerYear: 50_000},
			{From: 100_000_000, PricePerYear: 400_000},
		}},
	}
}

func TestWellKnown(t *testing.T) {
	f := base().WellKnown(node+"/", commonsID, "Seed Library", 3)
	if f.Node != node || f.CheckURL != node+"/api/v1/licenses/check?commons="+commonsID {
		t.Fatalf("node %q, check %q", f.Node, f.CheckURL)
	}
	b, err := license.EncodeWellKnown(f)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "well-known.json", b)
	if !json.Valid(b) {
		t.Fatal("not JSON")
	}
	g, err := license.DecodeWellKnown(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := license.EncodeWellKnown(g)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("round trip changed the bytes (%v):\n%s\n%s", err, b, b2)
	}
	// Space and member order do not matter on input.
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	compact, _ := json.Marshal(m)
	g2, err := license.DecodeWellKnown(compact)
	if err != nil {
		t.Fatalf("compact form: %v", err)
	}
	if b3, _ := license.EncodeWellKnown(g2); !bytes.Equal(b, b3) {
		t.Fatalf("the compact form reads differently:\n%s", b3)
	}
}

func TestWellKnownRefusals(t *testing.T) {
	good, err := license.EncodeWellKnown(base().WellKnown(node, commonsID, "Seed Library", 3))
	if err != nil {
		t.Fatal(err)
	}
	s := string(good)
	for _, c := range []struct {
		name, in, code, want string
	}{
		{"format", strings.Replace(s, `"meent_license": 1`, `"meent_license": 2`, 1), meent.EINVALID, "meent_license: format 2"},
		{"no format", strings.Replace(s, `"meent_license": 1,`, ``, 1), meent.EINVALID, "meent_license: format 0"},
		{"unknown member", strings.Replace(s, `"meent_license": 1,`, `"meent_license": 1, "price": 0,`, 1), meent.EINVALID, "not valid JSON"},
		{"duplicate member", strings.Replace(s, `"meent_license": 1,`, `"meent_license": 1, "meent_license": 1,`, 1), meent.EINVALID, "not valid JSON"},
		{"trailing data", s + "{}", meent.EINVALID, "not valid JSON"},
		{"invalid UTF-8", strings.Replace(s, "Seed Library", "Seed \xff", 1), meent.EINVALID, "not valid JSON"},
		{"null", "null", meent.EINVALID, "meent_license"},
		{"empty", "", meent.EINVALID, "not valid JSON"},
		{"node scheme", strings.ReplaceAll(s, node, "javascript://meent.example"), meent.EINVALID, "node:"},
		{"node query", strings.ReplaceAll(s, `"node": "`+node+`"`, `"node": "`+node+`?x=1"`), meent.EINVALID, "node:"},
		{"node slash", strings.ReplaceAll(s, `"node": "`+node+`"`, `"node": "`+node+`/"`), meent.EINVALID, "node:"},
		{"node user", strings.ReplaceAll(s, node, "https://eve@meent.example"), meent.EINVALID, "node:"},
		{"node spelling", strings.ReplaceAll(s, node, "HTTPS://meent.example"), meent.EINVALID, "node:"},
		{"check elsewhere", strings.Replace(s, `"check": "`+node, `"check": "https://evil.example`, 1), meent.EINVALID, "check:"},
		{"commons", strings.ReplaceAll(s, commonsID, "../admin"), meent.EINVALID, "commons:"},
		{"name newline", strings.Replace(s, "Seed Library", `Seed\nLibrary`, 1), meent.EINVALID, "name:"},
		{"no name", strings.Replace(s, `"Seed Library"`, `""`, 1), meent.EINVALID, "name:"},
		{"version", strings.Replace(s, `"policy_version": 3`, `"policy_version": 0`, 1), meent.EINVALID, "policy_version:"},
		{"policy", strings.Replace(s, `"license": "PPL"`, `"license": "ppl"`, 1), meent.EINVALID, "policy: license:"},
		{"policy member", strings.Replace(s, `"trial_days": 30`, `"trial_days": 30, "discount": 1`, 1), meent.EINVALID, "not valid JSON"},
		{"too large", s[:len(s)-2] + strings.Repeat(" ", license.MaxWellKnownSize) + "}\n", meent.ETOOLARGE, "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := license.DecodeWellKnown([]byte(c.in))
			if meent.ErrorCode(err) != c.code || !strings.Contains(meent.ErrorMessage(err), c.want) {
				t.Fatalf("got %v, want %s containing %q", err, c.code, c.want)
			}
		})
	}
	// Encoding checks too.
	f := base().WellKnown("ftp://meent.example", commonsID, "Seed Library", 3)
	if _, err := license.EncodeWellKnown(f); meent.ErrorCode(err) != meent.EINVALID {
		t.Fatalf("encoded a file with an ftp node: %v", err)
	}
}

// FuzzDecodeWellKnown feeds arbitrary bytes to DecodeWellKnown: it never
// panics, refuses only with EINVALID or ETOOLARGE, and an accepted file
// reads back from its canonical form to the same bytes.
func FuzzDecodeWellKnown(f *testing.F) {
	for _, p := range []license.Policy{base(), copyfairRef(), revenueJPY()} {
		b, err := license.EncodeWellKnown(p.WellKnown(node, commonsID, "Seed Library", 1))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"meent_license":1,"node":"http://localhost:8080","commons":"x","name":"n","policy_version":1,` +
			`"policy":{"format":1,"license":"MIT","price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"price_per_year":1}]}},` +
			`"check":"http://localhost:8080/api/v1/licenses/check?commons=x"}`,
		`{"meent_license":1,"meent_license":1}`,
		`{"meent_license":1,"node":"https://a","check":"https://b"}`,
		`[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := license.DecodeWellKnown(b)
		if err != nil {
			if code := meent.ErrorCode(err); code != meent.EINVALID && code != meent.ETOOLARGE {
				t.Fatalf("DecodeWellKnown: %v", err)
			}
			return
		}
		c, err := license.EncodeWellKnown(w)
		if err != nil {
			t.Fatalf("EncodeWellKnown: %v", err)
		}
		w2, err := license.DecodeWellKnown(c)
		if err != nil {
			t.Fatalf("canonical form refused: %v\n%s", err, c)
		}
		c2, err := license.EncodeWellKnown(w2)
		if err != nil || !bytes.Equal(c, c2) {
			t.Fatalf("canonical form changes (%v):\n%s\n%s", err, c, c2)
		}
		if !strings.HasPrefix(w.CheckURL, w.Node+"/") {
			t.Fatalf("check %q is not on node %q", w.CheckURL, w.Node)
		}
	})
}

func odrl(t *testing.T, p license.Policy) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := license.ODRL(&b, p, node+"/", commonsID, "Seed Library", 3); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestODRL(t *testing.T) {
	for _, c := range []struct {
		file string
		p    license.Policy
	}{
		{"odrl.jsonld", base()},
		{"odrl-revenue.jsonld", revenueJPY()},
	} {
		t.Run(c.file, func(t *testing.T) {
			b := odrl(t, c.p)
			golden(t, c.file, b)
			if again := odrl(t, c.p); !bytes.Equal(b, again) {
				t.Fatal("the output is not deterministic")
			}
			var doc struct {
				Context    []any  `json:"@context"`
				Type       string `json:"@type"`
				UID        string `json:"uid"`
				Profile    string `json:"profile"`
				Permission []struct {
					UID, Target, Assigner string
					Action                any
					Constraint            []struct{ LeftOperand, Operator string }
					Duty                  []struct {
						Action []struct {
							Value struct {
								ID string `json:"@id"`
							} `json:"rdf:value"`
							Refinement []struct {
								LeftOperand, Operator, Unit string
								RightOperand                struct {
									Value string `json:"@value"`
									Type  string `json:"@type"`
								}
							}
						}
						CompensatedParty string
					}
				}
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if doc.Context[0] != "http://www.w3.org/ns/odrl.jsonld" || doc.Type != "Offer" ||
				doc.UID != node+"/commons/"+commonsID+"/license/v3" || doc.Profile != node+"/ns/license" {
				t.Fatalf("offer: %+v", doc)
			}
			free := len(c.p.Free)
			if c.p.TrialDays > 0 {
				free++
			}
			if len(doc.Permission) != free+len(c.p.Price.Bands) {
				t.Fatalf("%d permissions, want %d free and %d bands", len(doc.Permission), free, len(c.p.Price.Bands))
			}
			seen := map[string]bool{}
			for i, perm := range doc.Permission {
				if perm.Action != "use" || perm.Target != node+"/commons/"+commonsID || perm.Assigner != perm.Target+"#agent" {
					t.Errorf("permission %d: action %v, target %q, assigner %q", i, perm.Action, perm.Target, perm.Assigner)
				}
				if seen[perm.UID] || !strings.HasPrefix(perm.UID, doc.UID+"#") {
					t.Errorf("permission %d: uid %q", i, perm.UID)
				}
				seen[perm.UID] = true
				if len(perm.Constraint) == 0 {
					t.Errorf("permission %d has no constraint", i)
				}
				if i < free {
					if len(perm.Duty) != 0 {
						t.Errorf("free permission %d has a duty", i)
					}
					continue
				}
				band := c.p.Price.Bands[i-free]
				if len(perm.Duty) != 1 || len(perm.Duty[0].Action) != 1 || perm.Duty[0].Action[0].Value.ID != "odrl:compensate" {
					t.Fatalf("band permission %d: duty %+v", i, perm.Duty)
				}
				pay := perm.Duty[0].Action[0].Refinement[0]
				want := commons.Money{Amount: band.PricePerYear, Currency: c.p.Price.Currency}.Decimal()
				if pay.LeftOperand != "payAmount" || pay.Operator != "eq" || pay.RightOperand.Value != want ||
					pay.RightOperand.Type != "xsd:decimal" || pay.Unit != license.CurrencyIRI(c.p.Price.Currency) {
					t.Errorf("band %d: pay %+v, want %s", i-free, pay, want)
				}
				if n := len(perm.Constraint); (band.To == 0) != (n == 1) || perm.Constraint[0].Operator != "gteq" || perm.Constraint[n-1].Operator != map[bool]string{true: "gteq", false: "lt"}[band.To == 0] {
					t.Errorf("band %d: constraints %+v", i-free, perm.Constraint)
				}
			}
		})
	}
}

func TestODRLRefusals(t *testing.T) {
	bad := base()
	bad.Price.Bands = nil
	for _, c := range []struct {
		name                  string
		p                     license.Policy
		base, id, commonsName string
		version               int
	}{
		{"policy", bad, node, commonsID, "Seed", 1},
		{"relative base", base(), "/meent", commonsID, "Seed", 1},
		{"base query", base(), node + "?a=b", commonsID, "Seed", 1},
		{"commons ID", base(), node, "a/b", "Seed", 1},
		{"name", base(), node, commonsID, "", 1},
		{"version", base(), node, commonsID, "Seed", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			err := license.ODRL(&b, c.p, c.base, c.id, c.commonsName, c.version)
			if meent.ErrorCode(err) != meent.EINVALID || b.Len() != 0 {
				t.Fatalf("got %v and %d bytes, want EINVALID and nothing written", err, b.Len())
			}
		})
	}
}

func TestREUSE(t *testing.T) {
	var b bytes.Buffer
	if err := license.REUSE(&b, copyfairRef(), node+"/", commonsID, "Seed Library"); err != nil {
		t.Fatal(err)
	}
	golden(t, "REUSE.toml", b.Bytes())
	want := map[string]string{
		"version":                 "1",
		"path":                    `"**"`,
		"precedence":              `"closest"`,
		"SPDX-FileCopyrightText":  strconv.Quote("the contributors of Seed Library, see " + node + "/commons/" + commonsID),
		"SPDX-License-Identifier": `"LicenseRef-Copyfair"`,
	}
	if got := tomlKeys(t, b.String()); !equalMaps(got, want) {
		t.Fatalf("keys:\n got %v\nwant %v", got, want)
	}

	t.Run("escaping", func(t *testing.T) {
		var b bytes.Buffer
		name := `Seed "Library" \ 1.0 é`
		if err := license.REUSE(&b, base(), node, commonsID, name); err != nil {
			t.Fatal(err)
		}
		keys := tomlKeys(t, b.String())
		got, err := strconv.Unquote(keys["SPDX-FileCopyrightText"])
		if err != nil || got != "the contributors of "+name+", see "+node+"/commons/"+commonsID {
			t.Fatalf("copyright %s reads back as %q (%v)", keys["SPDX-FileCopyrightText"], got, err)
		}
		if keys["SPDX-License-Identifier"] != `"PPL"` {
			t.Fatalf("license %s", keys["SPDX-License-Identifier"])
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, name := range []string{"", "two\nlines", "bad \xff"} {
			var b bytes.Buffer
			if err := license.REUSE(&b, base(), node, commonsID, name); meent.ErrorCode(err) != meent.EINVALID || b.Len() != 0 {
				t.Errorf("name %q: %v", name, err)
			}
		}
	})
}

// tomlKeys reads the key = value lines of a REUSE.toml, checking that it
// has the one table REUSE needs in the order it needs, and that every
// string value is a TOML basic string (which strconv.Unquote reads, since
// its escapes are a subset of Go's).
func tomlKeys(t *testing.T, s string) map[string]string {
	t.Helper()
	keys := map[string]string{}
	tables := 0
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case line == "[[annotations]]":
			if keys["version"] != "1" {
				t.Fatal("[[annotations]] before version = 1")
			}
			tables++
			continue
		}
		k, v, ok := strings.Cut(line, " = ")
		if !ok {
			t.Fatalf("line %q is not key = value", line)
		}
		if _, dup := keys[k]; dup {
			t.Fatalf("key %s twice", k)
		}
		if strings.HasPrefix(v, `"`) {
			if _, err := strconv.Unquote(v); err != nil {
				t.Fatalf("%s = %s: %v", k, v, err)
			}
		}
		keys[k] = v
	}
	if tables != 1 {
		t.Fatalf("%d [[annotations]] tables", tables)
	}
	return keys
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestLicenseRefText(t *testing.T) {
	for _, c := range []struct {
		file string
		p    license.Policy
	}{
		{"LicenseRef-Copyfair.txt", copyfairRef()},
		{"LicenseRef-Revenue.txt", func() license.Policy { p := revenueJPY(); p.License = "LicenseRef-Revenue"; return p }()},
	} {
		t.Run(c.file, func(t *testing.T) {
			name, text := license.LicenseRefText(c.p, node+"/", commonsID, "Seed Library", 3)
			if name != "LICENSES/"+c.file {
				t.Fatalf("file name %q", name)
			}
			golden(t, c.file, text)
			_, again := license.LicenseRefText(c.p, node, commonsID, "Seed Library", 3)
			if !bytes.Equal(text, again) {
				t.Fatal("the text is not deterministic")
			}
			s := string(text)
			for _, b := range c.p.Price.Bands {
				if m := (commons.Money{Amount: b.PricePerYear, Currency: c.p.Price.Currency}); !strings.Contains(s, m.String()+" a year") {
					t.Errorf("no price %s", m)
				}
			}
			for _, w := range []string{c.p.License, node + "/commons/" + commonsID, license.CheckURL(node, commonsID), "version 3"} {
				if !strings.Contains(strings.Join(strings.Fields(s), " "), w) {
					t.Errorf("no %q", w)
				}
			}
			for i, line := range strings.Split(s, "\n") {
				if utf8.RuneCountInString(line) > 72 && strings.Contains(strings.TrimSpace(line), " ") {
					t.Errorf("line %d is longer than 72 columns: %q", i+1, line)
				}
			}
			if !strings.HasSuffix(s, ".\n") || strings.HasSuffix(s, "\n\n") {
				t.Errorf("the text does not end in one newline")
			}
		})
	}
	t.Run("listed", func(t *testing.T) {
		if name, text := license.LicenseRefText(base(), node, commonsID, "Seed Library", 3); name != "" || text != nil {
			t.Fatalf("PPL: %q %q", name, text)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		p := copyfairRef()
		p.Price.Bands = nil
		if name, text := license.LicenseRefText(p, node, commonsID, "Seed Library", 3); name != "" || text != nil {
			t.Fatalf("invalid policy: %q %q", name, text)
		}
	})
}
