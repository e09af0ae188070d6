package state_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

var update = flag.Bool("update", false, "regenerate testdata/events.json and the tables of docs/events.md")

const eventsFile = "../testdata/events.json"

// vectorFile is testdata/events.json; docs/events.md describes it.
type vectorFile struct {
	Description string                `json:"description"`
	Keys        []vectorKey           `json:"keys"`
	Events      []vector              `json:"events"`
	Digest      string                `json:"digest"` // state digest (hex) after every valid event
	Parts       map[string]vectorPart `json:"parts"`  // and its parts
}

type vectorPart struct {
	Lines  int    `json:"lines"`
	SHA256 string `json:"sha256"`
}

func partsOf(d state.Digest) map[string]vectorPart {
	out := map[string]vectorPart{}
	for name, p := range d.Parts {
		out[name] = vectorPart{Lines: p.Lines, SHA256: hex.EncodeToString(p.SHA256[:])}
	}
	return out
}

type vectorKey struct {
	Name   string `json:"name"`
	Seed   string `json:"seed"`       // hex; SHA-256("meent/events/" + name)
	Public string `json:"public_key"` // standard base64
}

type vector struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Signer string `json:"signer"` // a key's name
	Entry  string `json:"entry"`  // the exact entry bytes: body LF signature LF
	Hash   string `json:"hash"`   // event hash, hex
	Valid  bool   `json:"valid"`
	Index  int64  `json:"index"`           // log index, for valid events; -1 otherwise
	Error  string `json:"error,omitempty"` // error code, for refused events
}

func seedOf(name string) []byte {
	s := sha256.Sum256([]byte("meent/events/" + name))
	return s[:]
}

// gen builds the vectors by running a scenario through the real rules.
type gen struct {
	t    *testing.T
	st   *state.State
	tm   int64
	keys map[string]ed25519.PrivateKey
	ids  map[string]string // agent IDs by key name
	f    vectorFile
}

func (g *gen) key(name string) ed25519.PrivateKey {
	if k, ok := g.keys[name]; ok {
		return k
	}
	k := ed25519.NewKeyFromSeed(seedOf(name))
	g.keys[name] = k
	g.f.Keys = append(g.f.Keys, vectorKey{Name: name, Seed: hex.EncodeToString(seedOf(name)),
		Public: base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))})
	return k
}

func (g *gen) sign(signer, author, typ string, data any) (*ledger.Event, string) {
	g.t.Helper()
	g.tm += 60_000
	entry, err := ledger.Sign(g.key(signer), ledger.Body{Type: typ, Author: author, Time: g.tm, Data: data})
	if err != nil {
		g.t.Fatal(err)
	}
	ev, err := ledger.Decode(entry)
	if err != nil {
		g.t.Fatal(err)
	}
	return ev, string(entry)
}

// ok appends a valid event signed by the key of agent who (its author),
// and returns its hash.
func (g *gen) ok(name, who, typ string, data any) string {
	return g.okKey(name, who, who, typ, data)
}

func (g *gen) okKey(name, signer, who, typ string, data any) string {
	g.t.Helper()
	ev, entry := g.sign(signer, g.ids[who], typ, data)
	idx := g.st.Size
	if err := g.st.Apply(ev); err != nil {
		g.t.Fatalf("%s (%s): %v", name, typ, err)
	}
	g.f.Events = append(g.f.Events, vector{Name: name, Type: typ, Signer: signer, Entry: entry, Hash: ev.Hash.String(), Valid: true, Index: idx})
	return ev.Hash.String()
}

// bad records an event the rules refuse with code.
func (g *gen) bad(name, who, typ string, data any, code string) {
	g.t.Helper()
	ev, entry := g.sign(who, g.ids[who], typ, data)
	if err := g.st.Apply(ev); meent.ErrorCode(err) != code {
		g.t.Fatalf("%s (%s): %v, want %s", name, typ, err, code)
	}
	g.f.Events = append(g.f.Events, vector{Name: name, Type: typ, Signer: who, Entry: entry, Hash: ev.Hash.String(), Index: -1, Error: code})
}

func (g *gen) agent(name, kind string) {
	g.t.Helper()
	g.ids[name] = g.okKey(name+" is created", name, "", agent.TypeCreate, agent.CreateData{Kind: kind, Name: strings.ToUpper(name[:1]) + name[1:]})
}

func encode(t *testing.T, p interface{ Encode() ([]byte, error) }) jsontext.Value {
	t.Helper()
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return jsontext.Value(b)
}

