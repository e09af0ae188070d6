package value

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/private"
)

// Event types of the value cycle, with the shape of their data.
const (
	TypePolicySet       = "value.policy.set" // PolicySetData: a new version of a commons' value policy
	TypeIncomeRecord    = "income.record"    // IncomeData
	TypeDistributionRun = "distribution.run" // RunData: distribute one income at this ledger position
	TypePayoutSettle    = "payout.settle"    // SettleData: a payment made outside the system
)

// Object kinds this area projects.
const (
	KindPolicy       = "value_policy"
	KindIncome       = "income"
	KindDistribution = "distribution"
	KindBalance      = "balance"
)

// Income kinds.
var IncomeKinds = []string{"donation", "grant", "sale", "license_fee", "other"}

// PolicySetData is the data of value.policy.set.
type PolicySetData struct {
	Commons string         `json:"commons"`
	Policy  jsontext.Value `json:"policy"` // a Policy document, see docs/value.md
}

// IncomeData is the data of income.record.
type IncomeData struct {
	Commons   string        `json:"commons"`
	Kind      string        `json:"kind"`
	Amount    commons.Money `json:"amount"`
	Payer     string        `json:"payer,omitempty"`     // agent ID, if the payer is an agent
	Reference string        `json:"reference,omitempty"` // e.g. a bank transfer or grant number
}

// RunData is the data of distribution.run. Digest, when given, must equal
// the digest the rules compute: the signer states what they expect the
// inputs to be, and a node that sees other inputs refuses.
type RunData struct {
	Income string `json:"income"`
	Digest string `json:"digest,omitempty"`
}

// SettleData is the data of payout.settle. The payment made outside the
// system is named by Reference (public text: a batch or message ID, never
// personal data; the node refuses an IBAN or e-mail address in it), by
// RefCommitment (the commitment of a private record that holds the
// details, see package private and docs/privacy.md), or by both. Events
// before ref_commitment existed carry only a reference and stay valid.
type SettleData struct {
	Commons       string        `json:"commons"`
	Kind          string        `json:"kind"`      // agent, identity or pool
	Recipient     string        `json:"recipient"` // agent ID, identity or pool name
	Amount        commons.Money `json:"amount"`
	Reference     string        `json:"reference,omitempty"`      // public: the payment outside the system
	RefCommitment string        `json:"ref_commitment,omitempty"` // private: 64 hex digits, see package private
}

// PolicyVersion is one stored version of a commons' value policy.
type PolicyVersion struct {
	Commons string         `json:"commons"`
	Version int            `json:"version"`
	Policy  jsontext.Value `json:"policy"`
	Author  string         `json:"author"`
	Index   int64          `json:"index"`

	compiled *Compiled
}

// Income is one recorded income of a commons.
type Income struct {
	ID          string        `json:"id"`
	Commons     string        `json:"commons"`
	Kind        string        `json:"kind"`
	Amount      commons.Money `json:"amount"`
	Payer       string        `json:"payer,omitempty"`
	Reference   string        `json:"reference,omitempty"`
	Recorder    string        `json:"recorder"`
	Index       int64         `json:"index"`
	Distributed string        `json:"distributed,omitempty"` // the distribution that spent it
}

// Distribution is one run of a policy over an income, with its result.
type Distribution struct {
	ID            string `json:"id"`
	Commons       string `json:"commons"`
	Income        string `json:"income"`
	PolicyVersion int    `json:"policy_version"` // 0: the default policy
	Index         int64  `json:"index"`
	Result        Result `json:"result"`
}

// Settlement is one payment recorded against a balance.
type Settlement struct {
	Index         int64  `json:"index"`
	Amount        int64  `json:"amount"`
	Reference     string `json:"reference"`
	RefCommitment string `json:"ref_commitment,omitempty"` // a private record's commitment
}

// Balance is what the commons owes one recipient in one currency: every
// allocation adds to Owed, every settlement to Paid. What was kept for an
// identity moves to its agent when the identity is mapped (Moved, and a
// Move on both balances).
type Balance struct {
	Commons     string       `json:"commons"`
	Kind        string       `json:"kind"`
	Recipient   string       `json:"recipient"`
	Currency    string       `json:"currency"`
	Owed        int64        `json:"owed"`
	Paid        int64        `json:"paid"`
	Moved       int64        `json:"moved,omitzero"` // moved on to the agent an identity maps to
	Settlements []Settlement `json:"settlements,omitempty"`
	Moves       []Move       `json:"moves,omitempty"`
	Created     int64        `json:"created"`
	Updated     int64        `json:"updated"`
}

// Move is an amount kept for an identity that went to its agent.
type Move struct {
	Index  int64  `json:"index"`
	Amount int64  `json:"amount"`
	From   string `json:"from,omitempty"` // on the agent's balance: the identity
	To     string `json:"to,omitempty"`   // on the identity's balance: the agent
}

