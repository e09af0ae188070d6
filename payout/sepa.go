package payout

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent"
)

// PainNamespace is the XML namespace of the file WriteSEPA writes: ISO
// 20022 Customer Credit Transfer Initiation, version 9, the version of the
// EPC's SEPA Credit Transfer implementation guidelines since 2019.
const PainNamespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"

// Limits of a SEPA file (EPC SEPA Credit Transfer rulebook).
const (
	MaxSEPAAmount    = 99_999_999_999 // minor units: 999,999,999.99 EUR, the largest amount of one transfer
	MaxSEPALines     = MaxPayees      // transfers in one file
	MaxIDLen         = 35             // characters of MsgId, PmtInfId and EndToEndId
	MaxRemittanceLen = 140            // characters of RmtInf/Ustrd
)

// DefaultRemittance is the remittance template used when a Batch gives
// none: what the recipient's bank statement shows.
const DefaultRemittance = "{message} {kind}:{recipient}"

// Party is the debtor of a transfer: the commons' account holder, IBAN
// and, if known, BIC.
type Party struct {
	Name string
	IBAN string
	BIC  string // "" when not given: the bank finds it from the IBAN
}

// Batch is one SEPA credit transfer file: every line paid from one
// account on one day.
type Batch struct {
	// MessageID identifies the file to the bank, which refuses a second
	// file with the same ID: 1 to 35 characters of the SEPA set without
	// space, not starting or ending with '/' nor containing "//". It is also the
	// payment information ID and the stem of every transaction's
	// end-to-end ID, which is MessageID (cut to fit), '-' and the line's
	// number from 1: the reference the recipient's bank reports back, and
	// the one to record in payout.settle.
	MessageID string
	// Created is when the file was made, written as the wall-clock time
	// of its location without an offset (YYYY-MM-DDThh:mm:ss), the form
	// every bank accepts; pass it in the bank's time zone.
	Created time.Time
	// Debtor is the account that pays, and also the initiating party.
	Debtor Party
	// ExecutionDate is the requested day of execution, YYYY-MM-DD, not
	// before Created's day.
	ExecutionDate string
	// Lines are the transfers, in the order they are written; all in EUR.
	Lines []Line
	// Payees gives each line's creditor, by Line.Key.
	Payees map[string]Payee
	// Remittance is the template of each transfer's unstructured
	// remittance information; "" means DefaultRemittance. {message},
	// {kind}, {recipient}, {name} (the display name), {amount} (decimal)
	// and {date} (ExecutionDate) are replaced; the result is put into the
	// SEPA character set and cut at MaxRemittanceLen characters.
	Remittance string
	// RemittanceFunc, if set, gives each line's remittance text instead of
	// the template (with the same character set and length rules); ""
	// leaves the transfer without remittance information.
	RemittanceFunc func(Line) string
}

// WriteSEPA writes b as an ISO 20022 pain.001.001.09 Customer Credit
// Transfer Initiation in the form of the EPC's SEPA Credit Transfer
// implementation guidelines: one group header, one payment information
// block (service level SEPA, charges SLEV) and one transaction per line.
// Names and remittance texts are put into the SEPA character set with
// SEPAText. Amounts are exact decimals computed from integers.
//
// It writes nothing and returns EINVALID, naming every problem it finds,
// when the batch is not valid: a bad message ID, creation time, execution
// date or debtor; no lines or more than MaxSEPALines; a line not in EUR
// (SEPA is euro only); an amount not from 0.01 to 999,999,999.99; lines
// whose payee is unknown (all of them are named in one error) or invalid;
// an IBAN of a country outside SEPA.
func WriteSEPA(w io.Writer, b Batch) error {
	doc, err := buildSEPA(b)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode SEPA file: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write SEPA file: %w", err)
	}
	return nil
}

