package private

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"

	"github.com/meent/meent"
)

// Domain separates private-record commitments from every other SHA-256 in
// meent (event hashes, blob hashes, tree hashes): the same bytes hashed
// for another purpose never yield a valid commitment. It is fixed-length,
// as is the salt, so (Domain, salt, data) splits one way only.
const Domain = "meent private record v1\x00"

// SaltSize is the length of a salt in bytes. 32 random bytes make the
// commitment reveal nothing about the data: guessing a short reference
// ("paid", an IBAN of a known bank) means guessing the salt too.
const SaltSize = 32

// MaxData bounds the bytes of one private record. Private records hold
// references and short statements, not files.
const MaxData = 4096

// Commitment is SHA-256(Domain || salt || data), written in events as 64
// lowercase hex digits.
type Commitment [32]byte

// String returns the commitment as lowercase hex, as events carry it.
func (c Commitment) String() string { return hex.EncodeToString(c[:]) }

// ParseCommitment parses 64 lowercase hex digits. Upper case is refused so
// that one commitment has one spelling in the log.
func ParseCommitment(s string) (Commitment, error) {
	var c Commitment
	if len(s) != 64 {
		return c, meent.Errorf(meent.EINVALID, "a commitment is 64 lowercase hex digits, not %d characters", len(s))
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return c, meent.Errorf(meent.EINVALID, "a commitment is 64 lowercase hex digits")
		}
	}
	hex.Decode(c[:], []byte(s))
	return c, nil
}

// Commit returns the commitment to data under salt.
func Commit(salt [SaltSize]byte, data []byte) Commitment {
	h := sha256.New()
	h.Write([]byte(Domain))
	h.Write(salt[:])
	h.Write(data)
	var c Commitment
	h.Sum(c[:0])
	return c
}

// Check reports whether data and salt open commitment c. Whoever is shown
// the data and salt of a record checks with it that the log's event points
// to exactly these bytes.
func Check(c Commitment, salt [SaltSize]byte, data []byte) bool {
	d := Commit(salt, data)
	return subtle.ConstantTimeCompare(c[:], d[:]) == 1
}

// NewSalt returns a fresh random salt.
func NewSalt() [SaltSize]byte {
	var s [SaltSize]byte
	rand.Read(s[:]) // never fails (crypto/rand since Go 1.24)
	return s
}

// Seal makes a new record of data for owner, scoped to a commons ("" for
// none): a fresh salt and its commitment. The caller stores it (Store.Put)
// before it signs the event that carries the commitment.
func Seal(data []byte, owner, commonsID string, now int64) (Record, error) {
	if err := CheckData(data); err != nil {
		return Record{}, err
	}
	salt := NewSalt()
	return Record{Commitment: Commit(salt, data), Data: append([]byte(nil), data...), Salt: salt,
		Owner: owner, Commons: commonsID, Created: now}, nil
}

// CheckData checks the bytes of a private record: 1 to MaxData bytes.
// They need not be text.
func CheckData(data []byte) error {
	if len(data) == 0 {
		return meent.Errorf(meent.EINVALID, "a private record holds at least one byte")
	}
	if len(data) > MaxData {
		return meent.Errorf(meent.ETOOLARGE, "a private record holds at most %d bytes, not %d", MaxData, len(data))
	}
	return nil
}
