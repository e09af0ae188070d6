package commons

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meent/meent"
)

// Imported history and identities.
//
// A maintainer imports a repository's history with contribution.import:
// each commit becomes a contribution that is accepted at once (the issue's
// rule: commits reachable from the main branch count as accepted; the
// maintainer vouches for that by signing the import). A commit's author is
// an identity ("git:" and the lowercased email), not an agent: identities
// map to agents through a claim that is proven or confirmed (identity.go),
// or identity.attest, signed by a maintainer. Until then the value of an
// unmapped identity is kept for it (value.RecipientIdentity) and moves to
// the agent when the identity is mapped.
const (
	TypeImport         = "contribution.import" // ImportData
	TypeIdentityClaim  = "identity.claim"      // IdentityData (Agent empty: the signer); opens an IdentityClaim
	TypeIdentityAttest = "identity.attest"     // IdentityData
)

// Limits of imports and identities.
const (
	MaxImportCommits = 200 // commits per contribution.import event
	MaxIdentity      = 320 // bytes of an identity
)

// ImportData is the data of contribution.import.
//
// Evolution: Amends was added after the first release; an import without
// it means what it always meant. Commits may be empty when Amends is not.
type ImportData struct {
	Commons string           `json:"commons"`
	Source  string           `json:"source,omitempty"` // where the history came from (a URL or a name), for people
	Commits []ImportedCommit `json:"commits"`
	Amends  []LineCounts     `json:"amends,omitempty"`
}

// LineCounts are the line counts of a commit imported earlier without them
// (ImportedCommit.NoStats: the boundary of a shallow clone, or a blob
// absent from a partial clone), read by a later import that could. They
// amend that contribution from this event's ledger position on: a
// distribution recorded before it keeps the counts it ran with.
type LineCounts struct {
	Commit       string `json:"commit"`
	Files        int64  `json:"files,omitempty"`
	LinesAdded   int64  `json:"lines_added,omitempty"`
	LinesRemoved int64  `json:"lines_removed,omitempty"`
}

// ImportedCommit is one commit of an import.
type ImportedCommit struct {
	Commit       string `json:"commit"`   // full object name, lowercase hex
	Identity     string `json:"identity"` // e.g. "git:ada@example.org"
	Name         string `json:"name,omitempty"`
	Time         int64  `json:"time"` // author time, ms; 0 when the commit has none
	Subject      string `json:"subject,omitempty"`
	Files        int64  `json:"files,omitempty"`
	LinesAdded   int64  `json:"lines_added,omitempty"`
	LinesRemoved int64  `json:"lines_removed,omitempty"`
	Merge        bool   `json:"merge,omitzero"`
	NoStats      bool   `json:"no_stats,omitzero"` // line counts could not be read
	// Claims are the agents the commit's message names in claim lines
	// ("meent-claim: <agent ID>", see ClaimLineAgents): proofs that the
	// commit's author identity is theirs.
	Claims []string `json:"claims,omitempty"`
}

// IdentityData is the data of identity.claim and identity.attest.
type IdentityData struct {
	Commons  string `json:"commons"`
	Identity string `json:"identity"`
	Agent    string `json:"agent,omitempty"` // attest: the agent; claim: must be empty or the signer
}

// Mapping says which agent an identity is, in one commons, and how that
// was established.
type Mapping struct {
	Identity string `json:"identity"`
	Agent    string `json:"agent"`
	By       string `json:"by"`       // the agent who signed the claim or attestation
	Attested bool   `json:"attested"` // a maintainer attested it; a later claim cannot change it
	Index    int64  `json:"index"`
	Claim    string `json:"claim,omitempty"` // the proven claim it came from (identity.finalize)
	Proof    string `json:"proof,omitempty"` // that claim's proof commit
}

// ImportedID is the contribution ID of a commit imported into a commons.
// It depends only on the two, so the same commit is never imported twice.
func ImportedID(commonsID, commit string) string {
	h := sha256.Sum256([]byte("meent/git-commit\n" + commonsID + "\n" + commit))
	return hex.EncodeToString(h[:])
}

