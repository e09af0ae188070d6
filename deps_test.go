package meent_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/meent/meent"

// A layer is a kind of package: which layers of this module its packages
// may import, and which third-party modules. The one rule that matters is
// the direction: the root vocabulary, then the ledger, then the pure rule
// areas, then the core that runs them (node, audit), then the adapters at
// the edges, and only cmd/meent wiring everything (STYLE.md).
type layer struct {
	imports []string // layers of this module it may import
	modules []string // import path prefixes of third-party modules it may use
	noIO    bool     // it may not use the standard library's files, processes, network or databases
}

// ioPackages are the standard library's doors to the outside world.
var ioPackages = []string{"os", "os/exec", "net", "net/http", "database/sql", "io/fs", "path/filepath", "syscall"}

var layers = map[string]layer{
	"root":   {noIO: true},
	"ledger": {noIO: true, imports: []string{"root"}, modules: []string{"filippo.io/edwards25519", "github.com/go-json-experiment/json", "golang.org/x/mod/sumdb"}},
	// Pure rules: given state and an event, accept or refuse and compute
	// the new state. No I/O, so no database, network or adapter; CEL for
	// the formulas policies hold.
	"rules": {noIO: true, imports: []string{"root", "ledger", "rules"}, modules: []string{"github.com/go-json-experiment/json", "cel.dev/cel-go"}},
	"core":  {imports: []string{"root", "ledger", "rules"}, modules: []string{"github.com/prometheus/client_golang", "golang.org/x/crypto/bcrypt", "golang.org/x/mod/sumdb", "github.com/jackc/pgx/v5"}},
	// The view helpers of the web pages (web/i18n, web/chart): what a page
	// says and draws, in each language, as pure functions. No I/O (the HTTP
	// adapter reads the request and hands them strings), so they are
	// tested like rules; they may read the rules' vocabulary (commons.Exponent).
	"view": {noIO: true, imports: []string{"root", "rules", "view"}},
	// The JSON API's wire types (package api): what the server's areas
	// write and the client reads, so neither imports the other.
	"wire": {imports: []string{"root", "ledger", "rules"}},
	// Adapters wrap one outside thing each; they never import each other
	// (but see adapterUses for the SQL drivers over sqlstore, and for the
	// web layer's areas over the http core).
	"adapter": {imports: []string{"root", "ledger", "rules", "core", "view", "wire"}},
	"wiring":  {imports: []string{"root", "ledger", "rules", "core", "view", "wire", "adapter", "wiring"}, modules: []string{""}},
	// Helpers for tests (api/apitest): they start a real node and server,
	// so they may import what the wiring does, but no layer lists them:
	// go list's Imports leave out _test.go files, so only tests can
	// import them.
	"test": {imports: []string{"root", "ledger", "rules", "core", "view", "wire", "adapter"}, modules: []string{"github.com/prometheus/client_golang", "golang.org/x/crypto/bcrypt", "golang.org/x/mod/sumdb", "github.com/jackc/pgx/v5"}},
}

// packages gives every package of the module its layer. A package not
// listed fails the test the day it appears.
var packages = map[string]string{
	"":           "root",
	"ledger":     "ledger",
	"agent":      "rules",
	"area":       "rules",
	"authority":  "rules",
	"commons":    "rules",
	"value":      "rules",
	"license":    "rules",
	"credit":     "rules",
	"sharing":    "rules",
	"private":    "rules",
	"state":      "rules",
	"payout":     "rules",
	"valueflows": "rules",
	// budget: the co-budgeting area; budget/allot its pure arithmetic.
	"budget":       "rules",
	"budget/allot": "rules",
	"modcheck":     "adapter",
	"node":         "core",
	"audit":        "core",
	"sqlstore":     "adapter",
	"sqlite":       "adapter",
	"postgres":     "adapter",
	"blob":         "adapter",
	"gitimport":    "adapter",
	"api":          "wire",
	"http":         "adapter",
	"client":       "adapter",
	// federation: following peers' logs; it replays them with audit.
	"federation": "adapter",
	// The web layer's areas: the JSON API and the pages of each area,
	// adapters over the http core (see adapterUses).
	"api/commonsapi": "adapter",
	"api/licenseapi": "adapter",
	"api/privateapi": "adapter",
	"api/budgetapi":  "adapter",
	"api/valueapi":   "adapter",
	"api/apitest":    "test",
	"web":            "adapter",
	"web/commonsweb": "adapter",
	"web/licenseweb": "adapter",
	"web/sharingweb": "adapter",

	// Governance's pages.
	"web/governanceweb": "adapter",
	"web/budgetweb":     "adapter",

	"web/valueweb":   "adapter",
	"api/creditapi":  "adapter",
	"api/sharingapi": "adapter",
	"storetest":      "adapter",
	"web/i18n":       "view",
	"web/chart":      "view",
	"web/activity":   "view",
	"wire":           "wiring",
	"cmd/meent":      "wiring",
	"e2e":            "wiring",
	// governance: polls and the decisions they enact (tally counts the
	// votes), and its JSON API.
	"governance":        "rules",
	"governance/tally":  "rules",
	"api/governanceapi": "adapter",

	// The bread fund: its rules, and its JSON API over the http core.
	"breadfund":        "rules",
	"api/breadfundapi": "adapter",

	// The solidarity areas' pages (mutual credit, the bread fund).
	"web/creditweb":    "adapter",
	"web/breadfundweb": "adapter",
}

