package commons

import (
	"slices"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
)

// Claiming an identity.
//
// An identity (the author of imported commits, "git:" and an email) earns
// value before anyone says who it is; that value is kept for it. Anyone can
// write an email address into a commit, and anyone can sign an
// identity.claim, so a claim alone moves nothing: it opens a pending
// IdentityClaim, public in the log and on the identities page, that
// becomes the mapping (and moves the kept value) only in one of two ways:
//
//   - a maintainer of the commons confirms it: identity.attest naming the
//     claimant (a maintainer is who vouched for the imported history in the
//     first place, and decides every contest);
//   - the claim is proven and nobody objected: a commit imported into the
//     commons, authored by the identity, whose message has a line
//     "meent-claim: <agent ID>" naming the claimant (only the owner of the
//     identity can land such a commit on the commons' main line, as a
//     keybase-style proof), and then, ContestWindow after both the claim and
//     its proof are in the log, an identity.finalize that anyone may sign.
//
// A rival claim on the same identity, or an identity.contest by a maintainer
// or a rival claimant, blocks finalization: then only a maintainer decides
// (identity.attest, or identity.reject per claim).
//
// Rules cannot read a clock. The window is measured in event times: a claim
// opens at the later of its own time and the latest time of any commons
// event before it (so it cannot be dated before what the log already
// holds), and the node refuses a claim whose time is not current
// (FreshTime); identity.finalize must carry a time at least ContestWindow
// after the claim and its proof, and the node refuses events from the
// future. An objection counts whenever it is in the log before the claim
// takes effect, even after the window: the window only says how long a
// proven claim must wait at least.
const (
	TypeIdentityContest  = "identity.contest"  // ContestData: block a pending claim until a maintainer decides
	TypeIdentityReject   = "identity.reject"   // ContestData: a maintainer closes a pending claim
	TypeIdentityFinalize = "identity.finalize" // IdentityData (Agent: the claimant): a proven claim takes effect
)

// KindIdentityClaim is the object kind of an IdentityClaim; its ID is the
// hash of the identity.claim event.
const KindIdentityClaim = "identity_claim"

// ContestWindow is how long (ms) a proven claim stays open to objection
// before identity.finalize can make it effective: 14 days, for every
// commons, so an owner who reads the log or the identities page every
// other week sees a claim on their identity before it moves anything. A
// maintainer's confirmation does not wait.
const ContestWindow int64 = 14 * dayMillis

// ClaimLineKey starts the line of a commit message that names the agent
// claiming the commit's author identity: "meent-claim: <agent ID>".
const ClaimLineKey = "meent-claim"

// MaxClaimLines bounds the agents one imported commit may name.
const MaxClaimLines = 4

// Claim statuses. Pending, proven and contested claims are open.
const (
	ClaimPending   = "pending"   // waits for a proof or a maintainer
	ClaimProven    = "proven"    // a commit proves it; finalize after the window
	ClaimContested = "contested" // someone objected; a maintainer decides
	ClaimEffective = "effective" // finalized: the identity is the claimant's
	ClaimConfirmed = "confirmed" // a maintainer attested the claimant
	ClaimRejected  = "rejected"  // a maintainer rejected it, or attested someone else
)

// ContestData is the data of identity.contest and identity.reject: which
// claim (the claimant's open claim on the identity), and why.
type ContestData struct {
	Commons  string `json:"commons"`
	Identity string `json:"identity"`
	Agent    string `json:"agent"` // the claimant
	Reason   string `json:"reason"`
}

// IdentityClaim is one agent's claim on an identity in a commons.
type IdentityClaim struct {
	ID       string `json:"id"` // hash of the identity.claim event
	Commons  string `json:"commons"`
	Identity string `json:"identity"`
	Agent    string `json:"agent"`
	Index    int64  `json:"index"` // log index of the claim
	Time     int64  `json:"time"`  // ms: when it opened (never before an earlier commons event)
	Status   string `json:"status"`
	// Proof is the imported commit by the identity that names the agent;
	// ProvenAt (ms) is when the claim and its proof were both in the log.
	Proof    string `json:"proof,omitempty"`
	ProvenAt int64  `json:"proven_at,omitzero"`
	// Ready (ms) is the earliest time identity.finalize may carry: ProvenAt
	// plus ContestWindow; 0 until the claim is proven.
	Ready      int64       `json:"ready,omitzero"`
	Objections []Objection `json:"objections,omitempty"`
	Decided    int64       `json:"decided,omitzero"` // log index that closed it
	DecidedBy  string      `json:"decided_by,omitempty"`
	Updated    int64       `json:"updated"`
}

