package credit

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
)

// The mutual-credit events.
//
//   - credit.currency.create: a node admin creates the community's
//     currency with its limits and, optionally, demurrage.
//   - credit.transfer: the payer (the agent, or a maintainer for a
//     commons' account) pays an amount to another account, with a public
//     reference.
//   - credit.currency.update: a node admin (or whom a decision grants
//     authority.UpdateCurrency) changes a currency's name, limits and
//     demurrage from the next event on; its code and exponent never change.
//   - credit.limit.set: an admin (or whoever a decision grants
//     authority.SetCreditLimit) sets one account's hard and soft limits.
//   - credit.demurrage: a member applies the demurrage of one period; the
//     rules compute every charge.
const (
	TypeCurrencyCreate = "credit.currency.create" // CurrencyData
	TypeCurrencyUpdate = "credit.currency.update" // CurrencyData
	TypeTransfer       = "credit.transfer"        // TransferData
	TypeLimitSet       = "credit.limit.set"       // LimitData
	TypeDemurrage      = "credit.demurrage"       // DemurrageData
)

// Object kinds this package projects.
const (
	KindCurrency = "credit_currency" // ID: the code
	KindAccount  = "credit_account"  // ID: code "/" holder; Parent: the code
	KindPeriod   = "credit_period"   // ID: code "/" period; Parent: the code
)

// Account holder kinds.
const (
	HolderAgent   = "agent"
	HolderCommons = "commons"
)

// Bounds that keep every sum inside int64 and every text small.
const (
	MaxBalance   = 1_000_000_000_000_000 // 10^15 minor units: no balance beyond ±MaxBalance
	MaxReference = 200                   // bytes of a transfer's reference
	MaxName      = 80                    // bytes of a currency's name
	MaxExponent  = 4
	PPM          = 1_000_000 // the demurrage rate's denominator
)

// CurrencyData is the data of credit.currency.create.
type CurrencyData struct {
	Code      string     `json:"code"`     // 3 to 8 capitals and digits, starting with a capital; unique on the node
	Name      string     `json:"name"`     // public
	Exponent  int        `json:"exponent"` // digits of the minor unit, 0 to 4
	Limits    Limits     `json:"limits"`
	Demurrage *Demurrage `json:"demurrage,omitempty"`
}

// Limits are a currency's credit limits, in minor units (all ≥ 0: a limit
// of 500 lets a balance go down to -500).
type Limits struct {
	Default        int64 `json:"default"`                    // hard limit of a member's account
	Soft           int64 `json:"soft,omitempty"`             // a member's soft limit (warn beyond it); 0: none; at most Default
	Commons        int64 `json:"commons,omitempty"`          // hard limit of a commons' account
	GrowthPerMille int64 `json:"growth_per_mille,omitempty"` // the limit grows by this per mille of what the account sold
	GrowthCap      int64 `json:"growth_cap,omitempty"`       // no grown limit beyond this; required with growth
}

// Demurrage is a currency's charge on balances, per calendar month (UTC).
type Demurrage struct {
	RatePPM int64  `json:"rate_ppm"`        // per period, parts per million of the balance above Grace (10000 = 1%)
	Grace   int64  `json:"grace,omitempty"` // the first Grace minor units of every balance are not charged
	From    string `json:"from"`            // the first period charged, "YYYY-MM"
	To      string `json:"to,omitempty"`    // the holder that receives what is collected; "" shares it among the agents' accounts
	Dust    string `json:"dust"`            // the holder that receives the remainder of the equal split
}

// TransferData is the data of credit.transfer.
type TransferData struct {
	Currency  string `json:"currency"`
	From      string `json:"from"` // the payer: an agent (the signer) or a commons (signed by a maintainer)
	To        string `json:"to"`   // the payee: an agent or a commons
	Amount    int64  `json:"amount"`
	Reference string `json:"reference"` // public text: what was traded
}

// LimitData is the data of credit.limit.set.
type LimitData struct {
	Currency string `json:"currency"`
	Account  string `json:"account"` // the holder
	Limit    int64  `json:"limit"`   // hard limit (≥ 0)
	Soft     int64  `json:"soft,omitempty"`
	Decision string `json:"decision,omitempty"` // the decision that set it, when governance did
}

// DemurrageData is the data of credit.demurrage. Rate and grace repeat the
// currency's, so the event alone says what was charged.
type DemurrageData struct {
	Currency string `json:"currency"`
	Period   string `json:"period"` // "YYYY-MM"; ended before the event's time
	RatePPM  int64  `json:"rate_ppm"`
	Grace    int64  `json:"grace,omitempty"`
}

// Currency is a currency and its running totals.
type Currency struct {
	CurrencyData
	Creator   string `json:"creator"`
	Index     int64  `json:"index"`
	Updated   int64  `json:"updated"`
	Accounts  int64  `json:"accounts"`
	Transfers int64  `json:"transfers"`
	Volume    int64  `json:"volume"`            // sum of all transfer amounts (capped at MaxBalance·1000 by the event count in practice)
	Last      string `json:"last,omitempty"`    // the last period demurrage was applied for
	Issued    int64  `json:"issued"`            // sum of the negative balances, as a positive number: the credit outstanding
	Warnings  int64  `json:"warnings,omitzero"` // transfers accepted beyond a soft limit
}