// adapterUses lists, per adapter, the third-party modules it wraps and the
// only other adapters it may import: the SQLite and PostgreSQL drivers
// share the hand-written SQL of sqlstore.
var adapterUses = map[string]struct{ modules, adapters []string }{
	"sqlstore":  {modules: []string{"github.com/go-json-experiment/json"}},
	"sqlite":    {modules: []string{"modernc.org/sqlite"}, adapters: []string{"sqlstore"}},
	"postgres":  {modules: []string{"github.com/jackc/pgx/v5"}, adapters: []string{"sqlstore"}},
	"blob":      {},
	"gitimport": {},
	"modcheck":  {modules: []string{"golang.org/x/mod/modfile", "golang.org/x/mod/module"}},
	"http":      {modules: []string{"github.com/go-json-experiment/json", "github.com/prometheus/client_golang", "golang.org/x/mod/sumdb"}},
	"storetest": {modules: []string{"golang.org/x/mod/sumdb"}},
	// The Go client speaks the wire types (package api) and verifies what
	// it reads; it never imports the server.
	"client": {modules: []string{"golang.org/x/mod/sumdb"}},
	// Federation reads a peer through an interface the client satisfies;
	// cmd/meent wires the two.
	"federation": {modules: []string{"golang.org/x/mod/sumdb"}},
	// An area of the web layer registers its routes on the http core and
	// uses its errors, auth and paging; the core never imports an area,
	// and areas do not import each other.
	"api/commonsapi": {adapters: []string{"http"}},
	"api/licenseapi": {adapters: []string{"http"}},
	"api/privateapi": {adapters: []string{"http"}},
	// governance's JSON API.
	"api/governanceapi": {adapters: []string{"http"}},
	"api/budgetapi":     {adapters: []string{"http"}},
	"api/valueapi":      {adapters: []string{"http"}},
	// The web core: the pages, over the http core like an API area,
	// reading through the API areas' read models (never the reverse).
	"web": {adapters: []string{"http", "api/commonsapi"}},
	// An area's pages: over the http and web cores, reading its own API
	// area's read model (licensing's pages read the rules' state).
	"web/commonsweb": {adapters: []string{"http", "web", "api/commonsapi"}},
	"web/licenseweb": {adapters: []string{"http", "web"}},
	"web/sharingweb": {adapters: []string{"http", "web"}},
	"web/valueweb":   {adapters: []string{"http", "web", "api/valueapi"}},
	"api/creditapi":  {adapters: []string{"http"}},

	// Governance's pages, over its API area's read model.
	"web/governanceweb": {adapters: []string{"http", "web", "api/governanceapi"}},
	"web/budgetweb":     {adapters: []string{"http", "web", "api/budgetapi"}},

	"api/breadfundapi": {adapters: []string{"http"}},
	"api/sharingapi":   {adapters: []string{"http"}},

	"web/creditweb":    {adapters: []string{"http", "web", "api/creditapi"}},
	"web/breadfundweb": {adapters: []string{"http", "web", "api/breadfundapi"}},
}

