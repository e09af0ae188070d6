package payout

import "github.com/meent/meent/commons"

// FormatAmount writes an amount in minor units as an exact decimal in the
// currency's major unit (commons.Money.Decimal): 1234 EUR is "12.34".
func FormatAmount(amount int64, currency string) string {
	return commons.Money{Amount: amount, Currency: currency}.Decimal()
}

// eur writes euro cents as a decimal, as pain.001 wants it.
func eur(amount int64) string { return FormatAmount(amount, "EUR") }
