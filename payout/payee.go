package payout

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meent/meent"
)

// Limits of a payee file. A commons has hundreds of recipients, not
// millions; the limits keep a wrong or hostile file from using much
// memory (the file is read whole) while leaving room to grow.
const (
	MaxPayeeFileSize = 8 << 20 // bytes
	MaxPayees        = 100_000 // rows, without the header
	MaxRecipientLen  = 200     // bytes of an agent ID, identity or pool name (value.MaxIDLen)
	MaxNameLen       = 70      // characters of a name after SEPA transliteration
	maxNameBytes     = 4 * MaxNameLen
	maxProblems      = 10 // problems named in one error
)

// PayeeHeader is the first line of a payee file. Evolution: columns are
// only ever added, optional and at the end, and ReadPayees keeps reading
// files without them; a column never changes its meaning.
var PayeeHeader = []string{"recipient", "name", "iban", "bic"}

// Payee is where the money for one recipient goes: the account holder's
// name, IBAN and BIC. Payees live only in the treasurer's payee file,
// never in the log (see the package comment).
type Payee struct {
	Recipient string // "agent:ID", "identity:ID" or "pool:NAME"; see Key
	Name      string // the account holder, as the bank knows them
	IBAN      string // upper case, no spaces (NormalizeIBAN)
	BIC       string // upper case, or "" when not given (banks find it from the IBAN)
}

// ReadPayees reads a payee file: CSV (RFC 4180, UTF-8, an optional byte
// order mark) with the header "recipient,name,iban,bic" and one row per
// recipient. Fields are trimmed; IBANs may be written in groups of four
// and in lower case; the BIC may be empty. The result maps each Payee's
// Recipient to it, with IBAN and BIC normalized.
//
// It refuses the whole file, naming up to ten problems by line and column
// (never repeating an IBAN, which is personal data), with EINVALID: a
// wrong header or column count, an unknown recipient kind, a recipient
// listed twice, a name that is empty or longer than MaxNameLen after
// SEPAText, an IBAN with an unknown country, a wrong length or wrong check
// digits, a malformed BIC. A file over MaxPayeeFileSize bytes or with more
// than MaxPayees rows is refused with ETOOLARGE. A read error is returned
// as it is.
func ReadPayees(r io.Reader) (map[string]Payee, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPayeeFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read payees: %w", err)
	}
	if len(data) > MaxPayeeFileSize {
		return nil, meent.Errorf(meent.ETOOLARGE, "payee file: larger than %d bytes", MaxPayeeFileSize)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))

	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // checked here, to say which line
	cr.ReuseRecord = true
	var probs problems

	header, err := cr.Read()
	switch {
	case err == io.EOF:
		return nil, meent.Errorf(meent.EINVALID, "payee file: empty; it must start with the header %s", strings.Join(PayeeHeader, ","))
	case err != nil:
		return nil, &meent.Error{Code: meent.EINVALID, Message: "payee file: " + csvProblem(err), Err: err}
	}
	if !equalFold(header, PayeeHeader) {
		line, _ := cr.FieldPos(0)
		return nil, meent.Errorf(meent.EINVALID, "payee file: line %d: the header must be %s", line, strings.Join(PayeeHeader, ","))
	}

	out := map[string]Payee{}
	seen := map[string]int{} // recipient -> line
	for rows := 0; ; rows++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			probs.add(csvProblem(err))
			break
		}
		if rows == MaxPayees {
			return nil, meent.Errorf(meent.ETOOLARGE, "payee file: more than %d rows", MaxPayees)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(PayeeHeader) {
			probs.add(fmt.Sprintf("line %d: %d columns, want %d (%s)", line, len(rec), len(PayeeHeader), strings.Join(PayeeHeader, ",")))
			continue
		}
		p := Payee{
			Recipient: strings.TrimSpace(rec[0]),
			Name:      strings.TrimSpace(rec[1]),
			IBAN:      NormalizeIBAN(rec[2]),
			BIC:       NormalizeBIC(rec[3]),
		}
		bad := false
		for _, fp := range checkPayee(p) {
			l, _ := cr.FieldPos(fp.column)
			probs.add(fmt.Sprintf("line %d, column %s: %s", l, PayeeHeader[fp.column], fp.msg))
			bad = true
		}
		if first, dup := seen[p.Recipient]; dup {
			probs.add(fmt.Sprintf("line %d, column recipient: %s is already on line %d", line, p.Recipient, first))
			continue
		}
		if bad {
			continue
		}
		seen[p.Recipient] = line
		out[p.Recipient] = p
	}
	if err := probs.err("payee file"); err != nil {
		return nil, err
	}
	return out, nil
}

