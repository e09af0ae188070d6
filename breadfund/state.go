package breadfund

import (
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
)

// Fund is a bread fund: the totals every pot adds up to.
type Fund struct {
	Commons    string `json:"commons"`
	Version    int    `json:"version"` // the current policy version
	Currency   string `json:"currency"`
	Started    bool   `json:"started"`    // min_members were admitted once: gifts may be paid
	Members    int    `json:"members"`    // admitted and not left
	Candidates int    `json:"candidates"` // waiting for admission
	OpenClaims int    `json:"open_claims"`

	Deposited int64 `json:"deposited"`
	Gifts     int64 `json:"gifts"`
	Costs     int64 `json:"costs"`
	Refunds   int64 `json:"refunds"`
	// CostsByYear is what costs charged in each year ("2026").
	CostsByYear map[string]int64 `json:"costs_by_year,omitempty"`

	Created int64 `json:"created"`
	Updated int64 `json:"updated"`
}

// Balance is the money the fund holds: what was deposited less the gifts,
// costs and refunds. It equals the sum of the pots.
func (f *Fund) Balance() int64 { return f.Deposited - f.Gifts - f.Costs - f.Refunds }

// PolicyVersion is one version of a fund's policy.
type PolicyVersion struct {
	Commons string         `json:"commons"`
	Version int            `json:"version"`
	Policy  jsontext.Value `json:"policy"`
	Author  string         `json:"author"`
	Index   int64          `json:"index"`

	decoded Policy
}

// Decoded returns the policy document.
func (v *PolicyVersion) Decoded() *Policy { p := v.decoded; return &p }

// Member is one member's place in a fund and their pot. Pot is what the
// member's deposits, less their share of others' gifts and of the costs,
// less their refunds, plus or minus a share of written-off deficits, come
// to: Pot = Deposited − GaveGifts − PaidCosts − Refunded − WrittenOff.
type Member struct {
	Commons    string   `json:"commons"`
	Agent      string   `json:"agent"`
	Status     string   `json:"status"`
	Level      int      `json:"level"`
	Introducer string   `json:"introducer,omitempty"`
	Joined     int64    `json:"joined"`             // ms of breadfund.join
	Admitted   int64    `json:"admitted,omitempty"` // ms of breadfund.admit
	Objections []string `json:"objections,omitempty"`

	Pot        int64 `json:"pot"`
	Deposited  int64 `json:"deposited"`
	GaveGifts  int64 `json:"gave_gifts"`
	PaidCosts  int64 `json:"paid_costs"`
	Refunded   int64 `json:"refunded"`
	WrittenOff int64 `json:"written_off"` // shares of others' deficits taken on exit (a deficit of one's own written off is negative)
	Received   int64 `json:"received"`    // gifts received (from the other pots)

	Claim     string `json:"claim,omitempty"`      // the open claim
	LastClaim string `json:"last_claim,omitempty"` // the newest claim, for relapses

	Created int64 `json:"created"`
	Updated int64 `json:"updated"`
}

// Step is a claim's percentage from a day on.
type Step struct {
	From    string `json:"from"`
	Percent int    `json:"percent"`
	fromMs  int64
}

// Claim is one illness of one member.
type Claim struct {
	ID        string `json:"id"`
	Commons   string `json:"commons"`
	Member    string `json:"member"`
	Level     int    `json:"level"` // the member's level when it began
	Start     string `json:"start"`
	End       string `json:"end,omitempty"`
	Steps     []Step `json:"steps"`               // the percentage over time, the first from Start
	Continues string `json:"continues,omitempty"` // the claim it continues (a relapse)
	// WaitUntil is the first day a month may begin and give a gift: Start
	// plus the waiting period, or the continued claim's.
	WaitUntil        string `json:"wait_until"`
	Months           int    `json:"months"` // months of gifts, those of the claims it continues included
	Received         int64  `json:"received"`
	Buddy            string `json:"buddy,omitempty"`
	CheckinDays      int    `json:"checkin_days,omitempty"` // the rhythm the member and the buddy chose
	LastCheckin      string `json:"last_checkin,omitempty"` // the day of the last check-in
	Checkins         int    `json:"checkins,omitempty"`
	ReasonCommitment string `json:"reason_commitment,omitempty"`
	Status           string `json:"status"`

	Created int64 `json:"created"`
	Updated int64 `json:"updated"`

	startMs, endMs, waitMs int64
}

