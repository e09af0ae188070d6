//go:build integration

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

// TestIdentityTheft is issue 9 item 2 against the real binary: a stranger
// claims a contributor's git identity to take what was kept for it. Her
// bare claim, a claim proven by a commit she forged under the
// contributor's email, and her attempts to finalize them move nothing;
// the real contributor objects, and a maintainer's confirmation moves the
// kept value to her. A second contributor proves his claim with a commit
// naming his agent: it is proven at once and waits out the contest window
// before anyone can finalize it. meent verify replays the whole log.
func TestIdentityTheft(t *testing.T) {
	ctx := context.Background()
	p := start(t, "--data", t.TempDir())
	keys := t.TempDir()
	newAgent := func(name string) (key, id string) {
		key = filepath.Join(keys, name+".key")
		out := runMeent(t, "agent", "create", "--url", p.url, "--name", name, "--out", key)
		return key, regexp.MustCompile(`agent ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
	}
	fails := func(want string, args ...string) {
		t.Helper()
		out, err := exec.Command(binary, args...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), want) {
			t.Fatalf("meent %v: err=%v, want %q in\n%s", args, err, want, out)
		}
	}
	hashOf := func(out string) string { return regexp.MustCompile(`[0-9a-f]{64}`).FindString(out) }
	maya, _ := newAgent("maya")
	ada, adaID := newAgent("ada")
	eve, eveID := newAgent("eve")
	bo, boID := newAgent("bo")
	client := client.New(p.url, nil)

	lib := hashOf(runMeent(t, "commons", "create", "--url", p.url, "--key", maya, "--name", "libfoo"))
	repo, _ := gitRepo(t)
	// commitAs commits in repo with an exact author and message.
	commitAs := func(author, email, msg string) {
		t.Helper()
		cmd := exec.Command("git", "commit", "-q", "--allow-empty", "-m", msg)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME="+author, "GIT_AUTHOR_EMAIL="+email,
			"GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git commit: %v\n%s", err, out)
		}
	}
	importGit := func() string {
		t.Helper()
		return runMeent(t, "import", "git", repo, "--commons", lib, "--url", p.url, "--key", maya)
	}
	importGit()

	// An income is distributed: Ada's and Bo's shares are kept for their
	// git identities, which nobody has mapped yet.
	inc := hashOf(runMeent(t, "income", "record", "--url", p.url, "--key", maya, "--commons", lib, "--kind", "grant", "--amount", "1000.00", "--reference", "city grant"))
	runMeent(t, "distribution", "run", "--url", p.url, "--key", maya, "--income", inc)
	kept := func(identity string) int64 {
		t.Helper()
		bs, err := client.Balances(ctx, lib, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.Kind == value.RecipientIdentity && b.Recipient == identity {
				return b.Open()
			}
		}
		return 0
	}
	owed := func(agentID string) int64 {
		t.Helper()
		bs, err := client.AgentBalances(ctx, agentID)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, b := range bs {
			n += b.Open()
		}
		return n
	}
	claims := func(identity string) (agent string, cs []commons.IdentityClaim) {
		t.Helper()
		info, err := client.Imports(ctx, lib)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range info.Identities {
			if id.Identity == identity {
				return id.Agent, id.Claims
			}
		}
		t.Fatalf("no identity %s", identity)
		return "", nil
	}
	adaKept, boKept := kept("git:ada@example.org"), kept("git:bo@example.org")
	if adaKept <= 0 || boKept <= 0 {
		t.Fatalf("kept for ada %d, bo %d", adaKept, boKept)
	}
	stolen := func(when string) {
		t.Helper()
		if got := owed(eveID); got != 0 {
			t.Fatalf("%s: the stranger is owed %d", when, got)
		}
		if got := kept("git:ada@example.org"); got != adaKept {
			t.Fatalf("%s: %d is kept for ada's identity, want %d", when, got, adaKept)
		}
		if agent, _ := claims("git:ada@example.org"); agent != "" {
			t.Fatalf("%s: ada's identity maps to %s", when, agent)
		}
	}

	// 1. Eve claims Ada's identity: it is pending, and nothing moves.
	out := runMeent(t, "identity", "claim", "--url", p.url, "--key", eve, "--commons", lib, "--identity", "git:ada@example.org")
	stolen("after the bare claim")
	if !strings.Contains(out, "pending") || !strings.Contains(out, "meent-claim: "+eveID) {
		t.Fatalf("claim:\n%s", out)
	}
	fails("not proven", "identity", "finalize", "--url", p.url, "--key", eve, "--commons", lib, "--identity", "git:ada@example.org")
	stolen("after finalizing the bare claim")

	// 2. A commit of her own naming herself proves nothing about Ada's
	// identity.
	commitAs("Eve", "eve@example.org", "Claim\n\nmeent-claim: "+eveID)
	if out := importGit(); !strings.Contains(out, "1 claim lines") {
		t.Fatalf("import of eve's claim line:\n%s", out)
	}
	if _, cs := claims("git:ada@example.org"); len(cs) != 1 || cs[0].Status != commons.ClaimPending {
		t.Fatalf("eve's claim after her own commit: %+v", cs)
	}
	fails("not proven", "identity", "finalize", "--url", p.url, "--key", eve, "--commons", lib, "--identity", "git:ada@example.org")
	stolen("after eve's own proof")

	// 3. Git does not authenticate authors: Eve lands a commit under
	// Ada's email that names her. Her claim is proven, and still waits
	// out the contest window: she cannot finalize it now.
	commitAs("Ada", "ada@example.org", "Tidy\n\nmeent-claim: "+eveID)
	importGit()
	if _, cs := claims("git:ada@example.org"); len(cs) != 1 || cs[0].Status != commons.ClaimProven || cs[0].Ready < cs[0].ProvenAt+commons.ContestWindow {
		t.Fatalf("eve's forged proof: %+v", cs)
	}
	fails("open to objection", "identity", "finalize", "--url", p.url, "--key", eve, "--commons", lib, "--identity", "git:ada@example.org")
	stolen("after the forged proof")
	if out := runMeent(t, "identity", "list", "--url", p.url, "--commons", lib); !strings.Contains(out, "claim by "+eveID+": proven") || !strings.Contains(out, "open to objection until") {
		t.Fatalf("identity list:\n%s", out)
	}

	// 4. Ada sees it within the window: she claims too and contests
	// Eve's claim. Only a maintainer can decide now.
	runMeent(t, "identity", "claim", "--url", p.url, "--key", ada, "--commons", lib, "--identity", "git:ada@example.org")
	fails("--reason is required", "identity", "contest", "--url", p.url, "--key", ada, "--commons", lib, "--identity", "git:ada@example.org", "--agent", eveID)
	runMeent(t, "identity", "contest", "--url", p.url, "--key", ada, "--commons", lib, "--identity", "git:ada@example.org", "--agent", eveID, "--reason", "I am Ada; eve forged my email")
	fails("contested", "identity", "finalize", "--url", p.url, "--key", eve, "--commons", lib, "--identity", "git:ada@example.org")
	fails("maintainer", "identity", "confirm", "--url", p.url, "--key", eve, "--commons", lib, "--identity", "git:ada@example.org", "--agent", eveID)
	stolen("after the contest")

	// 5. The maintainer confirms Ada: her claim takes effect at once, and
	// the kept value is hers.
	runMeent(t, "identity", "confirm", "--url", p.url, "--key", maya, "--commons", lib, "--identity", "git:ada@example.org", "--agent", adaID)
	agent, cs := claims("git:ada@example.org")
	if agent != adaID || len(cs) != 2 || cs[0].Agent != eveID || cs[0].Status != commons.ClaimRejected || cs[1].Status != commons.ClaimConfirmed {
		t.Fatalf("after the confirmation: %s %+v", agent, cs)
	}
	if got := owed(adaID); got != adaKept {
		t.Fatalf("ada is owed %d, want %d", got, adaKept)
	}
	if got, eveOwed := kept("git:ada@example.org"), owed(eveID); got != 0 || eveOwed != 0 {
		t.Fatalf("after the confirmation %d is kept for ada's identity and eve is owed %d", got, eveOwed)
	}

	// 6. Bo proves his claim with a commit naming his agent: proven at
	// once, finalizable only after the contest window; until then his
	// value stays kept for his identity.
	commitAs("Bo", "bo@example.org", "Claim my meent identity\n\nmeent-claim: "+boID)
	importGit()
	runMeent(t, "identity", "claim", "--url", p.url, "--key", bo, "--commons", lib, "--identity", "git:bo@example.org")
	if _, cs := claims("git:bo@example.org"); len(cs) != 1 || cs[0].Status != commons.ClaimProven || cs[0].Proof == "" {
		t.Fatalf("bo's proven claim: %+v", cs)
	}
	fails("open to objection", "identity", "finalize", "--url", p.url, "--key", bo, "--commons", lib, "--identity", "git:bo@example.org")
	if got := kept("git:bo@example.org"); got != boKept || owed(boID) != 0 {
		t.Fatalf("bo's value moved inside the window: kept %d, owed %d", got, owed(boID))
	}

	// The log replays to the same state.
	if out := runMeent(t, "verify", p.url); !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}
