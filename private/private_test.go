package private_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/meent/meent/breadfund"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/license"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

func TestCommit(t *testing.T) {
	var salt [private.SaltSize]byte
	for i := range salt {
		salt[i] = byte(i)
	}
	c := private.Commit(salt, []byte("NL91ABNA0417164300"))
	if !private.Check(c, salt, []byte("NL91ABNA0417164300")) {
		t.Fatal("a commitment does not open with its own data and salt")
	}
	if private.Check(c, salt, []byte("NL91ABNA0417164301")) {
		t.Error("other data opens the commitment")
	}
	salt2 := salt
	salt2[0] ^= 1
	if private.Check(c, salt2, []byte("NL91ABNA0417164300")) {
		t.Error("another salt opens the commitment")
	}
	// Two seals of the same bytes never share a commitment: the salt hides
	// even that two events point to the same reference.
	a, err := private.Seal([]byte("paid"), "agent", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := private.Seal([]byte("paid"), "agent", "", 1)
	if a.Commitment == b.Commitment || a.Salt == b.Salt {
		t.Error("two seals of the same data share a salt or commitment")
	}
	if !a.Valid() {
		t.Error("a sealed record is not valid")
	}
	back, err := private.ParseCommitment(a.Commitment.String())
	if err != nil || back != a.Commitment {
		t.Errorf("ParseCommitment(String()) = %v, %v", back, err)
	}
	for _, bad := range []string{"", strings.ToUpper(a.Commitment.String()), a.Commitment.String()[:63], a.Commitment.String() + "0", strings.Repeat("g", 64)} {
		if _, err := private.ParseCommitment(bad); meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("ParseCommitment(%q) = %v, want invalid", bad, err)
		}
	}
	if _, err := private.Seal(nil, "a", "", 1); err == nil {
		t.Error("empty data sealed")
	}
	if _, err := private.Seal(bytes.Repeat([]byte{1}, private.MaxData+1), "a", "", 1); meent.ErrorCode(err) != meent.ETOOLARGE {
		t.Errorf("oversize data: %v", err)
	}
}

// TestCommitVector pins the commitment construction byte for byte, as
// docs/privacy.md states it: SHA-256 over the domain string, the salt and
// the data. The value was computed independently (Python's hashlib), and
// docs/privacy.md gives it so anyone can check a commitment without meent.
func TestCommitVector(t *testing.T) {
	var salt [private.SaltSize]byte
	for i := range salt {
		salt[i] = byte(i)
	}
	got := private.Commit(salt, []byte("SEPA end-to-end ID 2026-03-01/17")).String()
	const want = "d09694b0a611721d5e44d15dc76c531c695f52c1595e1edd355d043e2b880b47"
	if got != want {
		t.Errorf("commitment = %s, want %s", got, want)
	}
}

