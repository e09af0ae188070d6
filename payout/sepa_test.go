package payout

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"pgregory.net/rapid"
)

var update = flag.Bool("update", false, "rewrite testdata/*.xml")

func testBatch() Batch {
	return Batch{
		MessageID:     "MEENT-2025-06-30-1",
		Created:       time.Date(2025, 6, 30, 14, 5, 9, 123456789, time.FixedZone("CEST", 2*3600)),
		Debtor:        Party{Name: "Gemeingut Förderverein e.V.", IBAN: "DE89 3704 0044 0532 0130 00"},
		ExecutionDate: "2025-07-01",
		Lines: []Line{
			{KindAgent, "a1b2c3", "Ann", "EUR", 123456},
			{KindIdentity, "git:bo@example.org", "Bo", "EUR", 1000},
			{KindPool, "infrastructure", "", "EUR", 99_999_999_999},
		},
		Payees: map[string]Payee{
			"agent:a1b2c3":                {"agent:a1b2c3", "Ann Exämple-O’Neill", "DE89370400440532013000", "COBADEFFXXX"},
			"identity:git:bo@example.org": {"identity:git:bo@example.org", "Bø & Co", "NL91ABNA0417164300", ""},
			"pool:infrastructure":         {"pool:infrastructure", "Infra Commons SAS", "FR1420041010050500013M02606", "BNPAFRPP"},
		},
	}
}

// tester is what checks need of *testing.T and *rapid.T.
type tester interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

func writeSEPA(t testing.TB, b Batch) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSEPA(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteSEPAGolden(t *testing.T) {
	withBIC := testBatch()
	withBIC.Debtor.BIC = "cobadeffxxx"
	withBIC.MessageID = "M" + strings.Repeat("0123456789", 3) + "ABCD" // 35: the end-to-end IDs cut it
	withBIC.Remittance = "Payout {date} to {name} ({kind} {recipient}): {amount} EUR – thank you!"
	perLine := testBatch()
	perLine.Lines = perLine.Lines[:1]
	perLine.RemittanceFunc = func(l Line) string { return "" }
	for name, b := range map[string]Batch{
		"sepa.xml":           testBatch(),
		"sepa-bic.xml":       withBIC,
		"sepa-no-rmtinf.xml": perLine,
	} {
		t.Run(name, func(t *testing.T) {
			got := writeSEPA(t, b)
			path := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("WriteSEPA differs from %s (go test -run Golden -update rewrites it):\n%s", path, got)
			}
			checkSEPA(t, got, b)
			checkOrder(t, got)
			validateXSD(t, got)
		})
	}
}

// parsed is what checkSEPA reads back from a file.
type parsed struct {
	XMLName xml.Name `xml:"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09 Document"`
	GrpHdr  struct {
		MsgID   string `xml:"MsgId"`
		CreDtTm string `xml:"CreDtTm"`
		NbOfTxs string `xml:"NbOfTxs"`
		CtrlSum string `xml:"CtrlSum"`
	} `xml:"CstmrCdtTrfInitn>GrpHdr"`
	PmtInf []struct {
		NbOfTxs string `xml:"NbOfTxs"`
		CtrlSum string `xml:"CtrlSum"`
		SvcLvl  string `xml:"PmtTpInf>SvcLvl>Cd"`
		Date    string `xml:"ReqdExctnDt>Dt"`
		Debtor  string `xml:"DbtrAcct>Id>IBAN"`
		ChrgBr  string `xml:"ChrgBr"`
		Tx      []struct {
			EndToEndID string `xml:"PmtId>EndToEndId"`
			Amt        struct {
				Ccy   string `xml:"Ccy,attr"`
				Value string `xml:",chardata"`
			} `xml:"Amt>InstdAmt"`
			BIC   string `xml:"CdtrAgt>FinInstnId>BICFI"`
			Name  string `xml:"Cdtr>Nm"`
			IBAN  string `xml:"CdtrAcct>Id>IBAN"`
			Ustrd string `xml:"RmtInf>Ustrd"`
		} `xml:"CdtTrfTxInf"`
	} `xml:"CstmrCdtTrfInitn>PmtInf"`
}