// Objection is a contest of a claim: by a maintainer, by a rival
// claimant's own claim (Rival), or by identity.contest.
type Objection struct {
	Index  int64  `json:"index"`
	Agent  string `json:"agent"`
	Reason string `json:"reason,omitempty"`
	Rival  bool   `json:"rival,omitzero"` // the objection is the agent's own claim
}

// Open reports whether a claim still waits for a decision.
func (c *IdentityClaim) Open() bool {
	return c.Status == ClaimPending || c.Status == ClaimProven || c.Status == ClaimContested
}

// proof is an imported commit that names an agent in a claim line.
type proof struct {
	agent, commit string
	index, time   int64
}

// FreshTime reports whether the node must refuse an event of this type
// whose time is not current (older than its allowed clock skew). It is
// the node's admission check, not a rule (an auditor replaying the log has
// no clock): a claim's contest window runs from its time, so a claim
// signed with a time in the past would shorten its own window.
func FreshTime(typ string) bool { return typ == TypeIdentityClaim }

// Claims returns the claims on identities of a commons, open or closed,
// in log order.
func (s *State) Claims(commonsID string) []IdentityClaim {
	var out []IdentityClaim
	for _, id := range s.claimsBy[commonsID] {
		c := *s.claims[id]
		c.Objections = slices.Clone(c.Objections)
		out = append(out, c)
	}
	return out
}

// Claim returns a claim by its ID, or nil.
func (s *State) Claim(id string) *IdentityClaim { return s.claims[id] }

// checkClaimLines checks the agents an imported commit names in claim lines.
func checkClaimLines(i int, agents []string) error {
	if len(agents) > MaxClaimLines {
		return refuse("commits[%d]: at most %d claim lines", i, MaxClaimLines)
	}
	for j, a := range agents {
		if len(a) != 64 || !isHex(a) || slices.Contains(agents[:j], a) {
			return refuse("commits[%d]: claims must be distinct agent IDs (64 lowercase hex digits)", i)
		}
	}
	return nil
}

// recordProofs remembers the claim lines of imported commits and proves
// the open claims they answer. idx and t are the import's index and time.
func (s *State) recordProofs(idx, t int64, commonsID string, commits []ImportedCommit) {
	for _, k := range commits {
		for _, a := range k.Claims {
			ik := identityKey{commonsID, k.Identity}
			s.proofs[ik] = append(s.proofs[ik], proof{agent: a, commit: k.Commit, index: idx, time: t})
			for _, cid := range s.openClaims[ik] {
				if c := s.claims[cid]; c.Agent == a && c.Proof == "" {
					s.prove(c, k.Commit, max(t, s.clock), idx)
				}
			}
		}
	}
}

func (s *State) prove(c *IdentityClaim, commit string, at, idx int64) {
	c.Proof, c.ProvenAt, c.Ready = commit, max(at, c.Time), max(at, c.Time)+ContestWindow
	if c.Status == ClaimPending {
		c.Status = ClaimProven
	}
	c.Updated = idx
	s.touch(KindIdentityClaim, c.ID)
}

// findProof looks for an imported commit by identity naming agent, in the
// commons and, through a fork's lineage, in what upstream imported before
// the fork (as Recognised does for contributions).
func (s *State) findProof(commonsID, identity, agent string) (proof, bool) {
	limit := int64(-1)
	for c := s.commons[commonsID]; c != nil; c = s.commons[c.ForkOf] {
		for _, p := range s.proofs[identityKey{c.ID, identity}] {
			if p.agent == agent && (limit < 0 || p.index < limit) {
				return p, true
			}
		}
		if c.ForkOf == "" {
			break
		}
		if limit < 0 || c.ForkedAt < limit {
			limit = c.ForkedAt
		}
	}
	return proof{}, false
}

// openClaim finds the claimant's open claim on an identity.
func (s *State) openClaim(commonsID, identity, agent string) *IdentityClaim {
	for _, id := range s.openClaims[identityKey{commonsID, identity}] {
		if c := s.claims[id]; c.Agent == agent {
			return c
		}
	}
	return nil
}

// identityOf decodes and checks the data of identity.claim,
// identity.attest and identity.finalize.
func (s *State) identityOf(o op) (IdentityData, *Commons, error) {
	var d IdentityData
	if err := o.ev.DecodeData(&d); err != nil {
		return d, nil, err
	}
	c := s.commons[d.Commons]
	if c == nil {
		return d, nil, refuse("unknown commons %s", d.Commons)
	}
	if err := checkIdentity(d.Identity); err != nil {
		return d, nil, err
	}
	return d, c, nil
}

