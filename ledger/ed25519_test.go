package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"testing"

	"filippo.io/edwards25519"

	"github.com/meent/meent"
)

// identityKey is the attack of issue 9: the identity point as a public
// key, for which R = identity, S = 0 "signs" every message.
var identityKey = ed25519.PublicKey(mustHex("0100000000000000000000000000000000000000000000000000000000000000"))

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// universalSig is R = identity, S = 0.
func universalSig() []byte {
	return append(bytes.Clone(identityKey), make([]byte, 32)...)
}

func TestCheckPublicKeySmallOrder(t *testing.T) {
	canonical := 0
	for _, e := range smallOrder {
		for _, sign := range []byte{0, 0x80} {
			b := bytes.Clone(e[:])
			b[31] |= sign
			err := checkPoint(b)
			switch err {
			case errSmallOrder:
				canonical++
			case errNonCanonical, errNotPoint:
			default:
				t.Errorf("%x: %v, want refused", b, err)
			}
			if CheckPublicKey(b) == nil {
				t.Errorf("CheckPublicKey(%x) accepted a small-order key", b)
			}
		}
	}
	// The torsion subgroup has 8 points, each with one canonical encoding.
	if canonical != 8 {
		t.Errorf("%d canonical small-order encodings refused as small order, want 8", canonical)
	}
}

// TestSmallOrderTable derives the table from the curve: the multiples of
// an order-8 point are the whole torsion subgroup, and every one of them
// is in the table (sign bit cleared).
func TestSmallOrderTable(t *testing.T) {
	t8, err := new(edwards25519.Point).SetBytes(smallOrder[2][:])
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	p := edwards25519.NewIdentityPoint()
	for i := 0; i < 8; i++ {
		b := p.Bytes()
		seen[string(b)] = true
		b[31] &= 0x7f
		if quickCheck(b) != errSmallOrder {
			t.Errorf("[%d]T = %x is not in the table", i, p.Bytes())
		}
		p.Add(p, t8)
	}
	if len(seen) != 8 || p.Equal(edwards25519.NewIdentityPoint()) != 1 {
		t.Fatalf("T does not generate the 8 torsion points (%d)", len(seen))
	}
}

// TestQuickCheckAgrees: the byte-level check of the hot path gives the
// same verdict as decoding the point, on every interesting encoding and on
// random points with and without a torsion component.
func TestQuickCheckAgrees(t *testing.T) {
	var cases [][]byte
	for _, e := range smallOrder {
		for _, sign := range []byte{0, 0x80} {
			b := bytes.Clone(e[:])
			b[31] |= sign
			cases = append(cases, b)
		}
	}
	for d := 0; d < 19; d++ {
		for _, sign := range []byte{0, 0x80} {
			b := mustHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
			b[0] += byte(d)
			b[31] |= sign
			cases = append(cases, b)
		}
	}
	t8, _ := new(edwards25519.Point).SetBytes(smallOrder[2][:])
	seed := sha512.Sum512([]byte("quickcheck"))
	for i := 0; i < 2000; i++ {
		seed = sha512.Sum512(seed[:])
		s, _ := new(edwards25519.Scalar).SetUniformBytes(seed[:])
		p := new(edwards25519.Point).ScalarBaseMult(s)
		cases = append(cases, p.Bytes())
		p.Add(p, t8) // mixed order: accepted, as RFC 8032 does
		cases = append(cases, p.Bytes())
		cases = append(cases, bytes.Clone(seed[:32])) // random bytes: often not a point
	}
	checked := 0
	for _, b := range cases {
		ref := checkPoint(b)
		if ref == errNotPoint {
			continue
		}
		checked++
		if got := quickCheck(b); got != ref {
			t.Errorf("%x: quickCheck %v, checkPoint %v", b, got, ref)
		}
	}
	if checked < 4000 {
		t.Fatalf("only %d encodings were points", checked)
	}
}

func TestCheckPublicKeyNonCanonical(t *testing.T) {
	// y = p + 2 .. p + 18 wraps to y = 2 .. 18; those that decode are
	// non-canonical spellings of real points (of large order, mostly),
	// which crypto/ed25519 accepts and this rule refuses.
	decoded := 0
	for d := byte(2); d <= 18; d++ {
		b := mustHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
		b[0] += d
		if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
			continue
		}
		decoded++
		if err := checkPoint(b); err != errNonCanonical {
			t.Errorf("%x: %v, want non-canonical", b, err)
		}
	}
	if decoded == 0 {
		t.Fatal("no non-canonical encoding decoded; the test checks nothing")
	}
	// x = 0 with the sign bit set ("-0") is the other non-canonical form.
	b := bytes.Clone(identityKey)
	b[31] |= 0x80
	if err := CheckPublicKey(b); err == nil {
		t.Errorf("-0 identity accepted")
	}
}