// Line is one amount a payout pays a member.
type Line struct {
	Member string `json:"member"`
	Claim  string `json:"claim,omitempty"`
	Amount int64  `json:"amount"`
}

// Debit is what one pot gave to a payout.
type Debit struct {
	Member string `json:"member"`
	Amount int64  `json:"amount"`
}

// Payout is money the fund pays out, once approved: a month's gifts, an
// exit refund, a year's buffer refunds. Debits say which pots paid it
// (they add up to Total).
type Payout struct {
	ID            string   `json:"id"`
	Commons       string   `json:"commons"`
	Kind          string   `json:"kind"`
	Period        string   `json:"period"` // the month of gifts, the year of a surplus, the month of an exit
	PolicyVersion int      `json:"policy_version"`
	Currency      string   `json:"currency"`
	Lines         []Line   `json:"lines"`
	Debits        []Debit  `json:"debits"`
	Total         int64    `json:"total"`
	Approvals     []string `json:"approvals"`
	Status        string   `json:"status"`
	Reference     string   `json:"reference,omitempty"`

	Created int64 `json:"created"`
	Updated int64 `json:"updated"`
}

// State is every bread fund of the node.
type State struct {
	funds     map[string]*Fund
	policies  map[string][]*PolicyVersion
	members   map[string]*Member // commons "/" agent
	claims    map[string]*Claim
	payouts   map[string]*Payout
	deposited map[string]bool // commons "/" agent "/" period
	// byFund lists each fund's member keys in the order they joined.
	byFund map[string][]string

	dirty map[[2]string]bool
}

// NewState returns an empty State.
func NewState() *State {
	return &State{funds: map[string]*Fund{}, policies: map[string][]*PolicyVersion{}, members: map[string]*Member{},
		claims: map[string]*Claim{}, payouts: map[string]*Payout{}, deposited: map[string]bool{}, byFund: map[string][]string{},
		dirty: map[[2]string]bool{}}
}

// Fund returns the fund of a commons, or nil.
func (s *State) Fund(commonsID string) *Fund { return s.funds[commonsID] }

// Funds returns the IDs of every fund.
func (s *State) Funds() []string {
	out := make([]string, 0, len(s.funds))
	for id := range s.funds {
		out = append(out, id)
	}
	return out
}

// Policy returns a fund's current policy, or nil.
func (s *State) Policy(commonsID string) *Policy {
	vs := s.policies[commonsID]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1].Decoded()
}

// Policies returns every version of a fund's policy, oldest first.
func (s *State) Policies(commonsID string) []*PolicyVersion { return s.policies[commonsID] }

// Member returns an agent's place in a fund, or nil.
func (s *State) Member(commonsID, agentID string) *Member { return s.members[commonsID+"/"+agentID] }

// Members returns everyone who ever joined a fund, in the order they
// joined.
func (s *State) Members(commonsID string) []*Member {
	keys := s.byFund[commonsID]
	out := make([]*Member, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.members[k])
	}
	return out
}

// Claim returns a claim, or nil.
func (s *State) Claim(id string) *Claim { return s.claims[id] }

// Claims returns a fund's claims (open ones only when open), oldest first.
func (s *State) Claims(commonsID string, open bool) []*Claim {
	var out []*Claim
	for _, c := range s.claims {
		if c.Commons == commonsID && (!open || c.Status == ClaimOpen) {
			out = append(out, c)
		}
	}
	sortClaims(out)
	return out
}