func buildSEPA(b Batch) (*painDocument, error) {
	var probs problems
	if msg := checkSEPAID(b.MessageID); msg != "" {
		probs.add("message ID: " + msg)
	}
	created := ""
	if b.Created.IsZero() {
		probs.add("creation time: missing")
	} else if y := b.Created.Year(); y < 1000 || y > 9999 {
		probs.add("creation time: year out of range")
	} else {
		created = b.Created.Format("2006-01-02T15:04:05")
	}
	if d, err := time.Parse(time.DateOnly, b.ExecutionDate); err != nil || d.Year() < 1000 {
		probs.add(fmt.Sprintf("execution date: %q is not a date YYYY-MM-DD", b.ExecutionDate))
	} else if created != "" && b.ExecutionDate < created[:10] {
		probs.add(fmt.Sprintf("execution date: %s is before the creation date %s", b.ExecutionDate, created[:10]))
	}
	debtorIBAN, debtorBIC := NormalizeIBAN(b.Debtor.IBAN), NormalizeBIC(b.Debtor.BIC)
	if msg := checkName(b.Debtor.Name); msg != "" {
		probs.add("debtor: " + msg)
	}
	if err := CheckIBAN(debtorIBAN); err != nil {
		probs.add("debtor IBAN: " + err.Error())
	} else if !isSEPACountry(debtorIBAN) {
		probs.add(fmt.Sprintf("debtor IBAN: %s is not a SEPA country", debtorIBAN[:2]))
	}
	if debtorBIC != "" {
		if err := CheckBIC(debtorBIC); err != nil {
			probs.add("debtor BIC: " + err.Error())
		}
	}
	switch {
	case len(b.Lines) == 0:
		probs.add("no lines to pay")
	case len(b.Lines) > MaxSEPALines:
		return nil, meent.Errorf(meent.ETOOLARGE, "SEPA file: more than %d lines", MaxSEPALines)
	}

	// Problems of lines, gathered by kind so that each is one sentence.
	var missing, lineProbs []string
	foreign := map[string][]string{} // currency -> recipients
	for _, l := range b.Lines {
		key := l.Key()
		if l.Currency != "EUR" {
			foreign[l.Currency] = append(foreign[l.Currency], key)
		}
		if l.Amount < 1 || l.Amount > MaxSEPAAmount {
			lineProbs = append(lineProbs, fmt.Sprintf("%s: amount %s EUR is not from 0.01 to 999999999.99", key, eur(l.Amount)))
		}
		p, ok := b.Payees[key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		for _, fp := range checkPayee(p) {
			lineProbs = append(lineProbs, fmt.Sprintf("payee %s, %s: %s", key, PayeeHeader[fp.column], fp.msg))
		}
		if p.Recipient != key {
			lineProbs = append(lineProbs, fmt.Sprintf("payee %s is stored under %s", p.Recipient, key))
		}
		if iban := NormalizeIBAN(p.IBAN); CheckIBAN(iban) == nil && !isSEPACountry(iban) {
			lineProbs = append(lineProbs, fmt.Sprintf("payee %s: IBAN country %s is not in SEPA", key, iban[:2]))
		}
	}
	if len(foreign) > 0 {
		var parts []string
		for _, c := range slices.Sorted(maps.Keys(foreign)) {
			parts = append(parts, fmt.Sprintf("%q: %s", c, strings.Join(foreign[c], ", ")))
		}
		probs.add("SEPA pays only EUR; lines in other currencies: " + strings.Join(parts, "; "))
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		missing = slices.Compact(missing)
		probs.add(fmt.Sprintf("no payee details for %d recipients (add them to the payee file): %s", len(missing), strings.Join(missing, ", ")))
	}
	for _, msg := range lineProbs {
		probs.add(msg)
	}
	if err := probs.err("SEPA file"); err != nil {
		return nil, err
	}

	remit := b.RemittanceFunc
	if remit == nil {
		tmpl := b.Remittance
		if tmpl == "" {
			tmpl = DefaultRemittance
		}
		remit = func(l Line) string {
			return strings.NewReplacer(
				"{message}", b.MessageID, "{kind}", l.Kind, "{recipient}", l.Recipient, "{name}", l.Name,
				"{amount}", eur(l.Amount), "{date}", b.ExecutionDate,
			).Replace(tmpl)
		}
	}

	var sum int64 // at most MaxSEPALines * MaxSEPAAmount < 2^63
	txs := make([]painTransaction, len(b.Lines))
	for i, l := range b.Lines {
		p := b.Payees[l.Key()]
		sum += l.Amount
		suffix := "-" + strconv.Itoa(i+1)
		tx := painTransaction{
			PmtID:    painPaymentID{EndToEndID: cut(b.MessageID, MaxIDLen-len(suffix)) + suffix},
			Amt:      painAmount{InstdAmt: painMoney{Ccy: "EUR", Value: eur(l.Amount)}},
			Cdtr:     painParty{Nm: SEPAText(p.Name)},
			CdtrAcct: painAccount{ID: painAccountID{IBAN: NormalizeIBAN(p.IBAN)}},
		}
		if bic := NormalizeBIC(p.BIC); bic != "" {
			tx.CdtrAgt = &painAgent{FinInstnID: painInstitution{BICFI: bic}}
		}
		if u := strings.TrimSpace(cut(SEPAText(remit(l)), MaxRemittanceLen)); u != "" {
			tx.RmtInf = &painRemittance{Ustrd: u}
		}
		txs[i] = tx
	}
	n, ctrl := strconv.Itoa(len(txs)), eur(sum)
	debtorAgent := painAgent{FinInstnID: painInstitution{BICFI: debtorBIC}}
	if debtorBIC == "" {
		debtorAgent.FinInstnID.Othr = &painOther{ID: "NOTPROVIDED"}
	}
	debtor := painParty{Nm: SEPAText(b.Debtor.Name)}
	return &painDocument{Initn: painInitiation{
		GrpHdr: painGroupHeader{MsgID: b.MessageID, CreDtTm: created, NbOfTxs: n, CtrlSum: ctrl, InitgPty: debtor},
		PmtInf: painPaymentInfo{
			PmtInfID:    b.MessageID,
			PmtMtd:      "TRF",
			NbOfTxs:     n,
			CtrlSum:     ctrl,
			PmtTpInf:    painPaymentType{SvcLvl: painServiceLevel{Cd: "SEPA"}},
			ReqdExctnDt: painDate{Dt: b.ExecutionDate},
			Dbtr:        debtor,
			DbtrAcct:    painAccount{ID: painAccountID{IBAN: debtorIBAN}},
			DbtrAgt:     debtorAgent,
			ChrgBr:      "SLEV",
			Txs:         txs,
		},
	}}, nil
}

// checkSEPAID checks an identifier as the EPC restricts it
// (RestrictedIdentificationSEPA1): 1 to 35 characters of the SEPA set
// without space, not starting or ending with '/', no "//".
func checkSEPAID(id string) string {
	switch {
	case id == "" || len(id) > MaxIDLen:
		return fmt.Sprintf("must be 1 to %d characters", MaxIDLen)
	case strings.IndexFunc(id, func(r rune) bool { return r == ' ' || !inSEPASet(r) }) >= 0:
		return "only a-z A-Z 0-9 / - ? : ( ) . , ' + are allowed"
	case id[0] == '/' || id[len(id)-1] == '/' || strings.Contains(id, "//"):
		return `must not start or end with "/" or contain "//"`
	}
	return ""
}

// cut returns the first n bytes of an ASCII string.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// The document, element by element. The order of the fields is the order
// of the elements in the pain.001.001.09 schema (XSD sequences); only the
// elements the EPC guidelines need are present. Evolution: a later version
// of the schema is a new namespace and a new set of types, never a change
// to these.
type painDocument struct {
	XMLName xml.Name       `xml:"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09 Document"`
	Initn   painInitiation `xml:"CstmrCdtTrfInitn"`
}

// painInitiation is CustomerCreditTransferInitiationV09.
type painInitiation struct {
	GrpHdr painGroupHeader `xml:"GrpHdr"`
	PmtInf painPaymentInfo `xml:"PmtInf"`
}

// painGroupHeader is GroupHeader85.
type painGroupHeader struct {
	MsgID    string    `xml:"MsgId"`
	CreDtTm  string    `xml:"CreDtTm"`
	NbOfTxs  string    `xml:"NbOfTxs"`
	CtrlSum  string    `xml:"CtrlSum"`
	InitgPty painParty `xml:"InitgPty"`
}

// painPaymentInfo is PaymentInstruction30.
type painPaymentInfo struct {
	PmtInfID    string            `xml:"PmtInfId"`
	PmtMtd      string            `xml:"PmtMtd"`
	NbOfTxs     string            `xml:"NbOfTxs"`
	CtrlSum     string            `xml:"CtrlSum"`
	PmtTpInf    painPaymentType   `xml:"PmtTpInf"`
	ReqdExctnDt painDate          `xml:"ReqdExctnDt"`
	Dbtr        painParty         `xml:"Dbtr"`
	DbtrAcct    painAccount       `xml:"DbtrAcct"`
	DbtrAgt     painAgent         `xml:"DbtrAgt"`
	ChrgBr      string            `xml:"ChrgBr"`
	Txs         []painTransaction `xml:"CdtTrfTxInf"`
}

// painPaymentType is PaymentTypeInformation26.
type painPaymentType struct {
	SvcLvl painServiceLevel `xml:"SvcLvl"`
}

// painServiceLevel is ServiceLevel8Choice.
type painServiceLevel struct {
	Cd string `xml:"Cd"`
}

// painDate is DateAndDateTime2Choice.
type painDate struct {
	Dt string `xml:"Dt"`
}

// painParty is PartyIdentification135, with a name only.
type painParty struct {
	Nm string `xml:"Nm"`
}

// painAccount is CashAccount38.
type painAccount struct {
	ID painAccountID `xml:"Id"`
}

// painAccountID is AccountIdentification4Choice.
type painAccountID struct {
	IBAN string `xml:"IBAN"`
}

// painAgent is BranchAndFinancialInstitutionIdentification6.
type painAgent struct {
	FinInstnID painInstitution `xml:"FinInstnId"`
}

// painInstitution is FinancialInstitutionIdentification18.
type painInstitution struct {
	BICFI string     `xml:"BICFI,omitempty"`
	Othr  *painOther `xml:"Othr,omitempty"`
}

// painOther is GenericFinancialIdentification1.
type painOther struct {
	ID string `xml:"Id"`
}

// painTransaction is CreditTransferTransaction34.
type painTransaction struct {
	PmtID    painPaymentID   `xml:"PmtId"`
	Amt      painAmount      `xml:"Amt"`
	CdtrAgt  *painAgent      `xml:"CdtrAgt,omitempty"`
	Cdtr     painParty       `xml:"Cdtr"`
	CdtrAcct painAccount     `xml:"CdtrAcct"`
	RmtInf   *painRemittance `xml:"RmtInf,omitempty"`
}

// painPaymentID is PaymentIdentification6.
type painPaymentID struct {
	EndToEndID string `xml:"EndToEndId"`
}

// painAmount is AmountType4Choice.
type painAmount struct {
	InstdAmt painMoney `xml:"InstdAmt"`
}

// painMoney is ActiveOrHistoricCurrencyAndAmount.
type painMoney struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

// painRemittance is RemittanceInformation16.
type painRemittance struct {
	Ustrd string `xml:"Ustrd"`
}