// WritePayees writes payees as a payee file that ReadPayees reads back
// unchanged: the header, then one row per payee sorted by recipient. It
// refuses (EINVALID, before writing anything) a payee that ReadPayees
// would refuse or that is not stored under its own Recipient.
func WritePayees(w io.Writer, payees map[string]Payee) error {
	keys := make([]string, 0, len(payees))
	var probs problems
	for k, p := range payees {
		keys = append(keys, k)
		if k != p.Recipient {
			probs.add(fmt.Sprintf("payee %q is stored under %q", p.Recipient, k))
		}
		for _, fp := range checkPayee(p) {
			probs.add(fmt.Sprintf("payee %q, %s: %s", p.Recipient, PayeeHeader[fp.column], fp.msg))
		}
	}
	if len(keys) > MaxPayees {
		return meent.Errorf(meent.ETOOLARGE, "payees: more than %d", MaxPayees)
	}
	if err := probs.err("payees"); err != nil {
		return err
	}
	slices.Sort(keys)
	cw := csv.NewWriter(w)
	if err := cw.Write(PayeeHeader); err != nil {
		return fmt.Errorf("write payees: %w", err)
	}
	for _, k := range keys {
		p := payees[k]
		if err := cw.Write([]string{p.Recipient, p.Name, NormalizeIBAN(p.IBAN), NormalizeBIC(p.BIC)}); err != nil {
			return fmt.Errorf("write payees: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write payees: %w", err)
	}
	return nil
}

type fieldProblem struct {
	column int // index in PayeeHeader
	msg    string
}

// checkPayee returns what is wrong with p, by column. IBAN and BIC are
// checked in their normalized form.
func checkPayee(p Payee) []fieldProblem {
	var out []fieldProblem
	if msg := checkRecipientKey(p.Recipient); msg != "" {
		out = append(out, fieldProblem{0, msg})
	}
	if msg := checkName(p.Name); msg != "" {
		out = append(out, fieldProblem{1, msg})
	}
	if err := CheckIBAN(NormalizeIBAN(p.IBAN)); err != nil {
		out = append(out, fieldProblem{2, err.Error()})
	}
	if bic := NormalizeBIC(p.BIC); bic != "" {
		if err := CheckBIC(bic); err != nil {
			out = append(out, fieldProblem{3, err.Error()})
		}
	}
	return out
}

// checkRecipientKey checks "kind:ID"; the ID is what the log uses, so
// anything printable of the log's length is allowed (identities may
// themselves contain colons, as in "git:alice@example.org").
func checkRecipientKey(k string) string {
	kind, id, ok := strings.Cut(k, ":")
	switch {
	case !ok || (kind != KindAgent && kind != KindIdentity && kind != KindPool):
		return "must be agent:ID, identity:ID or pool:NAME"
	case id == "" || len(id) > MaxRecipientLen:
		return fmt.Sprintf("the %s must be 1 to %d bytes", kindNoun(kind), MaxRecipientLen)
	case !utf8.ValidString(id):
		return "not valid UTF-8"
	case strings.TrimSpace(id) != id:
		return fmt.Sprintf("the %s starts or ends with a space", kindNoun(kind))
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return "contains a control character"
	}
	return ""
}

func kindNoun(kind string) string {
	if kind == KindPool {
		return "pool name"
	}
	return kind + " ID"
}

// checkName checks an account holder's name as it will appear in a SEPA
// file: at most MaxNameLen characters once transliterated, with at least
// one letter or digit left (a name in, say, Cyrillic alone would become
// dots, which no bank can match).
func checkName(name string) string {
	switch {
	case name == "":
		return "the name is empty"
	case len(name) > maxNameBytes || !utf8.ValidString(name):
		return fmt.Sprintf("the name must be at most %d characters of UTF-8", MaxNameLen)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "the name contains a control character"
	case strings.TrimSpace(name) != name:
		return "the name starts or ends with a space"
	}
	s := SEPAText(name)
	switch {
	case len(s) > MaxNameLen:
		return fmt.Sprintf("the name has %d characters in the SEPA character set, more than %d", len(s), MaxNameLen)
	case strings.IndexFunc(s, func(r rune) bool { return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }) < 0:
		return "the name has no Latin letter or digit; write it in Latin letters"
	}
	return ""
}

func equalFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(strings.TrimSpace(a[i]), b[i]) {
			return false
		}
	}
	return true
}

// csvProblem describes a CSV syntax error by its line and column
// (counted in bytes, as the csv package does).
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return "not CSV"
}

// problems collects what is wrong with an input, so that one error names
// them all (up to maxProblems) and the user can fix them in one go.
type problems struct {
	list []string
	n    int
}

func (p *problems) add(msg string) {
	p.n++
	if len(p.list) < maxProblems {
		p.list = append(p.list, msg)
	}
}

func (p *problems) err(what string) error {
	if p.n == 0 {
		return nil
	}
	msg := what + ": " + strings.Join(p.list, "; ")
	if p.n > len(p.list) {
		msg += fmt.Sprintf("; and %d more", p.n-len(p.list))
	}
	return meent.Errorf(meent.EINVALID, "%s", msg)
}