// goPackage is what go list says of a package.
type goPackage struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// violations checks each package's direct imports (not its tests')
// against its layer and returns what breaks the rules.
func violations(pkgs []goPackage, std map[string]bool) []string {
	var out []string
	for _, p := range pkgs {
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		lname, ok := packages[name]
		if !ok {
			out = append(out, fmt.Sprintf("%s has no layer: add it to packages in deps_test.go", p.ImportPath))
			continue
		}
		l := layers[lname]
		for _, imp := range p.Imports {
			switch {
			case std[imp]:
				if l.noIO && slices.Contains(ioPackages, imp) {
					out = append(out, fmt.Sprintf("%s (%s) uses %s: its layer does no I/O", p.ImportPath, lname, imp))
				}
			case imp == module || strings.HasPrefix(imp, module+"/"):
				dep := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
				dl, ok := packages[dep]
				if !ok {
					out = append(out, fmt.Sprintf("%s imports %s, which has no layer", name, dep))
					continue
				}
				switch {
				case lname == "adapter" && dl == "adapter":
					if !slices.Contains(adapterUses[name].adapters, dep) {
						out = append(out, fmt.Sprintf("adapter %s imports adapter %s", name, dep))
					}
				case !slices.Contains(l.imports, dl):
					out = append(out, fmt.Sprintf("%s (%s) imports %s (%s)", p.ImportPath, lname, imp, dl))
				}
			default:
				allowed := l.modules
				if lname == "adapter" {
					allowed = adapterUses[name].modules
				}
				if !slices.ContainsFunc(allowed, func(m string) bool { return strings.HasPrefix(imp, m) }) {
					out = append(out, fmt.Sprintf("%s (%s) uses %s, which its layer does not list", p.ImportPath, lname, imp))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestDependencyDirection keeps the layering true for every package of
// the module, with an allow-list: a package, an import or a third-party
// module nobody placed is refused.
func TestDependencyDirection(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Standard", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	stdOut, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatalf("go list std: %v", err)
	}
	std := map[string]bool{}
	for _, p := range strings.Fields(string(stdOut)) {
		std[p] = true
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < len(packages) {
		t.Fatalf("go list found %d packages, the table places %d", len(pkgs), len(packages))
	}
	for _, v := range violations(pkgs, std) {
		t.Error(v)
	}
}

// TestDependencyRulesBite: the checker refuses what the layering forbids,
// so the test above cannot pass by checking nothing.
func TestDependencyRulesBite(t *testing.T) {
	std := map[string]bool{"fmt": true, "database/sql": true, "net/http": true}
	cases := map[string]goPackage{
		"a rule area importing an adapter":   {ImportPath: module + "/commons", Imports: []string{module + "/sqlstore"}},
		"an adapter importing an adapter":    {ImportPath: module + "/http", Imports: []string{module + "/blob"}},
		"the core importing an adapter":      {ImportPath: module + "/node", Imports: []string{module + "/sqlite"}},
		"a rule area using a database":       {ImportPath: module + "/value", Imports: []string{"github.com/jackc/pgx/v5"}},
		"an unplaced package":                {ImportPath: module + "/newarea", Imports: []string{"fmt"}},
		"the root importing the ledger":      {ImportPath: module, Imports: []string{module + "/ledger"}},
		"a rule area opening a database":     {ImportPath: module + "/license", Imports: []string{"database/sql"}},
		"a view helper doing I/O":            {ImportPath: module + "/web/i18n", Imports: []string{"net/http"}},
		"a view helper importing an adapter": {ImportPath: module + "/web/chart", Imports: []string{module + "/http"}},
		"a rule area importing a view":       {ImportPath: module + "/commons", Imports: []string{module + "/web/i18n"}},
		"the client importing the server":    {ImportPath: module + "/client", Imports: []string{module + "/http"}},
		"the wire types importing the core":  {ImportPath: module + "/api", Imports: []string{module + "/node"}},
		"an area importing the test helpers": {ImportPath: module + "/api/licenseapi", Imports: []string{module + "/api/apitest"}},
		"the wiring importing test helpers":  {ImportPath: module + "/cmd/meent", Imports: []string{module + "/api/apitest"}},
	}
	for name, p := range cases {
		if v := violations([]goPackage{p}, std); len(v) == 0 {
			t.Errorf("%s: not refused", name)
		}
	}
	fine := goPackage{ImportPath: module + "/sqlite", Imports: []string{"fmt", module + "/sqlstore", "modernc.org/sqlite"}}
	if v := violations([]goPackage{fine}, std); len(v) != 0 {
		t.Errorf("the SQLite driver over sqlstore is refused: %v", v)
	}
	area := goPackage{ImportPath: module + "/api/licenseapi", Imports: []string{"fmt", module + "/http", module + "/api", module + "/license"}}
	if v := violations([]goPackage{area}, std); len(v) != 0 {
		t.Errorf("an area over the http core is refused: %v", v)
	}
}