// identityAttest: a maintainer says which agent the identity is.
func (s *State) identityAttest(o op) error {
	idx, me := o.Index, o.me
	d, c, err := s.identityOf(o)
	if err != nil {
		return err
	}
	ik := identityKey{c.ID, d.Identity}
	if err := o.Auth.May(me, authority.AttestIdentity, authority.In(c.ID, c.Name)); err != nil {
		return err
	}
	if d.Agent == "" || o.agents.Agent(d.Agent) == nil {
		return refuse("unknown agent %q", d.Agent)
	}
	// The maintainer decides: the attested agent's claim is
	// confirmed, every other open claim on the identity rejected.
	for _, id := range s.openClaims[ik] {
		cl := s.claims[id]
		cl.Status = ClaimRejected
		if cl.Agent == d.Agent {
			cl.Status = ClaimConfirmed
		}
		cl.Decided, cl.DecidedBy, cl.Updated = idx, me, idx
		s.touch(KindIdentityClaim, cl.ID)
	}
	delete(s.openClaims, ik)
	s.mapIdentity(o, c.ID, Mapping{Identity: d.Identity, Agent: d.Agent, By: me, Attested: true, Index: idx})
	return nil
}

// identityFinalize: a proven, uncontested claim takes effect after the
// contest window.
func (s *State) identityFinalize(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	d, c, err := s.identityOf(o)
	if err != nil {
		return err
	}
	ik := identityKey{c.ID, d.Identity}
	if d.Agent == "" {
		return refuse("name the claimant (agent) whose claim takes effect")
	}
	cl := s.openClaim(c.ID, d.Identity, d.Agent)
	if cl == nil {
		return refuse("%s has no open claim on %s", d.Agent, d.Identity)
	}
	switch {
	case cl.Status == ClaimContested:
		return meent.Errorf(meent.ECONFLICT, "the claim on %s was contested; a maintainer of %s decides it", d.Identity, c.Name)
	case cl.Proof == "":
		return refuse("the claim on %s is not proven: it needs an imported commit by %s with the line \"%s: %s\", or a maintainer's confirmation",
			d.Identity, d.Identity, ClaimLineKey, d.Agent)
	case ev.Time < cl.Ready:
		return refuse("the claim on %s is open to objection until %d (ms); finalize after that", d.Identity, cl.Ready)
	}
	cl.Status, cl.Decided, cl.DecidedBy, cl.Updated = ClaimEffective, idx, me, idx
	s.touch(KindIdentityClaim, cl.ID)
	delete(s.openClaims, ik) // an uncontested claim is the only open one
	s.mapIdentity(o, c.ID, Mapping{Identity: d.Identity, Agent: d.Agent, By: d.Agent, Index: idx, Claim: cl.ID, Proof: cl.Proof})
	return nil
}

// identityClaim opens a claim and maps nothing.
func (s *State) identityClaim(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	d, c, err := s.identityOf(o)
	if err != nil {
		return err
	}
	ik := identityKey{c.ID, d.Identity}
	old := s.mappings[c.ID][d.Identity]
	if d.Agent != "" && d.Agent != me {
		return forbid("a claim is signed by the agent it names; a maintainer attests for someone else")
	}
	d.Agent = me
	if old != nil && old.Agent == me {
		return meent.Errorf(meent.ECONFLICT, "%s is already yours", d.Identity)
	}
	if old != nil {
		return meent.Errorf(meent.ECONFLICT, "%s is already %s's; a maintainer can attest who it is", d.Identity, old.Agent)
	}
	if s.openClaim(c.ID, d.Identity, me) != nil {
		return meent.Errorf(meent.ECONFLICT, "you already claimed %s; it waits for a proof or a maintainer", d.Identity)
	}
	cl := &IdentityClaim{
		ID: ev.Hash.String(), Commons: c.ID, Identity: d.Identity, Agent: me, Index: idx,
		Time: max(ev.Time, s.clock), Status: ClaimPending, Updated: idx,
	}
	// Two claims on one identity cannot both be right: each objects to
	// the other, and a maintainer decides.
	for _, id := range s.openClaims[ik] {
		rival := s.claims[id]
		rival.Objections = append(rival.Objections, Objection{Index: idx, Agent: me, Rival: true})
		rival.Status, rival.Updated = ClaimContested, idx
		s.touch(KindIdentityClaim, rival.ID)
		cl.Objections = append(cl.Objections, Objection{Index: idx, Agent: rival.Agent, Rival: true})
		cl.Status = ClaimContested
	}
	s.claims[cl.ID] = cl
	s.claimsBy[c.ID] = append(s.claimsBy[c.ID], cl.ID)
	s.openClaims[ik] = append(s.openClaims[ik], cl.ID)
	s.touch(KindIdentityClaim, cl.ID)
	if p, ok := s.findProof(c.ID, d.Identity, me); ok {
		s.prove(cl, p.commit, cl.Time, idx)
	}
	return nil
}

