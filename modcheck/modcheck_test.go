package modcheck_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
	"github.com/meent/meent/modcheck"
)

var update = flag.Bool("update", false, "rewrite testdata/report.txt")

const (
	day         = license.Day
	now   int64 = 20_000 * day
	nodeA       = "https://a.meent.example"
	nodeB       = "http://localhost:8080"
)

func eurBands(prices ...int64) license.Schedule {
	s := license.Schedule{Currency: "EUR", Basis: license.Employees}
	for i, p := range prices {
		b := license.Band{From: int64(i) * 50, PricePerYear: p}
		if i < len(prices)-1 {
			b.To = int64(i+1) * 50
		}
		s.Bands = append(s.Bands, b)
	}
	return s
}

// The policies of the fixture's commons.
var (
	seed = license.Policy{Format: 1, License: "PPL",
		Free: []license.Rule{
			{Kind: license.NonCommercial},
			{Kind: license.Contributor, MinAccepted: 2, WindowDays: 365},
			{Kind: license.Member},
		},
		Price: eurBands(60000, 240000), JoinAlternative: true}
	tools  = license.Policy{Format: 1, License: "MIT", Price: eurBands(12345)}
	local  = license.Policy{Format: 1, License: "LicenseRef-Copyfair", Free: []license.Rule{{Kind: license.SmallOrganisation, MaxEmployees: 50}}, Price: eurBands(100)}
	trial  = license.Policy{Format: 1, License: "AGPL-3.0-only", Price: eurBands(100000), TrialDays: 30}
	yen    = license.Policy{Format: 1, License: "MPL-2.0", Price: license.Schedule{Currency: "JPY", Basis: license.Revenue, Bands: []license.Band{{From: 0, To: 100_000_000, PricePerYear: 50000}, {From: 100_000_000, PricePerYear: 400000}}}}
	broken = `{"meent_license":1,"node":"https://a.meent.example","commons":"c6","name":"Broken",` +
		`"policy_version":1,"policy":{"format":1,"license":"MIT","price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"price_per_year":1}]}},` +
		`"check":"https://evil.example/api/v1/licenses/check?commons=c6"}`
)