func TestReader(t *testing.T) {
	rec := private.Record{Owner: "owner", Commons: "c1"}
	tests := []struct {
		r           private.Reader
		read, erase bool
	}{
		{private.Reader{Agent: "owner"}, true, true},
		{private.Reader{Agent: "admin", Admin: true}, true, true},
		{private.Reader{Agent: "m", Maintainers: []string{"m"}}, true, false},
		{private.Reader{Agent: "x", Maintainers: []string{"m"}}, false, false},
		{private.Reader{}, false, false},
	}
	for _, tt := range tests {
		if got := tt.r.MayRead(rec); got != tt.read {
			t.Errorf("%+v MayRead = %v", tt.r, got)
		}
		if got := tt.r.MayErase(rec); got != tt.erase {
			t.Errorf("%+v MayErase = %v", tt.r, got)
		}
	}
	// A record of no commons is for its owner and the admins only.
	if (private.Reader{Agent: "m", Maintainers: []string{"m"}}).MayRead(private.Record{Owner: "o"}) {
		t.Error("a maintainer reads a record of no commons")
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		in   string
		kind string // "" for none
		hit  string // the text found
	}{
		{"NL91ABNA0417164300", private.KindIBAN, "NL91ABNA0417164300"},
		{"paid to NL91 ABNA 0417 1643 00 on 1 March", private.KindIBAN, "NL91 ABNA 0417 1643 00"},
		{"iban: nl91abna0417164300.", private.KindIBAN, "nl91abna0417164300"},
		{"DE89370400440532013000", private.KindIBAN, "DE89370400440532013000"},
		{"GB82 WEST 1234 5698 7654 32", private.KindIBAN, "GB82 WEST 1234 5698 7654 32"},
		{"MU17BOMM0101101030300200000MUR", private.KindIBAN, "MU17BOMM0101101030300200000MUR"}, // outside payout's list
		{"NL91ABNA0417164301", "", ""},               // check digits wrong
		{"NL91ABNA04171643001", "", ""},              // too long for NL
		{"XNL91ABNA0417164300", "", ""},              // not at a word boundary
		{"NL91ABNA0417164300X", "", ""},              // runs on
		{"ZZ91ABNA0417164300", "", ""},               // no such country
		{"SEPA end-to-end MEENT-20260301-1", "", ""}, // a reference that is fine
		{"batch 2026-03", "", ""},
		{"maya@example.org", private.KindEmail, "maya@example.org"},
		{"write to Maya.J+meent@mail.example.co.uk.", private.KindEmail, "Maya.J+meent@mail.example.co.uk"},
		{"mailto:maya@example.org", private.KindEmail, "maya@example.org"},
		{"see x@y, then maya@example.org", private.KindEmail, "maya@example.org"},
		{"git@github.com:meent/meent.git", "", ""},   // a git remote
		{"ssh://git@github.com/meent/meent", "", ""}, // URL user info
		{"https://example.org/@maya", "", ""},
		{"@maya on the forum", "", ""},
		{"user@localhost", "", ""},
		{"a@b.c", "", ""}, // a one-letter top-level label is no domain
		{"v1.2@3.4", "", ""},
		{"", "", ""},
		{"diagnosis: broken arm", "", ""}, // prose is for people to avoid: docs/privacy.md
		{"call +31 6 1234 5678 after six", private.KindPhone, "+31 6 1234 5678"},
		{"+31612345678", private.KindPhone, "+31612345678"},
		{"tel.+44 (0)20 7946 0958.", private.KindPhone, "+44 (0)20 7946 0958"},
		{"+1-202-555-0173", private.KindPhone, "+1-202-555-0173"},
		{"bel 06-12345678", private.KindPhone, "06-12345678"},
		{"0612345678", private.KindPhone, "0612345678"},
		{"06 12345678, avonds", private.KindPhone, "06 12345678"},
		{"+5 votes", "", ""},                // too few digits
		{"+1234567 points", "", ""},         // seven digits
		{"+1234567890123456", "", ""},       // sixteen digits: no E.164 number
		{"+31 6 1234 5678ab", "", ""},       // runs on into a word
		{"invoice 2026-0612345678", "", ""}, // 06 inside a number
		{"061234567", "", ""},               // 06 and seven digits
		{"0612345678901", "", ""},           // runs on
		{"room 06-1234", "", ""},
		{"SEPA 2026-0041, batch 06", "", ""},
		{"+0 800 1234 5678", "", ""}, // no country code starts with 0
	}
	for _, tt := range tests {
		f, ok := private.Detect(tt.in)
		if ok != (tt.kind != "") {
			t.Errorf("Detect(%q) = %+v, %v; want %q", tt.in, f, ok, tt.kind)
			continue
		}
		if ok && (f.Kind != tt.kind || tt.in[f.Start:f.End] != tt.hit) {
			t.Errorf("Detect(%q) found %s %q, want %s %q", tt.in, f.Kind, tt.in[f.Start:f.End], tt.kind, tt.hit)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "maya@example.org", "git@github.com:x/y",
		"ssh://git@h.example/x", "a@b..c", "@@@", "nl91 abna 0417 1643 00 1", "x@y.zz:", "'@a.bc", ".@a.bc", "-@-.bc",
		"+31 6 1234 5678", "06-12345678", "+44 (0)20 7946 0958", "+1-202-555-0173", "2026-0612345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fd, ok := private.Detect(s)
		if !ok {
			return
		}
		if fd.Start < 0 || fd.End > len(s) || fd.Start >= fd.End {
			t.Fatalf("Detect(%q) = %+v: bad range", s, fd)
		}
		hit := s[fd.Start:fd.End]
		switch fd.Kind {
		case private.KindIBAN:
			if !private.ValidIBAN(strings.ToUpper(strings.ReplaceAll(hit, " ", ""))) {
				t.Fatalf("Detect(%q) found IBAN %q that does not validate", s, hit)
			}
		case private.KindEmail:
			if strings.Count(hit, "@") != 1 || !strings.Contains(hit[strings.IndexByte(hit, '@'):], ".") {
				t.Fatalf("Detect(%q) found address %q without local@domain.tld", s, hit)
			}
		case private.KindPhone:
			digits := 0
			for _, c := range hit {
				if c >= '0' && c <= '9' {
					digits++
				}
			}
			if digits < 8 || digits > 17 || !(hit[0] == '+' || strings.HasPrefix(hit, "06")) {
				t.Fatalf("Detect(%q) found telephone number %q", s, hit)
			}
		default:
			t.Fatalf("unknown kind %q", fd.Kind)
		}
		// What was found is found again on its own: the detector judges
		// the text, not where it sits.
		if g, ok := private.Detect(hit); !ok || g.Kind != fd.Kind || hit[g.Start:g.End] != hit {
			t.Fatalf("Detect(%q) = %+v; alone, %q gives %+v %v", s, fd, hit, g, ok)
		}
	})
}

