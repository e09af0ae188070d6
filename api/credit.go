package api

import "github.com/meent/meent/credit"

// CreditCurrencies is GET /api/v1/credit/currencies: the node's mutual
// credit currencies by code, a page at a time.
type CreditCurrencies struct {
	Currencies []CreditCurrency `json:"currencies"`
	Next       string           `json:"next,omitempty"`
}

// CreditCurrency is GET /api/v1/credit/currencies/{code}: a currency, its
// running totals and, when it has demurrage, what the next period would
// collect at the balances of now. Sum is the sum of all balances: 0.
type CreditCurrency struct {
	credit.Currency
	Sum  int64             `json:"sum"`
	Next *CreditNextPeriod `json:"next_period,omitempty"`
}

// CreditNextPeriod is the demurrage the next period would apply now.
type CreditNextPeriod struct {
	Period string `json:"period"`
	Debits int64  `json:"debits"`
	Share  int64  `json:"share"`
	Shares int    `json:"shares"`
	Dust   int64  `json:"dust"`
}

// CreditAccount is an account as the API shows it: its balance after
// every demurrage applied, what the next period would charge at this
// balance (Due) and the balance after it (AfterDue), and its limits as
// the rules apply them now (Available: how much it may still pay).
type CreditAccount struct {
	credit.Account
	HardLimit int64 `json:"hard_limit"`
	SoftLimit int64 `json:"soft_limit"`
	Available int64 `json:"available"`
	Due       int64 `json:"due"`
	AfterDue  int64 `json:"after_due"`
}

// CreditAccounts is GET /api/v1/credit/currencies/{code}/accounts, in the
// order the accounts were opened.
type CreditAccounts struct {
	Accounts []CreditAccount `json:"accounts"`
	Next     string          `json:"next,omitempty"`
}

// CreditPeriods is GET /api/v1/credit/currencies/{code}/periods, oldest
// first.
type CreditPeriods struct {
	Periods []credit.Period `json:"periods"`
	Next    string          `json:"next,omitempty"`
}

// CreditCheck is GET /api/v1/credit/currencies/{code}/check: what a
// transfer would get if it were signed now. OK false carries the refusal
// (Code, Message); Warning says the payer would end beyond its soft limit
// (the transfer is accepted).
type CreditCheck struct {
	OK      bool   `json:"ok"`
	Warning string `json:"warning,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}