// generate runs the scenario: every event type at least once, valid, with
// every data member it has present in at least one valid event, and a few
// refused events.
func generate(t *testing.T) vectorFile {
	g := &gen{t: t, st: state.New(), tm: 1_767_225_600_000, keys: map[string]ed25519.PrivateKey{}, ids: map[string]string{}}
	g.f.Description = "meent event vectors, one or more per event type: see docs/events.md. Generated by go test ./state -update."

	// Agents and members.
	g.agent("admin", agent.Person)
	g.ok("the first agent makes itself admin", "admin", agent.TypeMemberSet, agent.MemberData{Agent: g.ids["admin"], Role: agent.RoleAdmin})
	g.agent("maya", agent.Person)
	g.agent("ben", agent.Person)
	g.agent("ada", agent.Person)
	g.agent("acme", agent.Company)
	g.agent("coop", agent.Cooperative)
	g.agent("bob", agent.Person)
	g.agent("fed", agent.Association)
	g.agent("works", agent.Cooperative)
	g.bad("an unknown agent kind", "robot", agent.TypeCreate, agent.CreateData{Kind: "robot", Name: "R2"}, meent.ERULE)
	for _, m := range []string{"maya", "ben", "ada", "bob"} {
		g.ok("admin admits "+m, "admin", agent.TypeMemberSet, agent.MemberData{Agent: g.ids[m], Role: agent.RoleMember})
	}
	g.bad("a member is not an admin", "maya", agent.TypeMemberSet, agent.MemberData{Agent: g.ids["acme"], Role: agent.RoleMember}, meent.EFORBIDDEN)
	g.ok("ada renames herself", "ada", agent.TypeUpdate, agent.UpdateData{Name: "Ada L. 🛜"})
	laptop := base64.StdEncoding.EncodeToString(g.key("ada-laptop").Public().(ed25519.PublicKey))
	g.ok("ada adds a laptop key", "ada", agent.TypeKeyAdd, agent.KeyData{Key: laptop})
	g.okKey("ada revokes the laptop key, signing with it", "ada-laptop", "ada", agent.TypeKeyRevoke, agent.KeyData{Key: laptop})
	g.bad("member.remove with a role", "admin", agent.TypeMemberRm, agent.MemberData{Agent: g.ids["bob"], Role: agent.RoleMember}, meent.ERULE)
	g.ok("admin removes bob", "admin", agent.TypeMemberRm, agent.MemberData{Agent: g.ids["bob"]})
	g.bad("the last admin cannot leave", "admin", agent.TypeMemberRm, agent.MemberData{Agent: g.ids["admin"]}, meent.ERULE)

	// Commons.
	lib := g.ok("admin creates a commons with maya as maintainer", "admin", commons.TypeCreate, commons.CreateData{
		Name: "lib", Description: "A library", Kind: "software", Links: []string{"https://example.org/lib"}, Approvals: 1,
		ValuePolicy: "default", LicensePolicy: "copyfair", Maintainers: []string{g.ids["maya"]}})
	name, desc, approvals, vp, lp := "libmeent", "The meent library", 1, "v1", "v1"
	links := []string{"https://example.org/libmeent"}
	g.ok("maya updates every member", "maya", commons.TypeUpdate, commons.UpdateData{Commons: lib, Name: &name, Description: &desc,
		Links: &links, Approvals: &approvals, ValuePolicy: &vp, LicensePolicy: &lp})
	g.ok("maya adds ben as maintainer", "maya", commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: g.ids["ben"]})
	g.ok("maya adds coop as maintainer", "maya", commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: g.ids["coop"]})
	g.ok("maya removes coop", "maya", commons.TypeMaintainerRemove, commons.MaintainerData{Commons: lib, Agent: g.ids["coop"]})
	g.ok("ada forks the commons", "ada", commons.TypeFork, commons.ForkData{Commons: lib, Name: "adalib", Description: "Ada's fork"})

	// Needs.
	need := g.ok("ada posts a need with a bounty", "ada", commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "Docs",
		Description: "Write the docs", Bounty: &commons.Money{Amount: 5000, Currency: "EUR"}, MaxClaimants: 2})
	g.ok("maya signals plus one", "maya", commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPlusOne})
	g.ok("ben signals priority", "ben", commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPriority, Priority: 4})
	g.ok("maya pledges", "maya", commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 1000, Currency: "EUR"}})
	g.bad("a lease longer than 30 days", "ada", commons.TypeNeedClaim, commons.ClaimData{Need: need, LeaseDays: 31}, meent.ERULE)
	g.ok("ada claims the need for 14 days", "ada", commons.TypeNeedClaim, commons.ClaimData{Need: need, LeaseDays: 14})
	g.ok("ben claims it for the default 7 days", "ben", commons.TypeNeedClaim, commons.ClaimData{Need: need})
	g.ok("ada renews her claim for 10 days", "ada", commons.TypeNeedRenew, commons.ClaimData{Need: need, LeaseDays: 10})
	g.bad("a release naming a contribution too", "ben", commons.TypeNeedRelease, commons.RefData{Need: need, Contribution: need}, meent.ERULE)
	g.ok("ben releases his claim", "ben", commons.TypeNeedRelease, commons.RefData{Need: need})
	other := g.ok("ben posts a need", "ben", commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "Logo"})
	g.ok("ben closes it", "ben", commons.TypeNeedClose, commons.CloseData{Need: other, Reason: "not needed after all"})

	// Contributions.
	c1 := g.ok("ada submits work answering the need", "ada", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "documentation",
		Title: "Docs", Description: "First draft", Need: need,
		Evidence:   []commons.Evidence{{URL: "https://example.org/pr/1", Note: "the pull request"}, {Blob: strings.Repeat("ab", 32)}, {Commit: strings.Repeat("1f", 20)}},
		Quantities: commons.Quantities{Minutes: 90, LinesAdded: 120, LinesRemoved: 4, Amount: &commons.Money{Amount: 1500, Currency: "EUR"}}})
	g.bad("a review by the contributor", "ada", commons.TypeReview, commons.ReviewData{Contribution: c1, Verdict: commons.VerdictAccept}, meent.EFORBIDDEN)
	g.ok("maya asks for changes", "maya", commons.TypeReview, commons.ReviewData{Contribution: c1, Verdict: commons.VerdictChanges, Reason: "add examples"})
	g.ok("ada revises", "ada", commons.TypeRevise, commons.ReviseData{Contribution: c1, Title: "Docs, with examples", Description: "Second draft",
		Evidence:   []commons.Evidence{{URL: "https://example.org/pr/1", Note: "updated"}, {Blob: strings.Repeat("cd", 32)}, {Commit: strings.Repeat("2e", 20)}},
		Quantities: commons.Quantities{Minutes: 150, LinesAdded: 200, LinesRemoved: 10, Amount: &commons.Money{Amount: 2000, Currency: "EUR"}}})
	g.ok("maya accepts", "maya", commons.TypeReview, commons.ReviewData{Contribution: c1, Verdict: commons.VerdictAccept, Reason: "thanks"})
	g.bad("an endorsement naming a need too", "ben", commons.TypeEndorse, commons.RefData{Contribution: c1, Need: need}, meent.ERULE)
	g.ok("ben endorses it", "ben", commons.TypeEndorse, commons.RefData{Contribution: c1})
	c2 := g.ok("ada submits funds", "ada", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "funds", Title: "Hosting",
		Quantities: commons.Quantities{Amount: &commons.Money{Amount: 2500, Currency: "EUR"}}})
	g.ok("maya rejects it", "maya", commons.TypeReview, commons.ReviewData{Contribution: c2, Verdict: commons.VerdictReject, Reason: "no receipt"})
	g.ok("ada disputes", "ada", commons.TypeDispute, commons.DisputeData{Contribution: c2, Reason: "the receipt is attached"})
	g.ok("ben overturns the rejection", "ben", commons.TypeResolve, commons.ResolveData{Contribution: c2, Outcome: commons.OutcomeOverturn, Reason: "receipt found"})
	// Ada's commit carries the line "meent-claim: <ada's ID>": the proof
	// of her claim below. The bot's commit is at a shallow clone's
	// boundary: its counts are unknown until an amend.
	const bot = "git:dependabot[bot]@users.noreply.github.com"
	parser, bump := strings.Repeat("a1", 20), strings.Repeat("c3", 20)
	g.ok("maya imports four commits, one with a claim line", "maya", commons.TypeImport, commons.ImportData{Commons: lib, Source: "https://example.org/lib.git",
		Commits: []commons.ImportedCommit{
			{Commit: parser, Identity: "git:ada@example.org", Name: "Ada", Time: 1_767_000_000_000, Subject: "Add parser", Files: 3, LinesAdded: 300, LinesRemoved: 20,
				Claims: []string{g.ids["ada"]}},
			{Commit: strings.Repeat("b2", 20), Identity: "git:ben@example.org", Name: "Ben", Time: 1_767_000_100_000, Subject: "Merge branch", Merge: true, NoStats: true},
			{Commit: bump, Identity: bot, Name: "dependabot[bot]", Time: 1_767_000_200_000, Subject: "Bump deps", NoStats: true},
			{Commit: strings.Repeat("d4", 20), Identity: "git:cy@example.org", Name: "Cy", Time: 1_767_000_300_000, Subject: "Fix typo", Files: 1, LinesAdded: 1, LinesRemoved: 1},
		}})
	g.bad("a commit imported again is a conflict, not a replay", "maya", commons.TypeImport, commons.ImportData{Commons: lib,
		Commits: []commons.ImportedCommit{{Commit: parser, Identity: "git:ada@example.org"}}}, meent.ECONFLICT)
	g.ok("maya amends the counts of the bot's commit", "maya", commons.TypeImport, commons.ImportData{Commons: lib, Source: "https://example.org/lib.git",
		Amends: []commons.LineCounts{{Commit: bump, Files: 2, LinesAdded: 40, LinesRemoved: 12}}})
	g.bad("an amend of counts read at import", "maya", commons.TypeImport, commons.ImportData{Commons: lib,
		Amends: []commons.LineCounts{{Commit: parser, Files: 3, LinesAdded: 301}}}, meent.ECONFLICT)
	g.bad("ada claims for someone else", "ada", commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"]}, meent.EFORBIDDEN)
	g.ok("ada claims her git identity, proven by the imported commit", "ada", commons.TypeIdentityClaim,
		commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: g.ids["ada"]})
	g.bad("ada claims it again", "ada", commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org"}, meent.ECONFLICT)
	g.bad("a finalize inside the contest window", "ben", commons.TypeIdentityFinalize,
		commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: g.ids["ada"]}, meent.ERULE)
	g.ok("ben claims his git identity", "ben", commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ben@example.org"})
	g.ok("maya confirms ben's claim", "maya", commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ben@example.org", Agent: g.ids["ben"]})
	g.bad("ben claims an identity already his", "ben", commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ben@example.org"}, meent.ECONFLICT)
	g.ok("bob claims cy's identity", "bob", commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:cy@example.org"})
	g.bad("bob finalizes a claim nothing proves", "bob", commons.TypeIdentityFinalize,
		commons.IdentityData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"]}, meent.ERULE)
	g.bad("a contest by someone without a claim who maintains nothing here", "ada", commons.TypeIdentityContest,
		commons.ContestData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"], Reason: "not his"}, meent.EFORBIDDEN)
	g.ok("maya contests bob's claim", "maya", commons.TypeIdentityContest,
		commons.ContestData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"], Reason: "Cy is someone else"})
	g.bad("maya contests it again", "maya", commons.TypeIdentityContest,
		commons.ContestData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"], Reason: "still not bob"}, meent.ECONFLICT)
	g.bad("a contested claim does not finalize", "bob", commons.TypeIdentityFinalize,
		commons.IdentityData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"]}, meent.ECONFLICT)
	g.bad("a reject by a non-maintainer", "ada", commons.TypeIdentityReject,
		commons.ContestData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"], Reason: "not his"}, meent.EFORBIDDEN)
	g.ok("maya rejects bob's claim", "maya", commons.TypeIdentityReject,
		commons.ContestData{Commons: lib, Identity: "git:cy@example.org", Agent: g.ids["bob"], Reason: "Cy wrote it; bob gave no proof"})

	// Value.
	vpol := value.DefaultPolicy()
	vpol.Exclude = []string{"git:*[bot]@users.noreply.github.com"}
	vpol.Equations["code"] = `(author == "git:cy@example.org" ? 10 : 20) + 10 * isqrt(lines_added + lines_removed) + 5 * min(endorsements, 20)`
	g.ok("maya sets a value policy that excludes bots and reads the author", "maya", value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: encode(t, vpol)})
	inc := g.ok("maya records a grant", "maya", value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant",
		Amount: commons.Money{Amount: 100_000, Currency: "EUR"}, Payer: g.ids["acme"], Reference: "grant 2026-17"})
	g.bad("a distribution with the wrong inputs' digest", "maya", value.TypeDistributionRun, value.RunData{Income: inc, Digest: strings.Repeat("0", 64)}, meent.ERULE)
	// As meent distribution run does: preview the run at the time it will
	// be signed with (the current policy over what the commons recognises
	// now, as the node's preview computes it), then sign it with the
	// preview's digest.
	compiled, _, err := g.st.Value.Compiled(lib)
	if err != nil {
		t.Fatal(err)
	}
	preview, err := value.Distribute(compiled, value.Inputs(g.st.Commons, lib, g.st.Value.Income(inc).Amount, g.tm+60_000))
	if err != nil {
		t.Fatal(err)
	}
	g.ok("maya distributes it with the preview's digest", "maya", value.TypeDistributionRun, value.RunData{Income: inc, Digest: preview.Digest})
	g.ok("maya records a payment to ada", "maya", value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent,
		Recipient: g.ids["ada"], Amount: commons.Money{Amount: 100, Currency: "EUR"}, Reference: "payout 1"})
	// A payment whose details are personal data: the node keeps them as a
	// private record and the event carries only its commitment.
	salt := sha256.Sum256([]byte("meent/events/salt"))
	ref := private.Commit(salt, []byte("paid to Ada's account DE89 3704 0044 0532 0130 00")).String()
	g.bad("a ref_commitment that is not lowercase hex", "maya", value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent,
		Recipient: g.ids["ada"], Amount: commons.Money{Amount: 100, Currency: "EUR"}, RefCommitment: strings.ToUpper(ref)}, meent.ERULE)
	g.ok("maya records a payment to ada with a private reference", "maya", value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent,
		Recipient: g.ids["ada"], Amount: commons.Money{Amount: 100, Currency: "EUR"}, RefCommitment: ref})

	// Licences.
	lpol := license.Policy{Format: 1, License: "PPL",
		Free: []license.Rule{{Kind: license.NonCommercial}, {Kind: license.Cooperative}, {Kind: license.Member}},
		Price: license.Schedule{Currency: "EUR", Basis: license.Employees, Bands: []license.Band{
			{From: 0, To: 50, PricePerYear: 120_000}, {From: 50, PricePerYear: 600_000}}},
		Attestors: []string{g.ids["fed"]}}
	g.bad("an attestation by someone no commons trusts", "bob", license.TypeAttest, license.AttestData{Agent: g.ids["bob"], Kind: license.OrgCooperative}, meent.EFORBIDDEN)
	g.ok("maya sets the licence policy", "maya", license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: encode(t, lpol)})
	g.ok("maya attests coop", "maya", license.TypeAttest, license.AttestData{Agent: g.ids["coop"], Kind: license.OrgCooperative})
	g.ok("fed, an attestor the policy names, attests works", "fed", license.TypeAttest, license.AttestData{Agent: g.ids["works"], Kind: license.OrgWorkerOwned})
	// Ada maintains only her fork: she may state it, but lib does not count
	// her word, so acme still gets an offer below.
	g.ok("ada, maintainer of her fork, attests acme as a cooperative", "ada", license.TypeAttest, license.AttestData{Agent: g.ids["acme"], Kind: license.OrgCooperative})
	request := func(name, who string, d license.RequestData) string {
		_, terms, err := g.st.License.Decide(g.st.Agents, g.st.Commons, g.ids[who], d, g.tm+60_000)
		if err != nil {
			t.Fatal(err)
		}
		d.Grant = terms
		return g.ok(name, who, license.TypeRequest, d)
	}
	request("coop is licensed for free", "coop", license.RequestData{Commons: lib, Commercial: true, Scope: "hosted service",
		Organisation: license.Organisation{Employees: license.Count(12), Revenue: license.Count(90_000_000)}})
	request("works is licensed for free on fed's word, stating no employees", "works", license.RequestData{Commons: lib, Commercial: true,
		Organisation: license.Organisation{Employees: license.Count(0)}})
	request("ada, a member, is licensed while she is one", "ada", license.RequestData{Commons: lib, Commercial: true})
	offer := request("acme gets an offer", "acme", license.RequestData{Commons: lib, Commercial: true, Scope: "hosted service", Organisation: license.Organisation{Employees: license.Count(120)}})
	lifelong := license.PayFor(g.st.License.Offer(offer), commons.Money{Amount: 600_000, Currency: "EUR"}, "SEPA 2026-0041", "", g.tm+60_000)
	lifelong.Grant.WhileMember = true
	g.bad("a paid grant that claims to last while a member", "maya", license.TypePay, lifelong, meent.ERULE)
	g.bad("a payment short of the price", "maya", license.TypePay, license.PayFor(g.st.License.Offer(offer), commons.Money{Amount: 599_999, Currency: "EUR"}, "short", "", g.tm+60_000), meent.ERULE)
	grant := g.ok("admin records acme's payment", "admin", license.TypePay, license.PayFor(g.st.License.Offer(offer),
		commons.Money{Amount: 600_000, Currency: "EUR"}, "SEPA 2026-0042", "bank", g.tm+60_000))
	g.ok("maya revokes the grant", "maya", license.TypeRevoke, license.RevokeData{Grant: grant, Reason: "chargeback"})
	request("ben's non-commercial use is free", "ben", license.RequestData{Commons: lib, Scope: "teaching"})
	again := request("acme asks again, for any scope", "acme", license.RequestData{Commons: lib, Commercial: true, Organisation: license.Organisation{Employees: license.Count(30)}})
	g.ok("maya records the payment", "maya", license.TypePay, license.PayFor(g.st.License.Offer(again),
		commons.Money{Amount: 120_000, Currency: "EUR"}, "SEPA 2026-0077", "", g.tm+60_000))

	// Fourteen days after ada's claim and its proof, anyone may make the
	// proven, uncontested claim effective: her identity maps to her, and
	// what the distribution kept for it moves to her.
	g.tm += commons.ContestWindow
	g.ok("ben finalizes ada's proven claim after the window", "ben", commons.TypeIdentityFinalize,
		commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: g.ids["ada"]})

	// Governance: lib's decision rules reserve its value policy to
	// decisions; a poll that carries a new policy passes, and the close
	// enacts it through the value area's rules.
	g.ok("maya says lib's value policy is decided by polls", "maya", governance.TypeRulesSet, governance.RulesData{Commons: lib, Decide: []string{value.TypePolicySet}})
	g.bad("maya then sets the value policy directly", "maya", value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: encode(t, vpol)}, meent.EFORBIDDEN)
	g.bad("a poll of lib carrying a change of the node", "ben", governance.TypeOpen, governance.OpenData{Commons: lib, Question: "Admit acme?",
		Rule: tally.Rule{Method: tally.Majority}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: g.tm + 3_600_000,
		Effects: []governance.Effect{{Type: agent.TypeMemberSet, Data: jsontext.Value(`{"agent":"` + g.ids["acme"] + `","role":"member"}`)}}}, meent.ERULE)
	newPolicy := value.DefaultPolicy()
	newPolicy.Exclude = vpol.Exclude
	policyData, err := json.Marshal(value.PolicySetData{Commons: lib, Policy: encode(t, newPolicy)}, json.Deterministic(true))
	if err != nil {
		t.Fatal(err)
	}
	p1 := g.ok("ben opens a poll that carries a value policy", "ben", governance.TypeOpen, governance.OpenData{Commons: lib,
		Question: "Adopt the default equations again?", Description: "Cy's special case goes.",
		Rule: tally.Rule{Method: tally.Majority, Majority: tally.MajoritySuper, Threshold: &tally.Threshold{Num: 2, Den: 3, Inclusive: true},
			Quorum: &tally.Threshold{Num: 1, Den: 2, Inclusive: true}},
		Electorate: governance.Electorate{Kind: governance.Members}, OpensAt: g.tm, ClosesAt: g.tm + 3_600_000,
		Effects: []governance.Effect{{Type: value.TypePolicySet, Data: jsontext.Value(policyData)}}})
	p2 := g.ok("ada opens a ranked poll for two seats among contributors", "ada", governance.TypeOpen, governance.OpenData{Commons: lib,
		Question: "Who gives the talks?", Rule: tally.Rule{Method: tally.Ranked, Options: []string{"ada", "ben", "maya"}, Seats: 2},
		Electorate: governance.Electorate{Kind: governance.Contributors, MinAccepted: 1}, ClosesAt: g.tm + 3_600_000})
	p3 := g.ok("maya opens a score poll among maintainers, opening later", "maya", governance.TypeOpen, governance.OpenData{Commons: lib,
		Question: "How good is the logo?", Rule: tally.Rule{Method: tally.Score, Options: []string{"round", "square"}, MaxScore: 5},
		Electorate: governance.Electorate{Kind: governance.Maintainers}, OpensAt: g.tm + 1_800_000, ClosesAt: g.tm + 3_600_000})
	p4 := g.ok("ada opens a dots poll of the node", "ada", governance.TypeOpen, governance.OpenData{
		Question: "What next?", Rule: tally.Rule{Method: tally.Dots, Options: []string{"docs", "tests", "speed"}, Dots: 3},
		Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: g.tm + 3_600_000})
	g.bad("a vote before the poll opens", "maya", governance.TypeVote, governance.VoteData{Poll: p3, Ballot: tally.Ballot{Marks: []tally.Mark{{Option: "round", N: 4}}}}, meent.ERULE)
	g.bad("a vote from outside the electorate", "acme", governance.TypeVote, governance.VoteData{Poll: p1, Ballot: tally.Ballot{Choice: tally.ChoiceYes}}, meent.EFORBIDDEN)
	g.bad("too many dots", "ada", governance.TypeVote, governance.VoteData{Poll: p4, Ballot: tally.Ballot{Marks: []tally.Mark{{Option: "docs", N: 2}, {Option: "speed", N: 2}}}}, meent.ERULE)
	g.bad("a ranking that ranks twice", "ada", governance.TypeVote, governance.VoteData{Poll: p2, Ballot: tally.Ballot{Ranking: []string{"ada", "ada"}}}, meent.ERULE)
	g.ok("maya votes no", "maya", governance.TypeVote, governance.VoteData{Poll: p1, Ballot: tally.Ballot{Choice: tally.ChoiceNo}})
	g.ok("maya changes her vote to yes", "maya", governance.TypeVote, governance.VoteData{Poll: p1, Ballot: tally.Ballot{Choice: tally.ChoiceYes}})
	g.ok("ada delegates to maya for the poll", "ada", governance.TypeDelegate, governance.DelegateData{To: g.ids["maya"], Poll: p1})
	g.ok("ben delegates to maya for lib", "ben", governance.TypeDelegate, governance.DelegateData{To: g.ids["maya"], Commons: lib})
	g.ok("ben ends that delegation", "ben", governance.TypeUndelegate, governance.UndelegateData{Commons: lib})
	g.ok("ben delegates to admin for the poll", "ben", governance.TypeDelegate, governance.DelegateData{To: g.ids["admin"], Poll: p1})
	g.ok("ben ends it too", "ben", governance.TypeUndelegate, governance.UndelegateData{Poll: p1})
	g.ok("ben votes no", "ben", governance.TypeVote, governance.VoteData{Poll: p1, Ballot: tally.Ballot{Choice: tally.ChoiceNo}})
	g.ok("ada ranks", "ada", governance.TypeVote, governance.VoteData{Poll: p2, Ballot: tally.Ballot{Ranking: []string{"ada", "maya"}}})
	g.ok("ada spends her dots", "ada", governance.TypeVote, governance.VoteData{Poll: p4, Ballot: tally.Ballot{Marks: []tally.Mark{{Option: "docs", N: 2}, {Option: "tests", N: 1}}}})
	g.bad("a close before the closing time", "bob", governance.TypeClose, governance.PollRef{Poll: p1}, meent.ERULE)
	g.bad("a cancel by someone else", "maya", governance.TypeCancel, governance.CancelData{Poll: p4}, meent.EFORBIDDEN)
	g.ok("ada cancels her dots poll", "ada", governance.TypeCancel, governance.CancelData{Poll: p4, Reason: "asked too early"})
	g.tm += 1_800_000
	g.ok("maya scores", "maya", governance.TypeVote, governance.VoteData{Poll: p3, Ballot: tally.Ballot{Marks: []tally.Mark{{Option: "round", N: 4}, {Option: "square", N: 2}}}})
	g.tm += 1_800_000
	g.ok("bob, no member, closes the value poll: it passes and enacts the policy", "bob", governance.TypeClose, governance.PollRef{Poll: p1})
	g.ok("ben closes the ranked poll", "ben", governance.TypeClose, governance.PollRef{Poll: p2})
	g.ok("ben closes the score poll", "ben", governance.TypeClose, governance.PollRef{Poll: p3})
	g.bad("a vote after the close", "ben", governance.TypeVote, governance.VoteData{Poll: p1, Ballot: tally.Ballot{Choice: tally.ChoiceYes}}, meent.ERULE)
	// Budget: a round with equal allowances, then one by Equal Shares.
	eur := func(n int64) commons.Money { return commons.Money{Amount: n, Currency: "EUR"} }
	opens, closes := g.tm+10*60_000, g.tm+60*60_000
	spring := budget.RoundData{Commons: lib, Title: "Spring 2027", Currency: "EUR", Opens: opens, Closes: closes,
		Method: budget.MethodAllowanceEqual, Leftover: allot.LeftoverRefund}
	g.bad("ada, who maintains nothing, opens a round", "ada", budget.TypeRoundOpen, spring, meent.EFORBIDDEN)
	byPoll := spring
	byPoll.Method = budget.MethodPoll
	g.bad("a round decided by a poll, before governance enacts", "maya", budget.TypeRoundOpen, byPoll, meent.ERULE)
	round := g.ok("maya opens a budget round with equal allowances", "maya", budget.TypeRoundOpen, spring)
	g.ok("acme gives the round a grant", "acme", budget.TypeFund, budget.FundData{Round: round, Amount: eur(7000), Source: budget.SourceGrant})
	g.ok("ada puts in her own money", "ada", budget.TypeFund, budget.FundData{Round: round, Amount: eur(2000), Source: budget.SourceMember})
	g.ok("maya draws on the commons' co-budget pool", "maya", budget.TypeFund, budget.FundData{Round: round, Amount: eur(1000), Source: budget.SourceCommons})
	g.bad("maya draws more than the co-budget pool holds", "maya", budget.TypeFund, budget.FundData{Round: round, Amount: eur(10_000_000), Source: budget.SourceCommons}, meent.ERULE)
	g.bad("acme contributes as a member, which it is not", "acme", budget.TypeFund, budget.FundData{Round: round, Amount: eur(100), Source: budget.SourceMember}, meent.EFORBIDDEN)
	g.bad("a grant in another currency", "acme", budget.TypeFund, budget.FundData{Round: round, Amount: commons.Money{Amount: 100, Currency: "USD"}, Source: budget.SourceGrant}, meent.ERULE)
	// Pool 10,000 among 4 members (admin, maya, ben, ada): 2,500 each.
	g.tm = opens
	g.bad("a grant after the round opened", "acme", budget.TypeFund, budget.FundData{Round: round, Amount: eur(100), Source: budget.SourceGrant}, meent.ECONFLICT)
	party := g.ok("ben proposes a bucket", "ben", budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "Release party",
		Description: "Food and a hall for the 2.0 release", Min: eur(3000), Max: eur(5000)})
	sprint := g.ok("ada proposes a bucket paying her and ben", "ada", budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "Docs sprint",
		Min: eur(2000), Max: eur(4000), Recipients: []budget.Recipient{{Agent: g.ids["ada"], Share: 3}, {Agent: g.ids["ben"], Share: 1}}})
	logo := g.ok("maya proposes a bucket", "maya", budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "New logo", Min: eur(1000), Max: eur(1500)})
	g.bad("acme, not a member, proposes a bucket", "acme", budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "Ads", Min: eur(1), Max: eur(2)}, meent.EFORBIDDEN)
	g.bad("a bucket whose maximum is below its minimum", "ben", budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "Odd", Min: eur(20), Max: eur(10)}, meent.ERULE)
	g.ok("ben raises his bucket's maximum", "ben", budget.TypeBucketEdit, budget.EditData{Bucket: party, Title: "Release party",
		Description: "Food, a hall and a band", Min: eur(3000), Max: eur(6000), Recipients: []budget.Recipient{{Agent: g.ids["ben"], Share: 1}}})
	g.bad("ada edits ben's bucket", "ada", budget.TypeBucketEdit, budget.EditData{Bucket: party, Title: "Mine", Min: eur(1), Max: eur(2)}, meent.EFORBIDDEN)
	g.ok("ada gives 2000 to the docs sprint", "ada", budget.TypeAllocate, budget.AllocateData{Bucket: sprint, Amount: eur(2000)})
	bens := g.ok("ben gives 1000 to the docs sprint", "ben", budget.TypeAllocate, budget.AllocateData{Bucket: sprint, Amount: eur(1000)})
	g.bad("ben gives more than his allowance has left", "ben", budget.TypeAllocate, budget.AllocateData{Bucket: party, Amount: eur(1501)}, meent.ERULE)
	g.bad("acme allocates, not being a member of the round", "acme", budget.TypeAllocate, budget.AllocateData{Bucket: party, Amount: eur(1)}, meent.EFORBIDDEN)
	g.bad("an allocation above the bucket's maximum", "maya", budget.TypeAllocate, budget.AllocateData{Bucket: logo, Amount: eur(1600)}, meent.ERULE)
	g.bad("an allocation in another currency", "maya", budget.TypeAllocate, budget.AllocateData{Bucket: logo, Amount: commons.Money{Amount: 10, Currency: "USD"}}, meent.ERULE)
	g.ok("maya gives 1200 to the logo", "maya", budget.TypeAllocate, budget.AllocateData{Bucket: logo, Amount: eur(1200)})
	g.ok("admin gives 1500 to the party", "admin", budget.TypeAllocate, budget.AllocateData{Bucket: party, Amount: eur(1500)})
	late := g.ok("ben gives 500 to the party", "ben", budget.TypeAllocate, budget.AllocateData{Bucket: party, Amount: eur(500)})
	g.ok("ben withdraws his 500", "ben", budget.TypeWithdraw, budget.WithdrawData{Allocation: late})
	g.bad("ben withdraws it again", "ben", budget.TypeWithdraw, budget.WithdrawData{Allocation: late}, meent.ECONFLICT)
	g.bad("ada withdraws ben's allocation", "ada", budget.TypeWithdraw, budget.WithdrawData{Allocation: bens}, meent.EFORBIDDEN)
	g.ok("maya cancels the logo, refunding her 1200", "maya", budget.TypeBucketCancel, budget.CancelData{Bucket: logo, Reason: "a member drew one for free"})
	g.bad("an allocation to a cancelled bucket", "maya", budget.TypeAllocate, budget.AllocateData{Bucket: logo, Amount: eur(100)}, meent.ECONFLICT)
	g.bad("an approval in an allowance round", "ada", budget.TypeApprove, budget.ApproveData{Bucket: party, Approve: true}, meent.ERULE)
	g.bad("maya closes the round before its closing time", "maya", budget.TypeRoundClose, budget.CloseData{Round: round}, meent.ECONFLICT)
	g.tm = closes
	g.bad("an allocation after the closing time", "ada", budget.TypeAllocate, budget.AllocateData{Bucket: party, Amount: eur(100)}, meent.ECONFLICT)
	// The sprint holds 3000 (at least its 2000): funded, 2250 to ada and
	// 750 to ben. The party holds 1500 of 3000: its gift goes back. The
	// leftover, 7000, goes back to the funders pro rata: acme 4900, ada
	// 1400, the co-budget pool 700.
	g.ok("maya closes the round", "maya", budget.TypeRoundClose, budget.CloseData{Round: round})
	g.bad("maya closes it twice", "maya", budget.TypeRoundClose, budget.CloseData{Round: round}, meent.ECONFLICT)
	g.ok("ada records what the sprint spent", "ada", budget.TypeSpend, budget.SpendData{Bucket: sprint, Amount: eur(1800), Reference: "invoice 2027-3"})
	g.bad("spending by an unfunded bucket", "ben", budget.TypeSpend, budget.SpendData{Bucket: party, Amount: eur(1), Reference: "x"}, meent.ECONFLICT)
	g.bad("spending more than the bucket was funded", "ada", budget.TypeSpend, budget.SpendData{Bucket: sprint, Amount: eur(1300), Reference: "y"}, meent.ERULE)

	opens, closes = g.tm+10*60_000, g.tm+60*60_000
	shares := g.ok("maya opens an Equal Shares round that rolls its leftover over", "maya", budget.TypeRoundOpen, budget.RoundData{Commons: lib,
		Title: "Summer 2027", Currency: "EUR", Opens: opens, Closes: closes, Method: budget.MethodEqualShares, Leftover: allot.LeftoverRollover})
	g.ok("acme funds it", "acme", budget.TypeFund, budget.FundData{Round: shares, Amount: eur(6000), Source: budget.SourceGrant})
	g.tm = opens
	bike := g.ok("ben proposes bike repairs", "ben", budget.TypeBucketPropose, budget.BucketData{Round: shares, Title: "Bike repairs", Min: eur(3000), Max: eur(3000)})
	garden := g.ok("ada proposes a garden", "ada", budget.TypeBucketPropose, budget.BucketData{Round: shares, Title: "Garden", Min: eur(4000), Max: eur(4000)})
	for _, who := range []string{"ada", "ben", "admin"} {
		g.ok(who+" approves bike repairs", who, budget.TypeApprove, budget.ApproveData{Bucket: bike, Approve: true})
	}
	g.ok("maya approves the garden", "maya", budget.TypeApprove, budget.ApproveData{Bucket: garden, Approve: true})
	g.ok("maya withdraws her approval", "maya", budget.TypeApprove, budget.ApproveData{Bucket: garden, Approve: false})
	g.bad("ada approves bike repairs twice", "ada", budget.TypeApprove, budget.ApproveData{Bucket: bike, Approve: true}, meent.ECONFLICT)
	g.bad("an allocation in an Equal Shares round", "ada", budget.TypeAllocate, budget.AllocateData{Bucket: bike, Amount: eur(100)}, meent.ERULE)
	g.tm = closes
	// Equal Shares funds the bike repairs (3000); the garden has no
	// approval left. 3000 roll over to the next round.
	g.ok("maya closes the Equal Shares round", "maya", budget.TypeRoundClose, budget.CloseData{Round: shares})

	// Mutual credit: a currency with limits that grow with sales and a
	// dividend of demurrage, one whose demurrage goes to the commons.
	g.bad("maya cannot create a currency", "maya", credit.TypeCurrencyCreate, credit.CurrencyData{Code: "MEE", Name: "Meent", Exponent: 2, Limits: credit.Limits{Default: 10_000}}, meent.EFORBIDDEN)
	g.ok("admin creates the MEE currency", "admin", credit.TypeCurrencyCreate, credit.CurrencyData{Code: "MEE", Name: "Meent credit", Exponent: 2,
		Limits:    credit.Limits{Default: 10_000, Soft: 5_000, Commons: 1_000, GrowthPerMille: 100, GrowthCap: 30_000},
		Demurrage: &credit.Demurrage{RatePPM: 20_000, Grace: 1_000, From: "2025-12", Dust: lib}})
	g.ok("admin creates the UUR currency", "admin", credit.TypeCurrencyCreate, credit.CurrencyData{Code: "UUR", Name: "Uren", Exponent: 0,
		Limits: credit.Limits{Default: 40}, Demurrage: &credit.Demurrage{RatePPM: 10_000, From: "2025-12", To: lib, Dust: lib}})
	g.bad("ada cannot change a currency", "ada", credit.TypeCurrencyUpdate, credit.CurrencyData{Code: "UUR", Name: "Uren", Limits: credit.Limits{Default: 400}}, meent.EFORBIDDEN)
	g.bad("an exponent never changes", "admin", credit.TypeCurrencyUpdate, credit.CurrencyData{Code: "UUR", Name: "Uren", Exponent: 2, Limits: credit.Limits{Default: 40}}, meent.ERULE)
	g.ok("admin lowers the soft limit of UUR", "admin", credit.TypeCurrencyUpdate, credit.CurrencyData{Code: "UUR", Name: "Uren (tijdbank)", Exponent: 0,
		Limits: credit.Limits{Default: 40, Soft: 20}, Demurrage: &credit.Demurrage{RatePPM: 5_000, Grace: 2, From: "2025-12", To: lib, Dust: lib}})
	g.ok("ada pays maya", "ada", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: g.ids["ada"], To: g.ids["maya"], Amount: 8_000, Reference: "bread and a bike repair"})
	g.bad("ada goes beyond her hard limit", "ada", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: g.ids["ada"], To: g.ids["maya"], Amount: 5_000, Reference: "more bread"}, meent.ERULE)
	g.bad("ada signs a transfer from maya", "ada", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: g.ids["maya"], To: g.ids["ada"], Amount: 100, Reference: "taken"}, meent.EFORBIDDEN)
	g.bad("a transfer in another currency", "ada", credit.TypeTransfer, credit.TransferData{Currency: "EUR", From: g.ids["ada"], To: g.ids["maya"], Amount: 100, Reference: "euro"}, meent.ERULE)
	g.ok("admin raises ada's limit", "admin", credit.TypeLimitSet, credit.LimitData{Currency: "MEE", Account: g.ids["ada"], Limit: 20_000, Soft: 15_000, Decision: lib})
	g.ok("ada pays maya beyond her soft limit", "ada", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: g.ids["ada"], To: g.ids["maya"], Amount: 8_000, Reference: "a winter coat"})
	g.ok("ben pays the commons a tool fee", "ben", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: g.ids["ben"], To: lib, Amount: 2_000, Reference: "drill, two days"})
	g.bad("ada pays from the commons", "ada", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: lib, To: g.ids["ada"], Amount: 100, Reference: "not hers"}, meent.EFORBIDDEN)
	g.ok("maya pays ada from the commons", "maya", credit.TypeTransfer, credit.TransferData{Currency: "MEE", From: lib, To: g.ids["ada"], Amount: 1_500, Reference: "repairing the drill"})
	g.ok("ben applies December's demurrage", "ben", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000})
	g.bad("December's demurrage again", "ben", credit.TypeDemurrage, credit.DemurrageData{Currency: "MEE", Period: "2025-12", RatePPM: 20_000, Grace: 1_000}, meent.ECONFLICT)
	breadfundVectors(g, lib)
	sharingScenario(g, lib)

	g.bad("an unknown data member", "ada", commons.TypeNeedClaim, map[string]any{"need": need, "days": 3}, meent.EMALFORMED)
	d := g.st.Summary()
	g.f.Digest, g.f.Parts = hex.EncodeToString(d.Total[:]), partsOf(d)
	return g.f
}