// cents reads a decimal with exactly two places, without floating point.
func cents(t tester, s string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 2 {
		t.Fatalf("amount %q does not have two decimal places", s)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return n
}

// checkSEPA parses a file back and checks it against its batch: counts,
// sums, amounts, accounts, IDs and the character set.
func checkSEPA(t tester, out []byte, b Batch) {
	t.Helper()
	var p parsed
	if err := xml.Unmarshal(out, &p); err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(p.PmtInf) != 1 {
		t.Fatalf("%d PmtInf, want 1", len(p.PmtInf))
	}
	pi := p.PmtInf[0]
	var sum int64
	for _, l := range b.Lines {
		sum += l.Amount
	}
	n := strconv.Itoa(len(b.Lines))
	if p.GrpHdr.MsgID != b.MessageID || p.GrpHdr.NbOfTxs != n || pi.NbOfTxs != n || len(pi.Tx) != len(b.Lines) {
		t.Errorf("header %+v, %d transactions; want %s, %d", p.GrpHdr, len(pi.Tx), b.MessageID, len(b.Lines))
	}
	if cents(t, p.GrpHdr.CtrlSum) != sum || cents(t, pi.CtrlSum) != sum {
		t.Errorf("control sums %s and %s, want %d cents", p.GrpHdr.CtrlSum, pi.CtrlSum, sum)
	}
	if pi.SvcLvl != "SEPA" || pi.ChrgBr != "SLEV" || pi.Date != b.ExecutionDate || pi.Debtor != NormalizeIBAN(b.Debtor.IBAN) {
		t.Errorf("payment information %+v", pi)
	}
	if want := b.Created.Format("2006-01-02T15:04:05"); p.GrpHdr.CreDtTm != want {
		t.Errorf("CreDtTm %s, want %s", p.GrpHdr.CreDtTm, want)
	}
	var txSum int64
	ids := map[string]bool{}
	for i, tx := range pi.Tx {
		l := b.Lines[i]
		payee := b.Payees[l.Key()]
		txSum += cents(t, tx.Amt.Value)
		if tx.Amt.Ccy != "EUR" || cents(t, tx.Amt.Value) != l.Amount || tx.IBAN != payee.IBAN || tx.BIC != payee.BIC {
			t.Errorf("transaction %d: %+v, want %+v and %+v", i, tx, l, payee)
		}
		if tx.Name != SEPAText(payee.Name) || len(tx.Name) > MaxNameLen || len(tx.Ustrd) > MaxRemittanceLen {
			t.Errorf("transaction %d: name %q, remittance %q", i, tx.Name, tx.Ustrd)
		}
		if checkSEPAID(tx.EndToEndID) != "" || ids[tx.EndToEndID] {
			t.Errorf("transaction %d: end-to-end ID %q is invalid or repeated", i, tx.EndToEndID)
		}
		ids[tx.EndToEndID] = true
		for _, s := range []string{tx.Name, tx.Ustrd} {
			if strings.IndexFunc(s, func(r rune) bool { return !inSEPASet(r) }) >= 0 {
				t.Errorf("transaction %d: %q is outside the SEPA character set", i, s)
			}
		}
	}
	if txSum != sum {
		t.Errorf("transactions add up to %d, want %d", txSum, sum)
	}
}

// sequences are the content models of the pain.001.001.09 types the file
// uses, element by element in schema order, from the ISO 20022 message
// definition (CustomerCreditTransferInitiationV09). The writer uses only
// some of them; order matters for validation, so the test checks that the
// elements present keep this order. A "|" type is a choice: exactly one.
var sequences = map[string][]string{
	"Document":                            {"CstmrCdtTrfInitn"},
	"CustomerCreditTransferInitiationV09": {"GrpHdr", "PmtInf", "SplmtryData"},
	"GroupHeader85":                       {"MsgId", "CreDtTm", "Authstn", "NbOfTxs", "CtrlSum", "InitgPty", "FwdgAgt"},
	"PaymentInstruction30": {"PmtInfId", "PmtMtd", "BtchBookg", "NbOfTxs", "CtrlSum", "PmtTpInf", "ReqdExctnDt",
		"PoolgAdjstmntDt", "Dbtr", "DbtrAcct", "DbtrAgt", "DbtrAgtAcct", "InstrForDbtrAgt", "UltmtDbtr", "ChrgBr",
		"ChrgsAcct", "ChrgsAcctAgt", "CdtTrfTxInf"},
	"PaymentTypeInformation26":                     {"InstrPrty", "SvcLvl", "LclInstrm", "CtgyPurp"},
	"ServiceLevel8Choice|":                         {"Cd", "Prtry"},
	"DateAndDateTime2Choice|":                      {"Dt", "DtTm"},
	"PartyIdentification135":                       {"Nm", "PstlAdr", "Id", "CtryOfRes", "CtctDtls"},
	"CashAccount38":                                {"Id", "Tp", "Ccy", "Nm", "Prxy"},
	"AccountIdentification4Choice|":                {"IBAN", "Othr"},
	"BranchAndFinancialInstitutionIdentification6": {"FinInstnId", "BrnchId"},
	"FinancialInstitutionIdentification18":         {"BICFI", "ClrSysMmbId", "LEI", "Nm", "PstlAdr", "Othr"},
	"GenericFinancialIdentification1":              {"Id", "SchmeNm", "Issr"},
	"CreditTransferTransaction34": {"PmtId", "PmtTpInf", "Amt", "XchgRateInf", "ChrgBr", "ChqInstr", "UltmtDbtr",
		"IntrmyAgt1", "IntrmyAgt1Acct", "IntrmyAgt2", "IntrmyAgt2Acct", "IntrmyAgt3", "IntrmyAgt3Acct", "CdtrAgt",
		"CdtrAgtAcct", "Cdtr", "CdtrAcct", "UltmtCdtr", "InstrForCdtrAgt", "InstrForDbtrAgt", "Purp", "RgltryRptg",
		"Tax", "RltdRmtInf", "RmtInf", "SplmtryData"},
	"PaymentIdentification6":  {"InstrId", "EndToEndId", "UETR"},
	"AmountType4Choice|":      {"InstdAmt", "EqvtAmt"},
	"RemittanceInformation16": {"Ustrd", "Strd"},
}

// childType gives the type of each child element, by the parent's type.
var childType = map[string]map[string]string{
	"":                                    {"Document": "Document"},
	"Document":                            {"CstmrCdtTrfInitn": "CustomerCreditTransferInitiationV09"},
	"CustomerCreditTransferInitiationV09": {"GrpHdr": "GroupHeader85", "PmtInf": "PaymentInstruction30"},
	"GroupHeader85":                       {"InitgPty": "PartyIdentification135"},
	"PaymentInstruction30": {"PmtTpInf": "PaymentTypeInformation26", "ReqdExctnDt": "DateAndDateTime2Choice|",
		"Dbtr": "PartyIdentification135", "DbtrAcct": "CashAccount38",
		"DbtrAgt": "BranchAndFinancialInstitutionIdentification6", "CdtTrfTxInf": "CreditTransferTransaction34"},
	"PaymentTypeInformation26":                     {"SvcLvl": "ServiceLevel8Choice|"},
	"CashAccount38":                                {"Id": "AccountIdentification4Choice|"},
	"BranchAndFinancialInstitutionIdentification6": {"FinInstnId": "FinancialInstitutionIdentification18"},
	"FinancialInstitutionIdentification18":         {"Othr": "GenericFinancialIdentification1"},
	"CreditTransferTransaction34": {"PmtId": "PaymentIdentification6", "Amt": "AmountType4Choice|",
		"CdtrAgt": "BranchAndFinancialInstitutionIdentification6", "Cdtr": "PartyIdentification135",
		"CdtrAcct": "CashAccount38", "RmtInf": "RemittanceInformation16"},
}

// required are the elements the EPC guidelines make mandatory, by type.
var required = map[string][]string{
	"Document":                                     {"CstmrCdtTrfInitn"},
	"CustomerCreditTransferInitiationV09":          {"GrpHdr", "PmtInf"},
	"GroupHeader85":                                {"MsgId", "CreDtTm", "NbOfTxs", "InitgPty"},
	"PaymentInstruction30":                         {"PmtInfId", "PmtMtd", "NbOfTxs", "ReqdExctnDt", "Dbtr", "DbtrAcct", "DbtrAgt", "CdtTrfTxInf"},
	"PaymentIdentification6":                       {"EndToEndId"},
	"CreditTransferTransaction34":                  {"PmtId", "Amt", "Cdtr", "CdtrAcct"},
	"PartyIdentification135":                       {"Nm"},
	"BranchAndFinancialInstitutionIdentification6": {"FinInstnId"},
	"GenericFinancialIdentification1":              {"Id"},
}

// repeatable are the elements that may occur more than once.
var repeatable = map[string]bool{"PmtInf": true, "CdtTrfTxInf": true}

// checkOrder walks the file and checks every element against the
// sequences: known, in schema order, not repeated unless repeatable, one
// branch of a choice, and with its required children.
func checkOrder(t tester, out []byte) {
	t.Helper()
	type frame struct {
		typ      string
		last     int // index in the sequence of the last child
		children []string
	}
	stack := []*frame{{typ: ""}}
	d := xml.NewDecoder(bytes.NewReader(out))
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			parent := stack[len(stack)-1]
			name := tok.Name.Local
			if tok.Name.Space != PainNamespace {
				t.Errorf("%s is in namespace %q", name, tok.Name.Space)
			}
			typ := childType[parent.typ][name] // "" for a simple type
			if parent.typ != "" {
				seq, ok := sequences[parent.typ]
				i := slices.Index(seq, name)
				switch {
				case !ok:
					t.Errorf("%s has a child %s but is a simple type", parent.typ, name)
				case i < 0:
					t.Errorf("%s has no element %s", parent.typ, name)
				case i < parent.last || (i == parent.last && !repeatable[name]):
					t.Errorf("%s: %s comes after %s, against the schema's order %v", parent.typ, name, seq[parent.last], seq)
				case strings.HasSuffix(parent.typ, "|") && len(parent.children) > 0:
					t.Errorf("%s is a choice but has %s and %s", parent.typ, parent.children[0], name)
				}
				parent.last = max(parent.last, i)
			}
			parent.children = append(parent.children, name)
			stack = append(stack, &frame{typ: typ, last: -1})
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, r := range required[f.typ] {
				if !slices.Contains(f.children, r) {
					t.Errorf("%s %s lacks %s", f.typ, tok.Name.Local, r)
				}
			}
		}
	}
	if len(stack) != 1 || len(stack[0].children) != 1 {
		t.Errorf("not one document element")
	}
}

