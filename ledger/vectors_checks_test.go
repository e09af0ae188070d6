package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"filippo.io/edwards25519"

	"github.com/meent/meent"
)

// CheckVector pins one strictness rule of docs/ledger.md: the exact entry
// bytes and the verdict. Entries are base64 because some are not UTF-8.
type CheckVector struct {
	Name  string `json:"name"`
	Rule  string `json:"rule"`  // the docs/ledger.md section that decides it
	Check string `json:"check"` // "entry": sections 1-2 and the signature; "log": appended to the valid events, all rules
	Entry string `json:"entry_base64"`
	Valid bool   `json:"valid"`
	Error string `json:"error_code,omitempty"`
	// PlainVerifies says whether RFC 8032 verification without the
	// refusals of section 1 (crypto/ed25519, OpenSSL) accepts the
	// signature; set only for the Ed25519 edge cases.
	PlainVerifies *bool `json:"plain_ed25519_verifies,omitempty"`
}

// Check kinds.
const (
	checkEntry = "entry"
	checkLog   = "log"
)

// buildChecks makes the strictness vectors. admin is the key of the first
// agent of the vector log and adminID its ID; "log" vectors are judged
// after the valid events of the file.
func buildChecks(t *testing.T, admin ed25519.PrivateKey, adminID string) []CheckVector {
	var out []CheckVector
	pk := pubB64(admin)
	tm := int64(1763719300000)
	// update is the body of an agent.update by the admin with the given
	// data, each at a new time.
	update := func(data string) string {
		tm++
		return `{"v":1,"type":"agent.update","author":"` + adminID + `","key":"` + pk + `","time":` + itoa(tm) + `,"data":` + data + `}`
	}
	add := func(name, rule, check string, entry []byte, valid bool, code string) *CheckVector {
		if check == checkEntry {
			_, err := Decode(entry)
			if got := meent.ErrorCode(err); got != code {
				t.Fatalf("check %q: Decode code %q (%v), want %q", name, got, err, code)
			}
		}
		out = append(out, CheckVector{Name: name, Rule: rule, Check: check, Entry: base64.StdEncoding.EncodeToString(entry), Valid: valid, Error: code})
		return &out[len(out)-1]
	}
	signed := func(body string) []byte { return SignBody(admin, []byte(body)) }
	ok := func(name, rule, body string) { add(name, rule, checkEntry, signed(body), true, "") }
	bad := func(name, rule, body, code string) { add(name, rule, checkEntry, signed(body), false, code) }

	// Section 2, rule 3: null.
	bad("null in data", "2.3", update(`{"name":null}`), meent.EMALFORMED)
	bad("null in the envelope", "2.3", `{"v":1,"type":"agent.update","author":null,"key":"`+pk+`","time":1,"data":{"name":"x"}}`, meent.EMALFORMED)
	// Rule 4: integers only, no -0, within ±(2^53-1).
	ok("integer 2^53-1", "2.4", update(`{"name":"x","n":9007199254740991}`))
	ok("integer -(2^53-1)", "2.4", update(`{"name":"x","n":-9007199254740991}`))
	bad("integer 2^53", "2.4", update(`{"name":"x","n":9007199254740992}`), meent.EMALFORMED)
	bad("integer -2^53", "2.4", update(`{"name":"x","n":-9007199254740992}`), meent.EMALFORMED)
	bad("-0", "2.4", update(`{"name":"x","n":-0}`), meent.EMALFORMED)
	bad("fraction 1.0", "2.4", update(`{"name":"x","n":1.0}`), meent.EMALFORMED)
	bad("exponent 1e2", "2.4", update(`{"name":"x","n":1e2}`), meent.EMALFORMED)
	bad("leading zero", "2.4", update(`{"name":"x","n":01}`), meent.EMALFORMED)
	// Rule 5: depth. The body is level 1, data level 2, then arrays.
	ok("depth 32", "2.5", update(`{"name":"x","d":`+strings.Repeat("[", 30)+strings.Repeat("]", 30)+`}`))
	bad("depth 33", "2.5", update(`{"name":"x","d":`+strings.Repeat("[", 31)+strings.Repeat("]", 31)+`}`), meent.EMALFORMED)
	// Rule 2: duplicate names, compared after unescaping.
	bad("escaped duplicate name in the envelope", "2.2", `{"v":1,"\u0076":1,"type":"agent.update","author":"`+adminID+`","key":"`+pk+`","time":1,"data":{"name":"x"}}`, meent.EMALFORMED)
	bad("escaped duplicate name in data", "2.2", update(`{"name":"a","n\u0061me":"b"}`), meent.EMALFORMED)
	add("escaped member name is read unescaped", "2.2", checkLog, signed(`{"v":1,"\u0074ype":"agent.update","author":"`+adminID+`","key":"`+pk+`","time":1763719300100,"data":{"n\u0061me":"Maya"}}`), true, "")
	// Rule 1: UTF-8 and surrogates.
	bad("lone high surrogate", "2.1", update(`{"name":"\ud800"}`), meent.EMALFORMED)
	bad("lone low surrogate", "2.1", update(`{"name":"\udc00"}`), meent.EMALFORMED)
	bad("surrogates in the wrong order", "2.1", update(`{"name":"\udc00\ud800"}`), meent.EMALFORMED)
	add("escaped surrogate pair", "2.1", checkLog, signed(update(`{"name":"Maya \ud83d\ude00"}`)), true, "")
	bad("invalid UTF-8: 0xFF", "2.1", update(`{"name":"a`+"\xff"+`"}`), meent.EMALFORMED)
	bad("invalid UTF-8: overlong '/'", "2.1", update(`{"name":"a`+"\xc0\xaf"+`"}`), meent.EMALFORMED)
	bad("invalid UTF-8: encoded surrogate", "2.1", update(`{"name":"a`+"\xed\xa0\x80"+`"}`), meent.EMALFORMED)
	bad("invalid UTF-8: truncated sequence", "2.1", update(`{"name":"a`+"\xe2\x82"+`"}`), meent.EMALFORMED)
	// Rule 6: nothing around the object; whitespace between tokens is fine.
	ok("whitespace between tokens", "2.6", `{ "v": 1, "type": "agent.update", "author": "`+adminID+`", "key": "`+pk+`", "time": 1763719300200, "data": { "name": "x" } }`)
	bad("whitespace after the body", "2.6", update(`{"name":"x"}`)+" ", meent.EMALFORMED)
	bad("carriage return after the body", "2.6", update(`{"name":"x"}`)+"\r", meent.EMALFORMED)
	bad("whitespace before the body", "2.6", " "+update(`{"name":"x"}`), meent.EMALFORMED)
	// Rule 7: unknown members.
	bad("unknown member in the envelope", "2.7", `{"v":1,"type":"agent.update","author":"`+adminID+`","key":"`+pk+`","time":1,"data":{"name":"x"},"note":"hi"}`, meent.EMALFORMED)
	add("unknown member in data", "2.7", checkLog, signed(update(`{"name":"x","nick":"y"}`)), false, meent.EMALFORMED)
	// Envelope: the version, of any JSON type.
	bad("version as a string", "2", `{"v":"1","type":"agent.update","author":"`+adminID+`","key":"`+pk+`","time":1,"data":{"name":"x"}}`, meent.EVERSION)
	bad("version true", "2", `{"v":true,"type":"agent.update","author":"`+adminID+`","key":"`+pk+`","time":1,"data":{"name":"x"}}`, meent.EVERSION)
	bad("version missing", "2", `{"type":"agent.update","author":"`+adminID+`","key":"`+pk+`","time":1,"data":{"name":"x"}}`, meent.EVERSION)

	// Section 1: the entry.
	good := signed(update(`{"name":"x"}`))
	body, sigLine := good[:bytes.IndexByte(good, '\n')], good[bytes.IndexByte(good, '\n')+1:len(good)-1]
	add("trailing byte after the entry", "1", checkEntry, append(bytes.Clone(good), 'x'), false, meent.EMALFORMED)
	add("trailing newline after the entry", "1", checkEntry, append(bytes.Clone(good), '\n'), false, meent.EMALFORMED)
	add("no newline after the signature", "1", checkEntry, good[:len(good)-1], false, meent.EMALFORMED)
	// The last character before "==" carries 4 padding bits, which must
	// be zero: flip the lowest, the decoded bytes stay the same.
	nc := bytes.Clone(sigLine)
	nc[85] = stdAlphabet[strings.IndexByte(stdAlphabet, nc[85])|1]
	add("non-canonical base64 signature", "1", checkEntry, entryOf(body, string(nc)), false, meent.EMALFORMED)
	add("signature without padding", "1", checkEntry, entryOf(body, string(sigLine[:86])), false, meent.EMALFORMED)
	kc := []byte(pk)
	kc[42] = stdAlphabet[strings.IndexByte(stdAlphabet, kc[42])|1]
	bad("non-canonical base64 key", "2", `{"v":1,"type":"agent.update","author":"`+adminID+`","key":"`+string(kc)+`","time":1,"data":{"name":"x"}}`, meent.EMALFORMED)
	// The size limit, 65535 bytes for the whole entry.
	sized := func(n int) []byte {
		b := update(`{"name":"x","pad":"`)
		pad := n - len(b) - len(`"}}`) - 2 - sigLineLen
		return signed(b + strings.Repeat("a", pad) + `"}}`)
	}
	if e := sized(MaxEntrySize); len(e) != MaxEntrySize {
		t.Fatalf("sized entry is %d bytes", len(e))
	}
	add("entry of 65535 bytes", "1", checkEntry, sized(MaxEntrySize), true, "")
	add("entry of 65536 bytes", "1", checkEntry, sized(MaxEntrySize+1), false, meent.ETOOLARGE)

	// Section 1: the Ed25519 rule. Each of these but the S one is accepted
	// by crypto/ed25519 alone, which is why the rule exists.
	identity := append([]byte{1}, make([]byte, 31)...)
	universal := append(bytes.Clone(identity), make([]byte, 32)...) // R = identity, S = 0
	create := func(key []byte) []byte {
		return []byte(`{"v":1,"type":"agent.create","key":"` + base64.StdEncoding.EncodeToString(key) + `","time":1763719300300,"data":{"kind":"person","name":"Nobody"}}`)
	}
	sig := func(name string, entry []byte, key []byte, code string) {
		ev, err := Parse(entry)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		msg := append([]byte(SignatureContext), ev.Body...)
		plain := ed25519.Verify(key, msg, ev.Sig)
		add(name, "1", checkEntry, entry, false, code).PlainVerifies = &plain
	}
	sig("small-order key A (identity), R = identity, S = 0", entryOf(create(identity), b64(universal)), identity, meent.ESIGNATURE)
	t8 := mustHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
	sig("small-order key A (order 8), R = identity, S = 0", order8Forgery(t, t8), t8, meent.ESIGNATURE)
	nonCanonical := mustHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f") // y = p+1, the identity
	sig("non-canonical key A (y = p+1)", entryOf(create(nonCanonical), b64(universal)), nonCanonical, meent.ESIGNATURE)
	rBody := []byte(update(`{"name":"x"}`))
	rSig := signWithR(admin, identity, append([]byte(SignatureContext), rBody...))
	sig("small-order R (identity), S = k·a", entryOf(rBody, b64(rSig)), admin.Public().(ed25519.PublicKey), meent.ESIGNATURE)
	gSig, _ := base64.StdEncoding.DecodeString(string(sigLine))
	sig("non-canonical S (S + L)", entryOf(body, b64(append(gSig[:32:32], addL(gSig[32:])...))), admin.Public().(ed25519.PublicKey), meent.ESIGNATURE)
	// A small-order or non-canonical key named in data is refused by the
	// rules of section 3, however well the event itself is signed.
	add("agent.key.add of a small-order key", "3", checkLog, signed(`{"v":1,"type":"agent.key.add","author":"`+adminID+`","key":"`+pk+`","time":1763719300400,"data":{"key":"`+b64(identity)+`"}}`), false, meent.ERULE)
	add("agent.key.add of a non-canonical key", "3", checkLog, signed(`{"v":1,"type":"agent.key.add","author":"`+adminID+`","key":"`+pk+`","time":1763719300401,"data":{"key":"`+b64(nonCanonical)+`"}}`), false, meent.ERULE)
	return out
}

const stdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func entryOf(body []byte, sigLine string) []byte {
	return []byte(string(body) + "\n" + sigLine + "\n")
}

// order8Forgery finds an agent.create under an order-8 key T whose
// universal signature crypto/ed25519 accepts: with R = identity and S = 0
// the check is [k]T = identity, true when 8 divides k, so about one time
// value in eight works.
func order8Forgery(t *testing.T, key []byte) []byte {
	T, err := new(edwards25519.Point).SetBytes(key)
	if err != nil {
		t.Fatal(err)
	}
	r := append([]byte{1}, make([]byte, 31)...)
	for tm := int64(1763719300500); tm < 1763719300600; tm++ {
		body := []byte(`{"v":1,"type":"agent.create","key":"` + b64(key) + `","time":` + itoa(tm) + `,"data":{"kind":"person","name":"Nobody"}}`)
		h := sha512.New()
		h.Write(r)
		h.Write(key)
		h.Write([]byte(SignatureContext))
		h.Write(body)
		k, _ := new(edwards25519.Scalar).SetUniformBytes(h.Sum(nil))
		if new(edwards25519.Point).ScalarMult(k, T).Equal(edwards25519.NewIdentityPoint()) == 1 {
			return entryOf(body, b64(append(bytes.Clone(r), make([]byte, 32)...)))
		}
	}
	t.Fatal("no time value gives k ≡ 0 mod 8")
	return nil
}