func TestScreen(t *testing.T) {
	tests := []struct {
		typ, data string
		bad       string // a substring of the error, "" when accepted
	}{
		{"payout.settle", `{"reference":"NL91ABNA0417164300"}`, "payout.settle reference looks like it holds an IBAN"},
		{"payout.settle", `{"reference":"NL91ABNA0417164300"}`, "--private-reference"},
		{"payout.settle", `{"reference":"SEPA MEENT-1"}`, ""},
		{"payout.settle", `{"recipient":"git:maya@example.org","reference":"batch 3"}`, ""}, // a recipient identity is public
		{"need.post", `{"title":"call me: maya@example.org"}`, "need.post title looks like it holds an e-mail address"},
		{"need.post", `{"title":"call me: +31 6 1234 5678"}`, "need.post title looks like it holds a telephone number"},
		{"contribution.submit", `{"title":"x","evidence":[{"url":"https://x"},{"note":"ask maya@example.org"}]}`, "evidence[].note"},
		{"contribution.submit", `{"title":"x","evidence":[{"url":"mailto:maya@example.org"}]}`, "evidence[].url"},
		{"commons.create", `{"name":"x","links":["git@github.com:a/b.git","https://a.example"]}`, ""},
		{"commons.create", `{"name":"x","links":["maya@example.org"]}`, "links[]"},
		{"contribution.review", `{"reason":"IBAN DE89 3704 0044 0532 0130 00 is wrong"}`, "reason"},
		{"contribution.import", `{"commits":[{"identity":"git:maya@example.org"}]}`, ""},
		{"identity.claim", `{"identity":"git:maya@example.org"}`, ""},
		{"agent.create", `{"kind":"person","name":"maya@example.org"}`, "agent.create name"},
		{"governance.poll.open", `{"question":"Who?","method":"approval","options":["ada","mail maya@example.org"]}`, "options[]"},
		{"budget.bucket.propose", `{"title":"Party","description":"pay to NL91ABNA0417164300"}`, "budget.bucket.propose description"},
	}
	for _, tt := range tests {
		err := private.Screen(tt.typ, []byte(tt.data))
		if tt.bad == "" {
			if err != nil {
				t.Errorf("Screen(%s, %s) = %v", tt.typ, tt.data, err)
			}
			continue
		}
		if meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), tt.bad) {
			t.Errorf("Screen(%s, %s) = %v, want a rule violation with %q", tt.typ, tt.data, err, tt.bad)
		}
	}
}

func TestCommitments(t *testing.T) {
	c := private.Commit([private.SaltSize]byte{1}, []byte("x"))
	got := private.Commitments("payout.settle", []byte(`{"reference":"r","ref_commitment":"`+c.String()+`"}`))
	if len(got) != 1 || got[0] != c {
		t.Errorf("Commitments = %v", got)
	}
	if got := private.Commitments("payout.settle", []byte(`{"reference":"r"}`)); len(got) != 0 {
		t.Errorf("Commitments without one = %v", got)
	}
	if got := private.Commitments("need.post", []byte(`{"ref_commitment":"`+c.String()+`"}`)); len(got) != 0 {
		t.Errorf("Commitments of a type without commitments = %v", got)
	}
}

