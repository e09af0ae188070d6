package valueflows

import "github.com/meent/meent/commons"

// decimal writes minor units as an exact decimal in the currency's major
// unit (commons.Money.Decimal): 1234 EUR is "12.34", 1234 JPY is "1234".
func decimal(minor int64, currency string) string {
	return commons.Money{Amount: minor, Currency: currency}.Decimal()
}
