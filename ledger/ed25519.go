package ledger

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"

	"filippo.io/edwards25519"

	"github.com/meent/meent"
)

// The Ed25519 verification rule of docs/ledger.md section 1.
//
// Ed25519 implementations agree on honestly made signatures but not on
// edge cases, and a log is only trustworthy if every verifier reaches the
// same verdict on every entry. Go's crypto/ed25519 (like OpenSSL) accepts
// a small-order public key such as the identity point, for which the
// signature R = identity, S = 0 verifies for every message; libsodium
// refuses it. A node that accepted such a key would let anyone forge that
// agent's events, and peers with another library would disagree about the
// log. So meent pins one rule, the RFC 8032 cofactorless equation as
// crypto/ed25519 checks it, plus the refusals libsodium's
// crypto_sign_verify_detached also makes:
//
//   - the public key A is a canonical encoding (y < p, and not "-0"),
//   - A is not of small order (8·A is not the identity),
//   - R is a canonical encoding of a point that is not of small order,
//   - S is canonical: S < L (crypto/ed25519 checks this too).
//
// Mixed-order keys (a large-order point plus a small-order component) are
// not refused: the cofactorless equation already binds them to one
// verdict, and refusing them would need a full-order check nobody else
// makes.

// Why a point encoding is refused.
var (
	errNotPoint     = errors.New("is not a point on the curve")
	errNonCanonical = errors.New("is not the canonical encoding of its point")
	errSmallOrder   = errors.New("is a point of small order")
)

// checkPoint decodes a 32-byte point encoding and refuses the encodings
// and points the rule above refuses.
func checkPoint(b []byte) error {
	if len(b) != 32 {
		return errNotPoint
	}
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		return errNotPoint
	}
	// SetBytes accepts y >= p and x = 0 with the sign bit set; only the
	// encoding Bytes gives back is canonical.
	if !bytes.Equal(p.Bytes(), b) {
		return errNonCanonical
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return errSmallOrder
	}
	return nil
}

// CheckPublicKey reports why key is not acceptable as an agent's Ed25519
// public key under docs/ledger.md section 1, or nil if it is: it must be
// 32 bytes encoding, canonically, a point of the curve that is not of
// small order. The error is plain: callers give it their own code
// (bad_signature when verifying an entry, rule_violation for a key named
// in data).
func CheckPublicKey(key []byte) error {
	if len(key) != ed25519.PublicKeySize {
		return errors.New("public key is not 32 bytes")
	}
	if err := checkPoint(key); err != nil {
		return errors.New("public key " + err.Error())
	}
	return nil
}

// smallOrder holds the encodings, sign bit cleared, of every point of small
// order, canonical or not: the eight torsion points have y in {0, 1, p-1,
// and two values for order 8}, and only y = 0 and y = 1 have a second,
// non-canonical spelling (y + p) below 2^255. It is libsodium's blocklist;
// TestSmallOrderTable derives it again with edwards25519.
var smallOrder = [7][32]byte{
	{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, // y = 0, order 4
	{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, // identity
	{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05}, // order 8
	{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}, // order 8
	{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // y = p-1, order 2
	{0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // y = p: non-canonical 0
	{0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, // y = p+1: non-canonical identity
}

// quickCheck is checkPoint without decoding the point: the same verdict
// for every encoding that is a point (TestQuickCheckAgrees), at no cost,
// because verification is the hot path of ingest and audit (decoding A and
// R again would add about a third to each signature check). It does not
// detect encodings that are not points; ed25519.Verify refuses those.
func quickCheck(b []byte) error {
	var y [32]byte
	copy(y[:], b)
	sign := y[31] >> 7
	y[31] &= 0x7f
	// y >= p = 2^255 - 19: bytes 1..30 are 0xff, byte 31 is 0x7f, byte 0
	// is at least 0xed. x = 0 with the sign bit set ("-0") only happens
	// for y = 1 and y = p-1 (table entries 1 and 4).
	if y[31] == 0x7f && y[0] >= 0xed && allFF(y[1:31]) || sign == 1 && (y == smallOrder[1] || y == smallOrder[4]) {
		return errNonCanonical
	}
	for i := range smallOrder {
		if y == smallOrder[i] {
			return errSmallOrder
		}
	}
	return nil
}

func allFF(b []byte) bool {
	for _, c := range b {
		if c != 0xff {
			return false
		}
	}
	return true
}

// CheckSignerKey is CheckPublicKey for the key of an event whose signature
// was checked when it entered the log (by this rule or by plain RFC 8032,
// which also decodes the key): that key is a point, so only its encoding
// and order are left to check, which costs nothing. Replays of a long log
// call it for every agent.create; decoding each key again would add a
// sixth to the cost of auditing such a log.
func CheckSignerKey(key []byte) error {
	if len(key) != ed25519.PublicKeySize {
		return errors.New("public key is not 32 bytes")
	}
	if err := quickCheck(key); err != nil {
		return errors.New("public key " + err.Error())
	}
	return nil
}

// verifyStrict checks sig over msg with key under the rule above.
func verifyStrict(key ed25519.PublicKey, msg, sig []byte) error {
	if len(key) != ed25519.PublicKeySize {
		return meent.Errorf(meent.ESIGNATURE, "public key is not %d bytes", ed25519.PublicKeySize)
	}
	if len(sig) != ed25519.SignatureSize {
		return meent.Errorf(meent.ESIGNATURE, "signature is not %d bytes", ed25519.SignatureSize)
	}
	if err := quickCheck(key); err != nil {
		return meent.Errorf(meent.ESIGNATURE, "public key %v; docs/ledger.md section 1 refuses such keys", err)
	}
	if err := quickCheck(sig[:32]); err != nil {
		return meent.Errorf(meent.ESIGNATURE, "signature R %v", err)
	}
	if _, err := new(edwards25519.Scalar).SetCanonicalBytes(sig[32:]); err != nil {
		return meent.Errorf(meent.ESIGNATURE, "signature S is not canonical (S >= L)")
	}
	// crypto/ed25519 decodes A (refusing non-points), computes
	// R' = [S]B - [k]A and compares its canonical encoding with R's bytes.
	if !ed25519.Verify(key, msg, sig) {
		return meent.Errorf(meent.ESIGNATURE, "signature does not verify for key %s", base64.StdEncoding.EncodeToString(key))
	}
	return nil
}
