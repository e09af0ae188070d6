package payout

import (
	"bytes"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/private"
)

const payeeFile = "\uFEFFRecipient, Name ,IBAN,BIC\n" +
	"agent:a1b2c3,Ann Example,de89 3704 0044 0532 0130 00,cobadeffxxx\n" +
	"\n" +
	"identity:git:bo@example.org,\"Bø, Ltd\",  NL91ABNA0417164300  ,\n" +
	"pool:infrastructure,\"Commons \"\"Infra\"\" e.V.\",FR1420041010050500013M02606,BNPAFRPP\n"

func TestReadPayees(t *testing.T) {
	got, err := ReadPayees(strings.NewReader(payeeFile))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Payee{
		"agent:a1b2c3":                {"agent:a1b2c3", "Ann Example", "DE89370400440532013000", "COBADEFFXXX"},
		"identity:git:bo@example.org": {"identity:git:bo@example.org", "Bø, Ltd", "NL91ABNA0417164300", ""},
		"pool:infrastructure":         {"pool:infrastructure", `Commons "Infra" e.V.`, "FR1420041010050500013M02606", "BNPAFRPP"},
	}
	if !maps.Equal(got, want) {
		t.Errorf("ReadPayees\n got %v\nwant %v", got, want)
	}

	t.Run("header only", func(t *testing.T) {
		got, err := ReadPayees(strings.NewReader("recipient,name,iban,bic\r\n"))
		if err != nil || len(got) != 0 {
			t.Errorf("ReadPayees = %v, %v", got, err)
		}
	})
}

