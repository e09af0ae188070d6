//go:build integration

package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// gitRepo makes a real repository with several authors, a merge, a rename
// and a binary file.
func gitRepo(t *testing.T) (dir string, commit func(author, file, content string)) {
	dir = t.TempDir()
	git := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(nil, "init", "-q", "-b", "main")
	n := 0
	commit = func(author, file, content string) {
		n++
		name, email, _ := strings.Cut(author, " <")
		email = strings.TrimSuffix(email, ">")
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		env := []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.org",
			"GIT_AUTHOR_DATE=2026-0" + strconv.Itoa(1+n%9) + "-01T12:00:00Z", "GIT_COMMITTER_DATE=2026-09-01T12:00:00Z"}
		git(env, "add", "-A")
		git(env, "commit", "-q", "-m", "change "+strconv.Itoa(n))
	}
	commit("Ada <ada@example.org>", "a.go", strings.Repeat("line\n", 200))
	commit("Bo <BO@example.org>", "b.go", strings.Repeat("x\n", 50))
	commit("Cy <cy@example.org>", "logo.png", "\x89PNG\x00\x01\x02binary")
	git(nil, "checkout", "-q", "-b", "side")
	commit("Ada <ada@example.org>", "c.go", "side work\n")
	git(nil, "checkout", "-q", "main")
	commit("Bo <bo@example.org>", "b.go", strings.Repeat("x\n", 60))
	git([]string{"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.org", "GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.org"}, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	git([]string{"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.org", "GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.org"}, "mv", "a.go", "alpha.go")
	commit("Ada <ada@example.org>", "alpha.go", strings.Repeat("line\n", 201))
	return dir, commit
}