// Identity returns the agent an identity maps to in a commons ("" if none).
func (s *State) Identity(commonsID, identity string) string {
	if m := s.mappings[commonsID][identity]; m != nil {
		return m.Agent
	}
	return ""
}

// Mappings returns the identity mappings of a commons, by identity.
func (s *State) Mappings(commonsID string) []Mapping {
	var out []Mapping
	for _, m := range s.mappings[commonsID] {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Mapping) int { return strings.Compare(a.Identity, b.Identity) })
	return out
}

// Imported reports whether a commit was imported into a commons, or into
// an upstream commons before the fork (so a fork does not count it twice).
func (s *State) Imported(commonsID, commit string) bool {
	for c := s.commons[commonsID]; c != nil; c = s.commons[c.ForkOf] {
		if s.contributions[ImportedID(c.ID, commit)] != nil {
			return true
		}
		if c.ForkOf == "" {
			break
		}
	}
	return false
}

type identityKey struct{ commons, identity string }

func checkIdentity(id string) error {
	kind, rest, ok := strings.Cut(id, ":")
	if !ok || kind == "" || strings.TrimSpace(rest) != rest || rest == "" || len(id) > MaxIdentity || !utf8.ValidString(id) ||
		strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return refuse("identity %q must be kind:value (like git:ada@example.org), one line of at most %d bytes", id, MaxIdentity)
	}
	for _, r := range kind {
		if r < 'a' || r > 'z' {
			return refuse("identity kind %q must be lowercase letters", kind)
		}
	}
	return nil
}

func (s *State) applyImport(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d ImportData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	c, err := s.maintained(o, d.Commons)
	if err != nil {
		return err
	}
	if n := len(d.Commits) + len(d.Amends); n == 0 || n > MaxImportCommits {
		return refuse("an import carries 1 to %d commits and amends", MaxImportCommits)
	}
	if len(d.Source) > MaxTitle || !utf8.ValidString(d.Source) {
		return refuse("source longer than %d bytes", MaxTitle)
	}
	seen := map[string]bool{}
	for i, k := range d.Commits {
		if (len(k.Commit) != 40 && len(k.Commit) != 64) || !isHex(k.Commit) {
			return refuse("commits[%d]: commit must be a full git object name (40 or 64 lowercase hex digits)", i)
		}
		if seen[k.Commit] {
			return refuse("commits[%d]: commit %s is listed twice", i, k.Commit)
		}
		if s.Imported(c.ID, k.Commit) {
			// Another event already imported it: a conflict with the
			// log, not a replay of that event (docs/ledger.md section 4).
			return meent.Errorf(meent.ECONFLICT, "commits[%d]: commit %s was already imported", i, k.Commit)
		}
		seen[k.Commit] = true
		if err := checkIdentity(k.Identity); err != nil {
			return refuse("commits[%d]: %s", i, meent.ErrorMessage(err))
		}
		if len(k.Name) > MaxTitle || len(k.Subject) > MaxTitle || !utf8.ValidString(k.Name) || !utf8.ValidString(k.Subject) ||
			strings.IndexFunc(k.Name+k.Subject, unicode.IsControl) >= 0 {
			return refuse("commits[%d]: name and subject are one line of at most %d bytes", i, MaxTitle)
		}
		if k.Time < 0 || k.Files < 0 || k.LinesAdded < 0 || k.LinesRemoved < 0 {
			return refuse("commits[%d]: time and counts cannot be negative", i)
		}
		if k.Merge && (k.Files != 0 || k.LinesAdded != 0 || k.LinesRemoved != 0) {
			return refuse("commits[%d]: a merge carries no lines (they were counted in the merged commits)", i)
		}
		if err := checkClaimLines(i, k.Claims); err != nil {
			return err
		}
	}
	amended, err := s.checkAmends(c, d.Amends, seen)
	if err != nil {
		return err
	}
	for _, k := range d.Commits {
		id := ImportedID(c.ID, k.Commit)
		title := k.Subject
		if title == "" {
			title = "(no subject)"
		}
		at := k.Time
		if at == 0 {
			at = ev.Time
		}
		s.byCommons[c.ID] = append(s.byCommons[c.ID], id)
		s.contributions[id] = &Contribution{
			ID: id, Commons: c.ID, Contributor: s.Identity(c.ID, k.Identity), Identity: k.Identity, AuthorName: k.Name,
			Kind: "code", Title: title, Evidence: []Evidence{{Commit: k.Commit}},
			Quantities: Quantities{LinesAdded: k.LinesAdded, LinesRemoved: k.LinesRemoved},
			Import:     &ImportInfo{By: me, Source: d.Source, Files: k.Files, Merge: k.Merge, NoStats: k.NoStats},
			Status:     Accepted, Revision: 1, Submitted: idx, SubmittedAt: at, Decided: idx, Updated: idx,
			History: []Step{{Index: idx, Time: ev.Time, Agent: me, Action: "import"}},
		}
		ik := identityKey{c.ID, k.Identity}
		s.byIdentity[ik] = append(s.byIdentity[ik], id)
		s.touch(KindContribution, id)
	}
	s.recordProofs(idx, ev.Time, c.ID, d.Commits)
	for i, a := range d.Amends {
		k := amended[i]
		k.Quantities.LinesAdded, k.Quantities.LinesRemoved = a.LinesAdded, a.LinesRemoved
		k.Import.Files, k.Import.NoStats = a.Files, false
		k.Updated = idx
		k.History = append(k.History, Step{Index: idx, Time: ev.Time, Agent: me, Action: "amend-lines",
			Reason: fmt.Sprintf("line counts read by a later import: +%d -%d in %d files (were unknown)", a.LinesAdded, a.LinesRemoved, a.Files)})
		s.touch(KindContribution, k.ID)
	}
	return nil
}