func TestCheckPublicKeyAcceptsRealKeys(t *testing.T) {
	for i := 0; i < 64; i++ {
		k := testKey(byte(i))
		if err := CheckPublicKey(k.Public().(ed25519.PublicKey)); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
}

// TestIdentityKeyAttack is the attack an outside audit ran: crypto/ed25519
// alone accepts one signature for every message under the identity key.
// Decode must refuse it, whatever the body.
func TestIdentityKeyAttack(t *testing.T) {
	sig := universalSig()
	for _, m := range []string{"a", "b", SignatureContext + "{}"} {
		if !ed25519.Verify(identityKey, []byte(m), sig) {
			t.Fatalf("crypto/ed25519 no longer accepts the universal signature; the premise changed")
		}
	}
	body := `{"v":1,"type":"agent.create","key":"` + base64.StdEncoding.EncodeToString(identityKey) + `","time":1,"data":{"kind":"person","name":"x"}}`
	entry := body + "\n" + base64.StdEncoding.EncodeToString(sig) + "\n"
	_, err := Decode([]byte(entry))
	if meent.ErrorCode(err) != meent.ESIGNATURE {
		t.Fatalf("Decode = %v, want bad_signature", err)
	}
}

// signWithR signs msg with key but forces R to the given small-order
// point: S = k·a, so [S]B = [k]A and [S]B - [k]A = identity... plus R's
// torsion, which the cofactorless check compares as bytes. Only R =
// identity verifies under crypto/ed25519; that is the one the rule must
// refuse.
func signWithR(key ed25519.PrivateKey, r, msg []byte) []byte {
	h := sha512.Sum512(key.Seed())
	a, _ := new(edwards25519.Scalar).SetBytesWithClamping(h[:32])
	kh := sha512.New()
	kh.Write(r)
	kh.Write(key.Public().(ed25519.PublicKey))
	kh.Write(msg)
	k, _ := new(edwards25519.Scalar).SetUniformBytes(kh.Sum(nil))
	s := new(edwards25519.Scalar).Multiply(k, a)
	return append(bytes.Clone(r), s.Bytes()...)
}

func TestSmallOrderR(t *testing.T) {
	key := testKey(0x44)
	msg := []byte("meent")
	sig := signWithR(key, identityKey, msg)
	if !ed25519.Verify(key.Public().(ed25519.PublicKey), msg, sig) {
		t.Fatal("crypto/ed25519 refuses the identity-R signature; the premise changed")
	}
	err := verifyStrict(key.Public().(ed25519.PublicKey), msg, sig)
	if meent.ErrorCode(err) != meent.ESIGNATURE {
		t.Fatalf("small-order R: %v, want bad_signature", err)
	}
}

// addL returns S + L as 32 little-endian bytes: the same scalar, spelled
// non-canonically (S < L < 2^253, so S + L still fits).
func addL(s []byte) []byte {
	l := mustHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	out := make([]byte, 32)
	carry := 0
	for i := range out {
		v := int(s[i]) + int(l[i]) + carry
		out[i] = byte(v)
		carry = v >> 8
	}
	return out
}

func TestNonCanonicalS(t *testing.T) {
	key := testKey(0x44)
	msg := []byte("meent")
	sig := ed25519.Sign(key, msg)
	bad := append(bytes.Clone(sig[:32]), addL(sig[32:])...)
	err := verifyStrict(key.Public().(ed25519.PublicKey), msg, bad)
	if meent.ErrorCode(err) != meent.ESIGNATURE {
		t.Fatalf("S + L: %v, want bad_signature", err)
	}
	if err := verifyStrict(key.Public().(ed25519.PublicKey), msg, sig); err != nil {
		t.Fatalf("the honest signature: %v", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	key := testKey(0x44)
	msg := bytes.Repeat([]byte("x"), 300)
	sig := ed25519.Sign(key, msg)
	pub := key.Public().(ed25519.PublicKey)
	b.Run("crypto/ed25519", func(b *testing.B) {
		for range b.N {
			ed25519.Verify(pub, msg, sig)
		}
	})
	b.Run("strict", func(b *testing.B) {
		for range b.N {
			verifyStrict(pub, msg, sig)
		}
	})
}

// FuzzQuickCheck: for any 32 bytes that decode to a point, the byte-level
// check of the hot path and the decoding check give the same verdict.
func FuzzQuickCheck(f *testing.F) {
	for _, e := range smallOrder {
		f.Add(e[:])
	}
	f.Add([]byte(testKey(1).Public().(ed25519.PublicKey)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != 32 {
			return
		}
		ref := checkPoint(b)
		if ref == errNotPoint {
			return
		}
		if got := quickCheck(b); got != ref {
			t.Fatalf("%x: quickCheck %v, checkPoint %v", b, got, ref)
		}
	})
}

func TestCheckSignerKey(t *testing.T) {
	for _, e := range smallOrder {
		if CheckSignerKey(e[:]) == nil {
			t.Errorf("%x accepted", e)
		}
	}
	if err := CheckSignerKey(testKey(1).Public().(ed25519.PublicKey)); err != nil {
		t.Error(err)
	}
	if CheckSignerKey(make([]byte, 31)) == nil {
		t.Error("31 bytes accepted")
	}
}
