package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/meent/meent"
)

// testKey returns a deterministic key, so failures are reproducible.
func testKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
}

func pubB64(k ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

func TestSignDecodeRoundTrip(t *testing.T) {
	key := testKey(1)
	entry, err := Sign(key, Body{Type: "agent.create", Time: 1763700000000, Data: map[string]any{"kind": "person", "name": "Maya ✓"}})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Decode(entry)
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, entry)
	}
	if ev.Type != "agent.create" || ev.Time != 1763700000000 || ev.Author != "" || !bytes.Equal(ev.Key, key.Public().(ed25519.PublicKey)) {
		t.Errorf("decoded envelope wrong: %+v", ev)
	}
	if ev.Hash != sha256.Sum256(entry) {
		t.Error("hash is not SHA-256 of the entry")
	}
	if !bytes.Equal(ev.Entry, entry) {
		t.Error("entry bytes not kept exactly")
	}
	var d struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	}
	if err := ev.DecodeData(&d); err != nil || d.Name != "Maya ✓" {
		t.Errorf("data: %+v, %v", d, err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	key := testKey(2)
	pk := pubB64(key)
	// body builds a body with the given middle; the signature is valid, so
	// each case is refused for its content alone.
	body := func(s string) []byte { return SignBody(key, []byte(s)) }
	good := `{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`
	if _, err := Decode(body(good)); err != nil {
		t.Fatalf("baseline must decode: %v", err)
	}
	cases := []struct {
		name  string
		entry []byte
		code  string
	}{
		{"duplicate key", body(`{"v":1,"type":"agent.create","type":"agent.update","key":"` + pk + `","time":1,"data":{}}`), meent.EMALFORMED},
		{"duplicate key in data", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"a":1,"a":2}}`), meent.EMALFORMED},
		{"invalid utf-8", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":"` + "\xff" + `"}}`), meent.EMALFORMED},
		{"lone surrogate", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":"\ud800"}}`), meent.EMALFORMED},
		{"null", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":null}}`), meent.EMALFORMED},
		{"float", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":1.5}}`), meent.EMALFORMED},
		{"exponent", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":1e3}}`), meent.EMALFORMED},
		{"unsafe integer", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":9007199254740992}}`), meent.EMALFORMED},
		{"negative zero", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":-0}}`), meent.EMALFORMED},
		{"trailing space", body(good + ` `), meent.EMALFORMED},
		{"trailing object", body(good + `{}`), meent.EMALFORMED},
		{"leading space", body(` ` + good), meent.EMALFORMED},
		{"too deep", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 41)), meent.EMALFORMED},
		{"unknown member", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{},"extra":1}`), meent.EMALFORMED},
		{"unknown version", body(`{"v":2,"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EVERSION},
		{"missing version", body(`{"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EVERSION},
		// docs/ledger.md section 2: a "v" other than 1, of any JSON type,
		// is an unsupported version; only the JSON rules come first.
		{"version as a string", body(`{"v":"1","type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EVERSION},
		{"version true", body(`{"v":true,"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EVERSION},
		{"version object", body(`{"v":{"major":1},"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EVERSION},
		{"version array", body(`{"v":[1],"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EVERSION},
		{"version negative", body(`{"v":-1,"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EVERSION},
		{"version null", body(`{"v":null,"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EMALFORMED},
		{"version 1.0", body(`{"v":1.0,"type":"agent.create","key":"` + pk + `","time":1,"data":{}}`), meent.EMALFORMED},
		{"missing data", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1}`), meent.EMALFORMED},
		{"data not object", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":[]}`), meent.EMALFORMED},
		{"bad type", body(`{"v":1,"type":"Agent.Create","key":"` + pk + `","time":1,"data":{}}`), meent.EMALFORMED},
		{"empty type segment", body(`{"v":1,"type":"agent..create","key":"` + pk + `","time":1,"data":{}}`), meent.EMALFORMED},
		{"bad author", body(`{"v":1,"type":"agent.update","author":"ABC","key":"` + pk + `","time":1,"data":{}}`), meent.EMALFORMED},
		{"key with a line break", body(`{"v":1,"type":"agent.create","key":"` + pk[:10] + `\n` + pk[10:] + `","time":1,"data":{}}`), meent.EMALFORMED},
		{"short key", body(`{"v":1,"type":"agent.create","key":"AAAA","time":1,"data":{}}`), meent.EMALFORMED},
		{"zero time", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":0,"data":{}}`), meent.EMALFORMED},
		{"not an object", body(`[1]`), meent.EMALFORMED},
		{"no newline", []byte(good), meent.EMALFORMED},
		{"signature line short", append([]byte(good), "\nAAAA\n"...), meent.EMALFORMED},
		{"data after signature", append(body(good), 'x'), meent.EMALFORMED},
		{"oversize", body(`{"v":1,"type":"agent.create","key":"` + pk + `","time":1,"data":{"n":"` + strings.Repeat("x", MaxEntrySize) + `"}}`), meent.ETOOLARGE},
		{"signature by another key", SignBody(testKey(3), []byte(good)), meent.ESIGNATURE},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(c.entry)
			if got := meent.ErrorCode(err); got != c.code {
				t.Errorf("code = %q (%v), want %q", got, err, c.code)
			}
		})
	}
}

func TestFlippedByteFailsSignature(t *testing.T) {
	entry, _ := Sign(testKey(4), Body{Type: "agent.update", Author: strings.Repeat("ab", 32), Time: 5, Data: map[string]string{"name": "abc"}})
	i := bytes.Index(entry, []byte("abc"))
	bad := bytes.Clone(entry)
	bad[i] = 'x'
	if _, err := Decode(bad); meent.ErrorCode(err) != meent.ESIGNATURE {
		t.Fatalf("tampered entry: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	key := testKey(5)
	good, _ := Sign(key, Body{Type: "agent.create", Time: 1, Data: map[string]any{"kind": "person", "name": "x", "n": 3, "l": []int{1, 2}}})
	f.Add(good)
	f.Add([]byte("{}\n" + strings.Repeat("A", 86) + "==\n"))
	f.Add(SignBody(key, []byte(`{"v":1,"type":"a","key":"`+pubB64(key)+`","time":1,"data":{"a":{"b":[1,"x",true]}}}`)))
	f.Fuzz(func(t *testing.T, entry []byte) {
		ev, err := Parse(entry)
		if err != nil {
			if meent.ErrorCode(err) == meent.EINTERNAL {
				t.Fatalf("decoder error without a code: %v", err)
			}
			return
		}
		// Whatever parses must say the same thing when parsed again, and
		// its parts must be exactly the stored bytes.
		if !bytes.Equal(ev.Entry, entry) || ev.Hash != sha256.Sum256(entry) {
			t.Fatal("parsed event does not keep its bytes")
		}
		again, err := Parse(bytes.Clone(entry))
		if err != nil || again.Type != ev.Type || again.Time != ev.Time || !bytes.Equal(again.Data, ev.Data) {
			t.Fatal("two parses disagree")
		}
		if len(entry) > MaxEntrySize {
			t.Fatal("oversize entry accepted")
		}
		_ = ev.Verify()
	})
}
