package payout

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSVHeader is the first line of the file WriteCSV writes. Evolution:
// columns are only added at the end, so that spreadsheets and scripts
// that read columns by position keep working.
var CSVHeader = []string{"recipient_kind", "recipient", "name", "currency", "amount", "amount_decimal", "iban", "bic"}

// WriteCSV writes lines as a CSV of open payouts for the treasurer, in the
// order given, one row per line: the recipient, the name, the currency, the
// amount in minor units and as a decimal (FormatAmount), and the IBAN and
// BIC from payees (keyed by Line.Key), empty when the payee is unknown.
// The name is the account holder's from payees when known, otherwise the
// display name from the log.
//
// Names and recipients come from other people, and a spreadsheet runs a
// cell that starts with = + - or @ as a formula; such text gets a leading
// apostrophe, which spreadsheets show as text.
func WriteCSV(w io.Writer, lines []Line, payees map[string]Payee) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write payout CSV: %w", err)
	}
	for _, l := range lines {
		name := l.Name
		p, ok := payees[l.Key()]
		if ok {
			name = p.Name
		}
		rec := []string{
			l.Kind, spreadsheetText(l.Recipient), spreadsheetText(name), l.Currency,
			strconv.FormatInt(l.Amount, 10), FormatAmount(l.Amount, l.Currency),
			NormalizeIBAN(p.IBAN), NormalizeBIC(p.BIC),
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write payout CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write payout CSV: %w", err)
	}
	return nil
}

// spreadsheetText defuses formula injection (OWASP "CSV injection").
func spreadsheetText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
