//go:build integration

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLicenseTrust runs the licensing attacks of issue 9 against the real
// binary, on the worked example of docs/license.md (libfoo's copyfair
// policy, Acme BV with 120 employees):
//
//   - a company that creates a throwaway commons (so it maintains one),
//     attests itself a cooperative and asks for a free commercial license
//     still gets the 6000.00 EUR offer, and so it does when an agent it
//     runs attests it;
//   - a commercial request that leaves out --employees is refused before
//     anything is signed, naming the flag; "--employees 0" is a statement;
//   - a grant for "hosted service" is never reported as an unqualified
//     license: not by meent license status without --scope, not with
//     another scope, not by GET /api/v1/licenses/check.
//
// Then the log is replayed by meent verify.
func TestLicenseTrust(t *testing.T) {
	data := t.TempDir()
	p := start(t, "--data", data)
	keys := t.TempDir()
	newAgent := func(name, kind string) (key, id string) {
		key = filepath.Join(keys, strings.ReplaceAll(name, " ", "_")+".key")
		out := runMeent(t, "agent", "create", "--url", p.url, "--name", name, "--kind", kind, "--out", key)
		return key, regexp.MustCompile(`agent ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
	}
	hashOf := func(out string) string { return regexp.MustCompile(`[0-9a-f]{64}`).FindString(out) }
	meent := func(args ...string) (string, error) {
		out, err := exec.Command(binary, args...).CombinedOutput()
		return string(out), err
	}
	// Each check reports and goes on, so that a run on code without the
	// fixes shows every hole, not only the first.
	fails := func(want string, args ...string) string {
		t.Helper()
		out, err := meent(args...)
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("meent %v: err=%v, want a failure that says %q:\n%s", args, err, want, out)
		}
		return out
	}
	treeSize := func() int64 {
		var n struct {
			TreeSize int64 `json:"tree_size"`
		}
		getJSONInto(t, p.url+"/api/v1/node", &n)
		return n.TreeSize
	}

	maya, _ := newAgent("maya", "person")
	acme, acmeID := newAgent("Acme BV", "company")
	staff, _ := newAgent("Acme staff", "person")
	kollektiv, kollektivID := newAgent("Kollektiv", "cooperative")
	lib := hashOf(runMeent(t, "commons", "create", "--url", p.url, "--key", maya, "--name", "libfoo", "--link", "https://github.com/acme/libfoo"))
	policy := filepath.Join(keys, "license.json")
	os.WriteFile(policy, []byte(`{"format":1,"name":"libfoo copyfair","license":"LicenseRef-Copyfair-1.0",
		"free":[{"kind":"non_commercial"},{"kind":"contributor","min_accepted":1,"window_days":365},{"kind":"cooperative"},{"kind":"member"}],
		"price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"to":10,"price_per_year":50000},{"from":10,"to":250,"price_per_year":600000},{"from":250,"price_per_year":2400000}]},
		"join_alternative":true}`), 0o644)
	runMeent(t, "license", "policy", "--url", p.url, "--key", maya, "--commons", lib, "--file", policy)
	request := func(key string, args ...string) (string, error) {
		return meent(append([]string{"license", "request", "--url", p.url, "--key", key, "--commons", lib, "--commercial"}, args...)...)
	}

	// Item 3: a fact that decides the price is never signed as 0.
	before := treeSize()
	out := fails("--employees is required", "license", "request", "--url", p.url, "--key", acme, "--commons", lib, "--commercial", "--scope", "hosted service")
	if strings.Contains(out, "500.00 EUR") || treeSize() != before {
		t.Errorf("a request without --employees was priced or signed:\n%s", out)
	}

	// What a Go module that depends on libfoo owes: not the price of a
	// company with no employees when --employees is not given.
	mod := filepath.Join(t.TempDir(), "go.mod")
	os.WriteFile(mod, []byte("module example.org/app\n\ngo 1.22\n\nrequire github.com/acme/libfoo v1.2.3\n"), 0o644)
	out, _ = meent("license", "check", "--modfile", mod, "--registry", p.url, "--name", "Beta BV")
	if strings.Contains(out, "500.00 EUR") || !strings.Contains(out, "number of employees is not stated") {
		t.Errorf("license check without --employees:\n%s", out)
	}
	if out, err := meent("license", "check", "--modfile", mod, "--registry", p.url, "--employees", "120"); err != nil || !strings.Contains(out, "6000.00 EUR") {
		t.Errorf("license check with --employees 120 (err %v):\n%s", err, out)
	}

	// Item 1: the attack. A throwaway commons makes Acme a maintainer;
	// it attests itself, and an agent it runs attests it too.
	runMeent(t, "commons", "create", "--url", p.url, "--key", acme, "--name", "throwaway")
	runMeent(t, "license", "attest", "--url", p.url, "--key", acme, "--agent", acmeID, "--kind", "cooperative")
	runMeent(t, "commons", "create", "--url", p.url, "--key", staff, "--name", "throwaway 2")
	runMeent(t, "license", "attest", "--url", p.url, "--key", staff, "--agent", acmeID, "--kind", "worker_owned")
	out, err := request(acme, "--scope", "hosted service", "--employees", "120")
	if err != nil || strings.Contains(out, "granted:") || !strings.Contains(out, "6000.00 EUR a year") || !strings.Contains(out, "offer:") {
		t.Errorf("Acme, attested by itself and by its own staff, must be offered 6000.00 EUR a year (err %v):\n%s", err, out)
	}
	if !strings.Contains(out, "attested by a maintainer of this commons, a node admin or an attestor its license policy names") {
		t.Errorf("the offer does not say whose attestation would count:\n%s", out)
	}
	var grant string
	if m := regexp.MustCompile(`offer: ([0-9a-f]{64})`).FindStringSubmatch(out); m != nil {
		// Acme pays; its grant covers "hosted service" and nothing more.
		out = runMeent(t, "license", "pay", "--url", p.url, "--key", maya, "--offer", m[1], "--amount", "6000.00", "--reference", "SEPA 2026-0042")
		grant = hashOf(out)
	} else if m := regexp.MustCompile(`granted: ([0-9a-f]{64})`).FindStringSubmatch(out); m != nil {
		grant = m[1] // the attack worked; its grant is for "hosted service" too
	} else {
		t.Fatal("Acme holds no grant")
	}

	// A maintainer of libfoo attests a real cooperative: free, and with no
	// --employees, since nothing about its size decides.
	runMeent(t, "license", "attest", "--url", p.url, "--key", maya, "--agent", kollektivID, "--kind", "cooperative")
	if out, err := request(kollektiv, "--scope", "payroll"); err != nil || !strings.Contains(out, "granted:") || !strings.Contains(out, "attested cooperative") {
		t.Errorf("Kollektiv, attested by libfoo's maintainer (err %v):\n%s", err, out)
	}
	// "--employees 0" is a statement, priced as such.
	tiny, _ := newAgent("Tiny BV", "company")
	if out, err := request(tiny, "--employees", "0"); err != nil || !strings.Contains(out, "500.00 EUR a year") {
		t.Errorf("Tiny BV, 0 employees stated (err %v):\n%s", err, out)
	}

	status := func(args ...string) []string {
		return append([]string{"license", "status", "--url", p.url, "--commons", lib, "--agent", acmeID}, args...)
	}
	out = fails("LICENSED for “hosted service” only", status()...)
	if strings.Contains(out, "LICENSED by") || strings.Contains(out, "NOT LICENSED") {
		t.Errorf("status without --scope:\n%s", out)
	}
	out, _ = meent(status("--scope", "hosted service")...)
	if !strings.Contains(out, "LICENSED by grant "+grant) || !strings.Contains(out, "for “hosted service” only") {
		t.Errorf("status for the grant's scope:\n%s", out)
	}
	fails("NOT LICENSED for “on-premises”: licensed for “hosted service” only", status("--scope", "on-premises")...)
	var check struct {
		Licensed bool     `json:"licensed"`
		Scopes   []string `json:"scopes"`
		Reason   string   `json:"reason"`
	}
	getJSONInto(t, p.url+"/api/v1/licenses/check?commercial=true&commons="+lib+"&agent="+acmeID, &check)
	if check.Licensed || len(check.Scopes) != 1 || check.Scopes[0] != "hosted service" {
		t.Errorf("GET /api/v1/licenses/check with no scope: %+v", check)
	}

	out = runMeent(t, "verify", "--data", data)
	if !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}