// validateXSD validates a file with xmllint, if installed, against
// testdata/pain.001.001.09-sepa-subset.xsd: a hand-written subset of the
// ISO schema with the EPC's restrictions (not the official file, which is
// not in the repository).
func validateXSD(t testing.TB, out []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint not found; not validated against the schema subset")
		return
	}
	f := filepath.Join(t.TempDir(), "out.xml")
	if err := os.WriteFile(f, out, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "pain.001.001.09-sepa-subset.xsd"), f)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, msg)
	}
}

func TestWriteSEPARefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(b *Batch)
		want   []string
	}{
		{"no message ID", func(b *Batch) { b.MessageID = "" }, []string{"message ID: must be 1 to 35"}},
		{"long message ID", func(b *Batch) { b.MessageID = strings.Repeat("x", 36) }, []string{"message ID: must be 1 to 35"}},
		{"space in message ID", func(b *Batch) { b.MessageID = "a b" }, []string{"message ID: only"}},
		{"umlaut in message ID", func(b *Batch) { b.MessageID = "Zahlläuf" }, []string{"message ID: only"}},
		{"slashes in message ID", func(b *Batch) { b.MessageID = "a//b" }, []string{`message ID: must not start or end with "/"`}},
		{"leading slash", func(b *Batch) { b.MessageID = "/ab" }, []string{"message ID: must not"}},
		{"no creation time", func(b *Batch) { b.Created = time.Time{} }, []string{"creation time: missing"}},
		{"bad date", func(b *Batch) { b.ExecutionDate = "2025-7-1" }, []string{`execution date: "2025-7-1" is not a date`}},
		{"no date", func(b *Batch) { b.ExecutionDate = "" }, []string{`execution date: "" is not a date`}},
		{"impossible date", func(b *Batch) { b.ExecutionDate = "2025-02-30" }, []string{"is not a date"}},
		{"date in the past", func(b *Batch) { b.ExecutionDate = "2025-06-29" }, []string{"execution date: 2025-06-29 is before the creation date 2025-06-30"}},
		{"debtor name", func(b *Batch) { b.Debtor.Name = "" }, []string{"debtor: the name is empty"}},
		{"debtor IBAN", func(b *Batch) { b.Debtor.IBAN = "DE89370400440532013001" }, []string{"debtor IBAN: the check digits"}},
		{"debtor outside SEPA", func(b *Batch) { b.Debtor.IBAN = "TR330006100519786457841326" }, []string{"debtor IBAN: TR is not a SEPA country"}},
		{"debtor BIC", func(b *Batch) { b.Debtor.BIC = "COBADE" }, []string{"debtor BIC: a BIC has 8 or 11"}},
		{"no lines", func(b *Batch) { b.Lines = nil }, []string{"no lines to pay"}},
		{"other currencies", func(b *Batch) {
			b.Lines[0].Currency = "USD"
			b.Lines[1].Currency = "CHF"
			b.Lines[2].Currency = "USD"
		}, []string{`SEPA pays only EUR; lines in other currencies: "CHF": identity:git:bo@example.org; "USD": agent:a1b2c3, pool:infrastructure`}},
		{"unknown payees", func(b *Batch) {
			delete(b.Payees, "agent:a1b2c3")
			delete(b.Payees, "pool:infrastructure")
			b.Lines = append(b.Lines, Line{KindAgent, "zz", "", "EUR", 1})
		}, []string{"no payee details for 3 recipients (add them to the payee file): agent:a1b2c3, agent:zz, pool:infrastructure"}},
		{"amount too large", func(b *Batch) { b.Lines[0].Amount = MaxSEPAAmount + 1 }, []string{"agent:a1b2c3: amount 1000000000.00 EUR is not from 0.01 to 999999999.99"}},
		{"zero amount", func(b *Batch) { b.Lines[0].Amount = 0 }, []string{"amount 0.00 EUR is not from"}},
		{"negative amount", func(b *Batch) { b.Lines[0].Amount = -1 }, []string{"amount -0.01 EUR is not from"}},
		{"invalid payee", func(b *Batch) {
			b.Payees["agent:a1b2c3"] = Payee{"agent:a1b2c3", "", "DE89370400440532013001", ""}
		}, []string{"payee agent:a1b2c3, name: the name is empty", "payee agent:a1b2c3, iban: the check digits"}},
		{"payee under another key", func(b *Batch) {
			b.Payees["agent:a1b2c3"] = b.Payees["pool:infrastructure"]
		}, []string{"payee pool:infrastructure is stored under agent:a1b2c3"}},
		{"payee outside SEPA", func(b *Batch) {
			b.Payees["agent:a1b2c3"] = Payee{"agent:a1b2c3", "Ayse", "TR330006100519786457841326", ""}
		}, []string{"payee agent:a1b2c3: IBAN country TR is not in SEPA"}},
		{"all at once", func(b *Batch) {
			b.MessageID = ""
			b.Lines[0].Currency = "USD"
			delete(b.Payees, "pool:infrastructure")
		}, []string{"message ID", "only EUR", "no payee details for 1 recipients"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := testBatch()
			tc.change(&b)
			var buf bytes.Buffer
			err := WriteSEPA(&buf, b)
			if meent.ErrorCode(err) != meent.EINVALID {
				t.Fatalf("WriteSEPA = %v, want invalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(meent.ErrorMessage(err), w) {
					t.Errorf("%v\ndoes not say %q", err, w)
				}
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes though it refused", buf.Len())
			}
		})
	}
}