func encodeVectors(t *testing.T, f vectorFile) []byte {
	b, err := json.Marshal(f, json.Deterministic(true), jsontext.Multiline(true), jsontext.WithIndent("  "))
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestEventVectors regenerates testdata/events.json from the scenario and
// checks it is the file in the repository (with -update it writes it).
func TestEventVectors(t *testing.T) {
	got := encodeVectors(t, generate(t))
	if *update {
		if err := os.WriteFile(eventsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(eventsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the scenario generates; run go test ./state -update", eventsFile)
	}
}

func readVectors(t *testing.T) vectorFile {
	t.Helper()
	b, err := os.ReadFile(eventsFile)
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	if err := json.Unmarshal(b, &f, json.RejectUnknownMembers(true)); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestEventVectorsReplay replays testdata/events.json through the real
// rules, as an independent verifier would: keys from their seeds, every
// entry parsed and verified, every valid event accepted at its index,
// every refused one refused with its code and without effect, and the
// state digest at the end.
func TestEventVectorsReplay(t *testing.T) {
	f := readVectors(t)
	keys := map[string]string{}
	for _, k := range f.Keys {
		if k.Seed != hex.EncodeToString(seedOf(k.Name)) {
			t.Errorf("key %s: seed is not SHA-256(meent/events/%s)", k.Name, k.Name)
		}
		seed, _ := hex.DecodeString(k.Seed)
		if pub := base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)); pub != k.Public {
			t.Errorf("key %s: public key %s, want %s", k.Name, k.Public, pub)
		}
		keys[k.Name] = k.Public
	}
	st := state.New()
	validTypes := map[string]bool{}
	for _, v := range f.Events {
		ev, err := ledger.Decode([]byte(v.Entry))
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if ev.Hash.String() != v.Hash || ev.Type != v.Type || base64.StdEncoding.EncodeToString(ev.Key) != keys[v.Signer] {
			t.Fatalf("%s: hash %s type %s key %x; the vector says %s %s %s", v.Name, ev.Hash, ev.Type, ev.Key, v.Hash, v.Type, v.Signer)
		}
		before, idx := st.Digest(), st.Size
		err = st.Apply(ev)
		switch {
		case v.Valid && (err != nil || v.Index != idx):
			t.Fatalf("%s: %v at index %d, want accepted at %d", v.Name, err, idx, v.Index)
		case !v.Valid && (meent.ErrorCode(err) != v.Error || v.Error == "" || v.Index != -1):
			t.Fatalf("%s: %v, want %s", v.Name, err, v.Error)
		case !v.Valid && (st.Digest() != before || st.Size != idx):
			t.Fatalf("%s: refused, but the state changed", v.Name)
		}
		if v.Valid {
			validTypes[v.Type] = true
		}
	}
	d := st.Summary()
	if hex.EncodeToString(d.Total[:]) != f.Digest {
		t.Errorf("state digest %x, want %s (if the change of the state is intended: go test ./state -update)", d.Total, f.Digest)
	}
	if got := partsOf(d); !maps.Equal(got, f.Parts) {
		t.Errorf("state digest parts %v, want %v", got, f.Parts)
	}
	for _, et := range state.EventTypes {
		if !validTypes[et.Type] {
			t.Errorf("no valid vector of %s", et.Type)
		}
	}
}