// Open returns what is still to pay.
func (b *Balance) Open() int64 { return b.Owed - b.Paid - b.Moved }

type balKey struct{ commons, kind, recipient, currency string }

func (k balKey) id() string { return k.commons + "/" + k.kind + "/" + k.recipient + "/" + k.currency }

// State is what the value rules know.
type State struct {
	policies      map[string][]*PolicyVersion
	incomes       map[string]*Income
	distributions map[string]*Distribution
	balances      map[string]*Balance // by balKey.id()
	dirty         map[[2]string]bool
}

// NewState returns an empty State.
func NewState() *State {
	return &State{
		policies:      map[string][]*PolicyVersion{},
		incomes:       map[string]*Income{},
		distributions: map[string]*Distribution{},
		balances:      map[string]*Balance{},
		dirty:         map[[2]string]bool{},
	}
}

// Policy returns the current policy version of a commons, or nil (the
// default policy applies).
func (s *State) Policy(commonsID string) *PolicyVersion {
	vs := s.policies[commonsID]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// Income returns an income or nil.
func (s *State) Income(id string) *Income { return s.incomes[id] }

// Distribution returns a distribution or nil.
func (s *State) Distribution(id string) *Distribution { return s.distributions[id] }

// Balances returns every balance, in a stable order.
func (s *State) Balances() []*Balance {
	out := make([]*Balance, 0, len(s.balances))
	for _, b := range s.balances {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		return balKey{out[i].Commons, out[i].Kind, out[i].Recipient, out[i].Currency}.id() <
			balKey{out[j].Commons, out[j].Kind, out[j].Recipient, out[j].Currency}.id()
	})
	return out
}

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

// Input builds the input of a distribution of income inc at time asOf
// from the peer-production state: every contribution the commons
// recognises (its own and, through forks, upstream work accepted before
// the fork) that is accepted.
func Inputs(cs *commons.State, commonsID string, income commons.Money, asOf int64) Input {
	in := Input{Income: income, AsOf: asOf}
	for id := range cs.Recognised(commonsID) {
		k := cs.Contribution(id)
		if k == nil || k.Status != commons.Accepted {
			continue
		}
		var bounty int64
		if n := cs.Need(k.Need); n != nil && n.Bounty != nil {
			bounty = n.Bounty.Amount
		}
		in.Contributions = append(in.Contributions, FromCommons(k, bounty))
	}
	slices.SortFunc(in.Contributions, func(a, b Contribution) int { return strings.Compare(a.ID, b.ID) })
	return in
}

// Compiled returns the compiled current policy of a commons (the default
// policy when it has none).
func (s *State) Compiled(commonsID string) (*Compiled, int, error) {
	if v := s.Policy(commonsID); v != nil {
		return v.compiled, v.Version, nil
	}
	c, err := compiledDefault()
	return c, 0, err
}

// compiledDefault compiles the default policy once. A Compiled is never
// changed after Compile, so every commons without a policy shares it;
// compiling it again for every distribution.run (CEL compile and probes)
// was two thirds of that event's cost in node BenchmarkIngestTypes.
var compiledDefault = sync.OnceValues(func() (*Compiled, error) { return Compile(DefaultPolicy()) })

func (s *State) policySet(o op) error {
	idx, ev, me := o.Index, o.ev, o.me
	var d PolicySetData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if _, err := o.maintainer(d.Commons, authority.SetValuePolicy); err != nil {
		return err
	}
	p, err := DecodePolicy(d.Policy)
	if err != nil {
		return err
	}
	c, err := Compile(p)
	if err != nil {
		return err
	}
	v := &PolicyVersion{Commons: d.Commons, Version: len(s.policies[d.Commons]) + 1, Policy: d.Policy, Author: me, Index: idx, compiled: c}
	s.policies[d.Commons] = append(s.policies[d.Commons], v)
	s.dirty[[2]string{KindPolicy, policyID(v)}] = true
	return nil
}

func (s *State) incomeRecord(o op) error {
	idx, ev, me, agents := o.Index, o.ev, o.me, o.agents
	var d IncomeData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if _, err := o.maintainer(d.Commons, authority.RecordIncome); err != nil {
		return err
	}
	if !slices.Contains(IncomeKinds, d.Kind) {
		return refuse("income kind %q is not one of %v", d.Kind, IncomeKinds)
	}
	if err := commons.CheckMoney(d.Amount, false); err != nil {
		return err
	}
	if d.Payer != "" && agents.Agent(d.Payer) == nil {
		return refuse("unknown payer agent %s", d.Payer)
	}
	if len(d.Reference) > 200 {
		return refuse("reference longer than 200 bytes")
	}
	id := ev.Hash.String()
	s.incomes[id] = &Income{ID: id, Commons: d.Commons, Kind: d.Kind, Amount: d.Amount, Payer: d.Payer, Reference: d.Reference, Recorder: me, Index: idx}
	s.dirty[[2]string{KindIncome, id}] = true
	return nil
}