// TestVectorChecks runs every strictness vector of the file, as read from
// the file, through Decode: what an independent verifier would do. The
// "log" vectors are run by TestVectorChecksLog (package ledger_test), which
// may import the rules.
func TestVectorChecks(t *testing.T) {
	raw, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatal(err)
	}
	var v Vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Checks) == 0 {
		t.Fatal("no check vectors in the file")
	}
	for _, c := range v.Checks {
		entry, err := base64.StdEncoding.DecodeString(c.Entry)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if c.Valid != (c.Error == "") {
			t.Errorf("%s: valid %v with error code %q", c.Name, c.Valid, c.Error)
		}
		_, err = Decode(entry)
		switch c.Check {
		case checkEntry:
			if got := meent.ErrorCode(err); got != c.Error {
				t.Errorf("%s: code %q (%v), want %q", c.Name, got, err, c.Error)
			}
		case checkLog:
			if err != nil {
				t.Errorf("%s: a log vector must decode: %v", c.Name, err)
			}
		default:
			t.Errorf("%s: unknown check %q", c.Name, c.Check)
		}
		if c.PlainVerifies != nil {
			ev, err := Parse(entry)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			if got := ed25519.Verify(ev.Key, append([]byte(SignatureContext), ev.Body...), ev.Sig); got != *c.PlainVerifies {
				t.Errorf("%s: crypto/ed25519 says %v, the file %v", c.Name, got, *c.PlainVerifies)
			}
		}
	}
}