// checkAmends checks the amends of an import into c and returns the
// contributions they amend, in order. Only counts that were unknown can be
// given: a commit imported with counts keeps them, so an amend can never
// rewrite what a maintainer imported as read. Only the commons that
// imported a commit amends it; a fork's view of an upstream commit follows
// the upstream's amend. seen holds the commits of the same event, which
// cannot be amended in it (they are imported with what was read).
func (s *State) checkAmends(c *Commons, amends []LineCounts, seen map[string]bool) ([]*Contribution, error) {
	out := make([]*Contribution, len(amends))
	for i, a := range amends {
		if (len(a.Commit) != 40 && len(a.Commit) != 64) || !isHex(a.Commit) {
			return nil, refuse("amends[%d]: commit must be a full git object name (40 or 64 lowercase hex digits)", i)
		}
		if seen[a.Commit] {
			return nil, refuse("amends[%d]: commit %s is named twice in this import", i, a.Commit)
		}
		seen[a.Commit] = true
		k := s.contributions[ImportedID(c.ID, a.Commit)]
		if k == nil || k.Import == nil {
			return nil, refuse("amends[%d]: commit %s was not imported into %s", i, a.Commit, c.Name)
		}
		if !k.Import.NoStats {
			return nil, meent.Errorf(meent.ECONFLICT, "amends[%d]: commit %s was imported with its line counts; only unknown counts can be amended", i, a.Commit)
		}
		if a.Files < 0 || a.LinesAdded < 0 || a.LinesRemoved < 0 {
			return nil, refuse("amends[%d]: counts cannot be negative", i)
		}
		if k.Import.Merge && (a.Files != 0 || a.LinesAdded != 0 || a.LinesRemoved != 0) {
			return nil, refuse("amends[%d]: a merge carries no lines (they were counted in the merged commits)", i)
		}
		out[i] = k
	}
	return out, nil
}

// Maintains reports whether an agent maintains at least one commons.
func (s *State) Maintains(agentID string) bool {
	for _, c := range s.commons {
		if slices.Contains(c.Maintainers, agentID) {
			return true
		}
	}
	return false
}

// All returns every commons, by ID.
func (s *State) All() []*Commons {
	out := make([]*Commons, 0, len(s.commons))
	for _, c := range s.commons {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Commons) int { return strings.Compare(a.ID, b.ID) })
	return out
}
