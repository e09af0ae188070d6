//go:build integration

package main

import (
	"bytes"
	"fmt"
	nethttp "net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/api/licenseapi"
)

const paymentSecret = "whsec-0123456789abcdef"

// copyfairLicensing is the worked example of docs/license.md through the
// CLI against a real server: a commons built by forty people publishes a
// copyfair license policy; a contributor uses it for free; a company asks,
// gets an offer, pays through the payment provider's webhook (a forged and
// a replayed call change nothing), holds a grant anyone verifies online
// and offline; the fee is distributed to the forty contributors.
func copyfairLicensing(t *testing.T, args ...string) {
	data := t.TempDir()
	p := start(t, append([]string{"--data", data, "--payment-provider", "testpay", "--payment-secret", paymentSecret}, args...)...)
	keys := t.TempDir()
	newAgent := func(name, kind string) (key, id string) {
		key = filepath.Join(keys, name+".key")
		out := runMeent(t, "agent", "create", "--url", p.url, "--name", name, "--kind", kind, "--out", key)
		return key, regexp.MustCompile(`agent ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
	}
	hashOf := func(out string) string { return regexp.MustCompile(`[0-9a-f]{64}`).FindString(out) }
	fails := func(want string, args ...string) string {
		t.Helper()
		out, err := exec.Command(binary, args...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), want) {
			t.Fatalf("meent %v: err=%v, want %q in\n%s", args, err, want, out)
		}
		return string(out)
	}
	maya, _ := newAgent("maya", "person")
	ada, adaID := newAgent("ada", "person")
	acme, acmeID := newAgent("Acme BV", "company")
	lib := hashOf(runMeent(t, "commons", "create", "--url", p.url, "--key", maya, "--name", "libfoo", "--link", "https://github.com/acme/libfoo"))

	// Forty people built it: their commits are imported; one claims hers.
	repo, commit := gitRepo(t)
	for i := 4; i <= 40; i++ {
		commit(fmt.Sprintf("Contributor %d <c%d@example.org>", i, i), fmt.Sprintf("f%d.go", i), strings.Repeat("code\n", i))
	}
	out := runMeent(t, "import", "git", repo, "--commons", lib, "--url", p.url, "--key", maya)
	if !strings.Contains(out, "40 identities are not mapped") {
		t.Fatalf("import:\n%s", out)
	}
	runMeent(t, "identity", "claim", "--url", p.url, "--key", ada, "--commons", lib, "--identity", "git:ada@example.org")
	runMeent(t, "identity", "confirm", "--url", p.url, "--key", maya, "--commons", lib, "--identity", "git:ada@example.org", "--agent", adaID)

	// The policy: free for non-commercial use, contributors, attested
	// cooperatives and members; everyone else pays by size.
	policy := filepath.Join(keys, "license.json")
	os.WriteFile(policy, []byte(`{"format":1,"name":"libfoo copyfair","license":"LicenseRef-Copyfair-1.0",
		"free":[{"kind":"non_commercial"},{"kind":"contributor","min_accepted":1,"window_days":365},{"kind":"cooperative"},{"kind":"member"}],
		"price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"to":10,"price_per_year":50000},{"from":10,"to":250,"price_per_year":600000},{"from":250,"price_per_year":2400000}]},
		"join_alternative":true}`), 0o644)
	gap := filepath.Join(keys, "gap.json")
	os.WriteFile(gap, []byte(`{"format":1,"license":"PPL","price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"to":10,"price_per_year":1},{"from":11,"price_per_year":2}]}}`), 0o644)
	fails("gap", "license", "policy", "--url", p.url, "--key", maya, "--commons", lib, "--file", gap)
	runMeent(t, "license", "policy", "--url", p.url, "--key", maya, "--commons", lib, "--file", policy)

	// A contributor's commercial use is free at once.
	out = runMeent(t, "license", "request", "--url", p.url, "--key", ada, "--commons", lib, "--commercial", "--scope", "consulting")
	if !strings.Contains(out, "granted:") {
		t.Fatalf("ada's request:\n%s", out)
	}
	// A company of 120 gets an offer, with what would make it free.
	out = runMeent(t, "license", "request", "--url", p.url, "--key", acme, "--commons", lib, "--commercial", "--scope", "SaaS", "--employees", "120")
	if !strings.Contains(out, "6000.00 EUR a year") || !strings.Contains(out, "join the cooperative") || !strings.Contains(out, "offer:") {
		t.Fatalf("acme's request:\n%s", out)
	}
	offer := regexp.MustCompile(`offer: ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
	fails("NOT LICENSED", "license", "status", "--url", p.url, "--commons", lib, "--agent", acmeID)

	// The payment provider's webhook: forged, wrong amount, then right.
	webhook := func(body string, secret string, at time.Time) (int, string) {
		req, _ := nethttp.NewRequest("POST", p.url+"/api/v1/webhooks/payments/testpay", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Meent-Signature", licenseapi.SignWebhook([]byte(secret), []byte(body), at))
		resp, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	treeSize := func() int64 {
		var n struct {
			TreeSize int64 `json:"tree_size"`
		}
		getJSONInto(t, p.url+"/api/v1/node", &n)
		return n.TreeSize
	}
	body := `{"id":"tr_8HsK2","offer":"` + offer + `","amount":{"amount":600000,"currency":"EUR"}}`
	before := treeSize()
	if code, msg := webhook(body, "not-the-secret-at-all", time.Now()); code != 401 {
		t.Fatalf("forged webhook: %d %s", code, msg)
	}
	if code, msg := webhook(body, paymentSecret, time.Now().Add(-10*time.Minute)); code != 401 {
		t.Fatalf("stale webhook: %d %s", code, msg)
	}
	if code, msg := webhook(strings.Replace(body, "600000", "60000", 1), paymentSecret, time.Now()); code != 422 {
		t.Fatalf("wrong amount: %d %s", code, msg)
	}
	if treeSize() != before {
		t.Fatal("a refused webhook wrote to the log")
	}
	code, msg := webhook(body, paymentSecret, time.Now())
	if code != 201 {
		t.Fatalf("webhook: %d %s", code, msg)
	}
	grant := hashOf(msg)
	if code, msg := webhook(body, paymentSecret, time.Now()); code != 200 || !strings.Contains(msg, "already recorded") || treeSize() != before+1 {
		t.Fatalf("replayed webhook: %d %s", code, msg)
	}
	out = runMeent(t, "license", "status", "--url", p.url, "--commons", lib, "--agent", acmeID, "--scope", "SaaS")
	if !strings.Contains(out, "LICENSED by grant "+grant) {
		t.Fatalf("status:\n%s", out)
	}

	// Offline: the grant, its inclusion proof and a signed checkpoint, and
	// the node's public key; nothing else.
	var node struct {
		VerifierKey string `json:"verifier_key"`
	}
	getJSONInto(t, p.url+"/api/v1/node", &node)
	proof := filepath.Join(keys, "grant.json")
	runMeent(t, "license", "proof", "--url", p.url, grant, "--out", proof)
	out = runMeent(t, "license", "verify", proof, "--key", node.VerifierKey)
	if !strings.Contains(out, "VALID") || !strings.Contains(out, acmeID) || !strings.Contains(out, "6000.00 EUR") {
		t.Fatalf("verify:\n%s", out)
	}
	fails("NOT VALID", "license", "verify", proof, "--key", node.VerifierKey, "--at", time.Now().AddDate(2, 0, 0).Format(time.RFC3339))
	raw, _ := os.ReadFile(proof)
	forged := filepath.Join(keys, "forged.json")
	os.WriteFile(forged, bytes.Replace(raw, []byte(`"index":`), []byte(`"index":1`), 1), 0o644)
	fails("meent:", "license", "verify", forged, "--key", node.VerifierKey)

	// The fee is an income of the commons, distributed to the forty.
	out = runMeent(t, "distribution", "run", "--url", p.url, "--key", maya, "--income", grant)
	dist := hashOf(out)
	shares := runMeent(t, "distribution", "shares", "--url", p.url, dist)
	var sum int64
	people := 0
	for _, line := range strings.Split(shares, "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "kind\t") {
			continue
		}
		f := strings.Split(line, "\t")
		n, _ := strconv.ParseInt(f[3], 10, 64)
		sum += n
		if f[0] != "pool" && n > 0 {
			people++
		}
	}
	if sum != 600000 || people != 40 {
		t.Fatalf("shares: %d to %d people, want 600000 to 40\n%s", sum, people, shares)
	}

	// What a Go module that depends on libfoo owes.
	mod := t.TempDir()
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.org/app\n\ngo 1.22\n\nrequire github.com/acme/libfoo v1.2.3\n"), 0o644)
	out = runMeent(t, "license", "check", "--modfile", filepath.Join(mod, "go.mod"), "--registry", p.url, "--employees", "120", "--name", "Beta BV")
	if !strings.Contains(out, "github.com/acme/libfoo") || !strings.Contains(out, "6000.00 EUR") {
		t.Fatalf("license check:\n%s", out)
	}
	out = runMeent(t, "license", "publish", "--url", p.url, "--commons", lib, "--dir", mod)
	for _, f := range []string{".well-known/meent-license.json", "REUSE.toml", "LICENSES/LicenseRef-Copyfair-1.0.txt"} {
		if _, err := os.Stat(filepath.Join(mod, f)); err != nil {
			t.Fatalf("publish did not write %s:\n%s", f, out)
		}
	}

	// Revoked: online checks say so at once.
	runMeent(t, "license", "revoke", "--url", p.url, "--key", maya, "--grant", grant, "--reason", "chargeback")
	fails("revoked", "license", "status", "--url", p.url, "--commons", lib, "--agent", acmeID)

	out = runMeent(t, append([]string{"verify", "--data", data}, args...)...)
	if !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

func TestLicensingSQLite(t *testing.T)   { copyfairLicensing(t) }
func TestLicensingPostgres(t *testing.T) { copyfairLicensing(t, "--db", pgSchema(t)) }