// Account is one holder's account in one currency.
type Account struct {
	ID        string `json:"id"` // code "/" holder
	Currency  string `json:"currency"`
	Holder    string `json:"holder"`
	Kind      string `json:"kind"` // HolderAgent or HolderCommons
	Balance   int64  `json:"balance"`
	Limit     *int64 `json:"limit,omitempty"` // set by credit.limit.set; nil: the currency's
	Soft      *int64 `json:"soft,omitempty"`
	Decision  string `json:"decision,omitempty"`
	Sold      int64  `json:"sold"`
	Bought    int64  `json:"bought"`
	Demurrage int64  `json:"demurrage,omitzero"` // charged in all
	Dividend  int64  `json:"dividend,omitzero"`  // received from demurrage in all
	Transfers int64  `json:"transfers"`
	Warnings  int64  `json:"warnings,omitzero"`
	Opened    int64  `json:"opened"`
	Updated   int64  `json:"updated"`
}

// Period is the outcome of one credit.demurrage event.
type Period struct {
	ID       string `json:"id"` // code "/" period
	Currency string `json:"currency"`
	Period   string `json:"period"`
	RatePPM  int64  `json:"rate_ppm"`
	Grace    int64  `json:"grace,omitempty"`
	Charged  int64  `json:"charged"` // accounts charged
	Debits   int64  `json:"debits"`  // sum charged
	To       string `json:"to,omitempty"`
	Share    int64  `json:"share"`   // what each recipient got
	Shares   int64  `json:"shares"`  // how many recipients
	Credits  int64  `json:"credits"` // Share × Shares
	Dust     int64  `json:"dust"`    // Debits - Credits
	DustTo   string `json:"dust_to"`
	Index    int64  `json:"index"`
	Author   string `json:"author"`
}

// State is the mutual-credit state derived from the log.
type State struct {
	currencies map[string]*Currency
	accounts   map[string]*Account
	order      map[string][]string // currency → account IDs in the order opened
	periods    map[string]*Period
	dirty      map[[2]string]bool
}

// NewState returns the state of an empty log.
func NewState() *State {
	return &State{currencies: map[string]*Currency{}, accounts: map[string]*Account{}, order: map[string][]string{},
		periods: map[string]*Period{}, dirty: map[[2]string]bool{}}
}

// Currency returns a currency by code, or nil.
func (s *State) Currency(code string) *Currency { return s.currencies[code] }

// Currencies returns the codes of every currency, in no order.
func (s *State) Currencies() []string {
	out := make([]string, 0, len(s.currencies))
	for c := range s.currencies {
		out = append(out, c)
	}
	return out
}

// Account returns the account of holder in a currency, or nil.
func (s *State) Account(code, holder string) *Account { return s.accounts[code+"/"+holder] }

// Accounts returns a currency's account IDs in the order they were opened
// (the slice is the state's: do not change it).
func (s *State) Accounts(code string) []string { return s.order[code] }

// AccountByID returns an account by its ID, or nil.
func (s *State) AccountByID(id string) *Account { return s.accounts[id] }

// Period returns the demurrage of one period, or nil.
func (s *State) Period(code, period string) *Period { return s.periods[code+"/"+period] }

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

// checkCode checks a currency code's shape.
func checkCode(code string) error {
	if len(code) < 3 || len(code) > 8 || code[0] < 'A' || code[0] > 'Z' {
		return refuse("a currency code is 3 to 8 capitals and digits, starting with a capital, not %q", code)
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return refuse("a currency code is 3 to 8 capitals and digits, starting with a capital, not %q", code)
		}
	}
	return nil
}

// checkText checks public text: bounded, one line, no control characters.
func checkText(what, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return refuse("%s is required", what)
	}
	if len(s) > max {
		return refuse("%s is %d bytes, more than %d", what, len(s), max)
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return refuse("%s holds a control character", what)
	}
	return nil
}

// ParsePeriod reads "YYYY-MM" and returns the period's first moment and
// the next period's, in Unix milliseconds (UTC).
func ParsePeriod(p string) (start, end int64, err error) {
	t, e := time.Parse("2006-01", p)
	if e != nil || t.Format("2006-01") != p {
		return 0, 0, refuse("a period is a month written YYYY-MM, not %q", p)
	}
	return t.UnixMilli(), t.AddDate(0, 1, 0).UnixMilli(), nil
}

// NextPeriod returns the month after p ("2026-12" → "2027-01").
func NextPeriod(p string) string {
	t, err := time.Parse("2006-01", p)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// HardLimit returns how far below zero account a may go now: its own
// limit or the currency's default for its kind (a member's default only
// while the holder is a member of the community), grown by its sales.
func (s *State) HardLimit(c *Currency, a *Account, au *authority.Authority) int64 {
	base := int64(0)
	switch {
	case a.Limit != nil:
		base = *a.Limit
	case a.Kind == HolderCommons:
		base = c.Limits.Commons
	case au != nil && au.Is(a.Holder, authority.Member, authority.Node()):
		base = c.Limits.Default
	}
	if c.Limits.GrowthPerMille == 0 || a.Kind != HolderAgent {
		return base
	}
	grown := base + mulDiv(a.Sold, c.Limits.GrowthPerMille, 1000)
	if cap := max(base, c.Limits.GrowthCap); grown > cap {
		grown = cap
	}
	return grown
}

// SoftLimit returns the account's soft limit (0: none).
func (s *State) SoftLimit(c *Currency, a *Account) int64 {
	if a.Soft != nil {
		return *a.Soft
	}
	if a.Kind == HolderAgent {
		return c.Limits.Soft
	}
	return 0
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic("credit: marshal: " + err.Error())
	}
	return b
}

// Periods returns the demurrage periods applied to a currency, oldest
// first.
func (s *State) Periods(code string) []*Period {
	var out []*Period
	for _, p := range s.periods {
		if p.Currency == code {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *Period) int { return strings.Compare(a.Period, b.Period) })
	return out
}