// Payout returns a payout, or nil.
func (s *State) Payout(id string) *Payout { return s.payouts[id] }

// Payouts returns a fund's payouts (of one status when status is not
// empty), oldest first.
func (s *State) Payouts(commonsID, status string) []*Payout {
	var out []*Payout
	for _, p := range s.payouts {
		if p.Commons == commonsID && (status == "" || p.Status == status) {
			out = append(out, p)
		}
	}
	sortPayouts(out)
	return out
}

// Deposited reports whether a member deposited for a period.
func (s *State) Deposited(commonsID, agentID, period string) bool {
	return s.deposited[commonsID+"/"+agentID+"/"+period]
}

// GiftsID is the ID of a fund's gifts for a month.
func GiftsID(commonsID, period string) string { return commonsID + "/gifts/" + period }

// SurplusID is the ID of a fund's buffer refunds for a year.
func SurplusID(commonsID string, year int) string { return commonsID + "/surplus/" + yearString(year) }

func (s *State) mark(kind, id string) { s.dirty[[2]string{kind, id}] = true }

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
	for id := range s.funds {
		o, _ := s.object(KindFund, id)
		emit(o)
	}
	for c, vs := range s.policies {
		for _, v := range vs {
			o, _ := s.object(KindPolicy, c+"/"+strconv.Itoa(v.Version))
			emit(o)
		}
	}
	for id := range s.members {
		o, _ := s.object(KindMember, id)
		emit(o)
	}
	for id := range s.claims {
		o, _ := s.object(KindClaim, id)
		emit(o)
	}
	for id := range s.payouts {
		o, _ := s.object(KindPayout, id)
		emit(o)
	}
}

// ObjectKinds returns the kinds of which the state holds at least one
// object, without encoding any.
func (s *State) ObjectKinds() []string {
	var out []string
	for kind, n := range map[string]int{KindFund: len(s.funds), KindPolicy: len(s.policies), KindMember: len(s.members), KindClaim: len(s.claims), KindPayout: len(s.payouts)} {
		if n > 0 {
			out = append(out, kind)
		}
	}
	return out
}

func (s *State) object(kind, id string) (meent.Object, bool) {
	switch kind {
	case KindFund:
		if f := s.funds[id]; f != nil {
			status := "founding"
			if f.Started {
				status = "active"
			}
			return meent.Object{Kind: kind, ID: id, Commons: id, Status: status, Created: f.Created, Updated: f.Updated, Data: mustMarshal(f)}, true
		}
	case KindPolicy:
		c, n := cutLast(id)
		for _, v := range s.policies[c] {
			if strconv.Itoa(v.Version) == n {
				return meent.Object{Kind: kind, ID: id, Parent: c, Commons: c, Agent: v.Author, Status: n, Created: v.Index, Updated: v.Index, Data: mustMarshal(v)}, true
			}
		}
	case KindMember:
		if m := s.members[id]; m != nil {
			return meent.Object{Kind: kind, ID: id, Parent: m.Commons, Commons: m.Commons, Agent: m.Agent, Status: m.Status, Created: m.Created, Updated: m.Updated, Data: mustMarshal(m)}, true
		}
	case KindClaim:
		if c := s.claims[id]; c != nil {
			return meent.Object{Kind: kind, ID: id, Parent: c.Commons, Commons: c.Commons, Agent: c.Member, Status: c.Status, Created: c.Created, Updated: c.Updated, Data: mustMarshal(c)}, true
		}
	case KindPayout:
		if p := s.payouts[id]; p != nil {
			return meent.Object{Kind: kind, ID: id, Parent: p.Commons, Commons: p.Commons, Status: p.Status, Created: p.Created, Updated: p.Updated, Data: mustMarshal(p)}, true
		}
	}
	return meent.Object{}, false
}

func cutLast(id string) (string, string) {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '/' {
			return id[:i], id[i+1:]
		}
	}
	return id, ""
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic("breadfund: marshal: " + err.Error())
	}
	return b
}