func (s *State) distributionRun(o op) error {
	idx, ev, cs := o.Index, o.ev, o.commons
	var d RunData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	inc := s.incomes[d.Income]
	if inc == nil {
		return refuse("unknown income %s", d.Income)
	}
	if _, err := o.maintainer(inc.Commons, authority.RunDistribution); err != nil {
		return err
	}
	if inc.Distributed != "" {
		return refuse("income %s was already distributed by %s", inc.ID, inc.Distributed)
	}
	compiled, version, err := s.Compiled(inc.Commons)
	if err != nil {
		return err
	}
	res, err := Distribute(compiled, Inputs(cs, inc.Commons, inc.Amount, ev.Time))
	if err != nil {
		return refuse("distribution: %s", meent.ErrorMessage(err))
	}
	if d.Digest != "" && d.Digest != res.Digest {
		return refuse("the inputs' digest is %s, not %s: the log changed since you computed it", res.Digest, d.Digest)
	}
	id := ev.Hash.String()
	s.distributions[id] = &Distribution{ID: id, Commons: inc.Commons, Income: inc.ID, PolicyVersion: version, Index: idx, Result: res}
	inc.Distributed = id
	for _, a := range res.Allocations {
		if a.Amount == 0 {
			continue
		}
		k := balKey{inc.Commons, a.Kind, a.Recipient, inc.Amount.Currency}
		b := s.balances[k.id()]
		if b == nil {
			b = &Balance{Commons: k.commons, Kind: k.kind, Recipient: k.recipient, Currency: k.currency, Created: idx}
			s.balances[k.id()] = b
		}
		b.Owed += a.Amount
		b.Updated = idx
		s.dirty[[2]string{KindBalance, k.id()}] = true
	}
	s.dirty[[2]string{KindDistribution, id}] = true
	s.dirty[[2]string{KindIncome, inc.ID}] = true
	return nil
}

func (s *State) payoutSettle(o op) error {
	idx, ev := o.Index, o.ev
	var d SettleData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if _, err := o.maintainer(d.Commons, authority.SettlePayout); err != nil {
		return err
	}
	if err := commons.CheckMoney(d.Amount, false); err != nil {
		return err
	}
	if d.Amount.Amount == 0 {
		return refuse("a settlement pays a positive amount")
	}
	if d.RefCommitment != "" {
		if _, err := private.ParseCommitment(d.RefCommitment); err != nil {
			return refuse("ref_commitment: %s", meent.ErrorMessage(err))
		}
	}
	if d.Reference != "" && strings.TrimSpace(d.Reference) == "" || len(d.Reference) > 200 ||
		d.Reference == "" && d.RefCommitment == "" {
		return refuse("a settlement names the payment made (a reference of 1 to 200 bytes, or a private record's ref_commitment)")
	}
	k := balKey{d.Commons, d.Kind, d.Recipient, d.Amount.Currency}
	b := s.balances[k.id()]
	if b == nil {
		return refuse("nothing is owed to %s %s in %s", d.Kind, d.Recipient, d.Amount.Currency)
	}
	if d.Amount.Amount > b.Open() {
		return refuse("settling %d but only %d %s is open", d.Amount.Amount, b.Open(), d.Amount.Currency)
	}
	b.Paid += d.Amount.Amount
	b.Settlements = append(b.Settlements, Settlement{Index: idx, Amount: d.Amount.Amount, Reference: d.Reference, RefCommitment: d.RefCommitment})
	b.Updated = idx
	s.dirty[[2]string{KindBalance, k.id()}] = true
	return nil
}

// AddIncome records an income that another area's rules produced (a
// license fee, when a payment for a license offer is recorded: the
// IncomeEarned effect). The caller has checked it; the ID must be new (an
// event hash).
func (s *State) AddIncome(inc Income) {
	s.incomes[inc.ID] = &inc
	s.dirty[[2]string{KindIncome, inc.ID}] = true
}

// Open returns what a commons still owes a recipient in a currency (0 when
// nothing was ever owed).
func (s *State) Open(commonsID, kind, recipient, currency string) int64 {
	if b := s.balances[balKey{commonsID, kind, recipient, currency}.id()]; b != nil {
		return b.Open()
	}
	return 0
}

// owe adds amount to what is owed to a balance (the Payable effect).
func (s *State) owe(idx int64, k balKey, amount int64) {
	b := s.balances[k.id()]
	if b == nil {
		b = &Balance{Commons: k.commons, Kind: k.kind, Recipient: k.recipient, Currency: k.currency, Created: idx}
		s.balances[k.id()] = b
	}
	b.Owed += amount
	b.Updated = idx
	s.dirty[[2]string{KindBalance, k.id()}] = true
}