func TestWriteSEPAEdges(t *testing.T) {
	t.Run("execution on the creation day", func(t *testing.T) {
		b := testBatch()
		b.ExecutionDate = "2025-06-30"
		checkSEPA(t, writeSEPA(t, b), b)
	})
	t.Run("long remittance is cut", func(t *testing.T) {
		b := testBatch()
		b.RemittanceFunc = func(l Line) string { return strings.Repeat("ß", 100) }
		out := writeSEPA(t, b)
		if !bytes.Contains(out, []byte("<Ustrd>"+strings.Repeat("s", 140)+"</Ustrd>")) {
			t.Errorf("remittance not cut to 140 characters:\n%s", out)
		}
	})
	t.Run("XML special characters", func(t *testing.T) {
		b := testBatch()
		b.Remittance = `<a href="x">&'</a>`
		out := writeSEPA(t, b)
		checkSEPA(t, out, b)
		validateXSD(t, out)
	})
}

// TestWriteSEPASums checks, for random batches, that the file parses back
// with the right counts and an exact control sum, in schema order.
func TestWriteSEPASums(t *testing.T) {
	ibans := []string{"DE89370400440532013000", "NL91ABNA0417164300", "FR1420041010050500013M02606", "AT611904300234573201"}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		b := testBatch()
		b.Lines = nil
		b.Payees = map[string]Payee{}
		for i := range n {
			id := strconv.Itoa(i)
			amount := rapid.OneOf(rapid.Int64Range(1, 1000), rapid.Int64Range(1, MaxSEPAAmount), rapid.Just(int64(MaxSEPAAmount))).Draw(t, "amount")
			b.Lines = append(b.Lines, Line{KindAgent, id, "", "EUR", amount})
			b.Payees["agent:"+id] = Payee{"agent:" + id, rapid.StringMatching(`[A-Za-zéüß]([A-Za-z ,.'éüß&-]{0,40}[a-z])?`).Draw(t, "name"),
				rapid.SampledFrom(ibans).Draw(t, "iban"), rapid.SampledFrom([]string{"", "DEUTDEFF", "DEUTDEFF500"}).Draw(t, "bic")}
		}
		var buf bytes.Buffer
		if err := WriteSEPA(&buf, b); err != nil {
			t.Fatal(err)
		}
		checkSEPA(t, buf.Bytes(), b)
		checkOrder(t, buf.Bytes())
	})
}