func TestReadPayeesRefuses(t *testing.T) {
	const h = "recipient,name,iban,bic\n"
	const ok = ",Ann,DE89370400440532013000,\n"
	for _, tc := range []struct {
		name, file string
		code       string
		want       []string // parts of the message
	}{
		{"empty", "", meent.EINVALID, []string{"empty", "recipient,name,iban,bic"}},
		{"wrong header", "recipient,name,iban\nagent:a,Ann,DE89370400440532013000\n", meent.EINVALID, []string{"line 1: the header must be"}},
		{"header in other order", "name,recipient,iban,bic\n", meent.EINVALID, []string{"line 1: the header"}},
		{"columns", h + "agent:a,Ann,DE89370400440532013000\n", meent.EINVALID, []string{"line 2: 3 columns, want 4"}},
		{"bad quote", h + "agent:a,An\"n,DE89370400440532013000,\n", meent.EINVALID, []string{"line 2, column 11", "bare"}},
		{"kind", h + "user:a" + ok, meent.EINVALID, []string{"line 2, column recipient: must be agent:ID, identity:ID or pool:NAME"}},
		{"no colon", h + "a" + ok, meent.EINVALID, []string{"line 2, column recipient"}},
		{"empty ID", h + "agent:" + ok, meent.EINVALID, []string{"line 2, column recipient: the agent ID must be 1 to 200 bytes"}},
		{"long ID", h + "pool:" + strings.Repeat("x", 201) + ok, meent.EINVALID, []string{"the pool name must be 1 to 200 bytes"}},
		{"space in ID", h + "agent: a" + ok, meent.EINVALID, []string{"starts or ends with a space"}},
		{"control in ID", h + "agent:a\x01b" + ok, meent.EINVALID, []string{"control character"}},
		{"bad UTF-8", h + "agent:a\xff" + ok, meent.EINVALID, []string{"not valid UTF-8"}},
		{"no name", h + "agent:a,,DE89370400440532013000,\n", meent.EINVALID, []string{"line 2, column name: the name is empty"}},
		{"long name", h + "agent:a," + strings.Repeat("ß", 36) + ",DE89370400440532013000,\n", meent.EINVALID, []string{"column name: the name has 72 characters"}},
		{"Cyrillic name", h + "agent:a,Иван Петров,DE89370400440532013000,\n", meent.EINVALID, []string{"no Latin letter"}},
		{"newline in name", h + "agent:a,\"Ann\nB\",DE89370400440532013000,\n", meent.EINVALID, []string{"line 2, column name: the name contains a control character"}},
		{"IBAN", h + "agent:a,Ann,DE89370400440532013001,\n", meent.EINVALID, []string{"line 2, column iban: the check digits do not match"}},
		{"IBAN length", h + "agent:a,Ann,DE8937040044053201300,\n", meent.EINVALID, []string{"line 2, column iban: an IBAN of DE has 22 characters, not 21"}},
		{"no IBAN", h + "agent:a,Ann,,\n", meent.EINVALID, []string{"line 2, column iban"}},
		{"BIC", h + "agent:a,Ann,DE89370400440532013000,DEUTDE\n", meent.EINVALID, []string{"line 2, column bic: a BIC has 8 or 11 characters"}},
		{"duplicate", h + "agent:a" + ok + "pool:x" + ok + "agent:a" + ok, meent.EINVALID, []string{"line 4, column recipient: agent:a is already on line 2"}},
		{"multi-line field counts lines", h + "agent:a,\"Ann\",DE89370400440532013000,\n\"pool:\nx\",Bo,DE89370400440532013000,\n", meent.EINVALID, []string{"line 3, column recipient"}},
		{"several problems", h + "agent:a,,DE89370400440532013001,X\n", meent.EINVALID, []string{"column name", "column iban", "column bic"}},
		{"many problems", h + strings.Repeat("agent:a,,x,\n", 20), meent.EINVALID, []string{"and 30 more"}},
		{"too large", h + strings.Repeat("x", MaxPayeeFileSize), meent.ETOOLARGE, []string{"larger than"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadPayees(strings.NewReader(tc.file))
			if err == nil {
				t.Fatalf("ReadPayees accepted: %v", got)
			}
			if meent.ErrorCode(err) != tc.code {
				t.Errorf("code %s, want %s: %v", meent.ErrorCode(err), tc.code, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(meent.ErrorMessage(err), w) {
					t.Errorf("%v\ndoes not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "370400440532013") {
				t.Errorf("the error repeats an IBAN: %v", err)
			}
		})
	}
}

func TestReadPayeesRowLimit(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("recipient,name,iban,bic\n")
	for i := range MaxPayees + 1 {
		fmt.Fprintf(&b, "agent:%d,A,DE89370400440532013000,\n", i)
	}
	_, err := ReadPayees(&b)
	if meent.ErrorCode(err) != meent.ETOOLARGE {
		t.Fatalf("ReadPayees: %v, want too_large", err)
	}
}

func TestWritePayees(t *testing.T) {
	payees, err := ReadPayees(strings.NewReader(payeeFile))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WritePayees(&b, payees); err != nil {
		t.Fatal(err)
	}
	want := "recipient,name,iban,bic\n" +
		"agent:a1b2c3,Ann Example,DE89370400440532013000,COBADEFFXXX\n" +
		"identity:git:bo@example.org,\"Bø, Ltd\",NL91ABNA0417164300,\n" +
		"pool:infrastructure,\"Commons \"\"Infra\"\" e.V.\",FR1420041010050500013M02606,BNPAFRPP\n"
	if b.String() != want {
		t.Errorf("WritePayees wrote\n%s\nwant\n%s", b.String(), want)
	}
	again, err := ReadPayees(&b)
	if err != nil || !maps.Equal(again, payees) {
		t.Errorf("read back %v, %v; want %v", again, err, payees)
	}

	for name, bad := range map[string]map[string]Payee{
		"wrong key":   {"agent:b": {"agent:a", "Ann", "DE89370400440532013000", ""}},
		"bad IBAN":    {"agent:a": {"agent:a", "Ann", "DE89370400440532013001", ""}},
		"no name":     {"agent:a": {"agent:a", "", "DE89370400440532013000", ""}},
		"bad BIC":     {"agent:a": {"agent:a", "Ann", "DE89370400440532013000", "X"}},
		"bad kind":    {"x:a": {"x:a", "Ann", "DE89370400440532013000", ""}},
		"padded name": {"agent:a": {"agent:a", " Ann", "DE89370400440532013000", ""}},
		"bad newline": {"agent:a": {"agent:a", "Ann\r\nB", "DE89370400440532013000", ""}},
	} {
		var b bytes.Buffer
		if err := WritePayees(&b, bad); meent.ErrorCode(err) != meent.EINVALID || b.Len() != 0 {
			t.Errorf("%s: WritePayees = %v, wrote %q", name, err, b.String())
		}
	}
}

// FuzzReadPayees feeds arbitrary bytes to ReadPayees: it never panics,
// refuses only with EINVALID or ETOOLARGE, and what it accepts WritePayees
// writes back so that ReadPayees reads the same payees, and writing those
// again gives the same bytes.
func FuzzReadPayees(f *testing.F) {
	f.Add([]byte(payeeFile))
	for _, s := range []string{
		"recipient,name,iban,bic\n",
		"recipient,name,iban,bic\nagent:a,Ann,DE89370400440532013000,\n",
		"recipient,name,iban,bic\r\nagent:a,\" Ann \",gb82 west 1234 5698 7654 32,westgb2l\r\n",
		"recipient,name,iban,bic\npool:x,\"a\"\"b,\nc\",DE89370400440532013000,DEUTDEFF500\n",
		"recipient,name,iban,bic\nidentity:a:b:c,\\.,NO9386011117947,\n",
		"recipient,name,iban,bic\nagent:a,Ann,DE89370400440532013000,\nagent:a,Bo,DE89370400440532013000,\n",
		"recipient,name,iban,bic\nagent:a,An\"n,x,\n",
		"recipient,name,iban\n",
		"\"recipient\",name,iban,bic\nagent:é,Émile,MT84MALT011000012345MTLCAST001S,\n",
		"",
		"\uFEFF",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		payees, err := ReadPayees(bytes.NewReader(data))
		if err != nil {
			if c := meent.ErrorCode(err); c != meent.EINVALID && c != meent.ETOOLARGE {
				t.Fatalf("ReadPayees: %v", err)
			}
			return
		}
		var b1 bytes.Buffer
		if err := WritePayees(&b1, payees); err != nil {
			t.Fatalf("WritePayees refuses what ReadPayees accepted: %v", err)
		}
		again, err := ReadPayees(bytes.NewReader(b1.Bytes()))
		if err != nil {
			t.Fatalf("ReadPayees refuses what WritePayees wrote: %v\n%s", err, b1.Bytes())
		}
		if !maps.Equal(payees, again) {
			t.Fatalf("round trip changed the payees:\n%v\n%v", payees, again)
		}
		var b2 bytes.Buffer
		if err := WritePayees(&b2, again); err != nil || !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("second write differs (%v):\n%s\n%s", err, b1.Bytes(), b2.Bytes())
		}
	})
}

// TestIBANCountriesAgreeWithDetector: the payee file and the personal-data
// detector (package private) must agree on every country's IBAN length, or
// an IBAN a treasurer can pay into could slip through the detector.
func TestIBANCountriesAgreeWithDetector(t *testing.T) {
	for cc, c := range ibanCountries {
		if n, ok := private.IBANLength(cc); !ok || n != c.length {
			t.Errorf("%s: payout says %d characters, the detector %d (known %v)", cc, c.length, n, ok)
		}
	}
}