// draw moves amount out of a pool's balance to to (the Drawn effect).
func (s *State) draw(idx int64, k balKey, amount int64, to string) {
	b := s.balances[k.id()]
	if b == nil {
		b = &Balance{Commons: k.commons, Kind: k.kind, Recipient: k.recipient, Currency: k.currency, Created: idx}
		s.balances[k.id()] = b
	}
	b.Moved += amount
	b.Moves = append(b.Moves, Move{Index: idx, Amount: amount, To: to})
	b.Updated = idx
	s.dirty[[2]string{KindBalance, k.id()}] = true
}

// Remap moves what is kept for an identity in a commons to the agent it now
// maps to, after an accepted identity.attest or identity.finalize (the
// commons.IdentityMapped effect). It cannot fail: the identity event was
// already accepted.
func (s *State) Remap(idx int64, commonsID, identity, agentID string) {
	for id, b := range s.balances {
		if b.Commons != commonsID || b.Kind != RecipientIdentity || b.Recipient != identity || b.Open() == 0 {
			continue
		}
		amt := b.Open()
		k := balKey{b.Commons, RecipientAgent, agentID, b.Currency}
		to := s.balances[k.id()]
		if to == nil {
			to = &Balance{Commons: k.commons, Kind: k.kind, Recipient: k.recipient, Currency: k.currency, Created: idx}
			s.balances[k.id()] = to
		}
		b.Moved += amt
		b.Moves = append(b.Moves, Move{Index: idx, Amount: amt, To: agentID})
		b.Updated = idx
		to.Owed += amt
		to.Moves = append(to.Moves, Move{Index: idx, Amount: amt, From: identity})
		to.Updated = idx
		s.dirty[[2]string{KindBalance, id}] = true
		s.dirty[[2]string{KindBalance, k.id()}] = true
	}
}

func policyID(v *PolicyVersion) string {
	return v.Commons + "/" + strconv.Itoa(v.Version)
}

// TakeDirty returns the objects changed since the last call and forgets them.
func (s *State) TakeDirty() []meent.Object {
	out := make([]meent.Object, 0, len(s.dirty))
	for k := range s.dirty {
		if o, ok := s.object(k[0], k[1]); ok {
			out = append(out, o)
		}
	}
	clear(s.dirty)
	return out
}

// DropDirty forgets changed objects.
func (s *State) DropDirty() { clear(s.dirty) }

// Objects emits every object the state holds.
func (s *State) Objects(emit func(meent.Object)) {
	for _, vs := range s.policies {
		for _, v := range vs {
			o, _ := s.object(KindPolicy, policyID(v))
			emit(o)
		}
	}
	for id := range s.incomes {
		o, _ := s.object(KindIncome, id)
		emit(o)
	}
	for id := range s.distributions {
		o, _ := s.object(KindDistribution, id)
		emit(o)
	}
	for id := range s.balances {
		o, _ := s.object(KindBalance, id)
		emit(o)
	}
}

func (s *State) object(kind, id string) (meent.Object, bool) {
	switch kind {
	case KindPolicy:
		c, n, _ := strings.Cut(id, "/")
		for _, v := range s.policies[c] {
			if policyID(v) == id {
				return meent.Object{Kind: kind, ID: id, Commons: c, Agent: v.Author, Status: n, Created: v.Index, Updated: v.Index, Data: mustMarshal(v)}, true
			}
		}
	case KindIncome:
		if i := s.incomes[id]; i != nil {
			status := "open"
			if i.Distributed != "" {
				status = "distributed"
			}
			return meent.Object{Kind: kind, ID: id, Commons: i.Commons, Agent: i.Recorder, Status: status, Created: i.Index, Updated: i.Index, Data: mustMarshal(i)}, true
		}
	case KindDistribution:
		if d := s.distributions[id]; d != nil {
			return meent.Object{Kind: kind, ID: id, Commons: d.Commons, Status: "done", Created: d.Index, Updated: d.Index, Data: mustMarshal(d)}, true
		}
	case KindBalance:
		if b := s.balances[id]; b != nil {
			status := "settled"
			if b.Open() > 0 {
				status = "open"
			}
			agentID := ""
			if b.Kind == RecipientAgent {
				agentID = b.Recipient
			}
			return meent.Object{Kind: kind, ID: id, Commons: b.Commons, Agent: agentID, Status: status, Created: b.Created, Updated: b.Updated, Data: mustMarshal(b)}, true
		}
	}
	return meent.Object{}, false
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic("value: marshal: " + err.Error())
	}
	return b
}