// recorder is a tester that records failures, to test the checks.
type recorder struct{ failed []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// TestCheckOrderCatches makes sure the order check is not vacuous: moved,
// repeated, unknown, doubly chosen and missing elements are reported.
func TestCheckOrderCatches(t *testing.T) {
	good := string(writeSEPA(t, testBatch()))
	for name, bad := range map[string]string{
		"moved":    strings.Replace(strings.Replace(good, "<ChrgBr>SLEV</ChrgBr>", "", 1), "<PmtMtd>TRF</PmtMtd>", "<PmtMtd>TRF</PmtMtd><ChrgBr>SLEV</ChrgBr>", 1),
		"repeated": strings.Replace(good, "<PmtMtd>TRF</PmtMtd>", "<PmtMtd>TRF</PmtMtd><PmtMtd>TRF</PmtMtd>", 1),
		"unknown":  strings.Replace(good, "<PmtMtd>TRF</PmtMtd>", "<PmtMtd>TRF</PmtMtd><Foo/>", 1),
		"choice":   strings.Replace(good, "<Dt>2025-07-01</Dt>", "<Dt>2025-07-01</Dt><DtTm>2025-07-01T00:00:00</DtTm>", 1),
		"missing":  strings.Replace(good, "<EndToEndId>MEENT-2025-06-30-1-1</EndToEndId>", "", 1),
		"creditor": strings.Replace(good, "<Cdtr>\n          <Nm>Bo + Co</Nm>\n        </Cdtr>", "", 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		var r recorder
		checkOrder(&r, []byte(bad))
		if len(r.failed) == 0 {
			t.Errorf("%s: checkOrder found nothing wrong", name)
		}
	}
	var r recorder
	checkOrder(&r, []byte(good))
	if len(r.failed) != 0 {
		t.Errorf("checkOrder on a good file: %v", r.failed)
	}
}