// TestMembersExist checks every member FreeText and CommitmentMembers name
// against the Go type that decodes that event's data, so a renamed member
// cannot silently escape the screen.
func TestMembersExist(t *testing.T) {
	types := map[string]any{
		agent.TypeCreate: agent.CreateData{}, agent.TypeUpdate: agent.UpdateData{},
		commons.TypeCreate: commons.CreateData{}, commons.TypeUpdate: commons.UpdateData{}, commons.TypeFork: commons.ForkData{},
		commons.TypeSubmit: commons.SubmitData{}, commons.TypeRevise: commons.ReviseData{},
		commons.TypeReview: commons.ReviewData{}, commons.TypeDispute: commons.DisputeData{}, commons.TypeResolve: commons.ResolveData{},
		commons.TypeNeedPost: commons.NeedData{}, commons.TypeNeedClose: commons.CloseData{},
		value.TypeIncomeRecord: value.IncomeData{}, value.TypePayoutSettle: value.SettleData{},
		license.TypeRequest: license.RequestData{}, license.TypePay: license.PayData{}, license.TypeRevoke: license.RevokeData{},
		credit.TypeCurrencyCreate: credit.CurrencyData{}, credit.TypeCurrencyUpdate: credit.CurrencyData{}, credit.TypeTransfer: credit.TransferData{},
		breadfund.TypeCost: breadfund.CostData{}, breadfund.TypeSettle: breadfund.SettleData{}, breadfund.TypeSick: breadfund.SickData{},
	}
	// The other areas' types from the catalogue, so a new area's free
	// text is checked without a line here.
	for _, et := range state.EventTypes {
		if _, ok := types[et.Type]; !ok {
			types[et.Type] = et.Data
		}
	}
	check := func(typ string, paths []string) {
		v, ok := types[typ]
		if !ok {
			t.Errorf("%s: no data type known to this test", typ)
			return
		}
		for _, p := range paths {
			rt := reflect.TypeOf(v)
			for _, name := range strings.Split(p, ".") {
				name = strings.TrimSuffix(name, "[]")
				for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice {
					rt = rt.Elem()
				}
				f, ok := fieldByTag(rt, name)
				if !ok {
					t.Errorf("%s: %s names member %q that %s does not have", typ, p, name, rt)
					break
				}
				rt = f
			}
			for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice {
				rt = rt.Elem()
			}
			if rt.Kind() != reflect.String {
				t.Errorf("%s: %s is a %s, not text", typ, p, rt)
			}
		}
	}
	for typ, paths := range private.FreeText {
		check(typ, paths)
	}
	for typ, paths := range private.CommitmentMembers {
		check(typ, paths)
	}
}

func fieldByTag(rt reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return f.Type, true
		}
		// An inline struct's members are the object's own in JSON
		// (governance.OpenData's tally.Rule).
		if tag == "" && f.Anonymous && strings.Contains(opts, "inline") && f.Type.Kind() == reflect.Struct {
			if ft, ok := fieldByTag(f.Type, name); ok {
				return ft, true
			}
		}
	}
	return nil, false
}

// FuzzScreen: Screen never panics on any data, and whatever it refuses
// names a member of the event type's public free text.
func FuzzScreen(f *testing.F) {
	f.Add("payout.settle", `{"reference":"NL91ABNA0417164300"}`)
	f.Add("contribution.submit", `{"evidence":[{"note":"a@b.cd"},7,null,{"url":["x"]}]}`)
	f.Add("commons.create", `{"links":["maya@example.org",1,{"a":"b"}]}`)
	f.Add("need.post", `[1,2]`)
	f.Fuzz(func(t *testing.T, typ, data string) {
		err := private.Screen(typ, []byte(data))
		if err == nil {
			return
		}
		named := false
		for _, p := range private.FreeText[typ] {
			if strings.Contains(err.Error(), typ+" "+p+" ") {
				named = true
			}
		}
		if !named {
			t.Fatalf("Screen(%s, %s) = %v: names no free-text member", typ, data, err)
		}
	})
}