// contestOf decodes and checks the data of identity.contest and
// identity.reject, and finds the open claim they name.
func (s *State) contestOf(o op) (ContestData, *Commons, *IdentityClaim, error) {
	var d ContestData
	if err := o.ev.DecodeData(&d); err != nil {
		return d, nil, nil, err
	}
	c := s.commons[d.Commons]
	if c == nil {
		return d, nil, nil, refuse("unknown commons %s", d.Commons)
	}
	if err := checkIdentity(d.Identity); err != nil {
		return d, nil, nil, err
	}
	if err := checkReason(d.Reason); err != nil {
		return d, nil, nil, err
	}
	cl := s.openClaim(c.ID, d.Identity, d.Agent)
	if cl == nil {
		return d, nil, nil, refuse("%s has no open claim on %s", d.Agent, d.Identity)
	}
	return d, c, cl, nil
}

// identityReject: a maintainer closes an open claim.
func (s *State) identityReject(o op) error {
	idx, me := o.Index, o.me
	d, c, cl, err := s.contestOf(o)
	if err != nil {
		return err
	}
	if err := o.Auth.May(me, authority.RejectClaim, authority.In(c.ID, c.Name).About(d.Identity)); err != nil {
		return err
	}
	cl.Status, cl.Decided, cl.DecidedBy, cl.Updated = ClaimRejected, idx, me, idx
	cl.Objections = append(cl.Objections, Objection{Index: idx, Agent: me, Reason: d.Reason})
	ik := identityKey{c.ID, d.Identity}
	s.openClaims[ik] = slices.DeleteFunc(s.openClaims[ik], func(id string) bool { return id == cl.ID })
	if len(s.openClaims[ik]) == 0 {
		delete(s.openClaims, ik)
	}
	s.touch(KindIdentityClaim, cl.ID)
	return nil
}

// identityContest blocks an open claim until a maintainer decides.
func (s *State) identityContest(o op) error {
	idx, me := o.Index, o.me
	d, c, cl, err := s.contestOf(o)
	if err != nil {
		return err
	}
	// A contest: by a maintainer, or by a rival claimant (who has an open
	// claim on the same identity). Anyone else would only be a way to
	// stall every claim; they can claim the identity themselves.
	if cl.Agent == me {
		return refuse("a claimant does not contest its own claim")
	}
	var claimants []string // rivals: who has an open claim on the identity
	for _, id := range s.openClaims[identityKey{c.ID, d.Identity}] {
		claimants = append(claimants, s.claims[id].Agent)
	}
	if err := o.Auth.May(me, authority.ContestClaim, authority.In(c.ID, c.Name).About(d.Identity).With(claimants...)); err != nil {
		return err
	}
	if slices.ContainsFunc(cl.Objections, func(o Objection) bool { return o.Agent == me && !o.Rival }) {
		return meent.Errorf(meent.ECONFLICT, "you already contested this claim")
	}
	cl.Objections = append(cl.Objections, Objection{Index: idx, Agent: me, Reason: d.Reason})
	cl.Status, cl.Updated = ClaimContested, idx
	s.touch(KindIdentityClaim, cl.ID)
	return nil
}

// mapIdentity records a mapping and credits the identity's imported
// contributions to its agent. The value kept for it moves in package value,
// which handles the IdentityMapped effect emitted here (state delivers it
// once the event is accepted).
func (s *State) mapIdentity(o op, commonsID string, m Mapping) {
	idx := o.Index
	if s.mappings[commonsID] == nil {
		s.mappings[commonsID] = map[string]*Mapping{}
	}
	s.mappings[commonsID][m.Identity] = &m
	for _, id := range s.byIdentity[identityKey{commonsID, m.Identity}] {
		if k := s.contributions[id]; k.Contributor != m.Agent {
			k.Contributor = m.Agent
			k.Updated = idx
			s.touch(KindContribution, k.ID)
		}
	}
	s.touch(KindMapping, commonsID+"/"+m.Identity)
	o.Emit(IdentityMapped{Commons: commonsID, Identity: m.Identity, Agent: m.Agent})
}

// ClaimLineAgents returns the agent IDs a commit message names in claim
// lines ("meent-claim: <agent ID>", the key in any case, one per line),
// in order, without repeats, at most MaxClaimLines. Importers call it to
// fill ImportedCommit.Claims.
func ClaimLineAgents(message string) []string {
	var out []string
	for line := range strings.Lines(message) {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), ClaimLineKey) {
			continue
		}
		val = strings.ToLower(strings.TrimSpace(val))
		if len(val) == 64 && isHex(val) && !slices.Contains(out, val) && len(out) < MaxClaimLines {
			out = append(out, val)
		}
	}
	return out
}