func wellKnown(t *testing.T, p license.Policy, node, id, name string, version int) []byte {
	t.Helper()
	b, err := license.EncodeWellKnown(p.WellKnown(node, id, name, version))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// registry is a fake Registry: files by module path, errors by module path.
type registry struct {
	files  map[string]*license.WellKnownFile
	errs   map[string]error
	lookup []string
}

func (r *registry) Lookup(ctx context.Context, path string) (*license.WellKnownFile, error) {
	r.lookup = append(r.lookup, path)
	if err := r.errs[path]; err != nil {
		return nil, err
	}
	return r.files[path], nil
}

// fixture writes a project whose go.mod requires modules of every kind,
// and a module cache holding some of them, and returns the go.mod path,
// the cache and the registry.
//
//	example.com/paid       cache, Seed Library's policy: Acme pays 600.00 EUR
//	example.com/sibling    cache, the same commons: covered by the same license
//	example.com/Upper      cache under an escaped path and version: 123.45 EUR
//	example.com/local      replaced by ./local, its own policy: free (small)
//	example.com/broken     cache, a file whose check points to another host
//	example.com/none       cache, no well-known file, unknown to the registry
//	example.com/trial      not in the cache; the registry has it: a trial
//	example.com/yen        cache, priced by revenue in JPY
//	example.com/offline    not in the cache; the registry fails
//	example.com/forked     replaced by another module version in the cache: 600.00 EUR
func fixture(t *testing.T) (goMod, cache string, reg *registry) {
	dir := t.TempDir()
	cache = filepath.Join(dir, "modcache")
	proj := filepath.Join(dir, "app")
	goMod = filepath.Join(proj, "go.mod")
	write(t, goMod, []byte(`module example.com/app

go 1.22

require (
	example.com/paid v1.2.0
	example.com/Upper v1.0.0-RC1
	example.com/local v0.0.0
	example.com/broken v1.0.0
	example.com/yen v0.9.0
	example.com/forked v1.1.0
)

require (
	example.com/sibling v1.3.0 // indirect
	example.com/none v1.0.0 // indirect
	example.com/trial v0.2.0 // indirect
	example.com/offline v1.0.0 // indirect
)

replace example.com/local => ./local

replace example.com/forked v1.1.0 => example.com/fork v1.1.1
`))
	wk := filepath.FromSlash(license.WellKnownPath)
	write(t, filepath.Join(cache, "example.com", "paid@v1.2.0", wk), wellKnown(t, seed, nodeA, "c1", "Seed Library", 3))
	write(t, filepath.Join(cache, "example.com", "sibling@v1.3.0", wk), wellKnown(t, seed, nodeA, "c1", "Seed Library", 2))
	write(t, filepath.Join(cache, "example.com", "!upper@v1.0.0-!r!c1", wk), wellKnown(t, tools, nodeA, "c2", "Tools", 1))
	write(t, filepath.Join(proj, "local", wk), wellKnown(t, local, nodeB, "c3", "Local Lib", 1))
	write(t, filepath.Join(cache, "example.com", "broken@v1.0.0", wk), []byte(broken))
	write(t, filepath.Join(cache, "example.com", "none@v1.0.0", "go.mod"), []byte("module example.com/none\n"))
	write(t, filepath.Join(cache, "example.com", "yen@v0.9.0", wk), wellKnown(t, yen, nodeB, "c5", "Yen Lib", 1))
	write(t, filepath.Join(cache, "example.com", "fork@v1.1.1", wk), wellKnown(t, seed, nodeA, "c7", "Fork", 1))
	// The original of the fork is in the cache too, with another policy
	// that must not be read.
	write(t, filepath.Join(cache, "example.com", "forked@v1.1.0", wk), []byte("not read"))

	tf := trial.WellKnown(nodeB, "c4", "Trial Kit", 2)
	reg = &registry{
		files: map[string]*license.WellKnownFile{"example.com/trial": &tf},
		errs:  map[string]error{"example.com/offline": errors.New("dial tcp: connection refused")},
	}
	return goMod, cache, reg
}

func options(cache string, reg modcheck.Registry) modcheck.Options {
	return modcheck.Options{
		ModCache: cache, Registry: reg,
		Facts:   license.Facts{Name: "Acme", Kind: license.OrgCompany, Employees: 42},
		Use:     license.Use{Commercial: true},
		Revenue: []commons.Money{{Amount: 3_000_000, Currency: "EUR"}, {Amount: 50_000_000, Currency: "JPY"}},
		Now:     now,
	}
}

func TestCheck(t *testing.T) {
	goMod, cache, reg := fixture(t)
	results, err := modcheck.Check(context.Background(), goMod, options(cache, reg))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]modcheck.Result{}
	var order []string
	for _, r := range results {
		by[r.Module] = r
		order = append(order, r.Module)
	}
	want := []string{"example.com/Upper", "example.com/broken", "example.com/forked", "example.com/local", "example.com/paid", "example.com/yen",
		"example.com/none", "example.com/offline", "example.com/sibling", "example.com/trial"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("order:\n got %v\nwant %v", order, want)
	}

	t.Run("paid", func(t *testing.T) {
		r := by["example.com/paid"]
		if r.Source != modcheck.FromModule || r.Indirect || r.Err != nil || r.Commons != "c1" || r.Node != nodeA || r.License != "PPL" || r.PolicyVersion != 3 {
			t.Fatalf("%+v", r)
		}
		if !r.Owes() || r.Decision.Price != (commons.Money{Amount: 60000, Currency: "EUR"}) || len(r.Decision.Alternatives) != 2 {
			t.Fatalf("decision %+v", r.Decision)
		}
		if r.File != filepath.Join(cache, "example.com", "paid@v1.2.0", ".well-known", "meent-license.json") {
			t.Fatalf("file %s", r.File)
		}
	})
	t.Run("escaped path and version", func(t *testing.T) {
		r := by["example.com/Upper"]
		if r.Err != nil || r.Decision.Price.Amount != 12345 {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("replace by a directory", func(t *testing.T) {
		r := by["example.com/local"]
		if r.Source != modcheck.FromModule || r.Replace != "./local" || !r.Decision.Free || r.Decision.Rule != license.SmallOrganisation {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("replace by a module", func(t *testing.T) {
		r := by["example.com/forked"]
		if r.Err != nil || r.Commons != "c7" || r.Replace != "example.com/fork v1.1.1" {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("malformed file", func(t *testing.T) {
		r := by["example.com/broken"]
		file := filepath.Join(cache, "example.com", "broken@v1.0.0", ".well-known", "meent-license.json")
		if r.Source != "" || meent.ErrorCode(r.Err) != meent.EINVALID || !strings.HasPrefix(meent.ErrorMessage(r.Err), file+": ") ||
			!strings.Contains(meent.ErrorMessage(r.Err), "check:") {
			t.Fatalf("%+v: %v", r, r.Err)
		}
	})
	t.Run("no policy", func(t *testing.T) {
		r := by["example.com/none"]
		if r.Source != "" || r.Err != nil || r.Note != "" || !r.Indirect {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("registry", func(t *testing.T) {
		r := by["example.com/trial"]
		if r.Source != modcheck.FromRegistry || r.Err != nil || !r.Decision.Free || r.Decision.Rule != "trial" ||
			r.After == nil || r.After.Price.Amount != 100000 || r.Note != "" {
			t.Fatalf("%+v", r)
		}
		if r := by["example.com/offline"]; r.Err == nil || !strings.Contains(meent.ErrorMessage(r.Err), "connection refused") ||
			!strings.Contains(r.Note, "not in the module cache") {
			t.Fatalf("%+v", r)
		}
		// Modules with their own file are not looked up.
		for _, m := range reg.lookup {
			if m == "example.com/paid" || m == "example.com/broken" {
				t.Errorf("looked up %s", m)
			}
		}
	})
	t.Run("revenue", func(t *testing.T) {
		r := by["example.com/yen"]
		if r.Err != nil || r.Decision.Price != (commons.Money{Amount: 50000, Currency: "JPY"}) {
			t.Fatalf("%+v", r)
		}
	})

	var out bytes.Buffer
	if err := modcheck.Report(&out, results); err != nil {
		t.Fatal(err)
	}
	report := strings.ReplaceAll(out.String(), filepath.Dir(filepath.Dir(goMod)), "$TMP")
	golden(t, "report.txt", []byte(report))
	for _, s := range []string{
		"Owed per year: 1323.45 EUR, 50000 JPY (4 licenses)\n",
		"After the trials end: 2323.45 EUR, 50000 JPY\n",
		"2 modules could not be checked",
		"covered by the license for example.com/paid",
	} {
		if !strings.Contains(report, s) {
			t.Errorf("the report has no %q", s)
		}
	}
}

func TestCheckWithoutRevenueOrCache(t *testing.T) {
	goMod, _, reg := fixture(t)
	o := options("", reg)
	o.Revenue = nil
	results, err := modcheck.Check(context.Background(), goMod, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		switch r.Module {
		case "example.com/local":
			if r.Source != modcheck.FromModule || r.Err != nil {
				t.Errorf("local: %+v", r)
			}
		case "example.com/trial":
			if r.Source != modcheck.FromRegistry {
				t.Errorf("trial: %+v", r)
			}
		case "example.com/offline":
			if r.Err == nil {
				t.Errorf("offline: %+v", r)
			}
		default:
			if r.Source != "" || r.Note != "no module cache given" {
				t.Errorf("%s: %+v", r.Module, r)
			}
		}
	}

	// A revenue in EUR does not price a schedule in JPY: currencies are
	// never converted.
	goMod, cache, reg := fixture(t)
	o = options(cache, reg)
	o.Revenue = []commons.Money{{Amount: 1, Currency: "EUR"}}
	results, err = modcheck.Check(context.Background(), goMod, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Module == "example.com/yen" && !strings.Contains(meent.ErrorMessage(r.Err), "state your revenue in JPY") {
			t.Errorf("yen: %+v", r)
		}
	}
}

func TestCheckGoModErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := modcheck.Check(context.Background(), filepath.Join(dir, "go.mod"), modcheck.Options{Now: now}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing go.mod: %v", err)
	}
	bad := filepath.Join(dir, "go.mod")
	write(t, bad, []byte("module example.com/x\nrequire (\n\texample.com/y\n)\n"))
	if _, err := modcheck.Check(context.Background(), bad, modcheck.Options{Now: now}); err == nil || !strings.Contains(err.Error(), "go.mod") {
		t.Errorf("bad go.mod: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	write(t, bad, []byte("module example.com/x\nrequire example.com/y v1.0.0\n"))
	if _, err := modcheck.Check(ctx, bad, modcheck.Options{Now: now}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

func TestReadLimits(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	goMod := filepath.Join(dir, "go.mod")
	write(t, goMod, []byte("module example.com/x\nrequire (\n\texample.com/big v1.0.0\n\texample.com/dir v1.0.0\n\texample.com/ok v1.0.0\n)\n"))
	wk := filepath.FromSlash(license.WellKnownPath)
	write(t, filepath.Join(cache, "example.com", "big@v1.0.0", wk), bytes.Repeat([]byte(" "), license.MaxWellKnownSize+1))
	if err := os.MkdirAll(filepath.Join(cache, "example.com", "dir@v1.0.0", wk), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(cache, "example.com", "ok@v1.0.0", wk), wellKnown(t, tools, nodeA, "c2", "Tools \u202eloot", 1))
	results, err := modcheck.Check(context.Background(), goMod, options(cache, nil))
	if err != nil {
		t.Fatal(err)
	}
	if c := meent.ErrorCode(results[0].Err); c != meent.ETOOLARGE {
		t.Errorf("big: %v", results[0].Err)
	}
	if !strings.Contains(meent.ErrorMessage(results[1].Err), "not a regular file") {
		t.Errorf("dir: %v", results[1].Err)
	}
	var out bytes.Buffer
	if err := modcheck.Report(&out, results); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(out.String(), '\u202e') || !strings.Contains(out.String(), "Tools ?loot") {
		t.Errorf("a bidi override reached the report:\n%s", out.String())
	}
}

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
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