// valueCycle walks issue 4's story through the CLI against a real server:
// git history imported (and re-imported), an identity claimed, a policy
// previewed and saved, an income distributed with its digest, explained,
// exported as shares, payouts and ValueFlows, settled; meent verify
// re-runs the distribution.
func valueCycle(t *testing.T, args ...string) {
	data := t.TempDir()
	p := start(t, append([]string{"--data", data}, args...)...)
	keys := t.TempDir()
	newAgent := func(name string) (key, id string) {
		key = filepath.Join(keys, name+".key")
		out := runMeent(t, "agent", "create", "--url", p.url, "--name", name, "--out", key)
		return key, regexp.MustCompile(`agent ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
	}
	hashOf := func(out string) string { return regexp.MustCompile(`[0-9a-f]{64}`).FindString(out) }
	maya, _ := newAgent("maya")
	ada, adaID := newAgent("ada")
	lib := hashOf(runMeent(t, "commons", "create", "--url", p.url, "--key", maya, "--name", "libfoo"))

	repo, commit := gitRepo(t)
	out := runMeent(t, "import", "git", repo, "--commons", lib, "--url", p.url, "--key", maya)
	if !strings.Contains(out, "imported 7 commits") || !strings.Contains(out, "git:ada@example.org (Ada)") || !strings.Contains(out, "git:bo@example.org") {
		t.Fatalf("import:\n%s", out)
	}
	out = runMeent(t, "import", "git", repo, "--commons", lib, "--url", p.url, "--key", maya)
	if !strings.Contains(out, "imported 0 commits") || !strings.Contains(out, "7 already imported") {
		t.Fatalf("re-import:\n%s", out)
	}
	commit("Dee <dee@example.org>", "d.go", "new\n")
	out = runMeent(t, "import", "git", repo, "--commons", lib, "--url", p.url, "--key", maya)
	if !strings.Contains(out, "imported 1 commits") {
		t.Fatalf("import of one new commit:\n%s", out)
	}
	runMeent(t, "identity", "claim", "--url", p.url, "--key", ada, "--commons", lib, "--identity", "git:ada@example.org")
	runMeent(t, "identity", "confirm", "--url", p.url, "--key", maya, "--commons", lib, "--identity", "git:ada@example.org", "--agent", adaID)
	if out, err := exec.Command(binary, "import", "git", t.TempDir(), "--commons", lib, "--url", p.url, "--key", maya).CombinedOutput(); err == nil || !strings.Contains(string(out), "not a git repository") {
		t.Fatalf("import of a directory that is no repository: %v\n%s", err, out)
	}

	// A policy that does not compile is refused with the position.
	bad := filepath.Join(keys, "bad.json")
	os.WriteFile(bad, []byte(`{"format":1,"default":"lines_added +","split":{"contributors":"1/1"}}`), 0o644)
	if out, err := exec.Command(binary, "policy", "set", "--url", p.url, "--key", maya, "--commons", lib, "--file", bad, "--yes").CombinedOutput(); err == nil || !strings.Contains(string(out), "default:1:") {
		t.Fatalf("bad policy: %v\n%s", err, out)
	}
	out = runMeent(t, "policy", "set", "--url", p.url, "--key", maya, "--commons", lib, "--preset", "fairshares", "--min-payout", "5.00")
	if !strings.Contains(out, "Nothing saved") || !strings.Contains(out, "ada (") || !strings.Contains(out, "pool co_budget") {
		t.Fatalf("policy preview:\n%s", out)
	}
	runMeent(t, "policy", "set", "--url", p.url, "--key", maya, "--commons", lib, "--preset", "fairshares", "--min-payout", "5.00", "--yes")

	inc := hashOf(runMeent(t, "income", "record", "--url", p.url, "--key", maya, "--commons", lib, "--kind", "grant", "--amount", "1000.01", "--reference", "city grant 17"))
	out = runMeent(t, "distribution", "run", "--url", p.url, "--key", maya, "--income", inc)
	if !strings.Contains(out, "total  1000.01") && !regexp.MustCompile(`total\s+1000\.01`).MatchString(out) {
		t.Fatalf("distribution run:\n%s", out)
	}
	dist := hashOf(out)
	out = runMeent(t, "distribution", "show", "--url", p.url, dist, "--recipient", adaID)
	if !strings.Contains(out, `"contributions"`) || !strings.Contains(out, adaID) {
		t.Fatalf("explanation:\n%s", out)
	}
	shares := runMeent(t, "distribution", "shares", "--url", p.url, dist)
	var sum int64
	for _, line := range strings.Split(shares, "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "kind\t") {
			continue
		}
		f := strings.Split(line, "\t")
		n, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			t.Fatalf("share line %q: %v", line, err)
		}
		sum += n
	}
	if sum != 100001 {
		t.Fatalf("shares sum to %d, not 100001:\n%s", sum, shares)
	}

	// Payouts: the minimum payout (5.00) carries small balances forward;
	// the CSV lists the rest, the SEPA file pays them.
	list := runMeent(t, "payout", "list", "--url", p.url, "--commons", lib)
	if !strings.Contains(list, "minimum payout 500") || !strings.Contains(list, "agent:"+adaID) {
		t.Fatalf("payout list:\n%s", list)
	}
	csv := runMeent(t, "payout", "export", "--url", p.url, "--commons", lib, "--format", "csv")
	if !strings.Contains(csv, "pool,co_budget") && !strings.Contains(csv, "co_budget") {
		t.Fatalf("csv:\n%s", csv)
	}
	payees := filepath.Join(keys, "payees.csv")
	book := "recipient,name,iban,bic\nagent:" + adaID + ",Ada Lovelace,NL91ABNA0417164300,ABNANL2A\n" +
		"pool:infrastructure,Stichting Libfoo,DE89370400440532013000,\npool:co_budget,Libfoo co-budget,FR1420041010050500013M02606,\n" +
		"identity:git:bo@example.org,Bo Jansen,BE68539007547034,\nidentity:git:cy@example.org,Cy,NL91ABNA0417164300,\nidentity:git:dee@example.org,Dee,NL91ABNA0417164300,\n"
	os.WriteFile(payees, []byte(book), 0o600)
	sepaFile := filepath.Join(keys, "pain.xml")
	sout, err := exec.Command(binary, "payout", "export", "--url", p.url, "--commons", lib, "--format", "sepa", "--payees", payees,
		"--debtor-name", "Stichting Libfoo", "--debtor-iban", "NL91ABNA0417164300", "--message-id", "LIBFOO-2026-11", "--out", sepaFile).CombinedOutput()
	if err != nil {
		t.Fatalf("sepa export: %v\n%s", err, sout)
	}
	raw, _ := os.ReadFile(sepaFile)
	var doc struct {
		GrpHdr struct {
			NbOfTxs int    `xml:"NbOfTxs"`
			CtrlSum string `xml:"CtrlSum"`
		} `xml:"CstmrCdtTrfInitn>GrpHdr"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil || doc.GrpHdr.NbOfTxs == 0 {
		t.Fatalf("pain.001: %v %+v\n%s", err, doc, raw)
	}
	var info struct {
		Pay []struct {
			Kind, Recipient string
			Amount          int64
		} `json:"pay"`
		Carried []struct{ Amount int64 } `json:"carried"`
	}
	getJSONInto(t, p.url+"/api/v1/commons/"+lib+"/payouts", &info)
	var paid, carried int64
	for _, l := range info.Pay {
		paid += l.Amount
	}
	for _, l := range info.Carried {
		carried += l.Amount
	}
	if paid+carried != 100001 || doc.GrpHdr.NbOfTxs != len(info.Pay) {
		t.Fatalf("payouts %d + carried %d != 100001, or %d transfers for %d lines", paid, carried, doc.GrpHdr.NbOfTxs, len(info.Pay))
	}
	var adaOwed int64
	for _, l := range info.Pay {
		if l.Kind == "agent" && l.Recipient == adaID {
			adaOwed = l.Amount
		}
	}
	runMeent(t, "payout", "settle", "--url", p.url, "--key", maya, "--commons", lib, "--recipient", "agent:"+adaID,
		"--amount", commonsDecimal(adaOwed), "--reference", "LIBFOO-2026-11-1")
	if out, err := exec.Command(binary, "payout", "settle", "--url", p.url, "--key", maya, "--commons", lib, "--recipient", "agent:"+adaID,
		"--amount", "0.01", "--reference", "again").CombinedOutput(); err == nil {
		t.Fatalf("settling more than is open: %s", out)
	}
	vf := runMeent(t, "export", "valueflows", "--url", p.url, "--commons", lib)
	if !strings.Contains(vf, "@context") || !strings.Contains(vf, "vf:produce") || !strings.Contains(vf, "identities/git:bo") {
		t.Fatalf("valueflows:\n%.2000s", vf)
	}
	out = runMeent(t, append([]string{"verify", "--data", data}, args...)...)
	if !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

func commonsDecimal(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

func TestValueCycleSQLite(t *testing.T)   { valueCycle(t) }
func TestValueCyclePostgres(t *testing.T) { valueCycle(t, "--db", pgSchema(t)) }
